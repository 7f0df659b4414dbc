// Pure rules of the outcome form: what is shown, what is suggested, what is missing, what is sent.
import type { Disposition, FragilityLevel, NeedCategory } from '../../../shared/campaigns.js'
import { parisLocalToIso } from '../../../shared/clock.js'
import { OUTCOME_TIME_LIMITS } from '../../../shared/contracts/calling.js'
import { detect, type Suggestion } from '../../../shared/detection.js'
import {
  INSTRUMENTS,
  type InstrumentCode,
  type InstrumentDefinition,
  type InstrumentItem,
  suggestedNeeds as instrumentSuggestedNeeds,
  isInstrumentCode,
  scoreInstrument,
} from '../../../shared/instruments/index.js'
import type { InstrumentResult } from '../../../shared/instruments/types.js'
import {
  checkAnswers,
  INSTRUMENTS_KEY,
  instrumentsOf,
  isQuestionShown,
  type QuestionnaireDefinition,
  questionsOf,
} from '../../../shared/questionnaire.js'
import { URGENCIES } from '../../../shared/referrals.js'
import type { OutcomeBody } from './api.js'
import { callSeconds } from './quick.js'

export const DISPOSITION_GROUPS: { key: 'reached' | 'notReached' | 'ended'; dispositions: Disposition[] }[] = [
  { key: 'reached', dispositions: ['completed', 'refused', 'callback'] },
  { key: 'notReached', dispositions: ['no_answer', 'voicemail', 'busy', 'wrong_number', 'not_in_service'] },
  { key: 'ended', dispositions: ['moved_out', 'deceased', 'other'] },
]

/** Everything the caller typed or chose for one household; kept in the browser until the server has it. */
export interface OutcomeForm {
  disposition: Disposition | null
  /** Question id → value; `instruments` → { [code]: { [item]: value } }. Answers of hidden questions are kept here
   * (the caller may change their mind) but never sent. */
  answers: Record<string, unknown>
  /** Needs ticked by the caller. */
  needs: NeedCategory[]
  /** Suggested needs the caller unticked: a suggestion is only a suggestion. */
  dismissedNeeds: NeedCategory[]
  fragilityLevel: FragilityLevel | null
  notes: string
  /** "YYYY-MM-DDTHH:mm", Europe/Paris time ('' until day and time are whole). */
  callbackLocal: string
  sameCallerForCallback: boolean
  objection: boolean
  phoneE164: string | null
  /** The caller's choice on each detection suggestion (`suggestionKey`): followed or declined. Absent in older drafts. */
  suggestionChoices?: Record<string, boolean>
  /** When the caller dialled (the `tel:` link or « J'appelle »): the call timer's start. Absent in older drafts. */
  dialedAt?: string | null
}

export function emptyForm(phoneE164: string | null): OutcomeForm {
  return {
    disposition: null,
    answers: {},
    needs: [],
    dismissedNeeds: [],
    fragilityLevel: null,
    notes: '',
    callbackLocal: '',
    sameCallerForCallback: true,
    objection: false,
    phoneE164,
    dialedAt: null,
  }
}

export function instrumentDefinition(code: InstrumentCode): InstrumentDefinition {
  return INSTRUMENTS.find((instrument) => instrument.code === code)!
}

type InstrumentAnswers = Record<string, Record<string, unknown>>

function instrumentAnswersOf(answers: Record<string, unknown>): InstrumentAnswers {
  const value = answers[INSTRUMENTS_KEY]
  return typeof value === 'object' && value !== null ? (value as InstrumentAnswers) : {}
}

function isEmpty(value: unknown) {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)
}

export function isItemAsked(item: InstrumentItem, items: Record<string, unknown>): boolean {
  return !item.askedOnlyIf || items[item.askedOnlyIf.item] === item.askedOnlyIf.equals
}

/**
 * The answers as they will be sent: questions in order, each kept only when shown given the answers kept before it
 * (so a hidden question cannot keep a later one shown), empty answers dropped, instrument items asked only if their
 * condition holds, and only the instruments this questionnaire has.
 */
