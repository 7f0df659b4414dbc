import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Card,
  Checkbox,
  Grid,
  Group,
  List,
  Modal,
  Radio,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { IconAlertTriangle, IconCloudOff, IconInfoCircle } from '@tabler/icons-react'
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { FRAGILITY_LEVELS, NEED_CATEGORIES } from '../../../shared/campaigns.js'
import { isInstrumentCode } from '../../../shared/instruments/index.js'
import { INSTRUMENTS_KEY, questionsOf } from '../../../shared/questionnaire.js'
import { ApiError } from '../../api/client.js'
import { describeError } from '../../components/errors.js'
import { ReferralForm } from '../referrals/ReferralForm.js'
import { callingApi, type SavedCall } from './api.js'
import { type CallDraft, removeDraft, saveDraft } from './drafts.js'
import { formatPhone, HouseholdPanel, ScriptPanel } from './HouseholdPanel.js'
import { Notice } from './Notice.js'
import {
  buildOutcomeBody,
  checkForm,
  DISPOSITION_GROUPS,
  explainServerIssue,
  instrumentDefinition,
  newIdempotencyKey,
  type OutcomeForm,
  serverFieldIssues,
  suggestNeeds,
  tickedNeeds,
  toggleNeed,
} from './outcome.js'
import { isoToParisLocal } from './paris-time.js'
import { fieldId, QuestionnaireFields } from './QuestionnaireFields.js'

const RENEW_EVERY_MS = 5 * 60_000
const RETRY_EVERY_MS = 20_000

type SendState = 'idle' | 'sending' | 'offline' | 'serverDown' | 'unauthenticated' | 'conflict' | 'failed'

function focusField(field: string) {
  const wrapper = document.getElementById(fieldId(field))
  const input = wrapper?.querySelector<HTMLElement>('input:not([type=hidden]), textarea, select, button')
  ;(input ?? wrapper)?.focus()
}

