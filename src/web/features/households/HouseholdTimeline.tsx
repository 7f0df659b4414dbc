import { Alert, Anchor, Badge, Card, Group, Loader, Text, Timeline, Title } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { formatInstant } from '../../../shared/clock.js'
import { householdsContract, type TimelineEntry } from '../../../shared/contracts/households.js'
import { call } from '../../api/client.js'
import { describeError } from '../../components/errors.js'
import { rectifiedFieldsSentence } from '../data-protection/rectified-fields.js'

const FRAGILITY_COLOR: Record<string, string> = {
  none: 'gray',
  watch: 'yellow',
  fragile: 'orange',
  high_vulnerability: 'red',
}

/** Calls, referrals and their steps, imports and objections of one household, newest first. */
export function HouseholdTimeline({ householdId }: { householdId: string }) {
  const { t, i18n } = useTranslation()
  const timeline = useQuery({
    queryKey: ['household', householdId, 'timeline'],
    queryFn: () => call(householdsContract.timeline, { params: { id: householdId } }),
  })
  const when = (iso: string) => formatInstant(iso, i18n.language)
  const title = (entry: TimelineEntry) => {
    switch (entry.kind) {
      case 'call':
        return t('history.call', { campaign: entry.call!.campaignName })
      case 'referral':
        return t('history.referral', { recipient: entry.referral!.recipient })
      case 'referral_step':
        return t('history.referralStep', {
          from: t(`history.referralStatus.${entry.referral!.fromStatus}`),
          to: t(`history.referralStatus.${entry.referral!.toStatus}`),
        })
      case 'import_update':
        return t('history.importUpdate')
      case 'objection':
        return t('history.objection', { channel: t(`history.channels.${entry.channel ?? 'other'}`) })
      case 'rectification':
        return t('history.rectification')
      default:
        return t('history.objectionWithdrawn')
    }
  }
  return (
    <Card withBorder component="section" aria-labelledby="household-history">
      <Title order={3} size="h4" mb="sm" id="household-history">
        {t('history.title')}
      </Title>
      {timeline.isPending && <Loader size="sm" aria-label={t('history.loading')} />}
      {timeline.error && <Alert color="red">{describeError(t, timeline.error)}</Alert>}
      {timeline.data && timeline.data.items.length === 0 && <Text c="dimmed">{t('history.empty')}</Text>}
      {timeline.data && timeline.data.items.length > 0 && (
        <Timeline bulletSize={14} lineWidth={2}>
          {timeline.data.items.map((entry) => (
            <Timeline.Item key={entry.id} title={title(entry)}>
              {entry.call && (
                <Group gap="xs" mt={4}>
                  <Badge variant="light">{t(`calling.dispositions.${entry.call.disposition}`)}</Badge>
                  <Text size="xs">{t('history.attempt', { attempt: entry.call.attempt })}</Text>
                  {entry.call.durationSeconds !== null && (
                    <Text size="xs">
                      {t('history.duration', { minutes: Math.max(1, Math.round(entry.call.durationSeconds / 60)) })}
                    </Text>
                  )}
                  {entry.call.fragilityLevel && (
                    <Badge color={FRAGILITY_COLOR[entry.call.fragilityLevel]} variant="outline">
                      {t(`calling.fragility.${entry.call.fragilityLevel}`)}
                    </Badge>
                  )}
                </Group>
              )}
              {entry.call && entry.call.needs.length > 0 && (
                <Text size="sm">
                  {t('history.needs', { needs: entry.call.needs.map((need) => t(`calling.needs.${need}`)).join(', ') })}
                </Text>
              )}
              {entry.call?.notes && (
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {entry.call.notes}
                </Text>
              )}
              {entry.kind === 'referral' && entry.referral && (
                <Text size="sm">
                  {t(`referrals.category.${entry.referral.category}`)} ·{' '}
                  {t(`referrals.urgency.${entry.referral.urgency}`)} ·{' '}
                  <Anchor component={Link} to={`/referrals/${entry.referral.id}`}>
                    {t('history.openReferral')}
                  </Anchor>
                </Text>
              )}
              {entry.kind === 'rectification' && entry.fields && entry.fields.length > 0 && (
                <Text size="sm">
                  {t('history.fields', { fields: rectifiedFieldsSentence(t, i18n.language, entry.fields) })}
                </Text>
              )}
              <Text size="xs" c="dimmed">
                {when(entry.at)}
                {entry.actor && ` · ${t('history.by', { name: entry.actor })}`}
              </Text>
            </Timeline.Item>
          ))}
        </Timeline>
      )}
    </Card>
  )
}
