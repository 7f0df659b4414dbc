import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Stack,
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
import { describeError } from '../../components/errors.js'
import { referralsApi } from './api.js'
import { FollowUpCard } from './FollowUpCard.js'
import { STATUS_COLOR } from './ReferralsPage.js'

export function ReferralPage() {
  const { t, i18n } = useTranslation()
  const { id } = useParams()
  const queryClient = useQueryClient()
  const [text, setText] = useState('')
  const referral = useQuery({ queryKey: ['referral', id], queryFn: () => referralsApi.get(id!) })
  const refresh = () => {
    setText('')
    notifications.show({ message: t('referrals.saved'), color: 'teal' })
    void queryClient.invalidateQueries({ queryKey: ['referral', id] })
    void queryClient.invalidateQueries({ queryKey: ['referrals'] })
  }
  const move = useMutation({
    mutationFn: (body: { to: string; reason?: string; outcome?: string }) => referralsApi.transition(id!, body),
    onSuccess: refresh,
  })
  const note = useMutation({ mutationFn: () => referralsApi.note(id!, text), onSuccess: refresh })
  if (referral.isPending) return <Loader />
  if (referral.error) return <Alert color="red">{describeError(t, referral.error)}</Alert>
  const r = referral.data.referral
  const when = (iso: string) => new Date(iso).toLocaleString(i18n.language)
  const isRecipient = r.side === 'recipient'
  const isActive = ['sent', 'accepted', 'in_progress'].includes(r.status)
  // The organisation that owns the household plans its calls: the sender, or either side of an internal referral.
  const isInternal = r.sender.organization === r.recipient.organization
  const mayPlanFollowUp = r.status !== 'revoked' && (r.side === 'sender' || (isInternal && r.side === 'recipient'))
  return (
    <Stack>
      <Anchor component={Link} to="/referrals">
        ← {t('referrals.title')}
      </Anchor>
      <Group>
        <Title order={2}>{r.category ? t(`referrals.category.${r.category}`) : t('referrals.title')}</Title>
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
              {phone}
            </Anchor>
          ))}
        </Card>
      )}
      {r.outcome && <Alert color="green">{r.outcome}</Alert>}
      {(move.error || note.error) && (
        <Alert color="red" role="alert">
          {describeError(t, move.error ?? note.error)}
        </Alert>
      )}
      {isActive && (
        <Stack>
          <Textarea
            label={t('referrals.fields.note')}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            autosize
            minRows={2}
          />
          <Group>
            <Button variant="light" disabled={!text.trim()} onClick={() => note.mutate()} loading={note.isPending}>
              {t('referrals.actions.addNote')}
            </Button>
            {isRecipient && r.status === 'sent' && (
              <>
                <Button onClick={() => move.mutate({ to: 'accepted' })}>{t('referrals.actions.accept')}</Button>
                <Button
                  color="red"
                  variant="light"
                  disabled={!text.trim()}
                  onClick={() => move.mutate({ to: 'rejected', reason: text })}
                >
                  {t('referrals.actions.reject')}
                </Button>
              </>
            )}
            {isRecipient && r.status === 'accepted' && (
              <Button onClick={() => move.mutate({ to: 'in_progress' })}>{t('referrals.actions.start')}</Button>
            )}
            {isRecipient && r.status === 'in_progress' && (
              <Button disabled={!text.trim()} onClick={() => move.mutate({ to: 'done', outcome: text })}>
                {t('referrals.actions.done')}
              </Button>
            )}
            {r.side === 'sender' && (
              <Button color="red" variant="subtle" onClick={() => move.mutate({ to: 'revoked' })}>
                {t('referrals.actions.revoke')}
              </Button>
            )}
          </Group>
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
