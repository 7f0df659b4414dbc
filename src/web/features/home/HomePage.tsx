import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import type { SessionUser } from '../../../shared/contracts/auth.js'
import { NAVIGATION } from '../../../shared/roles.js'

const ROLE_TARGET: Record<string, string> = {
  admin: 'administration',
  manager: 'campaigns',
  caller: 'calling',
  social_worker: 'referrals',
  partner: 'referrals',
  viewer: 'stats',
}

export function HomePage({ user }: { user: SessionUser }) {
  const { t } = useTranslation()
  return (
    <Stack>
      <Title order={2}>{t('home.hello', { name: user.name })}</Title>
      <Text c="dimmed">{t('home.yourRoles')}</Text>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {user.memberships.map((membership) => {
          const target = NAVIGATION.find((entry) => entry.key === ROLE_TARGET[membership.role])!
          return (
            <Card key={`${membership.organization.code}-${membership.role}`} withBorder data-role={membership.role}>
              <Group justify="space-between" mb="xs">
                <Title order={3} size="h4">
                  {t(`roles.${membership.role}`)}
                </Title>
                <Badge variant="light">{membership.organization.name}</Badge>
              </Group>
              <Text size="sm" mb="md">
                {t(`home.${membership.role}`)}
              </Text>
              <Button component={Link} to={target.path} variant="light">
                {t('home.open')} — {t(`nav.${target.key}`)}
              </Button>
            </Card>
          )
        })}
      </SimpleGrid>
    </Stack>
  )
}