export function answersToSend(definition: QuestionnaireDefinition, answers: Record<string, unknown>) {
  const kept: Record<string, unknown> = {}
  for (const question of questionsOf(definition)) {
    const value = answers[question.id]
    if (isEmpty(value) || !isQuestionShown(question, kept)) continue
    kept[question.id] = value
  }
  const instruments: InstrumentAnswers = {}
  const given = instrumentAnswersOf(answers)
  for (const code of instrumentsOf(definition)) {
    const items = given[code] ?? {}
    const keptItems: Record<string, unknown> = {}
    for (const item of instrumentDefinition(code).items) {
      const value = items[item.code]
      if (isEmpty(value) && !(item.answerType === 'multiple_choice' && Array.isArray(value))) continue
      if (!isItemAsked(item, keptItems)) continue
      keptItems[item.code] = value
    }
    if (Object.keys(keptItems).length) instruments[code] = keptItems
  }
  if (Object.keys(instruments).length) kept[INSTRUMENTS_KEY] = instruments
  return kept
}

/** An instrument's result from the answers so far; null while incomplete or unreadable. */
export function instrumentResult(code: InstrumentCode, answers: Record<string, unknown>) {
  try {
    const result = scoreInstrument(code, instrumentAnswersOf(answers)[code] ?? {})
    return result.complete ? result : null
  } catch {
    return null
  }
}

/** Needs the answers suggest: from the questions' options and from the instruments' results. */
export function suggestNeeds(definition: QuestionnaireDefinition | null, answers: Record<string, unknown>) {
  if (!definition) return []
  const sent = answersToSend(definition, answers)
  const needs = new Set<NeedCategory>(checkAnswers(definition, sent).suggestedNeeds)
  for (const code of instrumentsOf(definition)) {
    if (!isInstrumentCode(code)) continue
    const result = instrumentResult(code, sent)
    if (result) for (const need of instrumentSuggestedNeeds(code, result)) needs.add(need)
  }
  return [...needs]
}

/** The suggestions of the questionnaire's detection rules for the answers as they will be sent (as the server finds them). */
export function detectSuggestions(definition: QuestionnaireDefinition | null, answers: Record<string, unknown>) {
  if (!definition?.rules?.length) return []
  const sent = answersToSend(definition, answers)
  const results: Record<string, InstrumentResult> = {}
  for (const code of instrumentsOf(definition)) {
    const result = isInstrumentCode(code) ? instrumentResult(code, sent) : null
    if (result) results[code] = result
  }
  return detect(definition.rules, sent, results)
}

/** How a suggestion is named in the form's choices and errors: `suggestion.referral.isolation`. */
export const suggestionKey = (suggestion: Pick<Suggestion, 'kind' | 'value'>) =>
  `suggestion.${suggestion.kind}.${suggestion.value}`

/** The ticked needs: those the caller ticked, plus suggestions they did not untick. */
export function tickedNeeds(form: OutcomeForm, suggested: NeedCategory[]): NeedCategory[] {
  const ticked = new Set(form.needs)
  for (const need of suggested) if (!form.dismissedNeeds.includes(need)) ticked.add(need)
  return [...ticked]
}

export function toggleNeed(form: OutcomeForm, need: NeedCategory, isChecked: boolean): OutcomeForm {
  const needs = form.needs.filter((n) => n !== need)
  const dismissedNeeds = form.dismissedNeeds.filter((n) => n !== need)
  return isChecked
    ? { ...form, needs: [...needs, need], dismissedNeeds }
    : { ...form, needs, dismissedNeeds: [...dismissedNeeds, need] }
}

/** A problem found before sending, in the form's own words: a key of `calling.errors`. */
export interface FormIssue {
  field: string
  key: string
}

/** What must be fixed before the outcome can be sent. `now` is when the caller presses "save". */
export function checkForm(
  form: OutcomeForm,
  definition: QuestionnaireDefinition | null,
  now: Date = new Date(),
): FormIssue[] {
  const issues: FormIssue[] = []
  if (!form.disposition) return [{ field: 'disposition', key: 'dispositionRequired' }]
  if (form.disposition === 'completed' && definition) {
    const sent = answersToSend(definition, form.answers)
    for (const question of questionsOf(definition)) {
      if (question.required && isQuestionShown(question, sent) && isEmpty(sent[question.id])) {
        issues.push({ field: question.id, key: 'answerRequired' })
      }
    }
    // Each suggestion is followed or declined: the review counts both.
    for (const suggestion of detectSuggestions(definition, form.answers)) {
      const key = suggestionKey(suggestion)
      if (form.suggestionChoices?.[key] === undefined) issues.push({ field: key, key: 'suggestionChoice' })
    }
  }
  if (form.disposition === 'callback') {
    const iso = parisLocalToIso(form.callbackLocal)
    if (!iso) issues.push({ field: 'callbackAt', key: 'callbackRequired' })
    else if (new Date(iso) <= now) issues.push({ field: 'callbackAt', key: 'callbackInPast' })
    else if (new Date(iso) > latestCallback(now)) issues.push({ field: 'callbackAt', key: 'callbackTooFar' })
  }
  return issues
}

