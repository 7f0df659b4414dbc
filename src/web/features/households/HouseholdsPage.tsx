import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Pagination,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router'
import { FRAGILITY_LEVELS } from '../../../shared/campaigns.js'
import { formatDay, parisDayOf } from '../../../shared/clock.js'
import { householdsContract } from '../../../shared/contracts/households.js'
import { organizationsContract } from '../../../shared/contracts/organizations.js'
import { labelOf, localeOf } from '../../../shared/labels.js'
import { call, urlOf } from '../../api/client.js'
import { describeError } from '../../components/errors.js'
import { WHOLE_BADGE } from '../../components/table-styles.js'
import { useSession } from '../auth/session.js'
import {
  filtersOf,
  type ListState,
  PAGE_SIZE,
  rangeOf,
  readListState,
  type SortColumn,
  sortOf,
  writeListState,
} from './households-list.js'

const REGISTRY_READERS = new Set(['admin', 'manager', 'social_worker'])
const NOWRAP = { whiteSpace: 'nowrap' } as const

/** A yes / no / either filter as a select; the empty value is "all". */
const yesNoValue = (value: boolean | undefined) => (value === undefined ? '' : String(value))
const yesNoOf = (value: string | null) => (value === 'true' ? true : value === 'false' ? false : undefined)

function SortableHeader({
  column,
  state,
  onSort,
}: {
  column: SortColumn
  state: ListState
  onSort: (sort: ListState['sort']) => void
}) {
  const { t } = useTranslation()
  const { direction, next } = sortOf(state.sort, column)
  const label = t(`householdList.columns.${column}`)
  return (
    <Table.Th aria-sort={direction}>
      <UnstyledButton
        onClick={() => onSort(next)}
        fw={700}
        fz="sm"
        style={{ whiteSpace: 'nowrap' }}
        title={t('householdList.sortBy', { column: label })}
      >
        {label}
        <span aria-hidden="true">{direction === 'ascending' ? ' ▲' : direction === 'descending' ? ' ▼' : ' ↕'}</span>
      </UnstyledButton>
    </Table.Th>
  )
}

