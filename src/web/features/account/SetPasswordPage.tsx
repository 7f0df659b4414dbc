import { Alert, Anchor, Button, Loader, PasswordInput, Stack, Text } from '@mantine/core'
import { useForm } from '@mantine/form'
import { useMutation, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { PASSWORD_MIN_LENGTH } from '../../../shared/contracts/users.js'
import { ApiError } from '../../api/client.js'
import { describeError } from '../../components/errors.js'
import { ssoChoicesText, ssoProvidersOf } from '../auth/SsoChoices.js'
import { accountApi } from './api.js'
import { PublicFrame } from './PublicFrame.js'
import { passwordRefusalText } from './password-refusal.js'

/** The token of an invitation's or a reset's link, read once from the URL's fragment (never sent to a server). */
function readToken(): string {
  return new URLSearchParams(window.location.hash.slice(1)).get('token') ?? ''
}

/** Where an invitation's or a reset's link leads: choosing one's password, without signing in. */
export function SetPasswordPage() {
  const { t } = useTranslation()
  const [token] = useState(readToken)
  const link = useQuery({
    queryKey: ['account', 'link', token],
    queryFn: () => accountApi.readLink(token),
    retry: false,
    enabled: token.length > 0,
  })
  const form = useForm({
    initialValues: { password: '', confirm: '' },
    validate: { confirm: (value, values) => (value === values.password ? null : t('account.password.mismatch')) },
  })
  const save = useMutation({
    mutationFn: (values: typeof form.values) => accountApi.setPassword(token, values.password),
    onError: (error) => {
      const refusal = passwordRefusalText(t, error)
      if (refusal) form.setFieldError('password', refusal)
    },
    onSuccess: () => {
      // The token has served: it leaves the address bar and the history entry.
      window.history.replaceState(null, '', window.location.pathname)
    },
  })

  const brokenReason = (error: unknown) => {
    const reason = error instanceof ApiError ? (error.details as { reason?: string } | undefined)?.reason : undefined
    return reason === 'expired' || reason === 'used' ? reason : 'unknown'
  }
  const broken = !token
    ? 'unknown'
    : link.error
      ? brokenReason(link.error)
      : save.error &&
          !passwordRefusalText(t, save.error) &&
          save.error instanceof ApiError &&
          save.error.code === 'NOT_FOUND'
        ? brokenReason(save.error)
        : null
  const isInvitation = link.data?.purpose === 'invitation'
  // The account was bound to its organisation's provider after the link was mailed: it sets no password any more.
  // Known on opening the link; a submit refused for it (bound in between) says the same.
  const ssoProviders = link.data?.ssoProviders ?? ssoProvidersOf(save.error)

  return (
    <PublicFrame title={t(isInvitation ? 'account.link.invitationTitle' : 'account.link.resetTitle')}>
      {save.isSuccess ? (
        <Stack>
          <Alert color="teal" role="status">
            {t('account.link.done')}
          </Alert>
          <Button component={Link} to="/">
            {t('account.link.signIn')}
          </Button>
        </Stack>
      ) : ssoProviders ? (
        <Stack>
          <Alert color="blue" role="alert" title={t('account.link.sso.title')}>
            <Text size="sm">{t('account.link.sso.body')}</Text>
            <Text size="sm" mt="xs">
              {ssoProviders.length > 0
                ? t('account.link.sso.use', { choices: ssoChoicesText(t, ssoProviders) })
                : t('account.link.sso.off')}
            </Text>
          </Alert>
          <Button component={Link} to="/">
            {t('account.link.sso.toSignIn')}
          </Button>
        </Stack>
      ) : broken ? (
        <Stack>
          <Alert color="red" role="alert">
            {t(`account.link.broken.${broken}`)}
          </Alert>
          <Anchor component={Link} to="/mot-de-passe-oublie">
            {t('account.link.askAgain')}
          </Anchor>
        </Stack>
      ) : link.isPending ? (
        <Loader aria-label={t('account.link.checking')} />
      ) : (
        <form onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate>
          <Stack>
            <Text size="sm">
              {t(isInvitation ? 'account.link.invitationIntro' : 'account.link.resetIntro', {
                name: link.data?.name,
                email: link.data?.email,
              })}
            </Text>
            {save.error && !passwordRefusalText(t, save.error) && (
              <Alert color="red" role="alert">
                {describeError(t, save.error)}
              </Alert>
            )}
            {/* The account's address for password managers, not shown. */}
            <input type="email" autoComplete="username" value={link.data?.email ?? ''} readOnly hidden />
            <PasswordInput
              label={t('account.password.next')}
              description={t('account.password.hint', { count: PASSWORD_MIN_LENGTH })}
              autoComplete="new-password"
              required
              {...form.getInputProps('password')}
            />
            <PasswordInput
              label={t('account.password.confirm')}
              autoComplete="new-password"
              required
              {...form.getInputProps('confirm')}
            />
            <Button type="submit" loading={save.isPending}>
              {t('account.link.submit')}
            </Button>
          </Stack>
        </form>
      )}
    </PublicFrame>
  )
}
