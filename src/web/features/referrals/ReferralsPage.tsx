import { Anchor, Badge, Group, Stack, Table, Tabs, Text, Title } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { formatInstant } from '../../../shared/clock.js'
import type { ReferralStatus } from '../../../shared/referrals.js'
import { describeError } from '../../components/errors.js'
import { referralsApi } from './api.js'

export const STATUS_COLOR: Record<ReferralStatus, string> = {
  sent: 'blue',
  accepted: 'teal',
  in_progress: 'teal',
  done: 'green',
  rejected: 'gray',
  revoked: 'gray',
}

function ReferralTable({ box }: { box: 'inbox' | 'sent' }) {
  const { t, i18n } = useTranslation()
  const list = useQuery({ queryKey: ['referrals', box], queryFn: () => referralsApi.list(box) })
  if (list.error) return <Text c="red">{describeError(t, list.error)}</Text>
  if (list.data?.items.length === 0) return <Text>{t('referrals.empty')}</Text>
  return (
    <Table striped highlightOnHover>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('referrals.fields.category')}</Table.Th>
          <Table.Th>{t('referrals.fields.urgency')}</Table.Th>
          <Table.Th>
            {box === 'inbox' ? t('referrals.from', { name: '' }) : t('referrals.fields.recipientKind')}
          </Table.Th>
          <Table.Th>{t('households.status')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {list.data?.items.map((referral) => (
          <Table.Tr key={referral.id}>
            <Table.Td>
              <Anchor component={Link} to={`/referrals/${referral.id}`}>
                {referral.category ? t(`referrals.category.${referral.category}`) : '—'}
              </Anchor>
              <Text size="xs">{formatInstant(referral.createdAt, i18n.language)}</Text>
            </Table.Td>
            <Table.Td>{t(`referrals.urgency.${referral.urgency}`)}</Table.Td>
            <Table.Td>
              {box === 'inbox' ? referral.sender.name : (referral.recipient.team ?? referral.recipient.name)}
            </Table.Td>
            <Table.Td>
              <Group gap={4}>
                <Badge color={STATUS_COLOR[referral.status]} variant="light">
                  {t(`referrals.status.${referral.status}`)}
                </Badge>
                {referral.isOverdue && (
                  <Badge color="red" variant="filled">
                    {t('referrals.overdue')}
                  </Badge>
                )}
              </Group>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

export function ReferralsPage() {
  const { t } = useTranslation()
  return (
    <Stack>
      <Title order={2}>{t('referrals.title')}</Title>
      <Tabs defaultValue="inbox">
        <Tabs.List>
          <Tabs.Tab value="inbox">{t('referrals.inbox')}</Tabs.Tab>
          <Tabs.Tab value="sent">{t('referrals.sent')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="inbox" pt="md">
          <ReferralTable box="inbox" />
        </Tabs.Panel>
        <Tabs.Panel value="sent" pt="md">
          <ReferralTable box="sent" />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  )
}
