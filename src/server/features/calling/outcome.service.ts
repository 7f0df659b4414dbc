/**
 * The outcome of a call: checked against the questionnaire version it was given for, scored, and saved once per
 * Idempotency-Key with the target rescheduled, in one grouped transaction (SQLite) or one statement (PostgreSQL).
 */
import { hash } from 'node:crypto'
import type { Static } from 'typebox'
import { followUpPriority, nextFollowUp, reschedule } from '../../../shared/calling-rules.js'
import type { CallingHours, RetryDelays } from '../../../shared/campaigns.js'
import { addDays, parisToday } from '../../../shared/clock.js'
import { OUTCOME_TIME_LIMITS, type OutcomeSchema } from '../../../shared/contracts/calling.js'
import { detect, type Suggestion } from '../../../shared/detection.js'
import { InstrumentAnswerError, isInstrumentCode, scoreInstrument } from '../../../shared/instruments/index.js'
import type { InstrumentResult } from '../../../shared/instruments/types.js'
import {
  checkAnswers,
  INSTRUMENTS_KEY,
  instrumentsOf,
  type QuestionnaireDefinition,
} from '../../../shared/questionnaire.js'
import type { Db } from '../../db/database.js'
import { inGroupedTransaction } from '../../db/group-commit.js'
import { sortableId } from '../../db/ids.js'
import type { CallTable } from '../../db/schema.js'
import { nowTimestamp } from '../../db/time.js'
import { AppError } from '../../http/errors.js'
import { recordObjection } from '../households/households.queries.js'
import {
  type FreeText,
  flagSensitiveTexts,
  hasSensitiveWords,
  textAnswersOf,
} from '../sensitive-flags/sensitive-flags.service.js'
import {
  type ClaimCopy,
  cachedQuestionnaireVersion,
  claimCopyCounts,
  parsedDefinition,
  parsedJson,
  takeClaimCopy,
} from './calling.cache.js'
import { atomically, type Caller } from './calling.service.js'
import * as outcomes from './outcome.queries.js'

/** What a caller sends about a call (the route's body, as the contract declares it). */
export type OutcomeInput = Static<typeof OutcomeSchema>

function scoreAnswers(definition: QuestionnaireDefinition, answers: Record<string, unknown>) {
  const { issues, suggestedNeeds } = checkAnswers(definition, answers)
  const instrumentAnswers = (answers[INSTRUMENTS_KEY] ?? {}) as Record<string, Record<string, unknown>>
  const scores: Record<string, InstrumentResult> = {}
  const allowed = new Set(instrumentsOf(definition))
  for (const [code, items] of Object.entries(instrumentAnswers)) {
    if (!isInstrumentCode(code) || !allowed.has(code)) {
      issues.push({ field: `${INSTRUMENTS_KEY}.${code}`, message: 'this questionnaire has no such instrument' })
      continue
    }
    try {
      scores[code] = scoreInstrument(code, items ?? {})
    } catch (error) {
      if (error instanceof InstrumentAnswerError) {
        issues.push({ field: `${INSTRUMENTS_KEY}.${code}.${error.item}`, message: error.message, value: error.value })
      } else throw error
    }
  }
  return { issues, suggestedNeeds, scores }
}

/**
 * Each suggestion the caller reports must be one the questionnaire's rules give for these answers (same kind, value
 * and urgency), reported once: the review counts followed and declined suggestions, never invented ones.
 */
function checkSuggestions(reported: NonNullable<OutcomeInput['suggestions']>, given: Suggestion[]) {
  const seen = new Set<string>()
  reported.forEach((suggestion, index) => {
    const key = `${suggestion.kind}:${suggestion.value}`
    const match = given.find((g) => g.kind === suggestion.kind && g.value === suggestion.value)
    if (!match || (suggestion.urgency !== undefined && suggestion.urgency !== match.urgency) || seen.has(key)) {
      throw new AppError(
        'VALIDATION_FAILED',
        seen.has(key)
          ? `Suggestion ${key} is reported twice`
          : `The questionnaire's rules give no suggestion ${key}${suggestion.urgency ? ` (${suggestion.urgency})` : ''} for these answers`,
        { field: `suggestions[${index}]`, value: suggestion },
      )
    }
    seen.add(key)
  })
}

/**
 * Records a call's outcome once. An Idempotency-Key belongs to the first request it came with: the same key from the
 * same caller, for the same assignment, with the same body, returns the first call unchanged (a retry); the same key
 * with another assignment or another body is refused (IDEMPOTENCY_KEY_REUSED) and changes nothing, so that no outcome
 * is ever answered with another's call and lost. The target must be of an organisation where the caller calls (else
 * 404, as if it did not exist) and still theirs (held by them, or released by an expired lease and not taken since).
 */
