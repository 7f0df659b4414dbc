import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  List,
  Loader,
  Modal,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { useQuery } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { Link, useLocation, useParams, useSearchParams } from 'react-router'
import { formatDay, parisDayOf } from '../../../shared/clock.js'
import { householdsContract } from '../../../shared/contracts/households.js'
import { floorLabel, formatPhone } from '../../../shared/french.js'
import { localeOf } from '../../../shared/labels.js'
import { navigationFor } from '../../../shared/roles.js'
import { call } from '../../api/client.js'
import { describeError } from '../../components/errors.js'
import { rolesOf, useSession } from '../auth/session.js'
import { WhyInCampaignCard } from '../campaigns/WhyInCampaign.js'
import { RectificationPanel } from '../data-protection/RectificationPanel.js'
import { ReferralForm } from '../referrals/ReferralForm.js'
import { HouseholdTimeline } from './HouseholdTimeline.js'
import { ObjectionPanel } from './ObjectionPanel.js'

export function HouseholdPage() {
  const { t, i18n } = useTranslation()
  const { id } = useParams()
  // Opened from the list: the way back returns to the same search, filters, order and page.
  const location = useLocation()
  const listState = (location.state as { list?: unknown } | null)?.list
  const [searchParams, setSearchParams] = useSearchParams()
  const backTo = typeof listState === 'string' && listState ? `/households?${listState}` : '/households'
  const household = useQuery({
    queryKey: ['household', id],
    queryFn: () => call(householdsContract.read, { params: { id: id ?? '' } }),
  })
  const [isReferring, referring] = useDisclosure(false)
  // Only those who read the registry are offered the way back to it: a caller opens a household while calling it.
  const { data: user } = useSession()
  const mayListHouseholds = user ? navigationFor(rolesOf(user)).some((entry) => entry.key === 'households') : false
  const managesCampaigns = user?.memberships.some((m) => m.role === 'manager' || m.role === 'admin') ?? false
  const yesNo = (value: boolean | null) =>
    value === null ? t('households.unknown') : value ? t('households.yes') : t('households.no')
  if (household.isPending) return <Loader />
  if (household.error) return <Alert color="red">{describeError(t, household.error)}</Alert>
  const h = household.data
  const money = new Intl.NumberFormat(i18n.language, { style: 'currency', currency: 'EUR' })
  return (
    <Stack>
      {mayListHouseholds && (
        <Anchor component={Link} to={backTo}>
          ← {t('households.back')}
        </Anchor>
      )}
      <Group>
        <Title order={2}>
          {h.erasedAt
            ? t('households.erasedTitle')
            : [h.civility && t(`households.civilities.${h.civility}`), h.lastName, h.firstName]
                .filter(Boolean)
                .join(' ')}
        </Title>
        {!h.erasedAt && <Badge variant="outline">{h.externalRef}</Badge>}
        {h.objection && <Badge color="red">{t('households.objection')}</Badge>}
        {!h.erasedAt && (
          <Button variant="light" onClick={referring.open} ml="auto">
            {t('referrals.new')}
          </Button>
        )}
      </Group>
      {h.erasedAt && (
        <Alert
          color="gray"
          role="status"
          title={t('households.erased', { day: formatDay(parisDayOf(h.erasedAt), localeOf(i18n.language)) })}
        >
          {t('households.erasedHelp')}
        </Alert>
      )}
      <Modal
        opened={isReferring}
        onClose={referring.close}
        title={t('referrals.new')}
        size="lg"
        closeButtonProps={{ 'aria-label': t('history.close') }}
      >
        <ReferralForm
          householdId={h.id}
          householdName={`${h.lastName} ${h.firstName ?? ''}`.trim()}
          onSent={() => referring.close()}
        />
      </Modal>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={3} size="h4" mb="xs">
            {t('households.members')}
          </Title>
          <List>
            {h.members.map((member) => (
              <List.Item key={member.id}>
                {member.firstName} {member.lastName}
                {member.age !== null && ` — ${t('households.age', { age: member.age })}`}
                {member.isLeaseholder && ` (${t('households.leaseholder')})`}
              </List.Item>
            ))}
          </List>
        </Card>
        <Card withBorder>
          <Title order={3} size="h4" mb="xs">
            {t('households.phones')}
          </Title>
          <List>
            {h.phones.map((phone) => (
              <List.Item key={phone.raw}>
                {phone.e164 ? <Anchor href={`tel:${phone.e164}`}>{formatPhone(phone.e164)}</Anchor> : phone.raw}{' '}
                <Text span size="sm" c={phone.isValid ? 'dimmed' : 'red'}>
                  ({t(`households.${phone.kind}`)}, {phone.isValid ? t('households.valid') : t('households.invalid')})
                </Text>
              </List.Item>
            ))}
          </List>
        </Card>
        <Card withBorder>
          <Title order={3} size="h4" mb="xs">
            {t('households.address')}
          </Title>
          <Text>{h.address.line1}</Text>
          {h.address.line2 && <Text>{h.address.line2}</Text>}
          <Text>
            {h.address.postcode} {h.address.city}
          </Text>
        </Card>
        <Card withBorder>
          <Title order={3} size="h4" mb="xs">
            {t('households.flags')}
          </Title>
          <Table>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th>{t('households.livesAlone')}</Table.Th>
                <Table.Td>{yesNo(h.flags.livesAlone)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('households.supportProgramme')}</Table.Th>
                <Table.Td>{yesNo(h.flags.supportProgramme)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('households.housingBenefit')}</Table.Th>
                <Table.Td>{yesNo(h.flags.housingBenefit)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('households.arrears')}</Table.Th>
                <Table.Td>
                  {h.flags.arrears === null ? t('households.unknown') : money.format(h.flags.arrears)}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('households.worksProgramme')}</Table.Th>
                <Table.Td>{h.flags.worksProgramme ?? t('households.noWorksProgramme')}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('households.floor')}</Table.Th>
                <Table.Td>
                  {h.flags.floor === null ? t('households.unknown') : floorLabel(h.flags.floor, i18n.language)}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('households.lift')}</Table.Th>
                <Table.Td>{yesNo(h.flags.hasLift)}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        </Card>
        <ObjectionPanel householdId={h.id} objection={h.objection} />
        {/* Its managers and administrators rectify at the tenant's request; the server checks the organisation. */}
        {managesCampaigns && !h.erasedAt && (
          <RectificationPanel
            household={h}
            requestId={searchParams.get('request') ?? undefined}
            onAnswered={() =>
              setSearchParams(
                (params) => {
                  const next = new URLSearchParams(params)
                  next.delete('request')
                  return next
                },
                { replace: true },
              )
            }
          />
        )}
        {managesCampaigns && !h.erasedAt && (
          <WhyInCampaignCard
            householdId={h.id}
            name={`${h.lastName} ${h.firstName ?? ''}`.trim()}
            initialCampaign={searchParams.get('campaign')}
          />
        )}
      </SimpleGrid>
      <HouseholdTimeline householdId={h.id} />
    </Stack>
  )
}
