import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Stack,
  Table,
  Text,
  Textarea,
  Timeline,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router'
import { formatInstant } from '../../../shared/clock.js'
import type { ReferralDetail, ReferralTransition } from '../../../shared/contracts/referrals.js'
import { formatPhone } from '../../../shared/french.js'
import { ACTIVE_REFERRAL_STATUSES, type ReferralStatus, TRANSITIONS } from '../../../shared/referrals.js'
import { describeError } from '../../components/errors.js'
import { SensitiveWordWarning } from '../../components/SensitiveWordWarning.js'
import { referralsApi } from './api.js'
import { FollowUpCard } from './FollowUpCard.js'
import { STATUS_COLOR } from './ReferralsPage.js'

/** The button of each move a side may make (the moves themselves are `TRANSITIONS`, shared with the server). */
const MOVE_BUTTON: Partial<Record<ReferralStatus, { action: string; color?: string; variant?: 'light' | 'subtle' }>> = {
  accepted: { action: 'accept' },
  rejected: { action: 'reject', color: 'red', variant: 'light' },
  in_progress: { action: 'start' },
  done: { action: 'done' },
  revoked: { action: 'revoke', color: 'red', variant: 'subtle' },
}

/** What the caller noted during the call the orientation came from (internal orientations only). */
function CallContext({ call }: { call: NonNullable<ReferralDetail['call']> }) {
  const { t, i18n } = useTranslation()
  const isEnglish = i18n.language.startsWith('en')
  // A call with no need, no fragility level and no answer: one sentence says so rather than a table of « Aucun ».
  const isEmpty = call.needs.length === 0 && !call.fragilityLevel && call.answers.length === 0
  const show = (value: boolean | number | string | string[]) =>
    typeof value === 'boolean'
      ? t(value ? 'referrals.callContext.yes' : 'referrals.callContext.no')
      : Array.isArray(value)
        ? value.join(', ')
        : String(value)
  return (
    <Card withBorder component="section" aria-labelledby="call-context-title">
      <Stack gap="xs">
        <Title order={3} size="h4" id="call-context-title">
          {t('referrals.callContext.title')}
        </Title>
        <Text size="sm">
          {t('referrals.callContext.at', {
            date: formatInstant(call.at, i18n.language),
            campaign: call.campaignName,
          })}
        </Text>
        {isEmpty ? (
          <Text c="dimmed">{t('referrals.callContext.none')}</Text>
        ) : (
          <Table variant="vertical" layout="fixed" withTableBorder={false}>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w="40%">{t('referrals.callContext.needs')}</Table.Th>
                <Table.Td>
                  {call.needs.length
                    ? call.needs.map((need) => t(`referrals.category.${need}`)).join(', ')
                    : t('referrals.callContext.nothing')}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('referrals.callContext.fragility')}</Table.Th>
                <Table.Td>
                  {call.fragilityLevel
                    ? t(`referrals.fragility.${call.fragilityLevel}`)
                    : t('referrals.callContext.nothing')}
                </Table.Td>
              </Table.Tr>
              {call.answers.map((answer) => (
                <Table.Tr key={answer.label}>
                  <Table.Th>{isEnglish && answer.labelEn ? answer.labelEn : answer.label}</Table.Th>
                  <Table.Td>{show(answer.value)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {!isEmpty && call.answers.length === 0 && <Text c="dimmed">{t('referrals.callContext.none')}</Text>}
      </Stack>
    </Card>
  )
}

export function ReferralPage() {
  const { t, i18n } = useTranslation()
  const { id } = useParams()
  const queryClient = useQueryClient()
  const [texts, setTexts] = useState({ note: '', reason: '', outcome: '' })
  // The field whose button was pressed while it was empty: its error says what is missing.
  const [missing, setMissing] = useState<keyof typeof texts | null>(null)
  const write = (field: keyof typeof texts, value: string) => {
    setTexts((current) => ({ ...current, [field]: value }))
    if (missing === field) setMissing(null)
  }
  const referral = useQuery({ queryKey: ['referral', id], queryFn: () => referralsApi.read(id!) })
  const refresh = () => {
    setTexts({ note: '', reason: '', outcome: '' })
    setMissing(null)
    notifications.show({ message: t('referrals.saved'), color: 'teal' })
    void queryClient.invalidateQueries({ queryKey: ['referral', id] })
    void queryClient.invalidateQueries({ queryKey: ['referrals'] })
  }
  const transition = useMutation({
    mutationFn: (body: ReferralTransition) => referralsApi.transition(id!, body),
    onSuccess: refresh,
  })
  const note = useMutation({ mutationFn: () => referralsApi.addNote(id!, texts.note), onSuccess: refresh })
  if (referral.isPending) return <Loader />
  if (referral.error) return <Alert color="red">{describeError(t, referral.error)}</Alert>
  const r = referral.data.referral
  const when = (iso: string) => formatInstant(iso, i18n.language)
  const isActive = ACTIVE_REFERRAL_STATUSES.includes(r.status)
  const moves = TRANSITIONS.filter((transition) => transition.from === r.status && transition.by === r.side)
  // The organisation that owns the household plans its calls: the sender, or either side of an internal referral.
  const isInternal = r.sender.organization === r.recipient.organization
  const mayPlanFollowUp = r.status !== 'revoked' && (r.side === 'sender' || (isInternal && r.side === 'recipient'))
  return (
    <Stack>
      <Anchor component={Link} to="/referrals">
        ← {t('referrals.title')}
      </Anchor>
      <Group>
        <Title order={2}>
          {r.category ? t(`referrals.category.${r.category}`) : t('referrals.closedCase', { date: when(r.createdAt) })}
        </Title>
        <Badge color={STATUS_COLOR[r.status]} variant="light" size="lg">
          {t(`referrals.status.${r.status}`)}
        </Badge>
        {r.isOverdue && <Badge color="red">{t('referrals.overdue')}</Badge>}
      </Group>
      <Text>
        {t(`referrals.urgency.${r.urgency}`)} · {t('referrals.from', { name: r.sender.name })} ·{' '}
        {t('referrals.sentTo', { name: r.recipient.team ?? r.recipient.name })}
      </Text>
      <Text size="sm">{t('referrals.due', { accept: when(r.dueAcceptBy), resolve: when(r.dueResolveBy) })}</Text>
      {r.summary && (
        <Card withBorder>
          <Text style={{ whiteSpace: 'pre-wrap' }}>{r.summary}</Text>
        </Card>
      )}
      {r.household && (
        <Card withBorder>
          <Title order={3} size="h4">
            {t('referrals.household')}
          </Title>
          <Text>
            {r.household.firstName} {r.household.lastName}
          </Text>
          <Text>{r.household.address}</Text>
          {r.household.phones.map((phone) => (
            <Anchor key={phone} href={`tel:${phone}`} display="block">
              {formatPhone(phone)}
            </Anchor>
          ))}
        </Card>
      )}
      {r.call && <CallContext call={r.call} />}
      {r.outcome && (
        <Alert color="green" title={t('referrals.fields.outcome')}>
          {r.outcome}
        </Alert>
      )}
      {(transition.error || note.error) && (
        <Alert color="red" role="alert">
          {describeError(t, transition.error ?? note.error)}
        </Alert>
      )}
      {isActive && (
        <Stack>
          {moves
            .filter((move) => move.requires)
            .map((move) => {
              const field = move.requires as 'reason' | 'outcome'
              const button = MOVE_BUTTON[move.to]!
              return (
                <Card withBorder key={move.to}>
                  <Stack gap="xs">
                    <Textarea
                      label={t(`referrals.fields.${field}`)}
                      description={t(`referrals.fieldHelp.${field}`)}
                      value={texts[field]}
                      error={missing === field ? t(`referrals.errors.${field}`) : undefined}
                      onChange={(event) => write(field, event.currentTarget.value)}
                      autosize
                      minRows={2}
                    />
                    <SensitiveWordWarning text={texts[field]} />
                    <Group>
                      <Button
                        color={button.color}
                        variant={button.variant}
                        loading={transition.isPending && transition.variables?.to === move.to}
                        onClick={() => {
                          if (!texts[field].trim()) return setMissing(field)
                          transition.mutate({ to: move.to, [field]: texts[field] })
                        }}
                      >
                        {t(`referrals.actions.${button.action}`)}
                      </Button>
                    </Group>
                  </Stack>
                </Card>
              )
            })}
          {moves.some((move) => !move.requires) && (
            <Group>
              {moves
                .filter((move) => !move.requires && MOVE_BUTTON[move.to])
                .map((move) => {
                  const button = MOVE_BUTTON[move.to]!
                  return (
                    <Button
                      key={move.to}
                      color={button.color}
                      variant={button.variant}
                      loading={transition.isPending && transition.variables?.to === move.to}
                      onClick={() => transition.mutate({ to: move.to })}
                    >
                      {t(`referrals.actions.${button.action}`)}
                    </Button>
                  )
                })}
            </Group>
          )}
          <Card withBorder>
            <Stack gap="xs">
              <Textarea
                label={t('referrals.fields.note')}
                description={t('referrals.fieldHelp.note')}
                value={texts.note}
                error={missing === 'note' ? t('referrals.errors.note') : undefined}
                onChange={(event) => write('note', event.currentTarget.value)}
                autosize
                minRows={2}
              />
              <SensitiveWordWarning text={texts.note} />
              <Group>
                <Button
                  variant="light"
                  onClick={() => (texts.note.trim() ? note.mutate() : setMissing('note'))}
                  loading={note.isPending}
                >
                  {t('referrals.actions.addNote')}
                </Button>
              </Group>
            </Stack>
          </Card>
        </Stack>
      )}
      {mayPlanFollowUp && (
        <FollowUpCard
          referralId={r.id}
          onPlanned={() => void queryClient.invalidateQueries({ queryKey: ['referral', id] })}
        />
      )}
      <Title order={3} size="h4">
        {t('referrals.history')}
      </Title>
      <Timeline bulletSize={14} lineWidth={2}>
        {r.events.map((event) => (
          <Timeline.Item
            key={`${event.at}-${event.kind}-${event.toStatus}`}
            title={event.toStatus ? t(`referrals.status.${event.toStatus}`) : event.actor}
          >
            {event.note && <Text size="sm">{event.note}</Text>}
            <Text size="xs">
              {event.actor} · {when(event.at)}
            </Text>
          </Timeline.Item>
        ))}
      </Timeline>
    </Stack>
  )
}
