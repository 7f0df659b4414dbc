import { Alert, Badge, Button, Card, Group, Loader, Modal, Radio, Stack, Text, Title } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { IconCircleCheck, IconInfoCircle, IconPhone } from '@tabler/icons-react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useSearchParams } from 'react-router'
import { DISPOSITIONS } from '../../../shared/campaigns.js'
import type { SessionUser } from '../../../shared/contracts/auth.js'
import { describeError } from '../../components/errors.js'
import { ReferralForm } from '../referrals/ReferralForm.js'
import { type Assignment, type CallableCampaign, callingApi, type SavedCall } from './api.js'
import { CallbacksSection } from './CallbacksSection.js'
import { type CallDraft, countCall, type DayFigures, listDrafts, readTodayFigures, saveDraft } from './drafts.js'
import { FeedbackDialog, type FeedbackResult } from './FeedbackDialog.js'
import { Notice } from './Notice.js'
import { emptyForm, followedReferral } from './outcome.js'
import { readChainPreference, writeChainPreference } from './quick.js'
import type { OnSaved } from './useOutcomeSubmission.js'
import { Workspace } from './Workspace.js'

const CAMPAIGN_PREFERENCE = 'allervers.calling.campaign'

type PageStatus =
  | {
      kind: 'saved'
      call: SavedCall
      householdId: string
      householdName: string
      /** The orientation suggestion the caller followed during the call: the hint of the orientation form. */
      referralSuggestion?: { category: string; urgency?: string }
      /** Nobody was left to call after it: said under the saved notice, which keeps its « Orienter » button. */
      nothingDue?: true
    }
  | { kind: 'released' | 'discarded' | 'nothingDue' }
  | { kind: 'feedback'; result: Exclude<FeedbackResult, 'skipped'> | 'ended' }
  | null

