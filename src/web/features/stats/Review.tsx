import { Card, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { formatDay } from '../../../shared/clock.js'
import { type Count, type StatsReview, SUPPRESSED, WITHHELD } from '../../../shared/contracts/stats.js'
import { type LabelKind, labelOf, localeOf } from '../../../shared/labels.js'
import { ChartFigure, type ChartRow, formatCount } from './ChartFigure.js'

function hasSuppressed(review: StatsReview): boolean {
  const text = JSON.stringify(review)
  return text.includes(`"${SUPPRESSED}"`) || text.includes(`"${WITHHELD}"`)
}

/** The review itself: key figures, charts with their tables, method notes; printable as it is. */
export function Review({ review }: { review: StatsReview }) {
  const { t, i18n } = useTranslation()
  const locale = localeOf(i18n.language)
  const number = (value: number | null, digits = 1) =>
    value === null ? '—' : value.toLocaleString(i18n.language, { maximumFractionDigits: digits })
  const share = (value: number | null) =>
    value === null ? '—' : value.toLocaleString(i18n.language, { style: 'percent', maximumFractionDigits: 1 })
  const minutes = (seconds: number | null) =>
    seconds === null ? '—' : t('stats.figures.minutes', { value: number(seconds / 60) })
  const hours = (value: number | null) => (value === null ? '—' : t('stats.figures.hours', { value: number(value) }))
  const count = (value: Count) => formatCount(value, i18n.language)
  const outOf = (pair: { made: Count; followed: Count }) =>
    t('stats.outOf', { followed: count(pair.followed), made: count(pair.made) })
  const rows = (buckets: { key: string; count: Count }[], kind: LabelKind | null): ChartRow[] =>
    buckets.map((bucket) => ({
      key: bucket.key,
      label: kind ? labelOf(kind, bucket.key, locale) : bucket.key,
      count: bucket.count,
    }))
  const period = t('stats.periodLabel', {
    from: formatDay(review.period.from, locale),
    to: formatDay(review.period.to, locale),
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
          <Figure label={t('stats.figures.reachedOfAttempted')} value={share(reach.rates.reachedOfAttempted)} />
          <Figure label={t('stats.figures.reachedOfTargeted')} value={share(reach.rates.reachedOfTargeted)} />
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
            label: formatDay(bucket.key, locale),
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
        <Text data-stats="suggestions">
          {t('stats.suggestions', {
            fragility: outOf(findings.suggestions.fragility),
            referral: outOf(findings.suggestions.referral),
          })}
        </Text>
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
                    {labelOf('instrument', line.instrument, locale)}
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
