import { Alert, Anchor, Box, Button, Group, Loader, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { IconDownload } from '@tabler/icons-react'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatInstant } from '../../../shared/clock.js'
import { AUDIT_ACTIONS, AUDIT_CSV_MAX_ROWS } from '../../../shared/contracts/data-protection.js'
import { labelOf, localeOf } from '../../../shared/labels.js'
import { DayInput } from '../../components/DayInput.js'
import { describeError } from '../../components/errors.js'
import { Pager } from '../../components/Pager.js'
import { type AuditQuery, dataProtectionApi } from './api.js'
import { auditDetailsText } from './audit-details.js'

const PAGE_SIZE = 50

export interface DeskOrganization {
  code: string
  name: string
}

type Filters = Pick<AuditQuery, 'user' | 'householdRef' | 'action' | 'organization' | 'from' | 'to'>

/** The families of actions, in the order of AUDIT_ACTIONS, each with its actions. */
const FAMILIES = AUDIT_ACTIONS.reduce<Array<{ family: string; actions: string[] }>>((families, action) => {
  const family = action.split('.')[0]!
  const found = families.find((entry) => entry.family === family)
  if (found) found.actions.push(action)
  else families.push({ family, actions: [action] })
  return families
}, [])

/**
 * « Journal des accès »: the audit log of the organisations the reader audits, filtered by user, household reference,
 * action (by family or one), organisation (administrators) and period, paged, with the CSV export of the same filters.
 * Filters apply on « Filtrer » (each read of the log is itself audited: no read per keystroke).
 */
