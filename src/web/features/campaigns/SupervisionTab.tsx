import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Modal,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatInstant } from '../../../shared/clock.js'
import { labelOf, localeOf } from '../../../shared/labels.js'
import { describeError } from '../../components/errors.js'
import { WHOLE_BADGE } from '../../components/table-styles.js'
import { type SupervisionSnapshot, supervisionApi } from './supervision.api.js'

type Held = SupervisionSnapshot['heldTooLong'][number]

/**
 * The snapshot of a running campaign, kept fresh by the server's event stream (a snapshot every few seconds); when the
 * stream fails (a proxy that buffers, a lost connection) the view falls back to asking every 15 seconds.
 */
function useLiveSnapshot(campaignId: string) {
  const queryClient = useQueryClient()
  const [mode, setMode] = useState<'connecting' | 'live' | 'polling'>('connecting')
  const key = ['campaign-supervision', campaignId]
  const snapshot = useQuery({
    queryKey: key,
    queryFn: () => supervisionApi.snapshot(campaignId),
    refetchInterval: mode === 'polling' ? 15_000 : false,
  })
  useEffect(() => {
    if (typeof EventSource === 'undefined') {
      setMode('polling')
      return
    }
    const source = new EventSource(supervisionApi.liveUrl(campaignId), { withCredentials: true })
    source.addEventListener('snapshot', (event) => {
      setMode('live')
      queryClient.setQueryData(['campaign-supervision', campaignId], JSON.parse((event as MessageEvent).data))
    })
    source.onerror = () => {
      source.close()
      setMode('polling')
    }
    return () => source.close()
  }, [campaignId, queryClient])
  return { snapshot, mode }
}

function Figure({
  label,
  value,
  detail,
  name,
}: {
  label: string
  value: string | number
  detail?: string
  name: string
}) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs">{label}</Text>
      <Text fw={700} size="xl" data-live={name}>
        {value}
      </Text>
      {detail && <Text size="xs">{detail}</Text>}
    </Card>
  )
}

