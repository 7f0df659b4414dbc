import { Alert, Anchor, Button, Group, Paper, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import type { ImportReport, ImportRun } from '../../../shared/contracts/imports.js'
import { rejectedRowsUrl } from './api.js'
import { explainReason } from './explain.js'

const MAX_WARNINGS_SHOWN = 200

export function RunningImport({ run }: { run: ImportRun }) {
  const { t, i18n } = useTranslation()
  const number = new Intl.NumberFormat(i18n.language)
  const share = run.rowsTotal > 0 ? Math.min(100, Math.round((100 * run.rowsDone) / run.rowsTotal)) : 0
  return (
    <Stack gap="sm" maw={640}>
      <Title order={3}>{run.isDryRun ? t('imports.running.titleDry') : t('imports.running.title')}</Title>
      <Progress.Root size="xl">
        <Progress.Section value={share} animated aria-label={t('imports.running.progress')} />
      </Progress.Root>
      <Text role="status" aria-live="polite" aria-atomic="true" fw={600}>
        {t('imports.running.lines', { done: number.format(run.rowsDone), total: number.format(run.rowsTotal) })}
      </Text>
      <Text size="sm" c="dimmed">
        {t('imports.running.wait')}
      </Text>
    </Stack>
  )
}

function Count({ label, value }: { label: string; value: number }) {
  const { i18n } = useTranslation()
  return (
    <Paper withBorder p="md" radius="md">
      <Text size="xl" fw={700}>
        {new Intl.NumberFormat(i18n.language).format(value)}
      </Text>
      <Text size="sm">{label}</Text>
    </Paper>
  )
}

export function ImportReportView({
  run,
  report,
  onAnother,
}: {
  run: ImportRun
  report: ImportReport
  onAnother: () => void
}) {
  const { t, i18n } = useTranslation()
  const number = new Intl.NumberFormat(i18n.language)
  const warnings = report.warnings.slice(0, MAX_WARNINGS_SHOWN)
  return (
    <Stack gap="lg">
      <section aria-labelledby="import-report">
        <Title order={3} id="import-report" mb="xs" tabIndex={-1}>
          {run.isDryRun ? t('imports.report.titleDry') : t('imports.report.title')}
        </Title>
        <Text mb="sm">
          {t('imports.report.rows', { count: report.rows, formatted: number.format(report.rows), name: run.fileName })}
        </Text>
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          <Count label={t('imports.report.created')} value={report.households.created} />
          <Count label={t('imports.report.updated')} value={report.households.updated} />
          <Count label={t('imports.report.unchanged')} value={report.households.unchanged} />
          <Count label={t('imports.report.left')} value={report.households.left} />
        </SimpleGrid>
      </section>

      <section aria-labelledby="import-rejected">
        <Title order={4} id="import-rejected" mb="xs">
          {t('imports.report.rejectedTitle', { count: report.rejected.length })}
        </Title>
        {report.rejected.length === 0 ? (
          <Text>{t('imports.report.noRejected')}</Text>
        ) : (
          <Stack gap="xs">
            <Text size="sm">{t('imports.report.rejectedHelp')}</Text>
            <Group>
              <Anchor href={rejectedRowsUrl(run.id)} download fw={600}>
                {t('imports.report.download')}
              </Anchor>
            </Group>
            <Table withTableBorder striped maw={720}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col" w={90}>
                    {t('imports.report.line')}
                  </Table.Th>
                  <Table.Th scope="col">{t('imports.report.reason')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {report.rejected.map((row) => (
                  <Table.Tr key={`${row.line}-${row.reason}`}>
                    <Table.Td>{row.line}</Table.Td>
                    <Table.Td>{explainReason(t, row.reason)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        )}
      </section>

      <section aria-labelledby="import-warnings">
        <Title order={4} id="import-warnings" mb="xs">
          {t('imports.report.warningsTitle', { count: report.warningsTotal })}
        </Title>
        {report.warningsTotal === 0 ? (
          <Text>{t('imports.report.noWarnings')}</Text>
        ) : (
          <Stack gap="xs">
            <Text size="sm">{t('imports.report.warningsHelp')}</Text>
            {report.warningsTotal > warnings.length && (
              <Text size="sm" fw={600}>
                {t('imports.report.warningsCapped', {
                  shown: number.format(warnings.length),
                  total: number.format(report.warningsTotal),
                })}
              </Text>
            )}
            <Table.ScrollContainer minWidth={640}>
              <Table withTableBorder striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col" w={90}>
                      {t('imports.report.line')}
                    </Table.Th>
                    <Table.Th scope="col">{t('imports.report.column')}</Table.Th>
                    <Table.Th scope="col">{t('imports.report.value')}</Table.Th>
                    <Table.Th scope="col">{t('imports.report.reason')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {warnings.map((warning, index) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: a line may warn twice on the same column
                    <Table.Tr key={index}>
                      <Table.Td>{warning.line}</Table.Td>
                      <Table.Td>{warning.column}</Table.Td>
                      <Table.Td>{warning.value}</Table.Td>
                      <Table.Td>{explainReason(t, warning.message)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Stack>
        )}
      </section>

      <Group>
        <Button variant="light" onClick={onAnother}>
          {t('imports.report.another')}
        </Button>
        <Button component={Link} to="/households" variant="subtle">
          {t('imports.report.households')}
        </Button>
      </Group>
    </Stack>
  )
}

export function FailedImport({ run }: { run: ImportRun }) {
  const { t } = useTranslation()
  return (
    <Alert color="red" role="alert" title={t('imports.failedTitle')}>
      {run.error}
    </Alert>
  )
}
