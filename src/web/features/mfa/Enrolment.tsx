import { Alert, Button, Code, Group, Image, Loader, Stack, Text, TextInput } from '@mantine/core'
import { useForm } from '@mantine/form'
import { useMutation, useQuery } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import type { MfaProvisioning } from '../../../shared/contracts/auth.js'
import { codeErrorText } from './code-errors.js'

/** The secret in groups of four, easier to read aloud and to type. */
const grouped = (secret: string) => secret.match(/.{1,4}/g)?.join(' ') ?? secret

/**
 * Adding a second factor: the QR code, the secret in text (for a screen reader, or a phone that cannot scan), then a
 * first code of the app. At sign-in (forced by the role) and from « Mon compte »; `begin` answers the same secret
 * until it is confirmed.
 */
export function Enrolment<T>({
  queryKey,
  begin,
  confirm,
  onConfirmed,
  onCancel,
  onError,
}: {
  queryKey: string
  begin: () => Promise<MfaProvisioning>
  confirm: (code: string) => Promise<T>
  onConfirmed: (answer: T) => void
  onCancel?: () => void
  onError?: (error: unknown) => void
}) {
  const { t } = useTranslation()
  const provisioning = useQuery({
    queryKey: ['mfa', 'provisioning', queryKey],
    queryFn: begin,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    retry: false,
  })
  const form = useForm({
    initialValues: { code: '' },
    validate: { code: (value) => (/^\d{6}$/.test(value.trim()) ? null : t('mfa.errors.format')) },
  })
  const confirmation = useMutation({
    mutationFn: (code: string) => confirm(code),
    onSuccess: onConfirmed,
    onError: (error) => {
      form.setFieldError('code', codeErrorText(t, error))
      onError?.(error)
    },
  })
  if (provisioning.isPending) {
    return (
      <Group gap="xs" role="status">
        <Loader size="sm" />
        <Text>{t('mfa.enrol.loading')}</Text>
      </Group>
    )
  }
  if (provisioning.isError) {
    return (
      <Alert color="red" role="alert">
        {codeErrorText(t, provisioning.error)}
      </Alert>
    )
  }
  const { qrCode, secret, accountLabel } = provisioning.data
  return (
    <form onSubmit={form.onSubmit((values) => confirmation.mutate(values.code.trim()))} noValidate>
      <Stack>
        <Text size="sm">{t('mfa.enrol.intro')}</Text>
        <Text fw={600}>{t('mfa.enrol.step1')}</Text>
        <Image src={qrCode} alt={t('mfa.enrol.qrAlt')} w={200} h={200} fit="contain" />
        <Text size="sm">{t('mfa.enrol.step1Text')}</Text>
        <div>
          <Text size="sm" fw={600} id="mfa-secret-label">
            {t('mfa.enrol.secretLabel')}
          </Text>
          <Code block fz="md" aria-labelledby="mfa-secret-label" data-testid="mfa-secret">
            {grouped(secret)}
          </Code>
          <Text size="sm" c="dimmed">
            {t('mfa.enrol.account', { account: accountLabel })}
          </Text>
        </div>
        <Text fw={600}>{t('mfa.enrol.step2')}</Text>
        <TextInput
          label={t('mfa.code.label')}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          required
          maw={220}
          {...form.getInputProps('code')}
        />
        <Group>
          <Button type="submit" loading={confirmation.isPending}>
            {t('mfa.enrol.submit')}
          </Button>
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              {t('mfa.card.cancel')}
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  )
}