export async function recordOutcome(
  db: Db,
  targetId: string,
  caller: Caller,
  /** The organisations where the caller may call (`organizationsWhere(scope, 'campaign.call')`). */
  organizationIds: readonly string[],
  idempotencyKey: string,
  input: OutcomeInput,
) {
  const request: OutcomeRequest = { targetId, organizationIds, idempotencyKey, hash: requestHash(input) }
  try {
    // PostgreSQL: what this process's claim read of the target, when it was this caller's claim (calling.cache.ts).
    const copy = db.engine === 'postgres' && !db.isTransaction ? takeClaimCopy(targetId, caller.id) : undefined
    const fromCopy = copy ? await saveOutcome(db, request, caller, input, copy) : COPY_REFUSED
    if (fromCopy !== COPY_REFUSED) return fromCopy
    const fromRead = await saveOutcome(db, request, caller, input)
    if (fromRead === COPY_REFUSED) throw new Error('An outcome without a claim copy has no copy to refuse')
    return fromRead
  } catch (error) {
    // Two deliveries of the same retried request raced: the second hit the unique key, or (PostgreSQL) read the
    // target after the first had committed and found it no longer held; either way, answer with the first.
    const raced =
      isUniqueViolation(error) || (error instanceof AppError && error.code === 'CONFLICT')
        ? await outcomes.findCallByIdempotencyKey(db, caller.id, idempotencyKey)
        : undefined
    if (raced) return { call: answerAgain(raced, request), created: false }
    throw error
  }
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}

/** Which request an outcome is: its assignment, the caller's organisations, its key and its body's digest. */
interface OutcomeRequest {
  targetId: string
  organizationIds: readonly string[]
  idempotencyKey: string
  hash: string
}

/**
 * The digest an Idempotency-Key is bound to: SHA-256 of the body as canonical JSON (keys sorted at every level), so
 * that a retry that orders its fields otherwise is still the same request.
 */