export function SupervisionTab({ campaignId }: { campaignId: string }) {
  const { t, i18n } = useTranslation()
  const queryClient = useQueryClient()
  const { snapshot, mode } = useLiveSnapshot(campaignId)
  const [toRelease, setToRelease] = useState<Held | null>(null)
  const release = useMutation({
    mutationFn: (held: Held) => supervisionApi.releaseHeld(campaignId, held.targetId),
    onSuccess: () => {
      setToRelease(null)
      notifications.show({ color: 'teal', message: t('supervision.live.released') })
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['campaign-supervision', campaignId] }),
  })
  if (snapshot.isPending) return <Loader />
  if (snapshot.error) return <Alert color="red">{describeError(t, snapshot.error)}</Alert>
  const s = snapshot.data
  const when = (instant: string) => formatInstant(instant, i18n.language)
  const locale = localeOf(i18n.language)
  const percent = (part: number, whole: number) => (whole > 0 ? Math.round((100 * part) / whole) : 0)
  return (
    <Stack>
      <Text size="sm" data-live-mode={mode}>
        {mode === 'polling'
          ? t('supervision.live.polling')
          : t('supervision.live.updatedAt', {
              time: new Intl.DateTimeFormat(i18n.language, { timeStyle: 'medium', timeZone: 'Europe/Paris' }).format(
                new Date(s.at),
              ),
            })}
      </Text>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Figure name="activeCallers" label={t('supervision.live.activeCallers')} value={s.activeCallers} />
        <Figure name="callsLastHour" label={t('supervision.live.callsLastHour')} value={s.callsLastHour} />
        <Figure
          name="reach"
          label={t('supervision.live.reach')}
          value={`${percent(s.reach.reached, s.reach.targeted)} %`}
          detail={t('supervision.live.reachDetail', s.reach)}
        />
        <Figure name="callbacks" label={t('supervision.live.callbacksDue')} value={s.callbacks.length} />
      </SimpleGrid>

      <Title order={3} size="h4">
        {t('supervision.live.whoTitle')}
      </Title>
      {s.callers.length === 0 ? (
        <Text>{t('supervision.live.nobody')}</Text>
      ) : (
        <Table data-testid="live-callers">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('supervision.callers.name')}</Table.Th>
              <Table.Th />
              <Table.Th>{t('supervision.live.calls8h')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {s.callers.map((caller) => (
              <Table.Tr key={caller.id}>
                <Table.Td>{caller.name}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={caller.isCalling ? 'teal' : 'gray'} {...WHOLE_BADGE}>
                    {caller.isCalling ? t('supervision.live.calling') : t('supervision.live.idle')}
                  </Badge>
                </Table.Td>
                <Table.Td>{caller.callsLast8Hours}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      <Title order={3} size="h4">
        {t('supervision.live.heldTitle', { minutes: s.heldTooLongMinutes })}
      </Title>
      {release.error && (
        <Alert color="red" role="alert">
          {describeError(t, release.error)}
        </Alert>
      )}
      {s.heldTooLong.length === 0 ? (
        <Text data-live="held-none">{t('supervision.live.heldNone')}</Text>
      ) : (
        <Table data-testid="held-too-long">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('supervision.debriefs.caller')}</Table.Th>
              <Table.Th>{t('supervision.live.heldSince')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {s.heldTooLong.map((held) => (
              <Table.Tr key={held.targetId}>
                <Table.Td>{held.caller.name}</Table.Td>
                <Table.Td>{when(held.heldSince)}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="outline"
                    aria-label={t('supervision.live.releaseNamed', { name: held.caller.name })}
                    onClick={() => setToRelease(held)}
                  >
                    {t('supervision.live.release')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      <Title order={3} size="h4">
        {t('supervision.live.callbacksTitle')}
      </Title>
      {s.callbacks.length === 0 ? (
        <Text>{t('supervision.live.callbacksNone')}</Text>
      ) : (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('supervision.live.callbackAt')}</Table.Th>
              <Table.Th>{t('supervision.live.callbackCaller')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {s.callbacks.slice(0, 20).map((callback) => (
              <Table.Tr key={callback.targetId}>
                <Table.Td>{when(callback.at)}</Table.Td>
                <Table.Td>{callback.preferredCaller?.name ?? t('supervision.live.anyone')}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      <Title order={3} size="h4">
        {t('supervision.live.fragilityTitle')}
      </Title>
      <Table data-testid="by-fragility">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('supervision.live.level')}</Table.Th>
            <Table.Th>{t('supervision.live.targeted')}</Table.Th>
            <Table.Th>{t('supervision.live.done')}</Table.Th>
            <Table.Th w="40%" />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {s.byFragility.map((row) => {
            const level = row.level ? labelOf('fragility', row.level, locale) : t('supervision.live.unknownLevel')
            return (
              <Table.Tr key={row.level ?? 'unknown'}>
                <Table.Td>{level}</Table.Td>
                <Table.Td>{row.targeted}</Table.Td>
                <Table.Td>{row.done}</Table.Td>
                <Table.Td>
                  <Progress
                    value={percent(row.done, row.targeted)}
                    aria-label={t('supervision.live.progressOf', { level })}
                  />
                </Table.Td>
              </Table.Tr>
            )
          })}
        </Table.Tbody>
      </Table>

      <Modal
        opened={toRelease !== null}
        onClose={() => setToRelease(null)}
        title={t('supervision.live.releaseTitle')}
        closeButtonProps={{ 'aria-label': t('history.close') }}
      >
        {toRelease && (
          <Stack>
            <Text>
              {t('supervision.live.releaseBody', { name: toRelease.caller.name, since: when(toRelease.heldSince) })}
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setToRelease(null)}>
                {t('supervision.live.cancel')}
              </Button>
              <Button color="red" onClick={() => release.mutate(toRelease)} loading={release.isPending}>
                {t('supervision.live.releaseConfirm')}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  )
}