export function AuditLogTab({
  organizations,
  showOrganization,
}: {
  organizations: DeskOrganization[]
  showOrganization: boolean
}) {
  const { t, i18n } = useTranslation()
  const locale = localeOf(i18n.language)
  const [draft, setDraft] = useState<Filters>({})
  const [applied, setApplied] = useState<Filters>({})
  const [offset, setOffset] = useState(0)
  const query: AuditQuery = { ...applied, limit: PAGE_SIZE, offset }
  const log = useQuery({
    queryKey: ['audit', query],
    queryFn: () => dataProtectionApi.audit(query),
    placeholderData: keepPreviousData,
  })
  const clean = (filters: Filters): Filters =>
    Object.fromEntries(
      Object.entries(filters)
        .map(([key, value]) => [key, typeof value === 'string' ? value.trim() : value])
        .filter(([, value]) => value !== undefined && value !== ''),
    ) as Filters
  const apply = (event: FormEvent) => {
    event.preventDefault()
    setApplied(clean(draft))
    setOffset(0)
  }
  const reset = () => {
    setDraft({})
    setApplied({})
    setOffset(0)
  }
  const actionData = [
    ...FAMILIES.map(({ family, actions }) => ({
      group: t(`dataProtection.journal.families.${family}`),
      items: [
        {
          value: family,
          label: t('dataProtection.journal.familyAll', { family: t(`dataProtection.journal.families.${family}`) }),
        },
        ...actions.map((action) => ({ value: action, label: labelOf('auditAction', action, locale) })),
      ],
    })),
  ]
  const data = log.data
  const periodInvalid = draft.from && draft.to && draft.from > draft.to

  return (
    <Stack gap="md">
      <Text size="sm">{t('dataProtection.journal.intro')}</Text>
      <form noValidate onSubmit={apply} aria-label={t('dataProtection.journal.filtersLabel')}>
        <Group align="flex-start" wrap="wrap" gap="sm">
          <TextInput
            label={t('dataProtection.journal.user')}
            value={draft.user ?? ''}
            onChange={(event) => setDraft({ ...draft, user: event.currentTarget.value })}
            maxLength={254}
            w={220}
          />
          <TextInput
            label={t('dataProtection.journal.householdRef')}
            value={draft.householdRef ?? ''}
            onChange={(event) => setDraft({ ...draft, householdRef: event.currentTarget.value })}
            maxLength={100}
            w={170}
          />
          <Select
            label={t('dataProtection.journal.action')}
            placeholder={t('dataProtection.journal.allActions')}
            data={actionData}
            value={draft.action ?? null}
            onChange={(value) => setDraft({ ...draft, action: value ?? undefined })}
            searchable
            clearable
            w={260}
            comboboxProps={{ width: 340 }}
          />
          {showOrganization && (
            <Select
              label={t('dataProtection.organization')}
              placeholder={t('dataProtection.allOrganizations')}
              data={organizations.map((organization) => ({ value: organization.code, label: organization.name }))}
              value={draft.organization ?? null}
              onChange={(value) => setDraft({ ...draft, organization: value ?? undefined })}
              clearable
              w={220}
            />
          )}
          <DayInput
            label={t('dataProtection.journal.from')}
            value={draft.from}
            onChange={(from) => setDraft({ ...draft, from })}
          />
          <DayInput
            label={t('dataProtection.journal.to')}
            value={draft.to}
            onChange={(to) => setDraft({ ...draft, to })}
          />
        </Group>
        <Group mt="sm" gap="sm">
          <Button type="submit" disabled={Boolean(periodInvalid)} loading={log.isFetching}>
            {t('dataProtection.journal.apply')}
          </Button>
          <Button variant="default" onClick={reset}>
            {t('dataProtection.journal.reset')}
          </Button>
          <Anchor href={dataProtectionApi.auditCsvUrl(query)} download>
            <Group gap={4} wrap="nowrap" component="span">
              <IconDownload size={16} aria-hidden="true" />
              {t('dataProtection.journal.export')}
            </Group>
          </Anchor>
          <Text size="xs">
            {t('dataProtection.journal.exportHint', { max: AUDIT_CSV_MAX_ROWS.toLocaleString(locale) })}
          </Text>
        </Group>
      </form>

      {log.isPending && <Loader size="sm" aria-label={t('dataProtection.tabs.journal')} />}
      {log.error && (
        <Alert color="red" role="alert">
          {describeError(t, log.error)}
        </Alert>
      )}
      <div aria-live="polite">
        {data && (
          <Title order={3} size="h5" data-testid="audit-total">
            {t('dataProtection.journal.total', { count: data.total })}
          </Title>
        )}
      </div>
      {data && data.items.length === 0 && <Text>{t('dataProtection.journal.empty')}</Text>}
      {data && data.items.length > 0 && (
        <Box style={{ overflowX: 'auto' }} tabIndex={0} role="region" aria-label={t('dataProtection.journal.caption')}>
          <Table striped>
            <Table.Caption>{t('dataProtection.journal.caption')}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('dataProtection.journal.columns.at')}</Table.Th>
                <Table.Th scope="col">{t('dataProtection.journal.columns.action')}</Table.Th>
                <Table.Th scope="col">{t('dataProtection.journal.columns.actor')}</Table.Th>
                <Table.Th scope="col">{t('dataProtection.journal.columns.organization')}</Table.Th>
                <Table.Th scope="col">{t('dataProtection.journal.columns.household')}</Table.Th>
                <Table.Th scope="col">{t('dataProtection.journal.columns.details')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.items.map((item) => (
                <Table.Tr key={item.id}>
                  <Table.Td style={{ minWidth: 96 }}>{formatInstant(item.at, i18n.language)}</Table.Td>
                  <Table.Td>{labelOf('auditAction', item.action, locale)}</Table.Td>
                  <Table.Td>
                    {item.actor?.name ?? item.actorEmail ?? t('dataProtection.journal.unknownActor')}
                    {item.actor && (
                      <Text span size="xs" display="block" style={{ overflowWrap: 'anywhere' }}>
                        {item.actor.email}
                      </Text>
                    )}
                    {item.actorRole && (
                      <Text span size="xs" display="block">
                        {t(`roles.${item.actorRole}`, { defaultValue: item.actorRole })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{item.organization?.name ?? '—'}</Table.Td>
                  <Table.Td style={{ maxWidth: 160, overflowWrap: 'anywhere' }}>{item.householdRef ?? '—'}</Table.Td>
                  <Table.Td style={{ minWidth: 160 }}>
                    <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
                      {auditDetailsText(item.details, t, locale)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Box>
      )}
      {data && (
        <Pager
          offset={offset}
          pageSize={PAGE_SIZE}
          total={data.total}
          onOffsetChange={setOffset}
          label={t('dataProtection.journal.pagination')}
          range={(from, to, total) => t('dataProtection.journal.page', { from, to, total })}
          previous={t('dataProtection.journal.previous')}
          next={t('dataProtection.journal.next')}
        />
      )}
    </Stack>
  )
}