export function HouseholdsPage() {
  const { t, i18n } = useTranslation()
  const locale = localeOf(i18n.language)
  const numbers = new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB')
  const session = useSession()
  const memberships = session.data?.memberships ?? []
  const canImport = memberships.some((m) => m.role === 'manager' || m.role === 'admin')
  const organizationCodes = [
    ...new Set(memberships.filter((m) => REGISTRY_READERS.has(m.role)).map((m) => m.organization.code)),
  ]
  const agencies = useQueries({
    queries: organizationCodes.map((code) => ({
      queryKey: ['agencies', code],
      queryFn: () => call(organizationsContract.listAgencies, { params: { code } }),
      staleTime: 5 * 60_000,
    })),
  })
  const agencyOptions = agencies.flatMap((result, index) =>
    (result.data?.items ?? []).map((agency) => ({
      value: agency.code,
      label:
        organizationCodes.length > 1
          ? `${agency.name} (${organizationCodes[index]})`
          : `${agency.name} (${agency.code})`,
    })),
  )
  const uniqueAgencies = [...new Map(agencyOptions.map((option) => [option.value, option])).values()]
  const agencyNames = new Map(
    agencies.flatMap((result) => (result.data?.items ?? []).map((agency) => [agency.code, agency.name] as const)),
  )

  const [params, setParams] = useSearchParams()
  const state = readListState(params)
  const stateRef = useRef(state)
  stateRef.current = state
  const update = (change: Partial<ListState>, options: { replace?: boolean } = {}) => {
    const next = { ...stateRef.current, page: 1, ...change }
    setParams(writeListState(next), { replace: options.replace ?? false })
  }

  // The search box types freely; the URL (and the query) follow once typing pauses. Back and forward move the URL:
  // the box follows it.
  const [search, setSearch] = useState(state.q)
  const [debounced] = useDebouncedValue(search, 300)
  const typed = useRef(debounced)
  useEffect(() => {
    typed.current = debounced
    if (debounced !== stateRef.current.q) {
      setParams(writeListState({ ...stateRef.current, q: debounced, page: 1 }), { replace: true })
    }
  }, [debounced, setParams])
  useEffect(() => {
    if (state.q !== typed.current) setSearch(state.q)
  }, [state.q])

  const filters = filtersOf(state)
  const result = useQuery({
    queryKey: ['households', filters, state.page],
    queryFn: () =>
      call(householdsContract.search, {
        query: { ...filters, limit: PAGE_SIZE, offset: (state.page - 1) * PAGE_SIZE },
      }),
    placeholderData: keepPreviousData,
  })
  const total = result.data?.total ?? 0
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
  const range = rangeOf(state.page, total)
  const hasFilters =
    state.agency !== undefined ||
    state.fragility !== undefined ||
    state.objection !== undefined ||
    state.status !== undefined ||
    state.inCampaign !== undefined

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('households.title')}</Title>
        <Group gap="sm">
          {canImport && (
            <Anchor
              href={urlOf(householdsContract.exportList, { query: filters })}
              download
              title={t('householdList.exportHelp')}
            >
              {t('householdList.export')}
            </Anchor>
          )}
          {canImport && (
            <Button component={Link} to="/households/import" variant="light">
              {t('imports.open')}
            </Button>
          )}
        </Group>
      </Group>
      <TextInput
        label={t('households.search')}
        type="search"
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
        maxLength={200}
        rightSection={result.isFetching ? <Loader size="xs" /> : null}
      />
      <Stack gap="xs" component="section" aria-labelledby="household-filters">
        <VisuallyHidden>
          <h3 id="household-filters">{t('householdList.filters')}</h3>
        </VisuallyHidden>
        <SimpleGrid cols={{ base: 1, xs: 2, sm: 3, lg: 5 }} spacing="sm">
          <Select
            label={t('householdList.agency')}
            data={[{ value: '', label: t('householdList.all') }, ...uniqueAgencies]}
            value={state.agency ?? ''}
            onChange={(value) => update({ agency: value || undefined })}
            allowDeselect={false}
            searchable={uniqueAgencies.length > 8}
          />
          <Select
            label={t('householdList.fragility')}
            data={[
              { value: '', label: t('householdList.all') },
              ...FRAGILITY_LEVELS.map((level) => ({ value: level, label: labelOf('fragility', level, locale) })),
              { value: 'unknown', label: t('householdList.fragilityUnknown') },
            ]}
            value={state.fragility ?? ''}
            onChange={(value) => update({ fragility: (value || undefined) as ListState['fragility'] })}
            allowDeselect={false}
          />
          <Select
            label={t('householdList.objection')}
            data={[
              { value: '', label: t('householdList.all') },
              { value: 'true', label: t('householdList.withObjection') },
              { value: 'false', label: t('householdList.withoutObjection') },
            ]}
            value={yesNoValue(state.objection)}
            onChange={(value) => update({ objection: yesNoOf(value) })}
            allowDeselect={false}
          />
          <Select
            label={t('householdList.status')}
            data={[
              { value: '', label: t('householdList.all') },
              { value: 'active', label: t('householdList.active') },
              { value: 'left', label: t('householdList.left') },
            ]}
            value={state.status ?? ''}
            onChange={(value) => update({ status: (value || undefined) as ListState['status'] })}
            allowDeselect={false}
          />
          <Select
            label={t('householdList.inCampaign')}
            data={[
              { value: '', label: t('householdList.all') },
              { value: 'true', label: t('householdList.inCampaignYes') },
              { value: 'false', label: t('householdList.inCampaignNo') },
            ]}
            value={yesNoValue(state.inCampaign)}
            onChange={(value) => update({ inCampaign: yesNoOf(value) })}
            allowDeselect={false}
          />
        </SimpleGrid>
        {hasFilters && (
          <Group>
            <Button
              variant="subtle"
              size="compact-sm"
              onClick={() =>
                update({
                  agency: undefined,
                  fragility: undefined,
                  objection: undefined,
                  status: undefined,
                  inCampaign: undefined,
                })
              }
            >
              {t('householdList.reset')}
            </Button>
          </Group>
        )}
      </Stack>
      {result.error && <Alert color="red">{describeError(t, result.error)}</Alert>}
      {result.data && (
        <Group justify="space-between" aria-live="polite">
          <Text size="sm" fw={600}>
            {t('householdList.results', { count: total, total: numbers.format(total) })}
          </Text>
          {total > 0 && (
            <Text size="sm" c="dimmed">
              {t('householdList.range', {
                from: numbers.format(range.from),
                to: numbers.format(range.to),
                total: numbers.format(total),
              })}
            </Text>
          )}
        </Group>
      )}
      {result.data?.items.length === 0 && <Text>{t('households.empty')}</Text>}
      {result.data && result.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={700}>
          <Table striped highlightOnHover verticalSpacing="sm">
            <VisuallyHidden component="caption">{t('householdList.caption')}</VisuallyHidden>
            <Table.Thead>
              <Table.Tr>
                <SortableHeader column="reference" state={state} onSort={(sort) => update({ sort })} />
                <SortableHeader column="name" state={state} onSort={(sort) => update({ sort })} />
                <SortableHeader column="age" state={state} onSort={(sort) => update({ sort })} />
                <SortableHeader column="city" state={state} onSort={(sort) => update({ sort })} />
                <Table.Th visibleFrom="md">{t('householdList.columns.agency')}</Table.Th>
                <Table.Th>{t('householdList.columns.fragility')}</Table.Th>
                <SortableHeader column="lastContact" state={state} onSort={(sort) => update({ sort })} />
                <Table.Th>{t('householdList.columns.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.data.items.map((household) => (
                <Table.Tr key={household.id}>
                  <Table.Td style={NOWRAP}>{household.externalRef}</Table.Td>
                  <Table.Td style={NOWRAP}>
                    <Anchor component={Link} to={`/households/${household.id}`} state={{ list: params.toString() }}>
                      {household.lastName} {household.firstName}
                    </Anchor>
                  </Table.Td>
                  <Table.Td style={NOWRAP}>
                    {household.age === null ? '—' : t('householdList.ageValue', { age: household.age })}
                  </Table.Td>
                  <Table.Td>{household.city ?? '—'}</Table.Td>
                  <Table.Td visibleFrom="md">
                    {household.agencyCode ? (agencyNames.get(household.agencyCode) ?? household.agencyCode) : '—'}
                  </Table.Td>
                  <Table.Td>
                    {household.fragilityLevel ? labelOf('fragility', household.fragilityLevel, locale) : '—'}
                  </Table.Td>
                  <Table.Td style={NOWRAP}>
                    {household.lastContactedAt
                      ? formatDay(parisDayOf(household.lastContactedAt), locale)
                      : t('householdList.never')}
                  </Table.Td>
                  <Table.Td style={NOWRAP}>
                    <Stack gap={4} align="flex-start">
                      <Badge variant="light" color={household.status === 'active' ? 'teal' : 'gray'} {...WHOLE_BADGE}>
                        {t(`households.${household.status}`)}
                      </Badge>
                      {household.objection && (
                        <Badge variant="light" color="red" {...WHOLE_BADGE}>
                          {t('householdList.objectionBadge')}
                        </Badge>
                      )}
                    </Stack>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {pages > 1 && (
        <Group justify="center" component="nav" aria-label={t('householdList.pages')}>
          <Pagination
            total={pages}
            value={Math.min(state.page, pages)}
            onChange={(page) => update({ page })}
            siblings={1}
            boundaries={1}
            getControlProps={(control) => ({ 'aria-label': t(`householdList.${control}Page`) })}
            getItemProps={(page) => ({
              'aria-label': t('householdList.page', { page }),
              'aria-current': page === state.page ? 'page' : undefined,
            })}
          />
        </Group>
      )}
    </Stack>
  )
}
