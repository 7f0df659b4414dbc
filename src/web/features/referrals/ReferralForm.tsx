import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  List,
  Radio,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core'
import { useForm } from '@mantine/form'
import { useMutation, useQuery } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { organizationsContract } from '../../../shared/contracts/organizations.js'
import { REFERRAL_CATEGORIES, type ReferralCategory, URGENCIES, type Urgency } from '../../../shared/referrals.js'
import { ApiError, call } from '../../api/client.js'
import { describeError } from '../../components/errors.js'
import { SensitiveWordWarning } from '../../components/SensitiveWordWarning.js'
import { referralsApi } from './api.js'

/** Immediate danger: the emergency numbers and the organisation's on-call contact come first, before any form. */
export function EmergencyPanel() {
  const { t, i18n } = useTranslation()
  const emergency = useQuery({
    queryKey: ['emergency-numbers'],
    queryFn: referralsApi.emergencyNumbers,
    staleTime: Infinity,
  })
  return (
    <Alert color="red" role="alert" title={t('referrals.emergencyTitle')}>
      <List>
        {emergency.data?.numbers.map((entry) => (
          <List.Item key={entry.number}>
            <Anchor href={entry.number === '114' ? `sms:${entry.number}` : `tel:${entry.number}`} fw={700}>
              {entry.number}
            </Anchor>{' '}
            — {i18n.language === 'en' ? entry.label.en : entry.label.fr}
          </List.Item>
        ))}
      </List>
      {emergency.data?.onCall.map((organization) => (
        <Text key={organization.code} mt="xs">
          {t('referrals.onCall')} : {organization.onCallContact}
        </Text>
      ))}
    </Alert>
  )
}

function isReferralCategory(value: string | undefined): value is ReferralCategory {
  return (REFERRAL_CATEGORIES as readonly (string | undefined)[]).includes(value)
}

export function ReferralForm({
  householdId,
  callId,
  defaultCategory,
  onSent,
}: {
  householdId: string
  callId?: string
  defaultCategory?: string
  onSent?: (id: string) => void
}) {
  const { t } = useTranslation()
  const organizations = useQuery({
    queryKey: ['organizations'],
    queryFn: () => call(organizationsContract.list),
  })
  const form = useForm<{
    category: ReferralCategory
    urgency: Urgency
    recipientKind: 'internal' | 'external'
    team: string
    partner: string
    summary: string
    consent: boolean
    overrideReason: string
  }>({
    initialValues: {
      category: isReferralCategory(defaultCategory) ? defaultCategory : 'isolation',
      urgency: 'within_7_days',
      recipientKind: 'internal',
      team: 'Service social',
      partner: '',
      summary: '',
      consent: false,
      overrideReason: '',
    },
  })
  const send = useMutation({
    mutationFn: (values: typeof form.values) =>
      referralsApi.create({
        householdId,
        ...(callId ? { callId } : {}),
        category: values.category,
        urgency: values.urgency,
        recipient: values.recipientKind === 'internal' ? { team: values.team } : { organization: values.partner },
        summary: values.summary,
        consent: { given: values.consent },
        ...(values.overrideReason.trim() ? { overrideReason: values.overrideReason } : {}),
      }),
    onSuccess: ({ referral }) => {
      form.reset()
      onSent?.(referral.id)
    },
  })
  const isExternal = form.values.recipientKind === 'external'
  const consentError = send.error instanceof ApiError && send.error.code === 'CONSENT_REQUIRED'
  return (
    <form onSubmit={form.onSubmit((values) => send.mutate(values))} aria-label={t('referrals.new')}>
      <Stack>
        <Title order={3} size="h4">
          {t('referrals.new')}
        </Title>
        <Select
          label={t('referrals.fields.urgency')}
          required
          allowDeselect={false}
          data={URGENCIES.map((urgency) => ({ value: urgency, label: t(`referrals.urgency.${urgency}`) }))}
          {...form.getInputProps('urgency')}
        />
        {form.values.urgency === 'immediate' && <EmergencyPanel />}
        <Select
          label={t('referrals.fields.category')}
          required
          allowDeselect={false}
          data={REFERRAL_CATEGORIES.map((category) => ({
            value: category,
            label: t(`referrals.category.${category}`),
          }))}
          {...form.getInputProps('category')}
        />
        <Radio.Group label={t('referrals.fields.recipientKind')} {...form.getInputProps('recipientKind')}>
          <Stack gap={4} mt={4}>
            <Radio value="internal" label={t('referrals.fields.internal')} />
            <Radio value="external" label={t('referrals.fields.external')} />
          </Stack>
        </Radio.Group>
        {isExternal ? (
          <Select
            label={t('referrals.fields.partner')}
            required
            data={(organizations.data?.items ?? [])
              .filter((organization) => organization.type !== 'landlord')
              .map((organization) => ({ value: organization.code, label: organization.name }))}
            {...form.getInputProps('partner')}
          />
        ) : (
          <TextInput label={t('referrals.fields.team')} required {...form.getInputProps('team')} />
        )}
        <Textarea
          label={t('referrals.fields.summary')}
          description={t('referrals.fields.summaryHelp')}
          required
          minRows={3}
          autosize
          {...form.getInputProps('summary')}
        />
        <SensitiveWordWarning text={form.values.summary} />
        {isExternal && (
          <Checkbox label={t('referrals.fields.consent')} {...form.getInputProps('consent', { type: 'checkbox' })} />
        )}
        {isExternal && !form.values.consent && (
          <>
            <Text size="sm">{t('referrals.consentRequired')}</Text>
            {(form.values.urgency === 'immediate' || form.values.urgency === 'within_24h') && (
              <>
                <Textarea
                  label={t('referrals.fields.overrideReason')}
                  autosize
                  {...form.getInputProps('overrideReason')}
                />
                <SensitiveWordWarning text={form.values.overrideReason} />
              </>
            )}
          </>
        )}
        {send.error && (
          <Alert color="red" role="alert">
            {consentError ? t('referrals.consentRequired') : describeError(t, send.error)}
          </Alert>
        )}
        <Button type="submit" loading={send.isPending}>
          {t('referrals.fields.send')}
        </Button>
      </Stack>
    </form>
  )
}
