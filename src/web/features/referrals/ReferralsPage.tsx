import {
  Anchor,
  Badge,
  Checkbox,
  Group,
  Pagination,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router'
import { formatInstant } from '../../../shared/clock.js'
import {
  REFERRAL_SORTS,
  REFERRAL_STATES,
  type ReferralListQuery,
  type ReferralSort,
  type ReferralSummary,
} from '../../../shared/contracts/referrals.js'
import {
  AWAITING_ACCEPTANCE,
  AWAITING_RESOLUTION,
  type ReferralStatus,
  URGENCIES,
  type Urgency,
} from '../../../shared/referrals.js'
import { describeError } from '../../components/errors.js'
import { WHOLE_BADGE } from '../../components/table-styles.js'
import { referralsApi } from './api.js'

export const STATUS_COLOR: Record<ReferralStatus, string> = {
  sent: 'blue',
  accepted: 'teal',
  in_progress: 'teal',
  done: 'green',
  rejected: 'gray',
  revoked: 'gray',
}

const PAGE_SIZE = 50
/** « À accepter » is the inbox's waiting orientations (status `sent`), the home page's « attendent votre réponse ». */
const STATE_FILTERS = ['all', 'waiting', ...REFERRAL_STATES] as const
type StateFilter = (typeof STATE_FILTERS)[number]

function isStateFilter(value: string | null): value is StateFilter {
  return (STATE_FILTERS as readonly (string | null)[]).includes(value)
}

/** The next deadline of an open orientation: to accept while sent, to resolve once accepted; none once closed. */
function nextDeadline(referral: ReferralSummary): { key: 'acceptBy' | 'resolveBy'; at: string } | null {
  if (AWAITING_ACCEPTANCE.includes(referral.status)) return { key: 'acceptBy', at: referral.dueAcceptBy }
  if (AWAITING_RESOLUTION.includes(referral.status)) return { key: 'resolveBy', at: referral.dueResolveBy }
  return null
}

function ReferralTable({ box }: { box: 'inbox' | 'sent' }) {
  const { t, i18n } = useTranslation()
  // The inbox's status and « En retard » live in the address (`?status=waiting`, `?overdue=1`, the home page's links):
  // the inbox opens filtered, and a reload or a link shared keeps the filters.
  const [searchParams, setSearchParams] = useSearchParams()
  const inAddress = box === 'inbox'
  const [state, setState] = useState<StateFilter>(() => {
    const status = searchParams.get('status')
    return inAddress && isStateFilter(status) ? status : 'all'
  })
  const [urgency, setUrgency] = useState<Urgency | null>(null)
  const [overdue, setOverdue] = useState(() => inAddress && searchParams.get('overdue') === '1')
  const remember = (name: 'status' | 'overdue', value: string | null) => {
    if (!inAddress) return
    setSearchParams(
      (params) => {
        const next = new URLSearchParams(params)
        if (value === null) next.delete(name)
        else next.set(name, value)
        return next
      },
      { replace: true },
    )
  }
  const [mine, setMine] = useState(false)
  const [sort, setSort] = useState<ReferralSort>(box === 'inbox' ? 'due' : 'recent')
  const [page, setPage] = useState(1)
  const query: ReferralListQuery = {
    box,
    sort,
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
    ...(state === 'waiting' ? { status: 'sent' as const } : state !== 'all' ? { state } : {}),
    ...(urgency ? { urgency } : {}),
    ...(overdue ? { overdue: true } : {}),
    ...(mine ? { assignedToMe: true } : {}),
  }
  const list = useQuery({ queryKey: ['referrals', query], queryFn: () => referralsApi.list(query) })
  const filtered =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value)
      setPage(1)
    }
  const when = (iso: string) => formatInstant(iso, i18n.language)
  const total = list.data?.total ?? 0
  return (
    <Stack>
      <Group align="flex-end" gap="md" wrap="wrap" role="group" aria-label={t('referrals.filters.label')}>
        <Stack gap={4}>
          <Text size="sm" fw={500} id={`state-${box}`}>
            {t('referrals.filters.state')}
          </Text>
          <SegmentedControl
            aria-labelledby={`state-${box}`}
            value={state}
            onChange={filtered((value: string) => {
              if (!isStateFilter(value)) return
              setState(value)
              remember('status', value === 'all' ? null : value)
            })}
            data={STATE_FILTERS.map((value) => ({
              value,
              label: t(`referrals.filters.states.${value}`),
            }))}
          />
        </Stack>
        <Select
          label={t('referrals.fields.urgency')}
          placeholder={t('referrals.filters.anyUrgency')}
          clearable
          w={200}
          value={urgency}
          onChange={filtered((value: string | null) => setUrgency(value as Urgency | null))}
          data={URGENCIES.map((value) => ({ value, label: t(`referrals.urgency.${value}`) }))}
        />
        <Select
          label={t('referrals.filters.sort')}
          allowDeselect={false}
          w={220}
          value={sort}
          onChange={filtered((value: string | null) => setSort((value ?? 'recent') as ReferralSort))}
          data={REFERRAL_SORTS.map((value) => ({ value, label: t(`referrals.filters.sorts.${value}`) }))}
        />
        <Checkbox
          label={t('referrals.filters.overdue')}
          checked={overdue}
          onChange={(event) => {
            const checked = event.currentTarget.checked
            filtered(setOverdue)(checked)
            remember('overdue', checked ? '1' : null)
          }}
        />
        {box === 'inbox' && (
          <Checkbox
            label={t('referrals.filters.mine')}
            checked={mine}
            onChange={(event) => filtered(setMine)(event.currentTarget.checked)}
          />
        )}
      </Group>
      {list.error && <Text c="red">{describeError(t, list.error)}</Text>}
      {list.data && (
        <Text size="sm" aria-live="polite">
          {t('referrals.count', { count: total })}
        </Text>
      )}
      {list.data?.items.length === 0 ? (
        <Text>{t('referrals.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('referrals.household')}</Table.Th>
                <Table.Th>{t('referrals.fields.category')}</Table.Th>
                <Table.Th>{t('referrals.fields.urgency')}</Table.Th>
                <Table.Th>{t('referrals.columns.due')}</Table.Th>
                <Table.Th>{box === 'inbox' ? t('referrals.columns.from') : t('referrals.columns.to')}</Table.Th>
                <Table.Th>{t('referrals.columns.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data?.items.map((referral) => {
                const deadline = nextDeadline(referral)
                return (
                  <Table.Tr key={referral.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/referrals/${referral.id}`}>
                        {referral.householdName ?? t('referrals.closedCase', { date: when(referral.createdAt) })}
                      </Anchor>
                      <Text size="xs">{t('referrals.sentOn', { date: when(referral.createdAt) })}</Text>
                    </Table.Td>
                    <Table.Td>{referral.category ? t(`referrals.category.${referral.category}`) : '—'}</Table.Td>
                    <Table.Td>{t(`referrals.urgency.${referral.urgency}`)}</Table.Td>
                    <Table.Td>
                      {deadline ? (
                        <>
                          <Text size="xs">{t(`referrals.columns.${deadline.key}`)}</Text>
                          <Text size="sm">{when(deadline.at)}</Text>
                        </>
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                    <Table.Td>
                      {box === 'inbox' ? referral.sender.name : (referral.recipient.team ?? referral.recipient.name)}
                    </Table.Td>
                    <Table.Td>
                      <Stack gap={4} align="flex-start">
                        <Badge color={STATUS_COLOR[referral.status]} variant="light" {...WHOLE_BADGE}>
                          {t(`referrals.status.${referral.status}`)}
                        </Badge>
                        {referral.isOverdue && (
                          <Badge color="red" variant="filled" {...WHOLE_BADGE}>
                            {t('referrals.overdue')}
                          </Badge>
                        )}
                      </Stack>
                    </Table.Td>
                  </Table.Tr>
                )
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {total > PAGE_SIZE && (
        <Pagination
          total={Math.ceil(total / PAGE_SIZE)}
          value={page}
          onChange={setPage}
          getControlProps={(control) => ({ 'aria-label': t(`referrals.pages.${control}`) })}
        />
      )}
    </Stack>
  )
}

export function ReferralsPage() {
  const { t } = useTranslation()
  return (
    <Stack>
      <Title order={2}>{t('referrals.title')}</Title>
      <Tabs defaultValue="inbox" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="inbox">{t('referrals.inbox')}</Tabs.Tab>
          <Tabs.Tab value="sent">{t('referrals.sent')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="inbox" pt="md">
          <ReferralTable box="inbox" />
        </Tabs.Panel>
        <Tabs.Panel value="sent" pt="md">
          <ReferralTable box="sent" />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  )
}