/** The caller's workspace: pick a campaign, take the next household, call, record the outcome. */
export function CallingPage({ user }: { user: SessionUser }) {
  const { t } = useTranslation()
  // The household on screen is the most recent draft of this user: a reload finds it again, as typed.
  const [drafts, setDrafts] = useState(() => listDrafts(user.id))
  const [restoredId] = useState(() => drafts[0]?.assignment.id ?? null)
  const [status, setStatus] = useState<PageStatus>(null)
  const [localFigures, setFigures] = useState<DayFigures>(() => readTodayFigures(user.id))
  // « Votre journée » as the server counts it (every browser, after signing in again); this browser's own count
  // while the server cannot be reached.
  const today = useQuery({ queryKey: ['calling', 'today'], queryFn: callingApi.today })
  const figures = (today.data?.byDisposition as DayFigures | undefined) ?? localFigures
  // A campaign named in the address (`?campaign=`, the home page's link) is chosen over the remembered one.
  const [searchParams] = useSearchParams()
  const [chosenId, setChosenId] = useState<string | null>(
    () => searchParams.get('campaign') ?? localStorage.getItem(CAMPAIGN_PREFERENCE),
  )
  const [isReferring, referring] = useDisclosure(false)
  // The end-of-session questions, or a debrief request after a hard call: for which campaign, and which.
  const [feedbackFor, setFeedbackFor] = useState<{ campaignId: string; debrief: boolean } | null>(null)
  const [isChained, setChained] = useState(() => readChainPreference(user.id))
  const chooseChained = useCallback(
    (isOn: boolean) => {
      setChained(isOn)
      writeChainPreference(user.id, isOn)
    },
    [user.id],
  )
  const nextButton = useRef<HTMLButtonElement>(null)
  const queryClient = useQueryClient()
  const current = drafts[0] ?? null

  const campaigns = useQuery({
    queryKey: ['calling', 'campaigns'],
    queryFn: callingApi.campaigns,
    // Calling hours open and close while the page stays open.
    refetchInterval: 60_000,
  })
  const items = campaigns.data?.items ?? []
  const campaign: CallableCampaign | undefined =
    items.length === 1 ? items[0] : items.find((candidate) => candidate.id === chosenId)

  /** A household just claimed (by the button, or with the call before under « Enchaîner »), or nothing due. */
  const showClaimed = useCallback(
    (assignment: Assignment | null, chained: boolean) => {
      if (!assignment) {
        // The call just saved may still need an orientation: its notice stays, nobody to call is said below it.
        setStatus((previous) =>
          previous?.kind === 'saved' ? { ...previous, nothingDue: true } : { kind: 'nothingDue' },
        )
        return
      }
      // Taken by « Enchaîner »: the saved notice of the household before stays (with its « orientation » button).
      if (!chained) setStatus(null)
      // A household already held comes back with its draft untouched.
      if (!listDrafts(user.id).some((draft) => draft.assignment.id === assignment.id)) {
        const draft: CallDraft = {
          version: 1,
          userId: user.id,
          assignment,
          form: emptyForm(assignment.phones[0]?.e164 ?? null),
          submission: null,
          updatedAt: new Date().toISOString(),
        }
        saveDraft(draft)
      }
      setDrafts(listDrafts(user.id))
    },
    [user.id],
  )

  const claim = useMutation({
    mutationFn: ({ campaignId }: { campaignId: string; isChained?: boolean }) => callingApi.claim(campaignId),
    onSuccess: (assignment, { isChained: chained }) => showClaimed(assignment, chained ?? false),
  })

  // « Enchaîner »: the save claims the next household in the same request, unless another draft is still waiting on
  // this browser.
  const claimsNext = useCallback(
    (draft: CallDraft) =>
      isChained && listDrafts(user.id).every((waiting) => waiting.assignment.id === draft.assignment.id),
    [user.id, isChained],
  )

  const claimNext = claim.mutate
  const onSaved: OnSaved = useCallback(
    (call, draft, next) => {
      setFigures(countCall(user.id, call.disposition))
      void today.refetch()
      void queryClient.invalidateQueries({ queryKey: ['calling', 'callbacks'] })
      const { household } = draft.assignment
      setStatus({
        kind: 'saved',
        call,
        householdId: household.id,
        householdName: [household.lastName, household.firstName].filter(Boolean).join(' '),
        referralSuggestion: followedReferral(draft.submission?.body.suggestions),
      })
      const remaining = listDrafts(user.id)
      setDrafts(remaining)
      if (next !== undefined) showClaimed(next, true)
      // Asked and refused (the claim route shows why), or « Enchaîner » switched on during the save.
      else if (isChained && remaining.length === 0) claimNext({ campaignId: call.campaignId, isChained: true })
    },
    [user.id, isChained, claimNext, showClaimed, today.refetch, queryClient],
  )

  const onClosed = useCallback(
    (reason: 'released' | 'discarded') => {
      setStatus({ kind: reason })
      setDrafts(listDrafts(user.id))
    },
    [user.id],
  )

  // Back to the campaign once the household is done: the next call is one key press away.
  useEffect(() => {
    if (!current && status) nextButton.current?.focus()
  }, [current, status])

  const choose = (id: string) => {
    setChosenId(id)
    localStorage.setItem(CAMPAIGN_PREFERENCE, id)
  }

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={2}>{t('calling.title')}</Title>
        <TodayFigures figures={figures} />
      </Group>

      <div role="status" aria-live="polite">
        {status?.kind === 'saved' && (
          <Notice color="teal" icon={<IconCircleCheck size={20} aria-hidden />}>
            <Text fw={600}>{t('calling.status.saved')}</Text>
            {status.nothingDue && <Text size="sm">{t('calling.status.nothingDue')}</Text>}
            <Group gap="xs">
              {['completed', 'refused', 'callback'].includes(status.call.disposition) && (
                <Button size="xs" variant="light" color="grape" onClick={referring.open}>
                  {t('calling.status.referAfter', { name: status.householdName })}
                </Button>
              )}
              <Button
                size="xs"
                variant="subtle"
                color="gray"
                onClick={() => setFeedbackFor({ campaignId: status.call.campaignId, debrief: true })}
              >
                {t('feedback.askDebrief')}
              </Button>
            </Group>
          </Notice>
        )}
        {status?.kind === 'feedback' && (
          <Notice color="teal" icon={<IconCircleCheck size={20} aria-hidden />}>
            <Text size="sm">
              {t(
                status.result === 'debriefRequested'
                  ? 'feedback.thanksDebrief'
                  : status.result === 'ended'
                    ? 'feedback.ended'
                    : 'feedback.thanks',
              )}
            </Text>
          </Notice>
        )}
        {status && status.kind !== 'saved' && status.kind !== 'feedback' && (
          <Notice color="blue" icon={<IconInfoCircle size={20} aria-hidden />}>
            <Text size="sm">{t(`calling.status.${status.kind}`)}</Text>
          </Notice>
        )}
      </div>

      {current ? (
        <Workspace
          key={current.assignment.id}
          initialDraft={current}
          isRestored={current.assignment.id === restoredId}
          onSaved={onSaved}
          claimsNext={claimsNext}
          onClosed={onClosed}
          isChained={isChained}
          onChainedChange={chooseChained}
        />
      ) : (
        <Card withBorder component="section" aria-labelledby="campaign-title" maw={720}>
          <Stack gap="md">
            <Title order={3} id="campaign-title">
              {t('calling.campaign')}
            </Title>
            {campaigns.isPending && <Loader size="sm" aria-label={t('calling.loading')} />}
            {campaigns.error && <Alert color="red">{describeError(t, campaigns.error)}</Alert>}
            {campaigns.data && items.length === 0 && <Text>{t('calling.noCampaign')}</Text>}
            {items.length === 1 && campaign && (
              <Group gap="sm">
                <Text fw={600}>{campaign.name}</Text>
                <HoursBadge campaign={campaign} />
              </Group>
            )}
            {items.length > 1 && (
              <Radio.Group label={t('calling.chooseCampaign')} value={campaign?.id ?? null} onChange={choose}>
                <Stack gap="sm" mt="xs">
                  {items.map((item) => (
                    <Radio
                      key={item.id}
                      value={item.id}
                      label={
                        <Group gap="xs" component="span">
                          <span>{item.name}</span>
                          <HoursBadge campaign={item} />
                        </Group>
                      }
                      description={item.organization}
                    />
                  ))}
                </Stack>
              </Radio.Group>
            )}
            {campaign && !campaign.isWithinCallingHours && <Text size="sm">{t('calling.outsideHours')}</Text>}
            {claim.error && <Alert color="red">{describeError(t, claim.error)}</Alert>}
            {items.length > 0 && (
              <Group>
                <Button
                  ref={nextButton}
                  size="lg"
                  leftSection={<IconPhone size={20} aria-hidden />}
                  disabled={!campaign?.isWithinCallingHours}
                  loading={claim.isPending}
                  onClick={() => {
                    if (campaign) claim.mutate({ campaignId: campaign.id })
                  }}
                >
                  {t('calling.next')}
                </Button>
                {!campaign && <Text size="sm">{t('calling.pickFirst')}</Text>}
                {campaign && (
                  <Button
                    variant="default"
                    size="lg"
                    onClick={() => setFeedbackFor({ campaignId: campaign.id, debrief: false })}
                  >
                    {t('feedback.endSession')}
                  </Button>
                )}
              </Group>
            )}
          </Stack>
        </Card>
      )}

      {!current && <CallbacksSection />}

      <FeedbackDialog
        campaignId={feedbackFor?.campaignId ?? ''}
        opened={feedbackFor !== null}
        debrief={feedbackFor?.debrief ?? false}
        onDone={(result) => {
          const endingSession = feedbackFor?.debrief === false
          setFeedbackFor(null)
          if (result !== 'skipped') setStatus({ kind: 'feedback', result })
          else if (endingSession) setStatus({ kind: 'feedback', result: 'ended' })
        }}
      />

      <Modal opened={isReferring} onClose={referring.close} title={t('calling.outcome.referral')} size="lg">
        {status?.kind === 'saved' && (
          <ReferralForm
            householdId={status.householdId}
            householdName={status.householdName}
            callId={status.call.id}
            defaultCategory={status.call.needs[0]}
            suggestion={status.referralSuggestion}
            onSent={() => {
              referring.close()
              setStatus(null)
            }}
          />
        )}
      </Modal>
    </Stack>
  )
}

