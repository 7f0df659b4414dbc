import { Alert, Anchor, Button, Checkbox, List, Radio, Select, Stack, Text, Textarea, TextInput } from '@mantine/core'
import { useForm } from '@mantine/form'
import { IconBulb } from '@tabler/icons-react'
import { useMutation, useQuery } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { formatInstant } from '../../../shared/clock.js'
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

interface FormValues {
  category: ReferralCategory | null
  urgency: Urgency | null
  recipientKind: 'internal' | 'external'
  team: string
  partner: string
  summary: string
  consent: boolean
  overrideReason: string
}

const isEmergency = (urgency: Urgency | null) => urgency === 'immediate' || urgency === 'within_24h'

/**
 * The orientation window's form: it names the household, asks every choice (nothing pre-filled), the reason to send
 * without consent only when that may apply (a partner, no consent, an emergency), and ends on what was sent to whom.
 * `onSent` runs when the person closes that confirmation.
 */
export function ReferralForm({
  householdId,
  householdName,
  callId,
  defaultCategory,
  suggestion,
  onSent,
}: {
  householdId: string
  /** The household's name, shown at the top of the form and in the confirmation. */
  householdName?: string
  callId?: string
  /** A need ticked during the call: offered as a hint, never pre-selected. */
  defaultCategory?: string
  /** A detection suggestion the caller followed: said as a hint (« Suggéré : Santé et autonomie, sous 24 h »), the
   * category and urgency still left for the caller to pick. */
  suggestion?: { category: string; urgency?: string }
  onSent?: (id: string) => void
}) {
  const { t, i18n } = useTranslation()
  const organizations = useQuery({
    queryKey: ['organizations'],
    queryFn: () => call(organizationsContract.list),
  })
  const form = useForm<FormValues>({
    initialValues: {
      category: null,
      urgency: null,
      recipientKind: 'internal',
      team: 'Service social',
      partner: '',
      summary: '',
      consent: false,
      overrideReason: '',
    },
    validate: {
      urgency: (value) => (value ? null : t('referrals.errors.urgency')),
      category: (value) => (value ? null : t('referrals.errors.category')),
      partner: (value, values) =>
        values.recipientKind === 'external' && !value ? t('referrals.errors.partner') : null,
      team: (value, values) =>
        values.recipientKind === 'internal' && value.trim().length < 2 ? t('referrals.errors.team') : null,
      summary: (value) => (value.trim().length < 5 ? t('referrals.errors.summary') : null),
    },
  })
  const send = useMutation({
    mutationFn: (values: FormValues) =>
      referralsApi.create({
        householdId,
        ...(callId ? { callId } : {}),
        category: values.category!,
        urgency: values.urgency!,
        recipient: values.recipientKind === 'internal' ? { team: values.team } : { organization: values.partner },
        summary: values.summary,
        consent: { given: values.consent },
        ...(values.overrideReason.trim() ? { overrideReason: values.overrideReason } : {}),
      }),
  })
  const isExternal = form.values.recipientKind === 'external'
  const consentError = send.error instanceof ApiError && send.error.code === 'CONSENT_REQUIRED'
  const sent = send.data?.referral
  if (sent) {
    const recipient = sent.recipient.team ? `${sent.recipient.team} (${sent.recipient.name})` : sent.recipient.name
    return (
      <Stack>
        <Alert color="teal" title={t('referrals.created')} role="status">
          <Text>
            {t('referrals.confirmation', {
              recipient,
              household: householdName ?? sent.householdName ?? '',
              category: sent.category ? t(`referrals.category.${sent.category}`) : '',
              urgency: t(`referrals.urgency.${sent.urgency}`).toLowerCase(),
            })}
          </Text>
          <Text size="sm" mt="xs">
            {t('referrals.confirmationDue', { accept: formatInstant(sent.dueAcceptBy, i18n.language) })}
          </Text>
        </Alert>
        <Button onClick={() => onSent?.(sent.id)}>{t('referrals.confirmationClose')}</Button>
      </Stack>
    )
  }
  const suggested =
    suggestion && isReferralCategory(suggestion.category)
      ? t(
          (URGENCIES as readonly string[]).includes(suggestion.urgency ?? '')
            ? 'referrals.suggestedHint'
            : 'referrals.suggestedCategoryHint',
          {
            category: t(`referrals.category.${suggestion.category}`),
            urgency: t(`referrals.urgency.${suggestion.urgency}`).toLowerCase(),
          },
        )
      : null
  const hint = !suggested && isReferralCategory(defaultCategory) ? t(`referrals.category.${defaultCategory}`) : null
  return (
    <form onSubmit={form.onSubmit((values) => send.mutate(values))} aria-label={t('referrals.new')} noValidate>
      <Stack>
        {householdName && (
          <Text fw={600} data-testid="referral-household">
            {t('referrals.forHousehold', { name: householdName })}
          </Text>
        )}
        {suggested && (
          <Alert
            color="blue"
            variant="light"
            icon={<IconBulb size={18} aria-hidden />}
            data-testid="referral-suggested"
          >
            {suggested}
          </Alert>
        )}
        <Select
          label={t('referrals.fields.urgency')}
          placeholder={t('referrals.choose')}
          required
          allowDeselect={false}
          data={URGENCIES.map((urgency) => ({ value: urgency, label: t(`referrals.urgency.${urgency}`) }))}
          {...form.getInputProps('urgency')}
        />
        {form.values.urgency === 'immediate' && <EmergencyPanel />}
        <Select
          label={t('referrals.fields.category')}
          placeholder={t('referrals.choose')}
          description={hint ? t('referrals.categoryHint', { need: hint }) : undefined}
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
            placeholder={t('referrals.choose')}
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
            {isEmergency(form.values.urgency) && (
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
