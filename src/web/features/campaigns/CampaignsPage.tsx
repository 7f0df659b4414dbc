import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Progress,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { isNotEmpty, useForm } from '@mantine/form'
import { useMutation, useQuery } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router'
import type { CampaignStatus, CampaignType } from '../../../shared/campaigns.js'
import type { SessionUser } from '../../../shared/contracts/auth.js'
import { describeError } from '../../components/errors.js'
import { WHOLE_BADGE } from '../../components/table-styles.js'
import { campaignsApi } from './api.js'

export const CAMPAIGN_STATUS_COLOR: Record<CampaignStatus, string> = {
  draft: 'gray',
  active: 'teal',
  paused: 'orange',
  closed: 'dark',
}

export function CampaignsPage({ user }: { user: SessionUser }) {
  const { t, i18n } = useTranslation()
  const navigate = useNavigate()
  const list = useQuery({ queryKey: ['campaigns'], queryFn: campaignsApi.list })
  const templates = useQuery({ queryKey: ['campaign-templates'], queryFn: campaignsApi.templates })
  const managed = user.memberships.filter((m) => m.role === 'manager' || m.role === 'admin')
  const form = useForm({
    initialValues: {
      type: 'crisis_check' as CampaignType,
      organization: managed[0]?.organization.code ?? '',
      name: '',
    },
    validate: { name: isNotEmpty(t('validation.required')) },
  })
  const create = useMutation({
    mutationFn: campaignsApi.create,
    onSuccess: ({ campaign }) => navigate(`/campaigns/${campaign.id}`),
  })
  return (
    <Stack>
      <Title order={2}>{t('campaigns.title')}</Title>
      {list.data?.items.length === 0 && <Text>{t('campaigns.empty')}</Text>}
      {list.data && list.data.items.length > 0 && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('campaigns.create.name')}</Table.Th>
              <Table.Th>{t('campaigns.create.template')}</Table.Th>
              <Table.Th>{t('households.status')}</Table.Th>
              <Table.Th>{t('campaigns.progress.completed')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.items.map((campaign) => {
              const done = campaign.progress.completed + campaign.progress.unreachable
              const share = campaign.progress.targeted ? (100 * done) / campaign.progress.targeted : 0
              return (
                <Table.Tr key={campaign.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/campaigns/${campaign.id}`}>
                      {campaign.name}
                    </Anchor>
                    <Text size="xs">{campaign.organization}</Text>
                  </Table.Td>
                  <Table.Td>{t(`campaigns.type.${campaign.type}`)}</Table.Td>
                  <Table.Td>
                    <Badge color={CAMPAIGN_STATUS_COLOR[campaign.status]} variant="light" {...WHOLE_BADGE}>
                      {t(`campaigns.status.${campaign.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td miw={160}>
                    <Progress value={share} aria-label={`${Math.round(share)} %`} />
                    <Text size="xs">
                      {done} / {campaign.progress.targeted}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )
            })}
          </Table.Tbody>
        </Table>
      )}
      <form noValidate onSubmit={form.onSubmit((values) => create.mutate(values))}>
        <Stack>
          <Title order={3}>{t('campaigns.new')}</Title>
          <Radio.Group label={t('campaigns.create.template')} {...form.getInputProps('type')}>
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} mt="xs">
              {templates.data?.items.map((template) => (
                <Card key={template.type} withBorder padding="sm">
                  <Radio value={template.type} label={i18n.language === 'en' ? template.nameEn : template.name} />
                  <Text size="sm" mt={4}>
                    {template.description}
                  </Text>
                </Card>
              ))}
            </SimpleGrid>
          </Radio.Group>
          <Group align="end">
            <Select
              label={t('campaigns.create.organization')}
              data={managed.map((m) => ({ value: m.organization.code, label: m.organization.name }))}
              {...form.getInputProps('organization')}
            />
            <TextInput label={t('campaigns.create.name')} required miw={320} {...form.getInputProps('name')} />
            <Button type="submit" loading={create.isPending}>
              {t('campaigns.create.submit')}
            </Button>
          </Group>
          {create.error && <Text c="red">{describeError(t, create.error)}</Text>}
        </Stack>
      </form>
    </Stack>
  )
}
