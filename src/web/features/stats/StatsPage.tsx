import '@mantine/charts/styles.css'
import './stats.css'
import {
  Alert,
  Button,
  Card,
  Group,
  Loader,
  Menu,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { IconDownload, IconFileSpreadsheet, IconPrinter } from '@tabler/icons-react'
import { useQuery } from '@tanstack/react-query'
import { type FormEvent, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useSearchParams } from 'react-router'
import type { SessionUser } from '../../../shared/contracts/auth.js'
import { type Count, type StatsReview, SUPPRESSED } from '../../../shared/stats.js'
import { formatReviewDay, type LabelKind, reviewLabel } from '../../../shared/stats-labels.js'
import { describeError } from '../../components/errors.js'
import { EXPORT_DATASETS, exportHref, pdfHref, statsApi } from './api.js'
import { ChartFigure, type ChartRow, formatCount } from './ChartFigure.js'
import { canExport, defaultPeriod, filtersQuery, periodProblem, type ReviewFilters, readFilters } from './filters.js'

const REVIEW_ROLES = ['admin', 'manager', 'viewer'] as const

function languageOf(language: string): 'fr' | 'en' {
  return language.startsWith('en') ? 'en' : 'fr'
}

/** The review dashboard (/bilan): filters kept in the URL, key figures, charts with their tables, print and PDF. */
export function StatsPage({ user }: { user: SessionUser }) {
  const { t, i18n } = useTranslation()
  const [query, setQuery] = useSearchParams()
  const memberships = user.memberships
  const filters = useMemo(() => readFilters(query, memberships), [query, memberships])
  const isAdmin = memberships.some((m) => m.role === 'admin')
  const manages = memberships.some((m) => m.role === 'manager' || m.role === 'admin')

  const apply = (next: ReviewFilters) => setQuery(new URLSearchParams(filtersQuery(next)))

  const review = useQuery({
    queryKey: ['stats', 'review', filtersQuery(filters)],
    queryFn: () => statsApi.review(filters),
    enabled: periodProblem(filters) === null,
    retry: false,
  })

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Title order={2}>{t('stats.title')}</Title>
          <Text size="sm" c="dimmed" className="no-print">
            {t('stats.intro')}
          </Text>
        </Stack>
        <Group gap="xs" className="no-print">
          <Button variant="light" leftSection={<IconPrinter size={18} aria-hidden />} onClick={() => window.print()}>
            {t('stats.actions.print')}
          </Button>
          <Button
            component="a"
            href={pdfHref(filters, i18n.language)}
            variant="light"
            leftSection={<IconDownload size={18} aria-hidden />}
          >
            {t('stats.actions.pdf')}
          </Button>
          {canExport(memberships, filters.scope) && (
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button variant="light" leftSection={<IconFileSpreadsheet size={18} aria-hidden />}>
                  {t('stats.actions.exports')}
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                {EXPORT_DATASETS.flatMap((dataset, index) => [
                  ...(index > 0 ? [<Menu.Divider key={`${dataset}-divider`} />] : []),
                  <Menu.Label key={`${dataset}-label`}>{t(`stats.actions.${dataset}`)}</Menu.Label>,
                  ...(['csv', 'xlsx'] as const).map((format) => (
                    <Menu.Item key={`${dataset}-${format}`} component="a" href={exportHref(dataset, format, filters)}>
                      {`${t(`stats.actions.${dataset}`)} (${format.toUpperCase()})`}
                    </Menu.Item>
                  )),
                ])}
              </Menu.Dropdown>
            </Menu>
          )}
        </Group>
      </Group>

      <Filters
        filters={filters}
        onChange={apply}
        memberships={memberships}
        withNetwork={memberships.some((m) => (REVIEW_ROLES as readonly string[]).includes(m.role))}
        isAdmin={isAdmin}
        withCampaigns={manages}
      />

      {review.isPending && periodProblem(filters) === null && (
        <Group role="status" gap="sm">
          <Loader size="sm" aria-hidden />
          <Text>{t('stats.loading')}</Text>
        </Group>
      )}
      {review.error && (
        <Alert color="red" role="alert" title={t('stats.title')}>
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{t('stats.error', { message: describeError(t, review.error) })}</Text>
            <Button size="xs" variant="light" color="red" onClick={() => void review.refetch()}>
              {t('stats.retry')}
            </Button>
          </Stack>
        </Alert>
      )}
      {review.data && <Review review={review.data} />}
    </Stack>
  )
}

