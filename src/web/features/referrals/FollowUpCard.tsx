import { Alert, Button, Card, Group, NumberInput, SegmentedControl, Stack, Text, Title } from '@mantine/core'
import { useMutation } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatInstant, isoToParisLocal, parisLocalToIso } from '../../../shared/clock.js'
import { DayInput } from '../../components/DayInput.js'
import { DayTimeInput } from '../../components/DayTimeInput.js'
import { describeError } from '../../components/errors.js'
import { referralsApi } from './api.js'

/** The sender of a referral plans follow-up calls: one on a date, or the watch every N days until a day. */
export function FollowUpCard({ referralId, onPlanned }: { referralId: string; onPlanned: () => void }) {
  const { t, i18n } = useTranslation()
  const [mode, setMode] = useState<'once' | 'weekly'>('weekly')
  const [at, setAt] = useState('')
  const [everyDays, setEveryDays] = useState<number>(7)
  const [until, setUntil] = useState('')
  const plan = useMutation({
    mutationFn: () => {
      if (mode === 'weekly') return referralsApi.planFollowUp(referralId, { everyDays, until })
      // The time is typed as the tenant hears it: Paris wall-clock time, whatever zone the device is set to. A
      // malformed value goes as typed, for the server to say what is wrong with it.
      return referralsApi.planFollowUp(referralId, { at: parisLocalToIso(at) ?? at })
    },
    onSuccess: onPlanned,
  })
  const planned = plan.data?.followUp
  return (
    <Card withBorder component="section" aria-labelledby="referral-follow-up">
      <Title order={3} size="h4" id="referral-follow-up">
        {t('referrals.followUp.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('referrals.followUp.help')}
      </Text>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault()
          plan.mutate()
        }}
      >
        <Stack>
          <SegmentedControl
            value={mode}
            onChange={(value) => setMode(value as 'once' | 'weekly')}
            data={[
              { value: 'weekly', label: t('referrals.followUp.weekly') },
              { value: 'once', label: t('referrals.followUp.once') },
            ]}
          />
          {mode === 'once' ? (
            <DayTimeInput
              label={t('referrals.followUp.at')}
              value={at || undefined}
              onChange={(moment) => setAt(moment ?? '')}
              error={at && at <= isoToParisLocal(new Date()) ? t('referrals.followUp.atPast') : undefined}
              withAsterisk
            />
          ) : (
            <Group grow>
              <NumberInput
                label={t('referrals.followUp.everyDays')}
                min={1}
                max={31}
                value={everyDays}
                onChange={(value) => setEveryDays(Number(value) || 7)}
                required
              />
              <DayInput
                label={t('referrals.followUp.until')}
                value={until || undefined}
                onChange={(day) => setUntil(day ?? '')}
                required
              />
            </Group>
          )}
          {plan.error && (
            <Alert color="red" role="alert">
              {describeError(t, plan.error)}
            </Alert>
          )}
          {planned && (
            <Alert color="teal" role="status">
              {t('referrals.followUp.planned', {
                date: formatInstant(planned.nextCallAt, i18n.language, { date: 'full' }),
                campaign: planned.campaignName,
              })}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={plan.isPending}>
              {t('referrals.followUp.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  )
}
