import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  List,
  Loader,
  NumberInput,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  Textarea,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router'
import type { CampaignAction } from '../../../shared/contracts/campaigns.js'
import { isInstrumentSection } from '../../../shared/questionnaire.js'
import { SCRIPT_PLACEHOLDERS } from '../../../shared/script.js'
import type { Rule } from '../../../shared/targeting-fields.js'
import { describeError } from '../../components/errors.js'
import { useReportUnsaved } from '../../components/UnsavedChanges.js'
import { PlanCard } from '../planning/PlanCard.js'
import { type Campaign, campaignsApi } from './api.js'
import { CAMPAIGN_STATUS_COLOR } from './CampaignsPage.js'
import { TargetingEditor } from './TargetingEditor.js'

function ProgressCards({ campaign }: { campaign: Campaign }) {
  const { t } = useTranslation()
  const keys = ['targeted', 'pending', 'inProgress', 'completed', 'unreachable', 'excluded'] as const
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
      {keys.map((key) => (
        <Card key={key} withBorder padding="sm">
          <Text size="xs">{t(`campaigns.progress.${key}`)}</Text>
          <Text fw={700} size="xl" data-progress={key}>
            {campaign.progress[key]}
          </Text>
        </Card>
      ))}
    </SimpleGrid>
  )
}

function ScriptEditor({ campaign, onSaved }: { campaign: Campaign; onSaved: () => void }) {
  const { t } = useTranslation()
  const [script, setScript] = useState(campaign.script)
  const save = useMutation({ mutationFn: () => campaignsApi.update(campaign.id, { script }), onSuccess: onSaved })
  return (
    <Stack>
      <Textarea
        label={t('campaigns.script')}
        value={script}
        onChange={(e) => setScript(e.currentTarget.value)}
        autosize
        minRows={4}
      />
      <Text size="sm">{SCRIPT_PLACEHOLDERS.map((name) => `{{${name}}}`).join(' ')}</Text>
      {save.error && <Alert color="red">{describeError(t, save.error)}</Alert>}
      <Group>
        <Button onClick={() => save.mutate()} loading={save.isPending}>
          {t('campaigns.save')}
        </Button>
      </Group>
      <Title order={3} size="h4">
        {t('campaigns.faq')}
      </Title>
      <List>
        {campaign.faq.map((entry) => (
          <List.Item key={entry.question}>
            <Text fw={600}>{entry.question}</Text>
            <Text size="sm">{entry.answer}</Text>
          </List.Item>
        ))}
      </List>
    </Stack>
  )
}

function QuestionnaireView({ campaign }: { campaign: Campaign }) {
  const { t } = useTranslation()
  const sections = campaign.questionnaire?.definition.sections ?? []
  return (
    <Stack>
      <Text size="sm">
        {t('campaigns.questionnaire')} — version {campaign.questionnaire?.version}
      </Text>
      {sections.map((section) => (
        <Card key={section.id} withBorder>
          <Title order={3} size="h5">
            {isInstrumentSection(section) ? section.instrument.toUpperCase() : section.title}
          </Title>
          <List>
            {(isInstrumentSection(section) ? [] : section.questions).map((question) => (
              <List.Item key={question.id}>
                {question.label} {question.required ? '*' : ''}
              </List.Item>
            ))}
          </List>
        </Card>
      ))}
    </Stack>
  )
}

function RulesEditor({ campaign, onSaved }: { campaign: Campaign; onSaved: () => void }) {
  const { t } = useTranslation()
  const [maxAttempts, setMaxAttempts] = useState(campaign.maxAttempts)
  const save = useMutation({ mutationFn: () => campaignsApi.update(campaign.id, { maxAttempts }), onSuccess: onSaved })
  useReportUnsaved(maxAttempts !== campaign.maxAttempts)
  const days = t('campaigns.days', { returnObjects: true }) as string[]
  return (
    <Stack>
      <NumberInput
        label={t('campaigns.maxAttempts')}
        min={1}
        max={20}
        value={maxAttempts}
        onChange={(value) => setMaxAttempts(Number(value))}
        w={200}
      />
      <Text fw={600}>{t('campaigns.callingHours')}</Text>
      {campaign.callingHours === 'always' ? (
        <Text>{t('campaigns.always')}</Text>
      ) : (
        <List>
          {campaign.callingHours.map((window) => (
            <List.Item key={`${window.day}-${window.from}`}>
              {days[window.day]} {window.from}–{window.to}
            </List.Item>
          ))}
        </List>
      )}
      {save.error && <Alert color="red">{describeError(t, save.error)}</Alert>}
      <Group>
        <Button onClick={() => save.mutate()} loading={save.isPending}>
          {t('campaigns.save')}
        </Button>
      </Group>
    </Stack>
  )
}

