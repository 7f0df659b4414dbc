import { Card, Stack, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { SessionUser } from '../../../shared/contracts/auth.js'
import { MfaCard } from '../mfa/MfaCard.js'
import { PasswordCard } from './PasswordCard.js'
import { SessionsCard } from './SessionsCard.js'

/**
 * « Mon compte »: what a person manages about their own account. An account that signs in through its organisation's
 * single sign-on has no password or second factor of Allervers (the server refuses both): it is told where they are
 * managed instead.
 */
export function AccountPage({ user }: { user: SessionUser }) {
  const { t } = useTranslation()
  return (
    <Stack>
      <Title order={2}>{t('account.title')}</Title>
      <Text>
        {user.name} — {user.email}
      </Text>
      <SessionsCard signsInWithSso={user.signsInWithSso} />
      {user.signsInWithSso ? (
        <Card withBorder component="section" aria-labelledby="account-sso">
          <Stack gap="xs">
            <Title order={3} size="h4" id="account-sso">
              {t('account.sso.title')}
            </Title>
            <Text size="sm">{t('account.sso.body', { organizations: user.ssoOrganizations.join(', ') })}</Text>
          </Stack>
        </Card>
      ) : (
        <>
          <PasswordCard />
          <MfaCard email={user.email} />
        </>
      )}
    </Stack>
  )
}