export function requestHash(input: OutcomeInput): string {
  return hash('sha256', canonicalJson(input), 'base64url')
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${canonicalJson(item)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/**
 * The call already saved under this request's key, answered again only if the request is the same one: same
 * assignment, same body (calls saved before bodies were hashed are checked on the assignment alone).
 */
function answerAgain(previous: CallTable, request: OutcomeRequest): CallTable {
  const isSameRequest =
    previous.targetId === request.targetId && (previous.requestHash == null || previous.requestHash === request.hash)
  if (!isSameRequest) {
    throw new AppError(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used for another request (another household or other content); nothing was saved: send this outcome with a new key',
    )
  }
  if (!request.organizationIds.includes(previous.organizationId)) throw new AppError('NOT_FOUND', 'No such assignment')
  return previous
}

/**
 * Refuses a time before `earliest` or after `latest`, naming the field: a year 0 or 9999 would call a household at
 * once or never, while looking like an ordinary answer.
 */
function checkTimeWindow(field: string, at: Date, earliest: Date, latest: Date) {
  // A leap second (23:59:60) passes the date-time format yet makes no Date.
  if (Number.isNaN(at.getTime())) throw new AppError('VALIDATION_FAILED', `${field}: not a time`, { field })
  if (at < earliest) {
    throw new AppError('VALIDATION_FAILED', `${field}: this time has passed`, { field, value: at.toISOString() })
  }
  if (at > latest) {
    throw new AppError('VALIDATION_FAILED', `${field}: too far ahead (${latest.toISOString()} at the latest)`, {
      field,
      value: at.toISOString(),
    })
  }
}

/** The outcome's times (callback, one-off follow-up, a watch's last day) within OUTCOME_TIME_LIMITS of `now`. */
function checkOutcomeTimes(input: OutcomeInput, now: Date) {
  const limits = OUTCOME_TIME_LIMITS
  const daysAfter = (days: number) => new Date(now.getTime() + days * 86_400_000)
  if (input.callbackAt) {
    const earliest = new Date(now.getTime() - limits.callbackMinutesLate * 60_000)
    checkTimeWindow('callbackAt', new Date(input.callbackAt), earliest, daysAfter(limits.callbackDaysAhead))
  }
  if (input.followUp && 'at' in input.followUp) {
    const at = new Date(input.followUp.at)
    if (at <= now) {
      throw new AppError('VALIDATION_FAILED', 'A follow-up call must be planned in the future', {
        field: 'followUp.at',
      })
    }
    checkTimeWindow('followUp.at', at, now, daysAfter(limits.followUpDaysAhead))
  }
  if (input.followUp && 'until' in input.followUp) {
    const latest = addDays(parisToday(now), limits.followUpDaysAhead)
    if (input.followUp.until > latest) {
      throw new AppError('VALIDATION_FAILED', `followUp.until: too far ahead (${latest} at the latest)`, {
        field: 'followUp.until',
        value: input.followUp.until,
      })
    }
  }
}

/** What saveOutcome answers when a claim copy no longer matched the stored values: nothing was written. */
const COPY_REFUSED = Symbol('claim copy refused')

/** The target as the slow path reads it, from a claim copy: held by the caller, no orientation waiting for the call. */
function targetOfCopy(copy: ClaimCopy) {
  return {
    ...copy,
    id: copy.targetId,
    status: 'held',
    heldBy: copy.callerId,
    unlinkedReferrals: 0,
  }
}

async function saveOutcome(db: Db, request: OutcomeRequest, caller: Caller, input: OutcomeInput, copy?: ClaimCopy) {
  const { targetId, idempotencyKey } = request
  const now = new Date()
  const nowText = now.toISOString()
  // Any typed text with a word of a special category: the texts' flags are written with the call (the exact check,
  // against the questionnaire's text questions, waits for its version, read inside).
  const typed: FreeText[] = [input.notes, ...Object.values(input.answers ?? {})]
    .filter((value): value is string => typeof value === 'string')
    .map((text) => ({ source: 'call_note', text }))
  const mayFlag = hasSensitiveWords(typed)
  // PostgreSQL: the read, then the writes in one atomic statement; an objection or flags add writes, kept in one
  // transaction.
  const isPlain = !input.objection && !mayFlag
  // A copy serves only the one-statement path; the others read, as they write more in a transaction.
  if (copy && !isPlain) return COPY_REFUSED
  return (isPlain ? atomically : inGroupedTransaction)(db, async (tx) => {
    const { previous, target } = copy
      ? { previous: undefined, target: targetOfCopy(copy) }
      : await outcomes.findOutcomeContext(tx, targetId, caller.id, idempotencyKey)
    if (previous) return { call: answerAgain(previous, request), created: false }
    // Another organisation's assignment is answered as one that does not exist: its state is none of the caller's.
    if (!target || !request.organizationIds.includes(target.organizationId)) {
      throw new AppError('NOT_FOUND', 'No such assignment')
    }
    // Held by this caller, or released by an expired lease that nobody has taken over since.
    const isStillMine = target.heldBy === caller.id && (target.status === 'held' || target.status === 'pending')
    if (!isStillMine) {
      throw new AppError('CONFLICT', 'This household is no longer assigned to you: another caller took it over', {
        status: target.status,
      })
    }
    let scores: Record<string, unknown> | null = null
    let answers: Record<string, unknown> | null = null
    let definition: QuestionnaireDefinition | null = null
    let needs = input.needs ?? []
    if (input.disposition === 'completed') {
      if (!target.questionnaireVersionId) throw new AppError('CONFLICT', 'The campaign has no questionnaire')
      const version = await cachedQuestionnaireVersion(tx, target.questionnaireVersionId)
      definition = parsedDefinition(version!)
      const checked = scoreAnswers(definition, input.answers ?? {})
      if (checked.issues.length) {
        throw new AppError(
          'VALIDATION_FAILED',
          `Some answers cannot be saved: ${checked.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`,
          checked.issues,
        )
      }
      scores = checked.scores
      answers = input.answers ?? {}
      needs = [...new Set(needs)]
      checkSuggestions(input.suggestions ?? [], detect(definition.rules, answers, checked.scores))
    } else if (input.suggestions?.length) {
      throw new AppError('VALIDATION_FAILED', 'Suggestions are recorded only with the outcome "completed"', {
        field: 'suggestions',
      })
    } else if (input.answers && Object.keys(input.answers).length) {
      throw new AppError('VALIDATION_FAILED', 'Answers are saved only with the outcome "completed"', {
        field: 'answers',
      })
    }
    if (input.disposition === 'callback' && !input.callbackAt) {
      throw new AppError('VALIDATION_FAILED', 'A callback needs the time the household asked for', {
        field: 'callbackAt',
      })
    }
    checkOutcomeTimes(input, now)
    const attempts = target.attempts + 1
    const next = reschedule(
      { attempts, phonePosition: target.phonePosition },
      input.disposition,
      {
        maxAttempts: target.maxAttempts,
        retryDelays: parsedJson<RetryDelays>(target.retryDelays),
        callingHours: parsedJson<CallingHours>(target.callingHours),
      },
      now,
      { usablePhones: target.usablePhones, callbackAt: input.callbackAt ? new Date(input.callbackAt) : null },
    )
    // A follow-up asked now, or the plan already running, turns a finished target into a scheduled watch call.
    const plan =
      input.followUp && 'everyDays' in input.followUp
        ? { intervalDays: input.followUp.everyDays, until: input.followUp.until }
        : { intervalDays: target.followUpIntervalDays, until: target.followUpUntil }
    const followUpAt =
      input.followUp && 'at' in input.followUp
        ? new Date(input.followUp.at)
        : next.status === 'completed' && input.disposition === 'completed'
          ? nextFollowUp(plan, now)
          : null
    const call: CallTable = {
      // Time-ordered: a call appends to the primary key and to the indexes led by its id, instead of dirtying a
      // random page of each (fewer pages per grouped commit written to the WAL and checkpointed).
      id: sortableId(),
      campaignId: target.campaignId,
      targetId: target.id,
      householdId: target.householdId,
      organizationId: target.organizationId,
      callerId: caller.id,
      attempt: attempts,
      disposition: input.disposition,
      phoneE164: input.phoneE164 ?? null,
      questionnaireVersionId: input.disposition === 'completed' ? target.questionnaireVersionId : null,
      answers: answers ? JSON.stringify(answers) : null,
      scores: scores ? JSON.stringify(scores) : null,
      needs: needs.length ? JSON.stringify(needs) : null,
      fragilityLevel: input.fragilityLevel ?? null,
      notes: input.notes?.trim() || null,
      // As every time stored: ISO-8601 UTC (the body may carry any offset).
      callbackAt: input.callbackAt ? new Date(input.callbackAt).toISOString() : null,
      durationSeconds: input.durationSeconds ?? null,
      suggestions: input.suggestions?.length ? JSON.stringify(input.suggestions) : null,
      idempotencyKey,
      requestHash: request.hash,
      createdAt: nowText,
    }
    const isReached = ['completed', 'refused', 'callback'].includes(input.disposition)
    const saved = await outcomes.saveCall(tx, {
      call,
      guard: copy,
      target: followUpAt
        ? {
            status: 'scheduled',
            // Each follow-up call gets its own attempts; it comes before ordinary targets when due.
            attempts: 0,
            nextAttemptAt: followUpAt.toISOString(),
            phonePosition: 0,
            lastDisposition: input.disposition,
            lastCalledAt: nowText,
            preferredCallerId: null,
            priority: followUpPriority(target.priority),
            followUpIntervalDays: plan.intervalDays,
            followUpUntil: plan.until,
          }
        : {
            // A later attempt waits as `scheduled`, outside the range the claim scans, until its time comes.
            status: next.status === 'pending' && next.nextAttemptAt > now ? 'scheduled' : next.status,
            attempts,
            nextAttemptAt: next.nextAttemptAt.toISOString(),
            phonePosition: next.phonePosition,
            lastDisposition: input.disposition,
            lastCalledAt: nowText,
            preferredCallerId: input.disposition === 'callback' && input.sameCallerForCallback ? caller.id : null,
          },
      household: {
        ...(isReached ? { lastContactedAt: nowText } : {}),
        ...(input.fragilityLevel ? { fragilityLevel: input.fragilityLevel } : {}),
      },
      audit: {
        at: nowTimestamp(),
        organizationId: call.organizationId,
        ip: caller.ip,
        details: { disposition: call.disposition, householdId: call.householdId },
      },
    })
    if (copy) claimCopyCounts[saved ? 'used' : 'refused']++
    // Something the copy held changed since the claim: read it all, as without a copy.
    if (!saved && copy) return COPY_REFUSED
    // PostgreSQL: another caller took the target over between the read above and this write.
    if (!saved)
      throw new AppError('CONFLICT', 'This household is no longer assigned to you: another caller took it over')
    if (mayFlag) {
      await flagSensitiveTexts(
        tx,
        {
          organizationId: call.organizationId,
          householdId: call.householdId,
          authorUserId: caller.id,
          authorOrganizationId: call.organizationId,
          at: nowText,
        },
        [
          { source: 'call_note', sourceId: call.id, text: call.notes },
          ...(definition ? textAnswersOf(definition, answers, call.id) : []),
        ],
      )
    }
    if (target.unlinkedReferrals > 0 && target.heldAt) await outcomes.linkReferralsToCall(tx, call, target.heldAt)
    if (input.disposition === 'refused' && input.objection) {
      await recordObjection(tx, target.householdId, {
        at: nowText,
        channel: 'phone',
        recordedBy: caller.id,
        note: null,
        now: nowText,
      })
    }
    return { call, created: true }
  })
}
