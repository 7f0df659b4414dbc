/**
 * The outcome of a call: checked against the questionnaire version it was given for, scored, and saved once per
 * Idempotency-Key with the target rescheduled, in one grouped transaction (SQLite) or one statement (PostgreSQL).
 */
import type { Static } from 'typebox'
import { followUpPriority, nextFollowUp, reschedule } from '../../../shared/calling-rules.js'
import type { CallingHours, RetryDelays } from '../../../shared/campaigns.js'
import type { OutcomeSchema } from '../../../shared/contracts/calling.js'
import { InstrumentAnswerError, isInstrumentCode, scoreInstrument } from '../../../shared/instruments/index.js'
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
import { cachedQuestionnaireVersion, parsedDefinition, parsedJson } from './calling.cache.js'
import { atomically, type Caller } from './calling.service.js'
import * as outcomes from './outcome.queries.js'

/** What a caller sends about a call (the route's body, as the contract declares it). */
export type OutcomeInput = Static<typeof OutcomeSchema>

function scoreAnswers(definition: QuestionnaireDefinition, answers: Record<string, unknown>) {
  const { issues, suggestedNeeds } = checkAnswers(definition, answers)
  const instrumentAnswers = (answers[INSTRUMENTS_KEY] ?? {}) as Record<string, Record<string, unknown>>
  const scores: Record<string, unknown> = {}
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
 * Records a call's outcome once: the same Idempotency-Key from the same caller returns the first call unchanged.
 * The target must still be this caller's (held by them, or released by an expired lease and not taken since).
 */
export async function recordOutcome(
  db: Db,
  targetId: string,
  caller: Caller,
  idempotencyKey: string,
  input: OutcomeInput,
) {
  try {
    return await saveOutcome(db, targetId, caller, idempotencyKey, input)
  } catch (error) {
    // Two deliveries of the same retried request raced: the second hit the unique key, or (PostgreSQL) read the
    // target after the first had committed and found it no longer held; either way, answer with the first.
    const raced =
      isUniqueViolation(error) || (error instanceof AppError && error.code === 'CONFLICT')
        ? await outcomes.findCallByIdempotencyKey(db, caller.id, idempotencyKey)
        : undefined
    if (raced) return { call: raced, created: false }
    throw error
  }
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}

async function saveOutcome(db: Db, targetId: string, caller: Caller, idempotencyKey: string, input: OutcomeInput) {
  const now = new Date()
  const nowText = now.toISOString()
  // PostgreSQL: the read, then the writes in one atomic statement; an objection adds writes, kept in one transaction.
  return (input.objection ? inGroupedTransaction : atomically)(db, async (tx) => {
    const { previous, target } = await outcomes.findOutcomeContext(tx, targetId, caller.id, idempotencyKey)
    if (previous) return { call: previous, created: false }
    if (!target) throw new AppError('NOT_FOUND', 'No such assignment')
    // Held by this caller, or released by an expired lease that nobody has taken over since.
    const isStillMine = target.heldBy === caller.id && (target.status === 'held' || target.status === 'pending')
    if (!isStillMine) {
      throw new AppError('CONFLICT', 'This household is no longer assigned to you: another caller took it over', {
        status: target.status,
      })
    }
    let scores: Record<string, unknown> | null = null
    let answers: Record<string, unknown> | null = null
    let needs = input.needs ?? []
    if (input.disposition === 'completed') {
      if (!target.questionnaireVersionId) throw new AppError('CONFLICT', 'The campaign has no questionnaire')
      const version = await cachedQuestionnaireVersion(tx, target.questionnaireVersionId)
      const checked = scoreAnswers(parsedDefinition(version!), input.answers ?? {})
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
    if (input.followUp && 'at' in input.followUp && followUpAt! <= now) {
      throw new AppError('VALIDATION_FAILED', 'A follow-up call must be planned in the future', {
        field: 'followUp.at',
      })
    }
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
      callbackAt: input.callbackAt ?? null,
      durationSeconds: input.durationSeconds ?? null,
      idempotencyKey,
      createdAt: nowText,
    }
    const isReached = ['completed', 'refused', 'callback'].includes(input.disposition)
    const saved = await outcomes.saveCall(tx, {
      call,
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
    // PostgreSQL: another caller took the target over between the read above and this write.
    if (!saved)
      throw new AppError('CONFLICT', 'This household is no longer assigned to you: another caller took it over')
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
