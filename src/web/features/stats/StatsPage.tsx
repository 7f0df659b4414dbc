import '@mantine/charts/styles.css'
import './stats.css'
import { Alert, Button, Group, Loader, Menu, Stack, Text, Title } from '@mantine/core'
import { IconDownload, IconFileSpreadsheet, IconPrinter } from '@tabler/icons-react'
import { useQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { useSearchParams } from 'react-router'
import type { SessionUser } from '../../../shared/contracts/auth.js'
import { DATASETS, FORMATS } from '../../../shared/contracts/exports.js'
import { describeError } from '../../components/errors.js'
import { exportHref, pdfHref, statsApi } from './api.js'
import { canExport, filtersQuery, periodProblem, REVIEW_ROLES, type ReviewFilters, readFilters } from './filters.js'
import { Review } from './Review.js'
import { ScopeFilters } from './ScopeFilters.js'

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
                {DATASETS.flatMap((dataset, index) => [
                  ...(index > 0 ? [<Menu.Divider key={`${dataset}-divider`} />] : []),
                  <Menu.Label key={`${dataset}-label`}>{t(`stats.actions.${dataset}`)}</Menu.Label>,
                  ...FORMATS.map((format) => (
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

      <ScopeFilters
        filters={filters}
        onChange={apply}
        memberships={memberships}
        withNetwork={memberships.some((m) => REVIEW_ROLES.includes(m.role))}
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