/** One household on screen, from the claim to the acknowledged outcome. Every change is written to the draft. */
export function Workspace({
  initialDraft,
  isRestored,
  onSaved,
  onClosed,
}: {
  initialDraft: CallDraft
  /** Found in the browser on arrival (a reload), rather than just claimed. */
  isRestored: boolean
  onSaved: (call: SavedCall, draft: CallDraft) => void
  onClosed: (reason: 'released' | 'discarded') => void
}) {
  const { t, i18n } = useTranslation()
  const [draft, setDraft] = useState(initialDraft)
  const [sendState, setSendState] = useState<SendState>('idle')
  const [failure, setFailure] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [isLeaseLost, setLeaseLost] = useState(false)
  const [isStorageBroken, setStorageBroken] = useState(false)
  const [isReleasing, releasing] = useDisclosure(false)
  const [releaseError, setReleaseError] = useState('')
  const [isReferring, referring] = useDisclosure(false)
  const draftRef = useRef(draft)
  draftRef.current = draft
  const inFlight = useRef(false)

  const { assignment, form } = draft
  const definition = assignment.questionnaire?.definition ?? null
  const suggested = suggestNeeds(definition, form.answers)
  const ticked = tickedNeeds(form, suggested)
  const isLocked = draft.submission !== null

  const persist = useCallback((next: CallDraft) => {
    setDraft(next)
    draftRef.current = next
    setStorageBroken(!saveDraft(next))
  }, [])

  const update = (change: Partial<OutcomeForm>, clears: string[] = []) => {
    persist({ ...draftRef.current, form: { ...draftRef.current.form, ...change }, updatedAt: new Date().toISOString() })
    if (clears.some((field) => errors[field])) {
      setErrors((current) => Object.fromEntries(Object.entries(current).filter(([field]) => !clears.includes(field))))
    }
  }

  const labelOf = (field: string): string => {
    if (field === 'disposition') return t('calling.outcome.title')
    if (field === 'callbackAt') return t('calling.outcome.callbackAt')
    if (field === 'notes') return t('calling.outcome.notes')
    const english = i18n.language === 'en'
    if (field.startsWith(`${INSTRUMENTS_KEY}.`)) {
      const [, code, item] = field.split('.')
      if (isInstrumentCode(code)) {
        const wording = instrumentDefinition(code).items.find((candidate) => candidate.code === item)?.wording
        if (wording) return english ? wording.en : wording.fr
      }
      return field
    }
    const question = definition && questionsOf(definition).find((candidate) => candidate.id === field)
    return question ? (english && question.labelEn ? question.labelEn : question.label) : field
  }

  const showErrors = useCallback((found: Record<string, string>) => {
    setErrors(found)
    const first = Object.keys(found)[0]
    if (first) setTimeout(() => focusField(first), 0)
  }, [])

  const send = useCallback(
    async (current: CallDraft) => {
      if (!current.submission || inFlight.current) return
      inFlight.current = true
      setSendState('sending')
      try {
        const { call } = await callingApi.saveOutcome(
          current.assignment.id,
          current.submission.idempotencyKey,
          current.submission.body,
        )
        // Only now, with the server's acknowledgement, may the caller's words leave the browser.
        removeDraft(current.assignment.id)
        setSendState('idle')
        onSaved(call, current)
      } catch (error) {
        const status = error instanceof ApiError ? error.status : 0
        if (status === 0) setSendState('offline')
        else if (status >= 500 || status === 429) setSendState('serverDown')
        else if (status === 401) setSendState('unauthenticated')
        else if (status === 409 || status === 404) {
          // Another caller has the household now: nothing more can be saved for it. The form opens again so the
          // caller can read and copy what they typed before discarding it.
          persist({ ...current, submission: null, updatedAt: new Date().toISOString() })
          setSendState('conflict')
        } else {
          // Refused as it stands (nothing was saved): the form opens again, with the reasons next to the fields.
          persist({ ...current, submission: null, updatedAt: new Date().toISOString() })
          const issues = error instanceof ApiError && status === 400 ? serverFieldIssues(error.details) : []
          if (issues.length) {
            setSendState('idle')
            showErrors(
              Object.fromEntries(
                issues.map((issue) => [
                  issue.field,
                  t(`calling.errors.${explainServerIssue(issue.field, issue.message)}`),
                ]),
              ),
            )
          } else {
            setSendState('failed')
            setFailure(describeError(t, error))
          }
        }
      } finally {
        inFlight.current = false
      }
    },
    [onSaved, persist, showErrors, t],
  )

  // A save pending from before a reload, a lost connection or an expired session goes out again by itself.
  useEffect(() => {
    if (draftRef.current.submission) void send(draftRef.current)
    const retry = () => {
      if (draftRef.current.submission) void send(draftRef.current)
    }
    window.addEventListener('online', retry)
    return () => window.removeEventListener('online', retry)
  }, [send])

  useEffect(() => {
    if (sendState !== 'offline' && sendState !== 'serverDown') return
    const timer = setInterval(() => {
      if (draftRef.current.submission) void send(draftRef.current)
    }, RETRY_EVERY_MS)
    return () => clearInterval(timer)
  }, [sendState, send])

  // A household just taken: the keyboard and the screen reader start from its name.
  useEffect(() => {
    if (!isRestored) document.getElementById('household-title')?.focus()
  }, [isRestored])

  // The lease lasts 15 minutes: renewing every 5 keeps the household while the workspace is open.
  useEffect(() => {
    const id = draftRef.current.assignment.id
    const renew = () => {
      if (draftRef.current.submission) return
      callingApi.renew(id).then(
        () => setLeaseLost(false),
        (error) => {
          if (error instanceof ApiError && (error.status === 409 || error.status === 404)) setLeaseLost(true)
        },
      )
    }
    if (isRestored) renew()
    const timer = setInterval(renew, RENEW_EVERY_MS)
    return () => clearInterval(timer)
  }, [isRestored])

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (draft.submission) {
      void send(draft)
      return
    }
    const issues = checkForm(form, definition)
    if (issues.length) {
      showErrors(Object.fromEntries(issues.map((issue) => [issue.field, t(`calling.errors.${issue.key}`)])))
      return
    }
    setErrors({})
    const next: CallDraft = {
      ...draft,
      // Made once per submission and kept with the draft: every retry carries the same key, so one call at most.
      submission: { idempotencyKey: newIdempotencyKey(), body: buildOutcomeBody(form, definition, suggested) },
      updatedAt: new Date().toISOString(),
    }
    persist(next)
    void send(next)
  }

  const release = async () => {
    setReleaseError('')
    try {
      await callingApi.release(assignment.id)
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 0
      // No longer ours: nothing to give back.
      if (status !== 409 && status !== 404) {
        setReleaseError(describeError(t, error))
        return
      }
    }
    removeDraft(assignment.id)
    releasing.close()
    onClosed('released')
  }

  const discard = () => {
    removeDraft(assignment.id)
    onClosed('discarded')
  }

  const errorEntries = Object.entries(errors)
  const disposition = form.disposition
  const minCallback = isoToParisLocal(new Date())

  return (
    <Stack gap="md">
      <Group justify="space-between" align="center" wrap="wrap" gap="sm">
        <Text fw={600}>{assignment.campaignName}</Text>
        <Group gap="sm">
          <Button variant="light" color="grape" onClick={referring.open}>
            {t('calling.outcome.referral')}
          </Button>
          {!isLocked && sendState !== 'conflict' && (
            <Button variant="default" onClick={releasing.open}>
              {t('calling.outcome.release')}
            </Button>
          )}
        </Group>
      </Group>

      {isRestored && (
        <Text size="sm" c="dimmed">
          {t('calling.status.restored')}
        </Text>
      )}
      {isLeaseLost && (
        <Alert color="yellow" icon={<IconInfoCircle aria-hidden />} role="status">
          {t('calling.status.leaseLost')}
        </Alert>
      )}
      {isStorageBroken && (
        <Alert color="yellow" icon={<IconAlertTriangle aria-hidden />}>
          {t('calling.status.storageBroken')}
        </Alert>
      )}

      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <HouseholdPanel
              assignment={assignment}
              calledNumber={form.phoneE164}
              onDial={(e164) => !isLocked && update({ phoneE164: e164 })}
            />
            <ScriptPanel assignment={assignment} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <form noValidate onSubmit={submit} aria-label={t('calling.outcome.formLabel')}>
            <fieldset disabled={isLocked} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
              <Stack gap="md">
                {definition && (
                  <Card withBorder component="section" aria-labelledby="questionnaire-title">
                    <Title order={3} id="questionnaire-title">
                      {t('calling.questionnaire.title')}
                    </Title>
                    <Text size="sm" c="dimmed" mb="md">
                      {t('calling.questionnaire.hint')}
                    </Text>
                    <QuestionnaireFields
                      definition={definition}
                      answers={form.answers}
                      errors={errors}
                      onChange={(answers) => {
                        const changed = Object.keys(errors).filter((field) => {
                          if (field.startsWith(`${INSTRUMENTS_KEY}.`)) {
                            const [, code, item] = field.split('.')
                            const before = (form.answers[INSTRUMENTS_KEY] as Record<string, Record<string, unknown>>)?.[
                              code
                            ]?.[item]
                            const after = (answers[INSTRUMENTS_KEY] as Record<string, Record<string, unknown>>)?.[
                              code
                            ]?.[item]
                            return before !== after
                          }
                          return form.answers[field] !== answers[field]
                        })
                        update({ answers }, changed)
                      }}
                    />
                  </Card>
                )}

                <Card withBorder component="section" aria-labelledby="outcome-title">
                  <Stack gap="md">
                    <Title order={3} id="outcome-title">
                      {t('calling.outcome.title')}
                    </Title>
                    <Box id={fieldId('disposition')}>
                      <Radio.Group
                        label={t('calling.outcome.legend')}
                        withAsterisk
                        value={disposition}
                        error={errors.disposition}
                        onChange={(value) =>
                          update({ disposition: value as OutcomeForm['disposition'] }, ['disposition'])
                        }
                      >
                        <SimpleGrid cols={{ base: 1, xs: 3 }} mt="xs" spacing="md">
                          {DISPOSITION_GROUPS.map((group) => (
                            <Stack key={group.key} gap={8}>
                              <Text size="sm" fw={700} aria-hidden>
                                {t(`calling.outcome.groups.${group.key}`)}
                              </Text>
                              {group.dispositions.map((code) => (
                                <Radio key={code} value={code} label={t(`calling.dispositions.${code}`)} />
                              ))}
                            </Stack>
                          ))}
                        </SimpleGrid>
                      </Radio.Group>
                    </Box>

                    {assignment.phones.length > 1 && (
                      <Radio.Group
                        label={t('calling.household.calledNumber')}
                        value={form.phoneE164}
                        onChange={(value) => update({ phoneE164: value })}
                      >
                        <Group gap="lg" mt={6}>
                          {assignment.phones.map((phone) => (
                            <Radio key={phone.e164} value={phone.e164} label={formatPhone(phone.e164)} />
                          ))}
                        </Group>
                      </Radio.Group>
                    )}

                    {disposition === 'callback' && (
                      <Stack gap="sm">
                        <Box id={fieldId('callbackAt')}>
                          <TextInput
                            type="datetime-local"
                            label={t('calling.outcome.callbackAt')}
                            description={t('calling.outcome.callbackHelp')}
                            withAsterisk
                            min={minCallback}
                            value={form.callbackLocal}
                            error={errors.callbackAt}
                            onChange={(event) => update({ callbackLocal: event.currentTarget.value }, ['callbackAt'])}
                            maw={320}
                          />
                        </Box>
                        <Checkbox
                          label={t('calling.outcome.sameCaller')}
                          description={t('calling.outcome.sameCallerHelp')}
                          checked={form.sameCallerForCallback}
                          onChange={(event) => update({ sameCallerForCallback: event.currentTarget.checked })}
                        />
                      </Stack>
                    )}

                    {disposition === 'refused' && (
                      <Checkbox
                        label={t('calling.outcome.objection')}
                        description={t('calling.outcome.objectionHelp')}
                        checked={form.objection}
                        onChange={(event) => update({ objection: event.currentTarget.checked })}
                      />
                    )}

                    {disposition === 'completed' && (
                      <>
                        <Checkbox.Group
                          label={t('calling.outcome.needs')}
                          description={suggested.length ? t('calling.outcome.needsHelp') : undefined}
                          value={ticked}
                          onChange={() => undefined}
                        >
                          <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing={8}>
                            {NEED_CATEGORIES.map((need) => (
                              <Checkbox
                                key={need}
                                value={need}
                                onChange={(event) => update(toggleNeed(form, need, event.currentTarget.checked))}
                                label={
                                  <>
                                    {t(`calling.needs.${need}`)}
                                    {suggested.includes(need) && (
                                      <Badge component="span" ml={6} size="sm" variant="light" color="blue" tt="none">
                                        {t('calling.outcome.suggested')}
                                      </Badge>
                                    )}
                                  </>
                                }
                              />
                            ))}
                          </SimpleGrid>
                        </Checkbox.Group>

                        <Radio.Group
                          label={t('calling.outcome.fragility')}
                          description={
                            assignment.household.fragilityLevel
                              ? t('calling.outcome.fragilityKnown', {
                                  level: t(`calling.fragility.${assignment.household.fragilityLevel}`),
                                })
                              : undefined
                          }
                          value={form.fragilityLevel}
                          onChange={(value) => update({ fragilityLevel: value as OutcomeForm['fragilityLevel'] })}
                        >
                          <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing={8}>
                            {FRAGILITY_LEVELS.map((level) => (
                              <Radio key={level} value={level} label={t(`calling.fragility.${level}`)} />
                            ))}
                          </SimpleGrid>
                        </Radio.Group>
                      </>
                    )}

                    <Box id={fieldId('notes')}>
                      <Textarea
                        label={t('calling.outcome.notes')}
                        description={
                          <>
                            <IconAlertTriangle
                              size={14}
                              aria-hidden
                              style={{ verticalAlign: '-2px', marginRight: 4 }}
                            />
                            {t('calling.outcome.notesReminder')}
                          </>
                        }
                        styles={{
                          description: {
                            color: 'var(--mantine-color-text)',
                            background: 'var(--mantine-color-yellow-0)',
                            borderLeft: '3px solid var(--mantine-color-yellow-6)',
                            padding: '6px 8px',
                            fontSize: 'var(--mantine-font-size-sm)',
                            marginBottom: 6,
                          },
                        }}
                        inputWrapperOrder={['label', 'description', 'input', 'error']}
                        autosize
                        minRows={3}
                        maxLength={4000}
                        value={form.notes}
                        error={errors.notes}
                        onChange={(event) => update({ notes: event.currentTarget.value }, ['notes'])}
                      />
                    </Box>
                  </Stack>
                </Card>
              </Stack>
            </fieldset>

            <Stack gap="sm" mt="md">
              {errorEntries.length > 0 && (
                <Alert color="red" title={t('calling.status.fixErrors', { count: errorEntries.length })}>
                  <List size="sm">
                    {errorEntries.map(([field, message]) => (
                      <List.Item key={field}>
                        <Anchor component="button" type="button" size="sm" onClick={() => focusField(field)}>
                          {labelOf(field)}
                        </Anchor>{' '}
                        : {message}
                      </List.Item>
                    ))}
                  </List>
                </Alert>
              )}
              <div role="status" aria-live="polite">
                <SendStatus
                  state={sendState}
                  failure={failure}
                  onRetry={() => void send(draftRef.current)}
                  onDiscard={discard}
                />
              </div>
              {((!isLocked && sendState !== 'conflict') || sendState === 'sending') && (
                <Group>
                  <Button type="submit" size="md" loading={sendState === 'sending'}>
                    {t('calling.outcome.save')}
                  </Button>
                </Group>
              )}
            </Stack>
          </form>
        </Grid.Col>
      </Grid>

      <Modal opened={isReleasing} onClose={releasing.close} title={t('calling.outcome.releaseTitle')}>
        <Stack>
          <Text>{t('calling.outcome.releaseBody')}</Text>
          {releaseError && (
            <Alert color="red" role="alert">
              {releaseError}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={releasing.close}>
              {t('calling.outcome.cancel')}
            </Button>
            <Button color="red" onClick={() => void release()}>
              {t('calling.outcome.releaseConfirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>

      <Modal opened={isReferring} onClose={referring.close} title={t('calling.outcome.referral')} size="lg">
        <ReferralForm
          householdId={assignment.household.id}
          defaultCategory={ticked[0]}
          onSent={() => {
            referring.close()
          }}
        />
      </Modal>
    </Stack>
  )
}

function SendStatus({
  state,
  failure,
  onRetry,
  onDiscard,
}: {
  state: SendState
  failure: string
  onRetry: () => void
  onDiscard: () => void
}) {
  const { t } = useTranslation()
  switch (state) {
    case 'sending':
      return <Text size="sm">{t('calling.status.sending')}</Text>
    case 'offline':
    case 'serverDown':
      return (
        <Notice color="blue" icon={<IconCloudOff size={20} aria-hidden />}>
          <Text size="sm">{t(state === 'offline' ? 'calling.status.offline' : 'calling.status.serverDown')}</Text>
          <Button size="xs" variant="light" onClick={onRetry}>
            {t('calling.status.retry')}
          </Button>
        </Notice>
      )
    case 'unauthenticated':
      return (
        <Notice color="yellow" icon={<IconAlertTriangle size={20} aria-hidden />}>
          <Text size="sm">{t('calling.status.sessionExpired')}</Text>
          <Button size="xs" variant="light" onClick={() => window.location.reload()}>
            {t('calling.status.signInAgain')}
          </Button>
        </Notice>
      )
    case 'conflict':
      return (
        <Notice color="red" icon={<IconAlertTriangle size={20} aria-hidden />}>
          <Text size="sm">{t('calling.status.conflict')}</Text>
          <Button size="xs" variant="light" color="red" onClick={onDiscard}>
            {t('calling.status.discard')}
          </Button>
        </Notice>
      )
    case 'failed':
      return (
        <Notice color="red" icon={<IconAlertTriangle size={20} aria-hidden />}>
          <Text size="sm">{failure}</Text>
        </Notice>
      )
    default:
      return null
  }
}