/** The values the `calling.errors.*` texts name (pass them with every key). */
export const ERROR_TEXT_VALUES = { days: OUTCOME_TIME_LIMITS.callbackDaysAhead }

/** The latest callback the server accepts from a form sent at `now` (OUTCOME_TIME_LIMITS). */
export function latestCallback(now: Date): Date {
  return new Date(now.getTime() + OUTCOME_TIME_LIMITS.callbackDaysAhead * 86_400_000)
}

type ChosenSuggestion = NonNullable<OutcomeBody['suggestions']>[number]

/** The detection suggestions the current answers give, each with the caller's choice; those not chosen yet left out. */
export function chosenSuggestions(form: OutcomeForm, definition: QuestionnaireDefinition | null): ChosenSuggestion[] {
  return detectSuggestions(definition, form.answers).flatMap((suggestion) => {
    const followed = form.suggestionChoices?.[suggestionKey(suggestion)]
    if (followed === undefined) return []
    const { kind, value, urgency } = suggestion
    return [{ kind, value, ...(urgency ? { urgency } : {}), followed }]
  })
}

/**
 * The orientation the caller followed among the detection suggestions, the most urgent when several were: what the
 * orientation form says as its hint (« Suggéré : … »), in place of the first need ticked. None when none was followed.
 */
export function followedReferral(
  suggestions: readonly ChosenSuggestion[] | undefined,
): { category: string; urgency?: string } | undefined {
  const rank = (urgency: string | undefined) => {
    const index = (URGENCIES as readonly (string | undefined)[]).indexOf(urgency)
    return index === -1 ? URGENCIES.length : index
  }
  const followed = (suggestions ?? []).filter((suggestion) => suggestion.kind === 'referral' && suggestion.followed)
  const first = followed.reduce<ChosenSuggestion | undefined>(
    (best, suggestion) => (!best || rank(suggestion.urgency) < rank(best.urgency) ? suggestion : best),
    undefined,
  )
  return first ? { category: first.value, ...(first.urgency ? { urgency: first.urgency } : {}) } : undefined
}

/** The request body for a checked form, saved at `now` (the call timer stops there). */
export function buildOutcomeBody(
  form: OutcomeForm,
  definition: QuestionnaireDefinition | null,
  suggested: NeedCategory[],
  now: Date = new Date(),
): OutcomeBody {
  const disposition = form.disposition!
  const body: OutcomeBody = { disposition }
  const durationSeconds = callSeconds(form.dialedAt, now)
  if (durationSeconds !== null) body.durationSeconds = durationSeconds
  const notes = form.notes.trim()
  if (notes) body.notes = notes
  if (form.phoneE164) body.phoneE164 = form.phoneE164
  if (disposition === 'completed') {
    body.answers = definition ? answersToSend(definition, form.answers) : {}
    const needs = tickedNeeds(form, suggested)
    if (needs.length) body.needs = needs
    if (form.fragilityLevel) body.fragilityLevel = form.fragilityLevel
    const suggestions = chosenSuggestions(form, definition)
    if (suggestions.length) body.suggestions = suggestions
  }
  if (disposition === 'callback') {
    body.callbackAt = parisLocalToIso(form.callbackLocal)!
    body.sameCallerForCallback = form.sameCallerForCallback
  }
  if (disposition === 'refused' && form.objection) body.objection = true
  return body
}

/** Which translation explains a server's answer issue in plain words. */
export function explainServerIssue(field: string, message: string): string {
  if (field === 'callbackAt') {
    if (/has passed/.test(message)) return 'callbackInPast'
    if (/too far ahead/.test(message)) return 'callbackTooFar'
    return 'callbackRequired'
  }
  if (field.startsWith(`${INSTRUMENTS_KEY}.`)) return 'instrumentInvalid'
  if (/needs an answer/.test(message)) return 'answerRequired'
  if (/not shown/.test(message)) return 'answerNotShown'
  if (/no such question/.test(message)) return 'answerUnknown'
  if (field === 'notes') return 'notesTooLong'
  return 'answerInvalid'
}

/** A new Idempotency-Key; `crypto.randomUUID` exists only on secure pages, `getRandomValues` everywhere. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = (bytes[6] & 0x0f) | 0x40
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
