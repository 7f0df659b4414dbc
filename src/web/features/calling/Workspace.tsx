import { Alert, Anchor, Button, Card, Grid, Group, List, Modal, Stack, Text, Title } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { IconAlertTriangle, IconInfoCircle } from '@tabler/icons-react'
import { type CSSProperties, type FormEvent, useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { FragilityLevel } from '../../../shared/campaigns.js'
import { isInstrumentCode } from '../../../shared/instruments/index.js'
import { INSTRUMENTS_KEY, questionsOf } from '../../../shared/questionnaire.js'
import { ApiError } from '../../api/client.js'
import { describeError } from '../../components/errors.js'
import { ReferralForm } from '../referrals/ReferralForm.js'
import { callingApi } from './api.js'
import { type CallDraft, removeDraft, saveDraft } from './drafts.js'
import { HouseholdPanel, ScriptPanel } from './HouseholdPanel.js'
import { OutcomeFields } from './OutcomeFields.js'
import {
  buildOutcomeBody,
  checkForm,
  chosenSuggestions,
  detectSuggestions,
  ERROR_TEXT_VALUES,
  followedReferral,
  instrumentDefinition,
  newIdempotencyKey,
  type OutcomeForm,
  suggestionKey,
  suggestNeeds,
  tickedNeeds,
} from './outcome.js'
import { fieldId, QuestionnaireFields } from './QuestionnaireFields.js'
import { CallTimer, QuickOutcomeBar } from './QuickOutcomeBar.js'
import { type QuickOutcome, quickOutcomeOfKey } from './quick.js'
import { SendStatus } from './SendStatus.js'
import { SuggestionsPanel } from './SuggestionsPanel.js'
import { useLeaseRenewal } from './useLeaseRenewal.js'
import { type OnSaved, useOutcomeSubmission } from './useOutcomeSubmission.js'

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
  claimsNext,
  onClosed,
  isChained,
  onChainedChange,
}: {
  initialDraft: CallDraft
  /** Found in the browser on arrival (a reload), rather than just claimed. */
  isRestored: boolean
  onSaved: OnSaved
  /** Whether saving this draft should also claim the next household, in the same request. */
  claimsNext: (draft: CallDraft) => boolean
  onClosed: (reason: 'released' | 'discarded') => void
  /** The caller's « Enchaîner » choice: the next household is taken once this one is saved. */
  isChained: boolean
  onChainedChange: (isChained: boolean) => void
}) {
  const { t, i18n } = useTranslation()
  const [draft, setDraft] = useState(initialDraft)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [isStorageBroken, setStorageBroken] = useState(false)
  const [isReleasing, releasing] = useDisclosure(false)
  const [releaseError, setReleaseError] = useState('')
  const [isReferring, referring] = useDisclosure(false)
  const [barHeight, setBarHeight] = useState(0)
  const draftRef = useRef(draft)
  draftRef.current = draft

  const { assignment, form } = draft
  const definition = assignment.questionnaire?.definition ?? null
  const suggested = suggestNeeds(definition, form.answers)
  const ticked = tickedNeeds(form, suggested)
  const detected = detectSuggestions(definition, form.answers)
  // The followed detection suggestion the orientation is prepared from: a hint in the form, nothing pre-selected.
  const [referralSuggestion, setReferralSuggestion] = useState<{ category: string; urgency?: string }>()
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

  /** The caller dials (a number's `tel:` link, or « J'appelle »): the timer starts, once per household. */
  const dial = (e164: string | null) => {
    if (draftRef.current.submission) return
    const current = draftRef.current.form
    update({
      ...(e164 ? { phoneE164: e164 } : {}),
      ...(current.dialedAt ? {} : { dialedAt: new Date().toISOString() }),
    })
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

  const isLeaseLost = useLeaseRenewal(draftRef, isRestored)
  const { sendState, failure, send } = useOutcomeSubmission({
    draftRef,
    persist,
    onSaved,
    claimsNext,
    onFieldErrors: showErrors,
  })

  // A household just taken: the keyboard and the screen reader start from its name.
  useEffect(() => {
    if (!isRestored) document.getElementById('household-title')?.focus()
  }, [isRestored])

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (draft.submission) {
      void send(draft)
      return
    }
    submitForm(form)
  }

  /** Checks the form and, if nothing is missing, makes the submission (its key kept with the draft) and sends it. */
  const submitForm = (form: OutcomeForm) => {
    const draft = draftRef.current
    const issues = checkForm(form, definition)
    if (issues.length) {
      showErrors(
        Object.fromEntries(issues.map((issue) => [issue.field, t(`calling.errors.${issue.key}`, ERROR_TEXT_VALUES)])),
      )
      return
    }
    setErrors({})
    const next: CallDraft = {
      ...draft,
      form,
      // Made once per submission and kept with the draft: every retry carries the same key, so one call at most.
      submission: { idempotencyKey: newIdempotencyKey(), body: buildOutcomeBody(form, definition, suggested) },
      updatedAt: new Date().toISOString(),
    }
    persist(next)
    void send(next)
  }

  /** A quick outcome (button or shortcut key): chosen and saved at once, with the notes typed so far. */
  const saveQuick = (disposition: QuickOutcome) => {
    const current = draftRef.current
    if (current.submission) return
    submitForm({ ...current.form, disposition })
  }
  const saveQuickRef = useRef(saveQuick)
  saveQuickRef.current = saveQuick
  const canQuickSave = !isLocked && sendState !== 'conflict' && sendState !== 'sending'

  // Alt+Shift+1…4 anywhere in the workspace (text fields included), except behind a dialog.
  useEffect(() => {
    if (!canQuickSave) return
    const onKey = (event: KeyboardEvent) => {
      const disposition = quickOutcomeOfKey(event)
      if (!disposition) return
      event.preventDefault()
      if (document.querySelector('[role="dialog"]')) return
      saveQuickRef.current(disposition)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [canQuickSave])

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

  return (
    <Stack gap="md" className="quick-bar-room" style={{ '--quick-bar-height': `${barHeight}px` } as CSSProperties}>
      <QuickOutcomeBar
        onHeight={setBarHeight}
        disabled={!canQuickSave}
        onQuick={saveQuick}
        isChained={isChained}
        onChainedChange={onChainedChange}
      >
        <CallTimer
          dialedAt={form.dialedAt ?? null}
          stoppedSeconds={draft.submission ? (draft.submission.body.durationSeconds ?? null) : null}
          disabled={isLocked}
          onStart={() => dial(null)}
        />
      </QuickOutcomeBar>
      <Group justify="space-between" align="center" wrap="wrap" gap="sm">
        <Text fw={600}>{assignment.campaignName}</Text>
        <Group gap="sm">
          <Button
            variant="light"
            color="grape"
            onClick={() => {
              // The orientation the caller followed, if any, gives the hint rather than the first need ticked.
              setReferralSuggestion(followedReferral(chosenSuggestions(form, definition)))
              referring.open()
            }}
          >
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
            <HouseholdPanel assignment={assignment} calledNumber={form.phoneE164} onDial={(e164) => dial(e164)} />
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

                <SuggestionsPanel
                  suggestions={detected}
                  rules={definition?.rules ?? []}
                  choices={form.suggestionChoices ?? {}}
                  errors={errors}
                  disabled={isLocked}
                  onChoose={(suggestion, followed) => {
                    const key = suggestionKey(suggestion)
                    const choices = { ...form.suggestionChoices, [key]: followed }
                    const level = suggestion.kind === 'fragility' && followed ? suggestion.value : null
                    update(
                      level
                        ? { suggestionChoices: choices, fragilityLevel: level as FragilityLevel }
                        : { suggestionChoices: choices },
                      [key],
                    )
                  }}
                  onPrepareReferral={(suggestion) => {
                    setReferralSuggestion({ category: suggestion.value, urgency: suggestion.urgency })
                    referring.open()
                  }}
                />

                <OutcomeFields
                  assignment={assignment}
                  form={form}
                  errors={errors}
                  suggested={suggested}
                  ticked={ticked}
                  update={update}
                />
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
          householdName={`${assignment.household.lastName} ${assignment.household.firstName ?? ''}`.trim()}
          defaultCategory={ticked[0]}
          suggestion={referralSuggestion}
          onSent={() => {
            referring.close()
          }}
        />
      </Modal>
    </Stack>
  )
}
