import { Alert, Badge, Card, Group, Loader, NumberInput, Stack, Table, Text, Title } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { describeError } from '../../components/errors.js'
import { type Assumption, type CampaignPlan, planningApi } from './api.js'

const asNumber = (value: string | number) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined)

function SourceBadge({ assumption }: { assumption: Assumption }) {
  const { t } = useTranslation()
  return assumption.source === 'observed' ? (
    <Badge color="teal" variant="light">
      {t('planning.observed', { count: assumption.sample })}
    </Badge>
  ) : (
    <Badge color="gray" variant="light">
      {t('planning.default')}
    </Badge>
  )
}

function AssumptionsTable({ plan }: { plan: CampaignPlan }) {
  const { t, i18n } = useTranslation()
  const number = (value: number, digits = 1) =>
    new Intl.NumberFormat(i18n.language, { maximumFractionDigits: digits }).format(value)
  const { assumptions } = plan
  const rows: Array<{ key: string; value: string; assumption: Assumption }> = [
    {
      key: 'reachRate',
      value: t('planning.percent', { value: number(assumptions.reachRate.value * 100, 0) }),
      assumption: assumptions.reachRate,
    },
    {
      key: 'attemptsPerHousehold',
      value: number(assumptions.attemptsPerHousehold.value),
      assumption: assumptions.attemptsPerHousehold,
    },
    {
      key: 'conversationMinutes',
      value: t('planning.minutes', { value: number(assumptions.conversationMinutes.value) }),
      assumption: assumptions.conversationMinutes,
    },
    {
      key: 'wrapUpMinutes',
      value: t('planning.minutes', { value: number(assumptions.wrapUpMinutes.value) }),
      assumption: assumptions.wrapUpMinutes,
    },
    {
      key: 'unansweredAttemptMinutes',
      value: t('planning.minutes', { value: number(assumptions.unansweredAttemptMinutes.value) }),
      assumption: assumptions.unansweredAttemptMinutes,
    },
  ]
  return (
    <Table striped withTableBorder aria-label={t('planning.assumptions')}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('planning.assumption')}</Table.Th>
          <Table.Th>{t('planning.value')}</Table.Th>
          <Table.Th>{t('planning.source')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.key} data-assumption={row.key}>
            <Table.Td>{t(`planning.${row.key}`)}</Table.Td>
            <Table.Td>{row.value}</Table.Td>
            <Table.Td>
              <SourceBadge assumption={row.assumption} />
            </Table.Td>
          </Table.Tr>
        ))}
        <Table.Tr data-assumption="hoursPerWeekPerCaller">
          <Table.Td>{t('planning.hoursPerWeek')}</Table.Td>
          <Table.Td>{number(assumptions.hoursPerWeekPerCaller.used)} h</Table.Td>
          <Table.Td>
            <Badge color={plan.hoursPerWeekSource === 'requested' ? 'blue' : 'gray'} variant="light">
              {plan.hoursPerWeekSource === 'requested' ? t('planning.requested') : t('planning.default')}
            </Badge>
          </Table.Td>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  )
}

/**
 * The manager types a number of callers (and their hours) or a number of days, and reads the estimate with the
 * assumptions behind it and where each comes from (the campaign's own calls or a documented default).
 */
export function PlanCard({ campaignId }: { campaignId: string }) {
  const { t, i18n } = useTranslation()
  const [callers, setCallers] = useState<string | number>('')
  const [hoursPerWeek, setHoursPerWeek] = useState<string | number>(5)
  const [days, setDays] = useState<string | number>('')
  const [query] = useDebouncedValue(
    { callers: asNumber(callers), hoursPerWeek: asNumber(hoursPerWeek), days: asNumber(days) },
    300,
  )
  const plan = useQuery({
    queryKey: ['campaign-plan', campaignId, query],
    // Without callers or days, the server estimates with the campaign's own team.
    queryFn: () => planningApi.plan(campaignId, query),
    placeholderData: keepPreviousData,
  })
  const number = (value: number, digits = 1) =>
    new Intl.NumberFormat(i18n.language, { maximumFractionDigits: digits }).format(value)
  const data = plan.data
  const hoursUsed = data ? number(data.assumptions.hoursPerWeekPerCaller.used) : ''
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="plan-title">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} id="plan-title">
            {t('planning.title')}
          </Title>
          {plan.isFetching && <Loader size="xs" aria-hidden />}
        </Group>
        <Text size="sm">{t('planning.intro')}</Text>
        <Group align="flex-start" grow>
          <NumberInput
            label={t('planning.callers')}
            min={1}
            max={10000}
            allowDecimal={false}
            value={callers}
            onChange={setCallers}
            placeholder={data?.estimate && !asNumber(callers) ? String(data.estimate.callers) : undefined}
          />
          <NumberInput
            label={t('planning.hoursPerWeek')}
            min={0.5}
            max={168}
            step={0.5}
            decimalScale={1}
            value={hoursPerWeek}
            onChange={setHoursPerWeek}
          />
          <NumberInput
            label={t('planning.days')}
            description={t('planning.daysHelp')}
            min={1}
            max={3650}
            allowDecimal={false}
            value={days}
            onChange={setDays}
          />
        </Group>
        {plan.error && (
          <Alert color="red" role="alert">
            {describeError(t, plan.error)}
          </Alert>
        )}
        {data && (
          <Stack gap="xs" aria-live="polite">
            {data.remainingHouseholds === 0 ? (
              <Text fw={600}>{t('planning.nothingLeft')}</Text>
            ) : (
              <>
                <Text>
                  {t('planning.remaining', {
                    count: data.remainingHouseholds,
                    hours: number(data.totalHours, 0),
                  })}
                </Text>
                {data.estimate &&
                  (data.estimate.days === null ? (
                    <Alert color="orange">{t('planning.noHours')}</Alert>
                  ) : (
                    <Text fw={700} size="lg" data-plan="estimate">
                      {t('planning.estimate', {
                        callers: data.estimate.callers,
                        hours: hoursUsed,
                        days: data.estimate.days,
                        weeks: number(data.estimate.weeks ?? 0),
                        weeksCount: data.estimate.weeks ?? 0,
                      })}
                    </Text>
                  ))}
                {data.requirement &&
                  (data.requirement.callers === null ? (
                    <Alert color="orange" data-plan="impossible">
                      {t('planning.impossible', { days: data.requirement.days, minimum: data.minimumDays })}
                    </Alert>
                  ) : (
                    <Text fw={700} size="lg" data-plan="requirement">
                      {t('planning.requirement', {
                        days: data.requirement.days,
                        callers: data.requirement.callers,
                        hours: hoursUsed,
                      })}
                    </Text>
                  ))}
                {data.estimate?.days === data.minimumDays && (
                  <Text size="sm">{t('planning.floor', { minimum: data.minimumDays })}</Text>
                )}
              </>
            )}
            {data.assumptions.hoursPerWeekPerCaller.isCapped && (
              <Text size="sm">
                {t('planning.capped', {
                  weekly: number(data.assumptions.hoursPerWeekPerCaller.campaignWeeklyHours),
                  used: hoursUsed,
                })}
              </Text>
            )}
            <Title order={4}>{t('planning.assumptions')}</Title>
            <AssumptionsTable plan={data} />
            <Text size="xs">{t('planning.defaultsNote')}</Text>
          </Stack>
        )}
      </Stack>
    </Card>
  )
}
