import { BarChart } from '@mantine/charts'
import { Button, Group, Table, Text, Title } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { barLength, type Count, isShownCount, SUPPRESSED } from '../../../shared/contracts/stats.js'

export interface ChartRow {
  key: string
  label: string
  count: Count
}

/** A count as the reader sees it: "< 5" and "≥ 5" as they are, numbers in the reader's format. */
export function formatCount(count: Count, language: string): string {
  return isShownCount(count) ? count.toLocaleString(language) : count
}

/**
 * A bar chart with its text alternative: a figure whose caption names it, the drawing hidden from assistive
 * technologies, and the same numbers as a table (visually hidden until "Voir les données" is pressed; always read
 * by screen readers). Counts not shown ("< 5", "≥ 5") draw no bar but say so beside their label; the table shows them
 * as they are.
 */
export function ChartFigure({
  title,
  rows,
  orientation = 'horizontal-bars',
  keyHeader,
  height,
}: {
  title: string
  rows: ChartRow[]
  orientation?: 'horizontal-bars' | 'columns'
  keyHeader?: string
  height?: number
}) {
  const { t, i18n } = useTranslation()
  const id = useId()
  const [tableShown, table] = useDisclosure(false)
  const hasSuppressed = rows.some((row) => !isShownCount(row.count))
  // As in the PDF (barLength): a count under 5 not shown is a pale bar whose value reads « < 5 »; a withheld « ≥ 5 »
  // has no bar and says so beside its label.
  const data = rows.map((row) =>
    isShownCount(row.count)
      ? { label: row.label, count: row.count, suppressed: null }
      : row.count === SUPPRESSED
        ? { label: row.label, count: null, suppressed: barLength(row.count) }
        : { label: `${row.label} (${row.count})`, count: null, suppressed: null },
  )
  const series = [
    { name: 'count', color: 'teal.8', label: t('stats.charts.count') },
    ...(hasSuppressed ? [{ name: 'suppressed', color: 'gray.4', label: SUPPRESSED }] : []),
  ]
  const isEmpty = rows.length === 0 || rows.every((row) => row.count === 0)
  const horizontal = orientation === 'horizontal-bars'

  return (
    <figure className="stats-figure" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>
        <Title order={4} size="h5">
          {title}
        </Title>
      </figcaption>
      {isEmpty ? (
        <Text size="sm" c="dimmed">
          {t('stats.charts.empty')}
        </Text>
      ) : (
        <div aria-hidden="true" className="stats-chart">
          <BarChart
            h={height ?? (horizontal ? Math.max(120, rows.length * 34 + 30) : 220)}
            data={data}
            dataKey="label"
            series={series}
            type={hasSuppressed ? 'stacked' : 'default'}
            // Each row has a value in one series only: the other's label stays empty (stacked, recharts reads a
            // missing value as 0, so the label reads the row's own value).
            valueLabelProps={(bar) => ({
              valueAccessor: (entry: { payload?: Record<string, unknown> }) => {
                const value = entry.payload?.[bar.name]
                return typeof value === 'number' ? value : ''
              },
              formatter: (value: unknown) =>
                typeof value !== 'number'
                  ? ''
                  : bar.name === 'suppressed'
                    ? SUPPRESSED
                    : value.toLocaleString(i18n.language),
            })}
            barChartProps={{ margin: { right: 40 } }}
            orientation={horizontal ? 'vertical' : 'horizontal'}
            accessibilityLayer={false}
            withBarValueLabel={horizontal}
            valueFormatter={(value) => value.toLocaleString(i18n.language)}
            yAxisProps={horizontal ? { width: 200 } : undefined}
            xAxisProps={horizontal ? undefined : { minTickGap: 24 }}
            gridAxis={horizontal ? 'y' : 'x'}
            withTooltip={!horizontal}
          />
        </div>
      )}
      {hasSuppressed && (
        <Text size="xs" c="dimmed">
          {t('stats.charts.suppressedInChart')}
        </Text>
      )}
      {!isEmpty && (
        <>
          <Group className="no-print" mt={4}>
            <Button
              variant="subtle"
              size="compact-xs"
              onClick={table.toggle}
              aria-expanded={tableShown}
              aria-controls={`${id}-table`}
            >
              {tableShown ? t('stats.charts.hideTable') : t('stats.charts.showTable')}
            </Button>
          </Group>
          <div id={`${id}-table`} className={tableShown ? undefined : 'visually-hidden'}>
            <Table striped withTableBorder mt="xs" fz="sm">
              <caption className="visually-hidden">{title}</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{keyHeader ?? t('stats.charts.label')}</Table.Th>
                  <Table.Th scope="col" ta="right">
                    {t('stats.charts.count')}
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
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
          </div>
        </>
      )}
    </figure>
  )
}
