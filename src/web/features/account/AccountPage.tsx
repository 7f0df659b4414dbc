import { Stack, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { SessionUser } from '../../../shared/contracts/auth.js'
import { MfaCard } from '../mfa/MfaCard.js'
import { PasswordCard } from './PasswordCard.js'
import { SessionsCard } from './SessionsCard.js'

/** « Mon compte »: what a person manages about their own account. */
export function AccountPage({ user }: { user: SessionUser }) {
  const { t } = useTranslation()
  return (
    <Stack>
      <Title order={2}>{t('account.title')}</Title>
      <Text>
        {user.name} — {user.email}
      </Text>
      <SessionsCard />
      <PasswordCard />
      <MfaCard email={user.email} />
    </Stack>
  )
}
