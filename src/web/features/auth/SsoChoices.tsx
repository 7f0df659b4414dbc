import { Button, Divider, Stack, Text } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import { SSO_REFUSALS, type SsoRefusal, ssoContract } from '../../../shared/contracts/sso.js'
import { ApiError, call } from '../../api/client.js'

/**
 * The organisations whose provider an account signs in through, when the server refused its password or its link for
 * that (FORBIDDEN, reason `sso_account`; empty when every such provider is switched off); null for any other answer.
 */
export function ssoProvidersOf(error: unknown): string[] | null {
  if (!(error instanceof ApiError) || error.code !== 'FORBIDDEN') return null
  const details = error.details as { reason?: string; providers?: string[] } | undefined
  return details?.reason === 'sso_account' ? (details.providers ?? []) : null
}

/** « « Se connecter avec A », « Se connecter avec B » »: the buttons to choose, named as the login page shows them. */
export function ssoChoicesText(t: TFunction, providers: string[]) {
  return providers.map((name) => t('account.link.sso.choice', { label: t('login.sso.with', { name }) })).join(', ')
}

/**
 * Why the last sign-in through a provider was refused, when the server sent the browser back here with `?sso=<reason>`;
 * the parameter is taken out of the address bar so that a reload does not show it again.
 */
export function takeSsoRefusal(): SsoRefusal | null {
  const params = new URLSearchParams(window.location.search)
  const reason = params.get('sso')
  if (reason === null) return null
  params.delete('sso')
  const search = params.toString()
  window.history.replaceState(null, '', `${window.location.pathname}${search ? `?${search}` : ''}`)
  return (SSO_REFUSALS as readonly string[]).includes(reason) ? (reason as SsoRefusal) : null
}

/** « Se connecter avec <organisation> »: one link per organisation whose people sign in through their provider. */
export function SsoChoices() {
  const { t } = useTranslation()
  const organizations = useQuery({
    queryKey: ['sso-organizations'],
    queryFn: () => call(ssoContract.organizations),
    staleTime: 60_000,
  })
  const items = organizations.data?.items ?? []
  if (items.length === 0) return null
  return (
    <Stack gap="xs">
      <Divider label={t('login.sso.or')} labelPosition="center" />
      <Text size="sm">{t('login.sso.intro')}</Text>
      {items.map((organization) => (
        // A navigation, not an API call: the server answers with a redirect to the organisation's provider.
        <Button
          key={organization.code}
          component="a"
          href={`/api/auth/sso/${encodeURIComponent(organization.code)}/start`}
          variant="default"
        >
          {t('login.sso.with', { name: organization.name })}
        </Button>
      ))}
    </Stack>
  )
}
