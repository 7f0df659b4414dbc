import { Button, Card, Group, Select, Text, Title } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { describeError } from '../../components/errors.js'
import { campaignsApi } from './api.js'
import { WhyHouseholdDialog, type WhyQuestion } from './WhyHousehold.js'

/**
 * « Pourquoi ce ménage » on a household's page, for the managers: the campaign it was opened from (`?campaign=`), or
 * one chosen among the manager's campaigns, and the dialog explaining the campaign's saved rule and priority.
 */
export function WhyInCampaignCard({
  householdId,
  name,
  initialCampaign,
}: {
  householdId: string
  name: string
  initialCampaign?: string | null
}) {
  const { t } = useTranslation()
  const campaigns = useQuery({ queryKey: ['campaigns'], queryFn: campaignsApi.list })
  const [chosen, setChosen] = useState<string | null>(initialCampaign ?? null)
  const [question, setQuestion] = useState<WhyQuestion | null>(null)
  const items = campaigns.data?.items ?? []
  if (campaigns.isSuccess && items.length === 0) return null
  const data = items.map((campaign) => ({
    value: campaign.id,
    label: `${campaign.name} (${t(`campaigns.status.${campaign.status}`)})`,
  }))
  const campaignId = chosen && items.some((campaign) => campaign.id === chosen) ? chosen : null
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">
        {t('why.title')}
      </Title>
      <Group align="end" wrap="wrap">
        <Select
          label={t('why.campaign')}
          placeholder={t('why.chooseCampaign')}
          data={data}
          value={campaignId}
          onChange={setChosen}
          searchable={data.length > 8}
          miw={260}
        />
        <Button
          variant="light"
          disabled={!campaignId}
          onClick={() => campaignId && setQuestion({ kind: 'campaign', campaignId, householdId, name })}
        >
          {t('why.explainFor')}
        </Button>
      </Group>
      {campaigns.error && (
        <Text size="sm" c="red" role="alert">
          {describeError(t, campaigns.error)}
        </Text>
      )}
      <WhyHouseholdDialog question={question} onClose={() => setQuestion(null)} />
    </Card>
  )
}
