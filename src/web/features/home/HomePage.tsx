import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  List,
  Loader,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { formatInstant } from '../../../shared/clock.js'
import type { SessionUser } from '../../../shared/contracts/auth.js'
import { labelOf, localeOf } from '../../../shared/labels.js'
import { NAVIGATION } from '../../../shared/roles.js'
import { describeError } from '../../components/errors.js'
import { type Home, homeApi } from './api.js'

const ROLE_TARGET: Record<string, string> = {
  admin: 'administration',
  manager: 'campaigns',
  caller: 'calling',
  social_worker: 'referrals',
  partner: 'referrals',
  viewer: 'stats',
  dpo: 'dataProtection',
}

function Section({ title, children, name }: { title: string; children: React.ReactNode; name: string }) {
  const id = `today-${name}`
  return (
    <Card withBorder component="section" aria-labelledby={id} data-today={name}>
      <Title order={3} size="h4" id={id} mb="sm">
        {title}
      </Title>
      {children}
    </Card>
  )
}

/** The sections of "à traiter aujourd'hui" the user's roles open, each item linking to where it is handled. */
function Today({ home }: { home: Home }) {
  const { t, i18n } = useTranslation()
  const locale = localeOf(i18n.language)
  const when = (instant: string) => formatInstant(instant, i18n.language)
  const figure = (value: number | null) => (value === null ? t('today.underFive') : value)
  const sections: React.ReactNode[] = []
  if (home.calling) {
    const calling = home.calling
    sections.push(
      <Section key="calling" name="calling" title={t('today.calling')}>
        <Stack>
          {calling.campaigns.length === 0 && <Text size="sm">{t('today.noCampaign')}</Text>}
          {calling.campaigns.map((campaign) => (
            <Group key={campaign.id} gap="xs">
              <Anchor
                component={Link}
                to={`/calling?campaign=${encodeURIComponent(campaign.id)}`}
                fw={600}
                aria-label={t('today.callThis', { name: campaign.name })}
              >
                {campaign.name}
              </Anchor>
              <Text span size="sm">
                {campaign.left === 0 ? t('today.callingNoneLeft') : t('today.callingLeft', { count: campaign.left })}
              </Text>
              {!campaign.isWithinCallingHours && (
                <Badge variant="outline" color="gray" size="sm">
                  {t('today.outsideHours')}
                </Badge>
              )}
            </Group>
          ))}
          <List spacing="xs">
            <List.Item>
              <Anchor component={Link} to="/calling#mes-rappels">
                {calling.callbacksOverdue + calling.callbacksDueToday === 0
                  ? t('today.callbacksNone')
                  : [
                      calling.callbacksOverdue > 0 && t('today.callbacksOverdue', { count: calling.callbacksOverdue }),
                      calling.callbacksDueToday > 0 &&
                        t('today.callbacksDueToday', { count: calling.callbacksDueToday }),
                    ]
                      .filter(Boolean)
                      .join(' · ')}
              </Anchor>{' '}
              <Text span size="sm">
                ({t('today.myCallbacks')})
              </Text>
            </List.Item>
            <List.Item>{t('today.callsToday', { count: calling.callsToday })}</List.Item>
          </List>
        </Stack>
      </Section>,
    )
  }
  if (home.orientations) {
    const orientations = home.orientations
    sections.push(
      <Section key="orientations" name="orientations" title={t('today.orientations')}>
        <List spacing="xs">
          <List.Item>
            <Anchor component={Link} to={orientations.waiting === 0 ? '/referrals' : '/referrals?status=waiting'}>
              {orientations.waiting === 0
                ? t('today.orientationsNoneWaiting')
                : t('today.orientationsWaiting', { count: orientations.waiting })}
            </Anchor>
          </List.Item>
          {orientations.overdue > 0 && (
            <List.Item>
              <Anchor component={Link} to="/referrals?overdue=1">
                {t('today.orientationsOverdue', { count: orientations.overdue })}
              </Anchor>
            </List.Item>
          )}
        </List>
        <Anchor component={Link} to="/referrals" size="sm">
          {t('today.openInbox')}
        </Anchor>
      </Section>,
    )
  }
  if (home.campaigns.length > 0) {
    sections.push(
      <Section key="campaigns" name="campaigns" title={t('today.campaigns')}>
        <Stack>
          {home.campaigns.map((campaign) => (
            <Stack key={campaign.id} gap={4}>
              <Anchor component={Link} to={`/campaigns/${campaign.id}?tab=live`} fw={600}>
                {campaign.name}
              </Anchor>
              <Progress
                value={campaign.targeted ? (100 * campaign.done) / campaign.targeted : 0}
                aria-label={t('today.progressOf', { name: campaign.name })}
              />
              <Text size="sm">{t('today.campaignProgress', campaign)}</Text>
            </Stack>
          ))}
        </Stack>
      </Section>,
    )
  }
  if (home.overdueReferralsTotal > 0) {
    sections.push(
      <Section key="referrals" name="referrals" title={t('today.overdue', { count: home.overdueReferralsTotal })}>
        <List spacing="xs">
          {home.overdueReferrals.map((referral) => (
            <List.Item key={referral.id}>
              <Anchor component={Link} to={`/referrals/${referral.id}`}>
                {labelOf('need', referral.category, locale)} — {labelOf('urgency', referral.urgency, locale)}
              </Anchor>{' '}
              <Badge variant="outline" color="gray" size="sm">
                {referral.side === 'received' ? t('today.overdueReceived') : t('today.overdueSent')}
              </Badge>{' '}
              <Text span size="sm">
                {t('today.overdueSince', { date: when(referral.dueBy) })}
              </Text>
            </List.Item>
          ))}
        </List>
        <Anchor component={Link} to="/referrals" size="sm">
          {t('today.allReferrals')}
        </Anchor>
      </Section>,
    )
  }
  if (home.debriefs.length > 0) {
    sections.push(
      <Section key="debriefs" name="debriefs" title={t('today.debriefs')}>
        <List spacing="xs">
          {home.debriefs.map((debrief) => (
            <List.Item key={debrief.campaignId}>
              <Anchor component={Link} to={`/campaigns/${debrief.campaignId}?tab=debriefs`}>
                {t('today.debriefsWaiting', { count: debrief.waiting, name: debrief.campaignName })}
              </Anchor>
            </List.Item>
          ))}
        </List>
      </Section>,
    )
  }
  if (home.lastImports.length > 0) {
    sections.push(
      <Section key="imports" name="imports" title={t('today.lastImport')}>
        <List spacing="xs">
          {home.lastImports.map((run) => (
            <List.Item key={run.id}>{t('today.importLine', { ...run, date: when(run.at) })}</List.Item>
          ))}
        </List>
        <Anchor component={Link} to="/households/import" size="sm">
          {t('today.importAgain')}
        </Anchor>
      </Section>,
    )
  }
  if (home.network.length > 0) {
    sections.push(
      <Section key="network" name="network" title={t('today.network')}>
        <Table.ScrollContainer minWidth={520}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('today.organization')}</Table.Th>
                <Table.Th>{t('today.runningCampaigns')}</Table.Th>
                <Table.Th>{t('today.callsLast7Days')}</Table.Th>
                <Table.Th>{t('today.openReferrals')}</Table.Th>
                <Table.Th>{t('today.lastImportAt')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {home.network.map((organization) => (
                <Table.Tr key={organization.code}>
                  <Table.Td>{organization.name}</Table.Td>
                  <Table.Td>{organization.runningCampaigns}</Table.Td>
                  <Table.Td>{organization.callsLast7Days}</Table.Td>
                  <Table.Td>{organization.openReferrals}</Table.Td>
                  <Table.Td>{organization.lastImportAt ? when(organization.lastImportAt) : t('today.never')}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        <Group mt="sm">
          <Anchor component={Link} to="/bilan" size="sm">
            {t('today.openReview')}
          </Anchor>
          <Anchor component={Link} to="/administration" size="sm">
            {t('today.administration')}
          </Anchor>
        </Group>
      </Section>,
    )
  }
  if (home.dataProtection) {
    const figures = home.dataProtection
    const desk = (tab: string) => `/protection-des-donnees?tab=${tab}`
    sections.push(
      <Section key="data-protection" name="data-protection" title={t('today.dataProtection')}>
        <List spacing="xs">
          <List.Item>
            <Anchor component={Link} to={desk('demandes')}>
              {figures.openRequests === 0
                ? t('today.requestsNone')
                : t('today.requestsOpen', { count: figures.openRequests })}
            </Anchor>
            {figures.overdueRequests > 0 && (
              <Badge color="red" variant="light" ml="xs">
                {t('today.requestsOverdue', { count: figures.overdueRequests })}
              </Badge>
            )}
          </List.Item>
          <List.Item>
            <Anchor component={Link} to={desk('conservation')}>
              {figures.dueForErasure === 0
                ? t('today.dueNone')
                : t('today.dueForErasure', { count: figures.dueForErasure })}
            </Anchor>
            {figures.keptPastDue > 0 && (
              <Text span size="sm">
                {' '}
                — {t('today.keptPastDue', { count: figures.keptPastDue })}
              </Text>
            )}
          </List.Item>
          <List.Item>
            <Anchor component={Link} to={desk('journal')}>
              {t('today.openJournal')}
            </Anchor>
          </List.Item>
        </List>
      </Section>,
    )
  }
  if (home.keyFigures) {
    const figures = home.keyFigures
    sections.push(
      <Section key="figures" name="figures" title={t('today.figures')}>
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          {(['runningCampaigns', 'householdsCalled', 'householdsReached', 'referralsSent'] as const).map((key) => (
            <div key={key}>
              <Text size="xs">{t(`today.${key}`)}</Text>
              <Text fw={700} size="xl">
                {figure(figures[key])}
              </Text>
            </div>
          ))}
        </SimpleGrid>
        <Anchor component={Link} to="/bilan" size="sm">
          {t('today.openReview')}
        </Anchor>
      </Section>,
    )
  }
  return sections.length ? <Stack>{sections}</Stack> : <Text>{t('today.nothing')}</Text>
}

export function HomePage({ user }: { user: SessionUser }) {
  const { t } = useTranslation()
  const home = useQuery({ queryKey: ['home'], queryFn: homeApi.today, refetchInterval: 60_000 })
  return (
    <Stack>
      <Title order={2}>{t('home.hello', { name: user.name })}</Title>
      <Title order={2} size="h3">
        {t('today.title')}
      </Title>
      {home.isPending && <Loader />}
      {home.error && <Alert color="red">{describeError(t, home.error)}</Alert>}
      {home.data && <Today home={home.data} />}
      <Title order={2} size="h3">
        {t('home.yourRoles')}
      </Title>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {user.memberships.map((membership) => {
          const target = NAVIGATION.find((entry) => entry.key === ROLE_TARGET[membership.role])
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
              {target && (
                <Button component={Link} to={target.path} variant="light">
                  {t('home.open')} — {t(`nav.${target.key}`)}
                </Button>
              )}
            </Card>
          )
        })}
      </SimpleGrid>
    </Stack>
  )
}
