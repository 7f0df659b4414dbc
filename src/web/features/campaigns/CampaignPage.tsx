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
  NumberInput,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router'
import type { Rule } from '../../../shared/targeting-fields.js'
import { describeError } from '../../components/errors.js'
import { useTabInAddress } from '../../components/tab-in-address.js'
import { useReportUnsaved } from '../../components/UnsavedChanges.js'
import { PlanCard } from '../planning/PlanCard.js'
import { type Campaign, campaignsApi } from './api.js'
import { CallersTab } from './CallersTab.js'
import { CAMPAIGN_STATUS_COLOR } from './CampaignsPage.js'
import { DebriefsTab } from './DebriefsTab.js'
import { QuestionnaireBuilder } from './QuestionnaireBuilder.js'
import { ScriptEditor } from './ScriptEditor.js'
import { SupervisionTab } from './SupervisionTab.js'
import { TargetingEditor } from './TargetingEditor.js'

/** The households the draft's current target matches: the same preview (and cache entry) as the targeting editor's. */
function useMatching(campaign: Campaign) {
  return useQuery({
    queryKey: ['preview', campaign.organization, campaign.targeting],
    queryFn: () => campaignsApi.preview(campaign.organization, campaign.targeting),
    enabled: campaign.status === 'draft',
    retry: false,
  })
}

function ProgressCards({ campaign }: { campaign: Campaign }) {
  const { t } = useTranslation()
  const matching = useMatching(campaign)
  // A draft has no queue yet: its "targeted" card shows what its target matches now, not 0.
  if (campaign.status === 'draft') {
    return (
      <Card withBorder padding="sm" maw={360}>
        <Text size="xs">{t('campaigns.matching')}</Text>
        <Text fw={700} size="xl" data-progress="matching">
          {matching.data ? matching.data.count : '…'}
        </Text>
        <Text size="xs" c="dimmed">
          {t('campaigns.matchingHint')}
        </Text>
      </Card>
    )
  }
  const keys = ['targeted', 'pending', 'inProgress', 'completed', 'unreachable', 'excluded'] as const
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
      {keys.map((key) => (
        <Card key={key} withBorder padding="sm">
          <Text size="xs">{t(`campaigns.progress.${key}`)}</Text>
          <Text fw={700} size="xl" data-progress={key}>
            {campaign.progress[key]}
          </Text>
          {key === 'unreachable' && campaign.progress.noUsablePhone > 0 && (
            <Text size="xs" data-progress="noUsablePhone">
              {t('campaigns.progress.noUsablePhone', { count: campaign.progress.noUsablePhone })}
            </Text>
          )}
        </Card>
      ))}
    </SimpleGrid>
  )
}

type Step = 'activate' | 'resume' | 'pause' | 'close'