function HoursBadge({ campaign }: { campaign: CallableCampaign }) {
  const { t } = useTranslation()
  return campaign.isWithinCallingHours ? (
    <Badge component="span" variant="light" color="teal" tt="none">
      {t('calling.withinHours')}
    </Badge>
  ) : (
    <Badge component="span" variant="light" color="gray" tt="none">
      {t('calling.outsideHoursBadge')}
    </Badge>
  )
}

/** The caller's own figures for today, from this browser: a thank-you, never a ranking. */
function TodayFigures({ figures }: { figures: DayFigures }) {
  const { t } = useTranslation()
  const total = Object.values(figures).reduce((sum, count) => sum + (count ?? 0), 0)
  if (total === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('calling.today.none')}
      </Text>
    )
  }
  return (
    <section aria-label={t('calling.today.title')}>
      <Text size="sm" fw={600}>
        {t('calling.today.total', { count: total })}
      </Text>
      <Group gap={6} mt={4}>
        {DISPOSITIONS.filter((code) => figures[code]).map((code) => (
          <Badge key={code} variant="light" color="gray" size="sm" tt="none">
            {t('calling.today.item', { label: t(`calling.dispositions.${code}`), count: figures[code] })}
          </Badge>
        ))}
      </Group>
    </section>
  )
}