function Filters({
  filters,
  onChange,
  memberships,
  withNetwork,
  isAdmin,
  withCampaigns,
}: {
  filters: ReviewFilters
  onChange: (next: ReviewFilters) => void
  memberships: SessionUser['memberships']
  withNetwork: boolean
  isAdmin: boolean
  withCampaigns: boolean
}) {
  const { t } = useTranslation()
  const [from, setFrom] = useState(filters.from)
  const [to, setTo] = useState(filters.to)
  const [problem, setProblem] = useState<ReturnType<typeof periodProblem>>(null)
  useEffect(() => {
    setFrom(filters.from)
    setTo(filters.to)
  }, [filters.from, filters.to])

  const organizations = useQuery({ queryKey: ['organizations'], queryFn: statsApi.organizations })
  const campaigns = useQuery({ queryKey: ['campaigns'], queryFn: statsApi.campaigns, enabled: withCampaigns })
  const organizationCode = filters.scope.startsWith('organization:') ? filters.scope.slice(13) : null
  const agencies = useQuery({
    queryKey: ['organizations', organizationCode, 'agencies'],
    queryFn: () => statsApi.agencies(organizationCode as string),
    enabled: organizationCode !== null,
  })

  // An administrator reviews any organisation of the network; others the organisations where they hold a review role.
  const readable = new Set(
    memberships.filter((m) => (REVIEW_ROLES as readonly string[]).includes(m.role)).map((m) => m.organization.code),
  )
  const organizationOptions = (organizations.data?.items ?? [])
    .filter((o) => isAdmin || readable.has(o.code))
    .map((o) => ({ value: `organization:${o.code}`, label: o.name }))
  for (const code of readable) {
    if (!organizationOptions.some((o) => o.value === `organization:${code}`)) {
      const name = memberships.find((m) => m.organization.code === code)?.organization.name ?? code
      organizationOptions.push({ value: `organization:${code}`, label: name })
    }
  }
  const campaignOptions = (campaigns.data?.items ?? []).map((c) => ({
    value: `campaign:${c.id}`,
    label: `${c.name} (${c.organization})`,
  }))
  const scopeData = [
    ...(withNetwork ? [{ value: 'network', label: t('stats.filters.network') }] : []),
    { group: t('stats.filters.organizations'), items: organizationOptions },
    ...(campaignOptions.length ? [{ group: t('stats.filters.campaigns'), items: campaignOptions }] : []),
  ]
  // The scope of the URL stays choosable even before the lists arrive.
  const known = [
    'network',
    ...organizationOptions.map((o) => o.value),
    ...campaignOptions.map((o) => o.value),
  ].includes(filters.scope)
  if (!known)
    scopeData.push({ group: t('stats.filters.scope'), items: [{ value: filters.scope, label: filters.scope }] })

  const submitPeriod = (event: FormEvent) => {
    event.preventDefault()
    const next = { ...filters, from, to }
    const found = periodProblem(next)
    setProblem(found)
    if (!found) onChange(next)
  }

  return (
    <Card withBorder component="section" className="no-print" aria-labelledby="stats-filters-title">
      <Title order={3} size="h5" id="stats-filters-title" mb="sm">
        {t('stats.filters.legend')}
      </Title>
      <form onSubmit={submitPeriod} noValidate>
        <Group align="flex-end" gap="md" wrap="wrap">
          <Select
            label={t('stats.filters.scope')}
            data={scopeData}
            value={filters.scope}
            onChange={(value) => {
              if (typeof value === 'string' && value) onChange({ ...filters, scope: value, agency: null })
            }}
            allowDeselect={false}
            searchable
            w={280}
          />
          {organizationCode && (agencies.data?.items.length ?? 0) > 0 && (
            <Select
              label={t('stats.filters.agency')}
              data={[
                { value: '', label: t('stats.filters.allAgencies') },
                ...(agencies.data?.items ?? []).map((a) => ({ value: a.code, label: a.name })),
              ]}
              value={filters.agency ?? ''}
              onChange={(value) => onChange({ ...filters, agency: typeof value === 'string' && value ? value : null })}
              allowDeselect={false}
              w={200}
            />
          )}
          <TextInput
            type="date"
            label={t('stats.filters.from')}
            value={from}
            onChange={(event) => setFrom(event.currentTarget.value)}
            error={
              problem === 'fromInvalid'
                ? t('stats.filters.fromInvalid')
                : problem === 'order'
                  ? t('stats.filters.order')
                  : undefined
            }
            w={170}
          />
          <TextInput
            type="date"
            label={t('stats.filters.to')}
            value={to}
            onChange={(event) => setTo(event.currentTarget.value)}
            error={problem === 'toInvalid' ? t('stats.filters.toInvalid') : undefined}
            w={170}
          />
          <Button type="submit">{t('stats.filters.apply')}</Button>
          <Button
            variant="subtle"
            onClick={() => {
              setProblem(null)
              onChange({ ...filters, ...defaultPeriod() })
            }}
          >
            {t('stats.filters.last30')}
          </Button>
        </Group>
      </form>
    </Card>
  )
}

