import {
  Alert,
  Button,
  Card,
  Group,
  Loader,
  NumberInput,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatDay, formatInstant } from '../../../shared/clock.js'
import { RETENTION_PERIODS, type RetentionPeriod, retentionContract } from '../../../shared/contracts/retention.js'
import { localeOf } from '../../../shared/labels.js'
import { call } from '../../api/client.js'
import { describeError } from '../../components/errors.js'
import { rolesOf, useSession } from '../auth/session.js'

/**
 * Retention for the DPO's desk: an organisation's periods (changed by an administrator, with a reason), the households
 * due for erasure within 30 days (and what keeps some of them), and the last purges.
 */
export function RetentionPanel({ organizationCode }: { organizationCode: string }) {
  const { t, i18n } = useTranslation()
  const locale = localeOf(i18n.language)
  const queryClient = useQueryClient()
  const { data: user } = useSession()
  const mayEdit = user ? rolesOf(user).includes('admin') : false
  const settings = useQuery({
    queryKey: ['retention', 'settings', organizationCode],
    queryFn: () => call(retentionContract.readSettings, { params: { code: organizationCode } }),
  })
  const due = useQuery({
    queryKey: ['retention', 'due', organizationCode],
    queryFn: () => call(retentionContract.due, { query: { organization: organizationCode, days: 30 } }),
  })
  const runs = useQuery({
    queryKey: ['retention', 'runs'],
    queryFn: () => call(retentionContract.runs, { query: { limit: 10 } }),
  })
  const [draft, setDraft] = useState<Partial<Record<RetentionPeriod, number | null>>>({})
  const [reason, setReason] = useState('')
  const [saved, setSaved] = useState(false)
  const save = useMutation({
    mutationFn: () => {
      const overrides = settings.data!.overrides
      // A period not touched keeps the organisation's own value (null: the default).
      const periods = Object.fromEntries(
        RETENTION_PERIODS.map((period) => [period, draft[period] === undefined ? overrides[period] : draft[period]]),
      ) as Record<RetentionPeriod, number | null>
      return call(retentionContract.updateSettings, {
        params: { code: organizationCode },
        body: {
          ...periods,
          reason: reason.trim(),
        },
      })
    },
    onSuccess: async () => {
      setDraft({})
      setReason('')
      setSaved(true)
      await queryClient.invalidateQueries({ queryKey: ['retention'] })
    },
  })
  const months = (value: string | number) => (typeof value === 'number' ? value : null)

  return (
    <Stack>
      <Card withBorder component="section" aria-labelledby="retention-settings">
        <Title order={3} size="h4" mb="xs" id="retention-settings">
          {t('retention.settings')}
        </Title>
        {settings.isPending && <Loader size="sm" />}
        {settings.error && <Alert color="red">{describeError(t, settings.error)}</Alert>}
        {settings.data && (
          <Stack gap="xs">
            {/* Two by two: four side by side left each label a column of narrow lines on a tablet. */}
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              {RETENTION_PERIODS.map((period) => (
                <NumberInput
                  key={period}
                  label={t(`retention.${period}`)}
                  description={t('retention.default', { months: settings.data.defaults[period] })}
                  min={1}
                  max={120}
                  readOnly={!mayEdit}
                  value={draft[period] ?? settings.data.periods[period]}
                  onChange={(value) => setDraft({ ...draft, [period]: months(value) })}
                />
              ))}
            </SimpleGrid>
            {!settings.data.purgeEnabled && <Text size="sm">{t('retention.purgeDisabled')}</Text>}
            {!mayEdit && <Text size="sm">{t('retention.readOnly')}</Text>}
            {mayEdit && (
              <>
                <Textarea
                  label={t('retention.reason')}
                  value={reason}
                  onChange={(event) => {
                    setReason(event.currentTarget.value)
                    setSaved(false)
                  }}
                  maxLength={500}
                />
                {save.error && (
                  <Alert color="red" role="alert">
                    {describeError(t, save.error)}
                  </Alert>
                )}
                <div role="status">{saved && <Alert color="teal">{t('retention.saved')}</Alert>}</div>
                <Group>
                  <Button onClick={() => save.mutate()} loading={save.isPending} disabled={reason.trim().length < 5}>
                    {t('retention.save')}
                  </Button>
                </Group>
              </>
            )}
          </Stack>
        )}
      </Card>

      <Card withBorder component="section" aria-labelledby="retention-due">
        <Title order={3} size="h4" mb="xs" id="retention-due">
          {t('retention.due')}
        </Title>
        {due.isPending && <Loader size="sm" />}
        {due.error && <Alert color="red">{describeError(t, due.error)}</Alert>}
        {due.data && due.data.items.length === 0 && <Text size="sm">{t('retention.noneDue')}</Text>}
        {due.data && due.data.items.length > 0 && (
          <Table.ScrollContainer minWidth={500}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('retention.reference')}</Table.Th>
                  <Table.Th>{t('retention.dueOn')}</Table.Th>
                  <Table.Th>{t('retention.rule')}</Table.Th>
                  <Table.Th>{t('retention.kept')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {due.data.items.map((item) => (
                  <Table.Tr key={item.householdId}>
                    <Table.Td>{item.externalRef}</Table.Td>
                    <Table.Td>{formatDay(item.dueOn, locale)}</Table.Td>
                    <Table.Td>{t(`retention.rules.${item.rule}`)}</Table.Td>
                    <Table.Td>
                      {item.keptBecause.length
                        ? item.keptBecause
                            .map((kept) =>
                              t('retention.keptBecause', { reason: t(`retention.keptReasons.${kept.reason}`) }),
                            )
                            .join(' ; ')
                        : t('retention.willBeErased')}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>

      <Card withBorder component="section" aria-labelledby="retention-runs">
        <Title order={3} size="h4" mb="xs" id="retention-runs">
          {t('retention.runs')}
        </Title>
        {runs.isPending && <Loader size="sm" />}
        {runs.error && <Alert color="red">{describeError(t, runs.error)}</Alert>}
        {runs.data && runs.data.items.length === 0 && <Text size="sm">{t('retention.noRuns')}</Text>}
        {runs.data && runs.data.items.length > 0 && (
          <Table.ScrollContainer minWidth={500}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('retention.startedAt')}</Table.Th>
                  <Table.Th>{t('retention.asOf')}</Table.Th>
                  <Table.Th>{t('retention.erased')}</Table.Th>
                  <Table.Th>{t('retention.auditErased')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {runs.data.items.map((run) => (
                  <Table.Tr key={run.id}>
                    <Table.Td>
                      {formatInstant(run.startedAt, locale)}
                      {run.dryRun ? ` (${t('retention.dryRun')})` : ''}
                    </Table.Td>
                    <Table.Td>{formatDay(run.asOf, locale)}</Table.Td>
                    <Table.Td>
                      {run.report ? run.report.households.erased + run.report.leftHouseholds.erased : run.status}
                    </Table.Td>
                    <Table.Td>{run.report?.auditEvents.erased ?? '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </Stack>
  )
}
