import { Alert, Button, Card, PasswordInput, Stack, Text, Title } from '@mantine/core'
import { useForm } from '@mantine/form'
import { notifications } from '@mantine/notifications'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { PASSWORD_MIN_LENGTH } from '../../../shared/contracts/users.js'
import { ApiError } from '../../api/client.js'
import { describeError } from '../../components/errors.js'
import { accountApi } from './api.js'
import { passwordRefusalText, retryMinutes } from './password-refusal.js'

/** « Mon compte »: changing one's password, the current one asked first. */
export function PasswordCard() {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const form = useForm({
    initialValues: { current: '', next: '', confirm: '' },
    validate: { confirm: (value, values) => (value === values.next ? null : t('account.password.mismatch')) },
  })
  const change = useMutation({
    mutationFn: (values: typeof form.values) => accountApi.changePassword(values.current, values.next),
    onError: (error) => {
      const refusal = passwordRefusalText(t, error)
      if (refusal) form.setFieldError('next', refusal)
      else if (
        error instanceof ApiError &&
        (error.details as { field?: string } | undefined)?.field === 'currentPassword'
      ) {
        form.setFieldError('current', t('account.password.wrongCurrent'))
      }
    },
    onSuccess: () => {
      form.reset()
      notifications.show({ message: t('account.password.changed'), color: 'teal' })
      void queryClient.invalidateQueries({ queryKey: ['account', 'sessions'] })
    },
  })
  const minutes = retryMinutes(change.error)
  const otherError = change.error && !passwordRefusalText(t, change.error) && !form.errors.current ? change.error : null
  return (
    <Card withBorder component="section" aria-labelledby="account-password">
      <form onSubmit={form.onSubmit((values) => change.mutate(values))} noValidate>
        <Stack>
          <Title order={3} size="h4" id="account-password">
            {t('account.password.title')}
          </Title>
          <Text size="sm">{t('account.password.intro')}</Text>
          {otherError && (
            <Alert color="red" role="alert">
              {minutes ? t('account.password.rateLimited', { minutes }) : describeError(t, otherError)}
            </Alert>
          )}
          <PasswordInput
            label={t('account.password.current')}
            autoComplete="current-password"
            required
            maw={420}
            {...form.getInputProps('current')}
          />
          <PasswordInput
            label={t('account.password.next')}
            description={t('account.password.hint', { count: PASSWORD_MIN_LENGTH })}
            autoComplete="new-password"
            required
            maw={420}
            {...form.getInputProps('next')}
          />
          <PasswordInput
            label={t('account.password.confirm')}
            autoComplete="new-password"
            required
            maw={420}
            {...form.getInputProps('confirm')}
          />
          <div>
            <Button type="submit" loading={change.isPending}>
              {t('account.password.submit')}
            </Button>
          </div>
        </Stack>
      </form>
    </Card>
  )
}
