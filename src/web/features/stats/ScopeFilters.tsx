import { Button, Card, Group, Select, Title } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { type FormEvent, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { SessionUser } from '../../../shared/contracts/auth.js'
import { DayInput } from '../../components/DayInput.js'
import { statsApi } from './api.js'
import { defaultPeriod, periodProblem, REVIEW_ROLES, type ReviewFilters } from './filters.js'

/** Scope (network, organisation and agency, campaign) and period of the review, kept in the URL by the page. */
export function ScopeFilters({
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
  const readable = new Set(memberships.filter((m) => REVIEW_ROLES.includes(m.role)).map((m) => m.organization.code))
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
          <DayInput
            label={t('stats.filters.from')}
            value={from || undefined}
            onChange={(day) => setFrom(day ?? '')}
            error={
              problem === 'fromInvalid'
                ? t('stats.filters.fromInvalid')
                : problem === 'order'
                  ? t('stats.filters.order')
                  : undefined
            }
            w={170}
          />
          <DayInput
            label={t('stats.filters.to')}
            value={to || undefined}
            onChange={(day) => setTo(day ?? '')}
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
