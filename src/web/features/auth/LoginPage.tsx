import { Alert, Anchor, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core'
import { useForm } from '@mantine/form'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { authContract } from '../../../shared/contracts/auth.js'
import { ApiError, call } from '../../api/client.js'
import { describeError } from '../../components/errors.js'
import { LanguageSwitch } from '../../components/LanguageSwitch.js'

export function LoginPage() {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const form = useForm({ initialValues: { email: '', password: '' } })
  const login = useMutation({
    mutationFn: (values: { email: string; password: string }) => call(authContract.login, { body: values }),
    onSuccess: (answer) => {
      if ('user' in answer) queryClient.setQueryData(['session'], answer.user)
    },
  })

  let errorText: string | null = null
  if (login.error instanceof ApiError && login.error.code === 'INVALID_CREDENTIALS') errorText = t('login.invalid')
  else if (login.error instanceof ApiError && login.error.code === 'RATE_LIMITED') {
    const seconds = (login.error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? 900
    errorText = t('login.rateLimited', { minutes: Math.ceil(seconds / 60) })
  } else if (login.error) errorText = describeError(t, login.error)

  return (
    <Center mih="100vh" p="md" component="main" id="main">
      <Paper withBorder shadow="sm" p="xl" w={420} maw="100%">
        <form onSubmit={form.onSubmit((values) => login.mutate(values))} noValidate>
          <Stack>
            <div>
              <Title order={1} size="h2">
                {t('app.name')}
              </Title>
              <Text c="dimmed">{t('app.tagline')}</Text>
            </div>
            <Title order={2} size="h3">
              {t('login.title')}
            </Title>
            <Text size="sm">{t('login.intro')}</Text>
            {errorText && (
              <Alert color="red" role="alert">
                {errorText}
              </Alert>
            )}
            <TextInput
              label={t('login.email')}
              type="email"
              autoComplete="username"
              required
              {...form.getInputProps('email')}
            />
            <PasswordInput
              label={t('login.password')}
              autoComplete="current-password"
              required
              {...form.getInputProps('password')}
            />
            <Button type="submit" loading={login.isPending}>
              {t('login.submit')}
            </Button>
            <Anchor component={Link} to="/mot-de-passe-oublie" size="sm">
              {t('account.forgot.link')}
            </Anchor>
            <LanguageSwitch />
          </Stack>
        </form>
      </Paper>
    </Center>
  )
}
