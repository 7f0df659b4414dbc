import { Alert, Anchor, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core'
import { useForm } from '@mantine/form'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { authContract, type SessionUser } from '../../../shared/contracts/auth.js'
import { ApiError, call } from '../../api/client.js'
import { describeError } from '../../components/errors.js'
import { LanguageSwitch } from '../../components/LanguageSwitch.js'
import { SecondStep } from '../mfa/SecondStep.js'
import { SsoChoices, ssoChoicesText, ssoProvidersOf, takeSsoRefusal } from './SsoChoices.js'

export function LoginPage() {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const form = useForm({ initialValues: { email: '', password: '' } })
  // After a right password, the second factor may be asked (or enrolled) before the session opens.
  const [secondStep, setSecondStep] = useState<'code' | 'enrol' | null>(null)
  // Back from an organisation's provider with a refusal: say why, in words.
  const [notice, setNotice] = useState<string | null>(() => {
    const refusal = takeSsoRefusal()
    return refusal ? t(`login.sso.refused.${refusal}`) : null
  })
  const signedIn = (user: SessionUser) => queryClient.setQueryData(['session'], user)
  const login = useMutation({
    mutationFn: (values: { email: string; password: string }) => call(authContract.login, { body: values }),
    onMutate: () => setNotice(null),
    onSuccess: (answer) => {
      if ('user' in answer) signedIn(answer.user)
      else {
        form.setFieldValue('password', '')
        setSecondStep(answer.mfa)
      }
    },
  })

  let errorText: string | null = notice
  const ssoProviders = ssoProvidersOf(login.error)
  if (login.error instanceof ApiError && login.error.code === 'INVALID_CREDENTIALS') errorText = t('login.invalid')
  else if (login.error instanceof ApiError && login.error.code === 'RATE_LIMITED') {
    const seconds = (login.error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? 900
    errorText = t('login.rateLimited', { minutes: Math.ceil(seconds / 60) })
  } else if (ssoProviders) {
    errorText =
      ssoProviders.length > 0
        ? t('login.sso.account', { choices: ssoChoicesText(t, ssoProviders) })
        : t('login.sso.accountOff')
  } else if (login.error) errorText = describeError(t, login.error)

  const heading = (
    <div>
      <Title order={1} size="h2">
        {t('app.name')}
      </Title>
      <Text c="dimmed">{t('app.tagline')}</Text>
    </div>
  )
  return (
    <Center mih="100vh" p="md" component="main" id="main">
      <Paper withBorder shadow="sm" p="xl" w={secondStep === 'enrol' ? 520 : 420} maw="100%">
        {secondStep ? (
          <Stack>
            {heading}
            <SecondStep
              step={secondStep}
              onSignedIn={signedIn}
              onRestart={(reason) => {
                login.reset()
                setNotice(reason || null)
                setSecondStep(null)
              }}
            />
            <LanguageSwitch />
          </Stack>
        ) : (
          <form onSubmit={form.onSubmit((values) => login.mutate(values))} noValidate>
            <Stack>
              {heading}
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
              <SsoChoices />
              <LanguageSwitch />
            </Stack>
          </form>
        )}
      </Paper>
    </Center>
  )
}