function hasSuppressed(review: StatsReview): boolean {
  return JSON.stringify(review).includes(`"${SUPPRESSED}"`)
}

function Review({ review }: { review: StatsReview }) {
  const { t, i18n } = useTranslation()
  const locale = languageOf(i18n.language)
  const number = (value: number | null, digits = 1) =>
    value === null ? '—' : value.toLocaleString(i18n.language, { maximumFractionDigits: digits })
  const share = (value: number | null) =>
    value === null ? '—' : value.toLocaleString(i18n.language, { style: 'percent', maximumFractionDigits: 1 })
  const minutes = (seconds: number | null) =>
    seconds === null ? '—' : t('stats.figures.minutes', { value: number(seconds / 60) })
  const hours = (value: number | null) => (value === null ? '—' : t('stats.figures.hours', { value: number(value) }))
  const count = (value: Count) => formatCount(value, i18n.language)
  const rows = (buckets: { key: string; count: Count }[], kind: LabelKind | null): ChartRow[] =>
    buckets.map((bucket) => ({
      key: bucket.key,
      label: kind ? reviewLabel(kind, bucket.key, locale) : bucket.key,
      count: bucket.count,
    }))
  const period = t('stats.periodLabel', {
    from: formatReviewDay(review.period.from, locale),
    to: formatReviewDay(review.period.to, locale),
  })
  const { reach, calls, findings, referrals, callers } = review

  return (
    <Stack gap="lg" aria-live="polite">
      <div>
        <Title order={3}>{review.scopeLabel}</Title>
        <Text>{period}</Text>
        {hasSuppressed(review) && (
          <Text size="sm" c="dimmed">
            {t('stats.suppressedNote')}
          </Text>
        )}
      </div>

      <section aria-labelledby="stats-key-figures" className="stats-section">
        <Title order={3} size="h4" id="stats-key-figures" mb="sm">
          {t('stats.figures.title')}
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm" component="dl" m={0}>
          <Figure label={t('stats.figures.targeted')} value={count(reach.targeted)} />
          <Figure label={t('stats.figures.attempted')} value={count(reach.attempted)} />
          <Figure label={t('stats.figures.reached')} value={count(reach.reached)} />
          <Figure label={t('stats.figures.reachRate')} value={share(reach.reachRate)} />
          <Figure label={t('stats.figures.attemptsPerReached')} value={number(reach.attemptsPerReached)} />
          <Figure label={t('stats.figures.unreachable')} value={count(reach.unreachable)} />
          <Figure label={t('stats.figures.calls')} value={count(calls.total)} />
          <Figure label={t('stats.figures.averageDuration')} value={minutes(calls.averageDurationSeconds)} />
          <Figure label={t('stats.figures.referrals')} value={count(referrals.total)} />
          <Figure label={t('stats.figures.callers')} value={count(callers.active)} />
        </SimpleGrid>
      </section>

      <Section id="stats-calls" title={t('stats.sections.calls')}>
        <ChartFigure
          title={t('stats.charts.perDay')}
          orientation="columns"
          keyHeader={t('stats.charts.day')}
          rows={calls.perDay.map((bucket) => ({
            key: bucket.key,
            label: formatReviewDay(bucket.key, locale),
            count: bucket.count,
          }))}
        />
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <ChartFigure title={t('stats.charts.byDisposition')} rows={rows(calls.byDisposition, 'disposition')} />
          <Text>
            {t('stats.figures.durations', {
              average: minutes(calls.averageDurationSeconds),
              median: minutes(calls.medianDurationSeconds),
            })}
          </Text>
        </SimpleGrid>
      </Section>

      <Section id="stats-findings" title={t('stats.sections.findings')}>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <ChartFigure title={t('stats.charts.fragility')} rows={rows(findings.fragility, 'fragility')} />
          <ChartFigure title={t('stats.charts.needs')} rows={rows(findings.needs, 'need')} />
        </SimpleGrid>
        {findings.instruments.length > 0 && (
          <Table striped withTableBorder fz="sm" captionSide="top">
            <caption>{t('stats.tables.instruments')}</caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('stats.tables.instrument')}</Table.Th>
                <Table.Th scope="col" ta="right">
                  {t('stats.tables.scored')}
                </Table.Th>
                <Table.Th scope="col" ta="right">
                  {t('stats.tables.positive')}
                </Table.Th>
                <Table.Th scope="col" ta="right">
                  {t('stats.tables.share')}
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {findings.instruments.map((line) => (
                <Table.Tr key={line.instrument}>
                  <Table.Th scope="row" fw="normal">
                    {line.label}
                  </Table.Th>
                  <Table.Td ta="right">{count(line.scored)}</Table.Td>
                  <Table.Td ta="right">{count(line.positive)}</Table.Td>
                  <Table.Td ta="right">{share(line.share)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Section>

      <Section id="stats-referrals" title={t('stats.sections.referrals')}>
        <ChartFigure title={t('stats.charts.referralsByCategory')} rows={rows(referrals.byCategory, 'need')} />
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
          <CountTable
            caption={t('stats.tables.byStatus')}
            header={t('stats.tables.status')}
            rows={rows(referrals.byStatus, 'referralStatus')}
          />
          <CountTable
            caption={t('stats.tables.byRecipient')}
            header={t('stats.tables.recipient')}
            rows={rows(referrals.byRecipient, null)}
          />
          <Table withTableBorder fz="sm" captionSide="top">
            <caption>{t('stats.tables.delays')}</caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Td />
                <Table.Th scope="col" ta="right">
                  {t('stats.tables.median')}
                </Table.Th>
                <Table.Th scope="col" ta="right">
                  {t('stats.tables.p90')}
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th scope="row" fw="normal">
                  {t('stats.tables.toAccept')}
                </Table.Th>
                <Table.Td ta="right">{hours(referrals.hoursToAccept.median)}</Table.Td>
                <Table.Td ta="right">{hours(referrals.hoursToAccept.p90)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row" fw="normal">
                  {t('stats.tables.toResolve')}
                </Table.Th>
                <Table.Td ta="right">{hours(referrals.hoursToResolve.median)}</Table.Td>
                <Table.Td ta="right">{hours(referrals.hoursToResolve.p90)}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        </SimpleGrid>
        <Text size="sm">{t('stats.tables.resolvedWithinDue', { value: share(referrals.resolvedWithinDue) })}</Text>
      </Section>

      <Section id="stats-callers" title={t('stats.sections.callers')}>
        <Stack gap={2}>
          <Text size="sm">
            {t('stats.tables.callsPerCaller', {
              median: number(callers.callsPerCaller.median),
              max: number(callers.callsPerCaller.max),
            })}
          </Text>
          <Text size="sm">{t('stats.tables.answers', { value: count(callers.feedback.answers) })}</Text>
          <Text size="sm">{t('stats.tables.debriefs', { value: count(callers.debriefsRequested) })}</Text>
        </Stack>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <ChartFigure title={t('stats.charts.meaningful')} rows={rows(callers.feedback.meaningful, null)} />
          <ChartFigure title={t('stats.charts.useful')} rows={rows(callers.feedback.useful, null)} />
        </SimpleGrid>
        {callers.feedback.comments.length > 0 && (
          <div>
            <Title order={4} size="h5">
              {t('stats.tables.comments')}
            </Title>
            <Stack component="ul" gap={4} pl="md" mt="xs">
              {callers.feedback.comments.map((comment, index) => (
                // Comments carry no id and may repeat; their order is stable for one answer.
                // biome-ignore lint/suspicious/noArrayIndexKey: see above
                <Text component="li" size="sm" key={index}>
                  « {comment} »
                </Text>
              ))}
            </Stack>
          </div>
        )}
      </Section>

      <Section id="stats-method" title={t('stats.method.title')}>
        <Stack component="ul" gap={4} pl="md" m={0}>
          {(t('stats.method.items', { returnObjects: true }) as string[]).map((item) => (
            <Text component="li" size="sm" key={item}>
              {item}
            </Text>
          ))}
        </Stack>
      </Section>
      <Text size="xs" c="dimmed" className="print-only">
        Allervers — {review.scopeLabel} — {period}
      </Text>
    </Stack>
  )
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Card withBorder padding="sm" className="stats-card">
      <Text component="dt" size="sm" c="dimmed">
        {label}
      </Text>
      <Text component="dd" m={0} fz={26} fw={700} c="teal.9">
        {value}
      </Text>
    </Card>
  )
}

function Section({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <Card withBorder component="section" aria-labelledby={id} className="stats-section">
      <Stack gap="md">
        <Title order={3} size="h4" id={id}>
          {title}
        </Title>
        {children}
      </Stack>
    </Card>
  )
}

function CountTable({ caption, header, rows }: { caption: string; header: string; rows: ChartRow[] }) {
  const { t, i18n } = useTranslation()
  return (
    <Table striped withTableBorder fz="sm" captionSide="top">
      <caption>{caption}</caption>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">{header}</Table.Th>
          <Table.Th scope="col" ta="right">
            {t('stats.charts.count')}
          </Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.length === 0 && (
          <Table.Tr>
            <Table.Td colSpan={2}>{t('stats.charts.empty')}</Table.Td>
          </Table.Tr>
        )}
        {rows.map((row) => (
          <Table.Tr key={row.key}>
            <Table.Th scope="row" fw="normal">
              {row.label}
            </Table.Th>
            <Table.Td ta="right">{formatCount(row.count, i18n.language)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}
