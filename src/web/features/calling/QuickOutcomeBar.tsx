import { Button, Group, Modal, Switch, Table, Text } from '@mantine/core'
import { useDisclosure, useElementSize } from '@mantine/hooks'
import { IconClock, IconKeyboard, IconPhoneCall } from '@tabler/icons-react'
import { type ReactNode, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import './quick.css'
import {
  callSeconds,
  formatElapsed,
  QUICK_OUTCOMES,
  type QuickOutcome,
  quickShortcut,
  quickShortcutLabel,
} from './quick.js'

/**
 * The common outcomes as buttons, each saving the call at once; the « Enchaîner » switch; the shortcut keys' help.
 * At the top of the workspace; a bar fixed to the bottom of the screen below 1,024 px (quick.css).
 */
export function QuickOutcomeBar({
  disabled,
  onQuick,
  isChained,
  onChainedChange,
  onHeight,
  children,
}: {
  disabled: boolean
  /** The bar's height as drawn, for the room kept below the workspace while it is fixed to the bottom. */
  onHeight?: (height: number) => void
  onQuick: (disposition: QuickOutcome) => void
  isChained: boolean
  onChainedChange: (isChained: boolean) => void
  /** Shown first in the bar (the call timer). */
  children?: ReactNode
}) {
  const { t, i18n } = useTranslation()
  const [isHelpOpen, help] = useDisclosure(false)
  const { ref, height } = useElementSize()
  useEffect(() => onHeight?.(height), [height, onHeight])
  return (
    <section ref={ref} className="quick-bar" aria-label={t('workspace.quick.title')}>
      <Group gap="xs" wrap="wrap" justify="space-between">
        <Group gap="xs" wrap="wrap">
          {children}
          {QUICK_OUTCOMES.map((code) => (
            <Button
              key={code}
              variant="light"
              color="blue"
              size="sm"
              px="sm"
              disabled={disabled}
              aria-keyshortcuts={quickShortcut(code)}
              onClick={() => onQuick(code)}
            >
              {t(`calling.dispositions.${code}`)}
              <kbd style={{ marginLeft: 6 }}>{quickShortcutLabel(code, i18n.language)}</kbd>
            </Button>
          ))}
        </Group>
        <Group gap="sm" wrap="nowrap">
          <Switch
            label={t('workspace.quick.chain')}
            checked={isChained}
            onChange={(event) => onChainedChange(event.currentTarget.checked)}
          />
          <Button
            variant="subtle"
            size="compact-sm"
            leftSection={<IconKeyboard size={16} aria-hidden />}
            onClick={help.open}
          >
            {t('workspace.shortcuts.title')}
          </Button>
        </Group>
      </Group>
      <Modal opened={isHelpOpen} onClose={help.close} title={t('workspace.shortcuts.title')}>
        <Text size="sm" mb="sm">
          {t('workspace.shortcuts.intro')}
        </Text>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('workspace.shortcuts.keys')}</Table.Th>
              <Table.Th scope="col">{t('workspace.shortcuts.action')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {QUICK_OUTCOMES.map((code) => (
              <Table.Tr key={code}>
                <Table.Td>
                  <kbd>{quickShortcutLabel(code, i18n.language)}</kbd>
                </Table.Td>
                <Table.Td>{t('workspace.shortcuts.save', { outcome: t(`calling.dispositions.${code}`) })}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text size="sm" mt="sm">
          {t('workspace.shortcuts.chain')}
        </Text>
        <Text size="sm" mt="xs" c="dimmed">
          {t('workspace.shortcuts.why')}
        </Text>
      </Modal>
    </section>
  )
}

/**
 * The call timer: « J'appelle » until the caller dials (this button or a number's `tel:` link), then the elapsed
 * mm:ss, frozen at the save (`stoppedSeconds`, the duration the outcome carries).
 */
export function CallTimer({
  dialedAt,
  stoppedSeconds,
  disabled,
  onStart,
}: {
  dialedAt: string | null
  stoppedSeconds: number | null
  disabled: boolean
  onStart: () => void
}) {
  const { t } = useTranslation()
  const [now, setNow] = useState(() => new Date())
  const isRunning = dialedAt !== null && stoppedSeconds === null
  useEffect(() => {
    if (!isRunning) return
    setNow(new Date())
    const timer = setInterval(() => setNow(new Date()), 1000)
    return () => clearInterval(timer)
  }, [isRunning])
  if (dialedAt === null && stoppedSeconds === null) {
    return (
      <Button
        variant="filled"
        color="teal"
        size="sm"
        disabled={disabled}
        leftSection={<IconPhoneCall size={16} aria-hidden />}
        onClick={onStart}
      >
        {t('workspace.timer.start')}
      </Button>
    )
  }
  const seconds = stoppedSeconds ?? callSeconds(dialedAt, now) ?? 0
  return (
    <Group gap={6} wrap="nowrap" px="xs">
      <IconClock size={18} aria-hidden />
      <Text
        size="sm"
        fw={700}
        role="timer"
        aria-label={t('workspace.timer.label', { elapsed: formatElapsed(seconds) })}
        style={{ fontVariantNumeric: 'tabular-nums' }}
      >
        {formatElapsed(seconds)}
      </Text>
    </Group>
  )
}