/** Démarrer, Pause, Reprendre, Clôturer: each asks first, saying what it will do to how many households. */
function LifecycleActions({ campaign, onDone }: { campaign: Campaign; onDone: () => void }) {
  const { t } = useTranslation()
  const matching = useMatching(campaign)
  const [asking, setAsking] = useState<Step | null>(null)
  const act = useMutation({
    mutationFn: (step: Step) => campaignsApi.act(campaign.id, step === 'resume' ? 'activate' : step),
    onSuccess: (_, step) => {
      setAsking(null)
      notifications.show({ color: 'teal', message: t(`campaigns.confirm.done.${step}`) })
      onDone()
    },
  })
  const { pending, inProgress } = campaign.progress
  const count: Record<Step, number | undefined> = {
    activate: matching.data?.count,
    resume: pending,
    pause: pending,
    close: campaign.status === 'draft' ? matching.data?.count : pending + inProgress,
  }
  const ask = (step: Step) => {
    act.reset()
    setAsking(step)
  }
  return (
    <>
      <Group>
        {campaign.status === 'draft' && (
          <Button onClick={() => ask('activate')}>{t('campaigns.actions.activate')}</Button>
        )}
        {campaign.status === 'paused' && <Button onClick={() => ask('resume')}>{t('campaigns.actions.resume')}</Button>}
        {campaign.status === 'active' && (
          <Button variant="light" color="orange" onClick={() => ask('pause')}>
            {t('campaigns.actions.pause')}
          </Button>
        )}
        {campaign.status !== 'closed' && (
          <Button variant="subtle" color="red" onClick={() => ask('close')}>
            {t('campaigns.actions.close')}
          </Button>
        )}
      </Group>
      <Modal
        opened={asking !== null}
        onClose={() => setAsking(null)}
        title={asking ? t(`campaigns.confirm.${asking}Title`) : ''}
        withCloseButton={false}
        centered
      >
        {asking && (
          <Stack>
            <Text>
              {count[asking] === undefined ? (
                <Loader size="xs" />
              ) : (
                t(`campaigns.confirm.${asking}`, { count: count[asking] })
              )}
            </Text>
            {act.error && (
              <Alert color="red" role="alert">
                {describeError(t, act.error)}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setAsking(null)} data-autofocus>
                {t('campaigns.confirm.cancel')}
              </Button>
              <Button
                color={asking === 'close' ? 'red' : asking === 'pause' ? 'orange' : undefined}
                onClick={() => act.mutate(asking)}
                loading={act.isPending}
                disabled={count[asking] === undefined}
              >
                {t(`campaigns.actions.${asking}`)}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
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

/** The campaign page's tabs, as they read in the address (`?tab=`): the home page links straight to the live view. */
const CAMPAIGN_TABS = ['targeting', 'script', 'questionnaire', 'rules', 'callers', 'live', 'debriefs'] as const

export function CampaignPage() {
  const { t } = useTranslation()
  const { id } = useParams()
  const [askedTab, chooseTab] = useTabInAddress(CAMPAIGN_TABS, 'targeting')
  const queryClient = useQueryClient()
  const campaign = useQuery({ queryKey: ['campaign', id], queryFn: () => campaignsApi.get(id!) })
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['campaign', id] })
    void queryClient.invalidateQueries({ queryKey: ['campaigns'] })
  }
  const retarget = useMutation({
    mutationFn: (rule: Rule) => campaignsApi.retarget(id!, rule),
    onSuccess: ({ changes }) => {
      notifications.show({
        color: 'teal',
        message: changes ? t('campaigns.targeting.saved', changes) : t('campaigns.targeting.savedDraft'),
      })
      refresh()
    },
  })
  if (campaign.isPending) return <Loader />
  if (campaign.error) return <Alert color="red">{describeError(t, campaign.error)}</Alert>
  const c = campaign.data.campaign
  // A draft has no live view yet: an old link to it opens the target.
  const tab = askedTab === 'live' && c.status === 'draft' ? 'targeting' : askedTab
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
      <LifecycleActions campaign={c} onDone={refresh} />
      {retarget.error && (
        <Alert color="red" role="alert">
          {describeError(t, retarget.error)}
        </Alert>
      )}
      <ProgressCards campaign={c} />
      {c.status !== 'closed' && <PlanCard campaignId={c.id} />}
      <Tabs value={tab} onChange={chooseTab}>
        <Tabs.List>
          <Tabs.Tab value="targeting">{t('campaigns.targeting.title')}</Tabs.Tab>
          <Tabs.Tab value="script">{t('campaigns.script')}</Tabs.Tab>
          <Tabs.Tab value="questionnaire">{t('campaigns.questionnaire')}</Tabs.Tab>
          <Tabs.Tab value="rules">{t('campaigns.rules')}</Tabs.Tab>
          <Tabs.Tab value="callers">{t('supervision.callersTab')}</Tabs.Tab>
          {c.status !== 'draft' && <Tabs.Tab value="live">{t('supervision.liveTab')}</Tabs.Tab>}
          <Tabs.Tab value="debriefs">{t('supervision.debriefsTab')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="targeting" pt="md">
          <TargetingEditor
            organization={c.organization}
            initial={c.targeting}
            priorityWeights={c.priorityWeights}
            campaignId={c.id}
            onSave={c.status === 'closed' ? undefined : (rule) => retarget.mutate(rule)}
            isSaving={retarget.isPending}
          />
        </Tabs.Panel>
        <Tabs.Panel value="script" pt="md">
          <ScriptEditor campaign={c} onSaved={refresh} />
        </Tabs.Panel>
        <Tabs.Panel value="questionnaire" pt="md">
          <QuestionnaireBuilder campaign={c} onSaved={refresh} />
        </Tabs.Panel>
        <Tabs.Panel value="rules" pt="md">
          <RulesEditor campaign={c} onSaved={refresh} />
        </Tabs.Panel>
        <Tabs.Panel value="callers" pt="md" keepMounted={false}>
          <CallersTab campaignId={c.id} />
        </Tabs.Panel>
        {c.status !== 'draft' && (
          <Tabs.Panel value="live" pt="md" keepMounted={false}>
            <SupervisionTab campaignId={c.id} />
          </Tabs.Panel>
        )}
        <Tabs.Panel value="debriefs" pt="md" keepMounted={false}>
          <DebriefsTab campaignId={c.id} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  )
}
