import { Alert, Button, Group, Stack, Text } from '@mantine/core'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { describeError } from '../../components/errors.js'
import type { PendingConfirmation } from './DestructiveConfirm.js'

/**
 * The foot of a builder: what stops the save (`children`), the save's error, the save button, « Modifications non
 * enregistrées » with a discard that asks first, and the saved message read out by screen readers.
 */
export function SaveBar({
  label,
  dirty,
  blocked,
  pending,
  error,
  savedMessage,
  onSave,
  onDiscard,
  confirm,
  children,
}: {
  label: string
  dirty: boolean
  /** true while something must be corrected first */
  blocked: boolean
  pending: boolean
  error: unknown
  /** shown once the draft is saved and unchanged since */
  savedMessage: string | null
  onSave: () => void
  onDiscard: () => void
  confirm: (pending: PendingConfirmation) => void
  children?: ReactNode
}) {
  const { t } = useTranslation()
  return (
    <Stack gap="xs">
      {children}
      {error ? (
        <Alert color="red" role="alert">
          {describeError(t, error)}
        </Alert>
      ) : null}
      <Group>
        <Button onClick={onSave} loading={pending} disabled={!dirty || blocked}>
          {label}
        </Button>
        {dirty && (
          <>
            <Text size="sm" fw={600}>
              {t('builder.unsaved')}
            </Text>
            <Button
              variant="subtle"
              color="red"
              onClick={() =>
                confirm({
                  title: t('builder.discardTitle'),
                  text: t('builder.discardText'),
                  confirm: t('builder.discard'),
                  onConfirm: onDiscard,
                })
              }
            >
              {t('builder.discard')}
            </Button>
          </>
        )}
        <Text role="status" size="sm" fw={600} c="teal.9">
          {!dirty && savedMessage ? savedMessage : ''}
        </Text>
      </Group>
    </Stack>
  )
}
