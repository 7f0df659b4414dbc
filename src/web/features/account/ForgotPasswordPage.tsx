import { Alert, Anchor, Button, Text, TextInput } from '@mantine/core'
import { useForm } from '@mantine/form'
import { useMutation } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { describeError } from '../../components/errors.js'
import { accountApi } from './api.js'
import { PublicFrame } from './PublicFrame.js'
import { retryMinutes } from './password-refusal.js'

/** Asks for a link to choose a new password: the same answer whether the address has an account or not. */
export function ForgotPasswordPage() {
  const { t } = useTranslation()
  const form = useForm({ initialValues: { email: '' } })
  const request = useMutation({ mutationFn: (values: { email: string }) => accountApi.requestReset(values.email) })
  const minutes = retryMinutes(request.error)
  return (
    <PublicFrame title={t('account.forgot.title')}>
      {request.isSuccess ? (
        <Alert color="teal" role="status">
          {t('account.forgot.sent')}
        </Alert>
      ) : (
        <form onSubmit={form.onSubmit((values) => request.mutate(values))} noValidate>
          <Text size="sm" mb="sm">
            {t('account.forgot.intro')}
          </Text>
          {request.error && (
            <Alert color="red" role="alert" mb="sm">
              {minutes ? t('account.forgot.rateLimited', { minutes }) : describeError(t, request.error)}
            </Alert>
          )}
          <TextInput
            label={t('account.forgot.email')}
            type="email"
            autoComplete="username"
            required
            mb="sm"
            {...form.getInputProps('email')}
          />
          <Button type="submit" loading={request.isPending}>
            {t('account.forgot.submit')}
          </Button>
        </form>
      )}
      <Anchor component={Link} to="/">
        {t('account.forgot.back')}
      </Anchor>
    </PublicFrame>
  )
}