export function CampaignPage() {
  const { t } = useTranslation()
  const { id } = useParams()
  const queryClient = useQueryClient()
  const campaign = useQuery({ queryKey: ['campaign', id], queryFn: () => campaignsApi.get(id!) })
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['campaign', id] })
    void queryClient.invalidateQueries({ queryKey: ['campaigns'] })
  }
  const act = useMutation({
    mutationFn: (action: CampaignAction) => campaignsApi.act(id!, action),
    onSuccess: refresh,
  })
  const retarget = useMutation({
    mutationFn: (rule: Rule) => campaignsApi.retarget(id!, rule),
    onSuccess: ({ changes }) => {
      if (changes) notifications.show({ color: 'teal', message: t('campaigns.targeting.saved', changes) })
      refresh()
    },
  })
  if (campaign.isPending) return <Loader />
  if (campaign.error) return <Alert color="red">{describeError(t, campaign.error)}</Alert>
  const c = campaign.data.campaign
  return (
    <Stack>
      <Anchor component={Link} to="/campaigns">
        ← {t('campaigns.title')}
      </Anchor>
      <Group>
        <Title order={2}>{c.name}</Title>
        <Badge color={CAMPAIGN_STATUS_COLOR[c.status]} size="lg" variant="light">
          {t(`campaigns.status.${c.status}`)}
        </Badge>
        <Text>{t(`campaigns.type.${c.type}`)}</Text>
      </Group>
      <Group>
        {(c.status === 'draft' || c.status === 'paused') && (
          <Button onClick={() => act.mutate('activate')} loading={act.isPending}>
            {c.status === 'draft' ? t('campaigns.actions.activate') : t('campaigns.actions.resume')}
          </Button>
        )}
        {c.status === 'active' && (
          <Button variant="light" color="orange" onClick={() => act.mutate('pause')}>
            {t('campaigns.actions.pause')}
          </Button>
        )}
        {c.status !== 'closed' && (
          <Button variant="subtle" color="red" onClick={() => act.mutate('close')}>
            {t('campaigns.actions.close')}
          </Button>
        )}
      </Group>
      {(act.error || retarget.error) && (
        <Alert color="red" role="alert">
          {describeError(t, act.error ?? retarget.error)}
        </Alert>
      )}
      <ProgressCards campaign={c} />
      {c.status !== 'closed' && <PlanCard campaignId={c.id} />}
      <Tabs defaultValue="targeting">
        <Tabs.List>
          <Tabs.Tab value="targeting">{t('campaigns.targeting.title')}</Tabs.Tab>
          <Tabs.Tab value="script">{t('campaigns.script')}</Tabs.Tab>
          <Tabs.Tab value="questionnaire">{t('campaigns.questionnaire')}</Tabs.Tab>
          <Tabs.Tab value="rules">{t('campaigns.rules')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="targeting" pt="md">
          <TargetingEditor
            organization={c.organization}
            initial={c.targeting}
            onSave={c.status === 'closed' ? undefined : (rule) => retarget.mutate(rule)}
            isSaving={retarget.isPending}
          />
        </Tabs.Panel>
        <Tabs.Panel value="script" pt="md">
          <ScriptEditor campaign={c} onSaved={refresh} />
        </Tabs.Panel>
        <Tabs.Panel value="questionnaire" pt="md">
          <QuestionnaireView campaign={c} />
        </Tabs.Panel>
        <Tabs.Panel value="rules" pt="md">
          <RulesEditor campaign={c} onSaved={refresh} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  )
}
