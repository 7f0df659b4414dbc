import { followUpPriority, isWithinCallingHours, nextFollowUp, reschedule } from '../../../shared/calling-rules.js'
import type { CallingHours, Disposition, FrequencyCap, NeedCategory, RetryDelays } from '../../../shared/campaigns.js'
import { ageOn, parisToday } from '../../../shared/dates.js'
import { InstrumentAnswerError, isInstrumentCode, scoreInstrument } from '../../../shared/instruments/index.js'
import {
  checkAnswers,
  INSTRUMENTS_KEY,
  instrumentsOf,
  type QuestionnaireDefinition,
} from '../../../shared/questionnaire.js'
import { fillScript } from '../../../shared/script.js'
import type { Db } from '../../db/database.js'
import { inGroupedTransaction } from '../../db/group-commit.js'
import { sortableId } from '../../db/ids.js'
import type { CallTable, CampaignTable } from '../../db/schema.js'
import { addMinutes, nowTimestamp } from '../../db/time.js'
import { hasRole, type Scope } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { findCampaignById, findQuestionnaireVersion } from '../campaigns/campaigns.queries.js'
import * as calling from './calling.queries.js'

export const LEASE_MINUTES = 15

// Questionnaire versions never change once written: caching them by id is always correct.
type QuestionnaireVersion = NonNullable<Awaited<ReturnType<typeof findQuestionnaireVersion>>>
const questionnaireVersions = new Map<string, Promise<QuestionnaireVersion | undefined>>()
function cachedQuestionnaireVersion(db: Db, versionId: string) {
  let version = questionnaireVersions.get(versionId)
  if (!version) {
    version = findQuestionnaireVersion(db, versionId)
    // A failed read is not remembered.
    version.catch(() => questionnaireVersions.delete(versionId))
    if (questionnaireVersions.size > 1000) questionnaireVersions.clear()
    questionnaireVersions.set(versionId, version)
  }
  return version
}

// Parsed definitions, keyed by the (immutable) version row.
const definitions = new WeakMap<QuestionnaireVersion, QuestionnaireDefinition>()
function parsedDefinition(version: QuestionnaireVersion): QuestionnaireDefinition {
  let definition = definitions.get(version)
  if (!definition) {
    definition = JSON.parse(version.definition) as QuestionnaireDefinition
    definitions.set(version, definition)
  }
  return definition
}

// Small JSON settings (calling hours, retry delays) repeat on every outcome: parse each distinct text once.
const parsedTexts = new Map<string, unknown>()
function parsedJson<T>(text: string): T {
  let value = parsedTexts.get(text)
  if (value === undefined) {
    value = JSON.parse(text)
    if (parsedTexts.size > 1000) parsedTexts.clear()
    parsedTexts.set(text, value)
  }
  return value as T
}

interface CampaignConfiguration {
  callingHours: CallingHours
  frequencyCap: FrequencyCap
  faq: { question: string; answer: string }[]
}
const configurations = new WeakMap<CampaignTable, CampaignConfiguration>()
/** The campaign's JSON settings, parsed once per campaign row (rows are replaced, never changed, in the cache). */
function configurationOf(campaign: CampaignTable): CampaignConfiguration {
  let configuration = configurations.get(campaign)
  if (!configuration) {
    configuration = {
      callingHours: JSON.parse(campaign.callingHours) as CallingHours,
      frequencyCap: JSON.parse(campaign.frequencyCap) as FrequencyCap,
      faq: JSON.parse(campaign.faq) as { question: string; answer: string }[],
    }
    configurations.set(campaign, configuration)
  }
  return configuration
}

// Campaigns by id, as last read by this process. Each use checks, in one small indexed read, that the row's
// `updated_at`, status and callers restriction are unchanged, and reads the whole row again otherwise: the copy is
// never older than that read, whichever instance changed the campaign (see docs/decisions.md).
// A copy read during the very millisecond of its `updated_at` is not trusted: a second change in that millisecond
// would carry the same `updated_at`.
const campaigns = new Map<string, { campaign: CampaignTable; readAt: number }>()

/**
 * The campaign, if it belongs to one of these organisations; undefined otherwise. Served from memory when the
 * stored row has not changed since it was read.
 */
export async function findCampaignForCalling(
  db: Db,
  organizationIds: string[],
  campaignId: string,
  /** The version already read with the claim's first statement (PostgreSQL). */
  known?: { version: calling.CampaignVersion | undefined },
) {
  const version = known ? known.version : await calling.findCampaignVersion(db, organizationIds, campaignId)
  if (!version) return undefined
  const cached = campaigns.get(campaignId)
  if (
    cached &&
    cached.campaign.updatedAt === version.updatedAt &&
    cached.campaign.status === version.status &&
    cached.campaign.callersRestricted === version.callersRestricted &&
    Date.parse(version.updatedAt) < cached.readAt - 1
  ) {
    return cached.campaign
  }
  const readAt = Date.now()
  const campaign = await findCampaignById(db, organizationIds, campaignId)
  if (!campaign) return undefined
  if (campaigns.size > 1000) campaigns.clear()
  campaigns.set(campaignId, { campaign, readAt })
  return campaign
}

export interface Caller {
  id: string
  name: string
  /** The caller's network address, for the audit log. */
  ip: string
}

/** What a caller needs on screen for one household, and nothing more. */
export async function presentAssignment(
  db: Db,
  campaign: CampaignTable,
  target: { id: string; householdId: string; attempts: number; phonePosition: number; leaseUntil: string | null },
  caller: Caller,
  /** The household's details when the claim already read them (PostgreSQL). */
  details?: calling.HouseholdForCall,
) {
  const { household, members, phones, calls } = details ?? (await calling.findHouseholdForCall(db, target.householdId))
  const today = parisToday()
  const questionnaire = campaign.questionnaireVersionId
    ? await cachedQuestionnaireVersion(db, campaign.questionnaireVersionId)
    : undefined
  const { faq } = configurationOf(campaign)
  const usablePhones = phones.filter((phone) => phone.isValid === 1)
  const civility = [household.firstName, household.lastName].filter(Boolean).join(' ')
  return {
    id: target.id,
    campaignId: campaign.id,
    campaignName: campaign.name,
    attempt: target.attempts + 1,
    leaseExpiresAt: target.leaseUntil!,
    household: {
      id: household.id,
      externalRef: household.externalRef,
      lastName: household.lastName,
      firstName: household.firstName,
      address: [
        household.addressLine1,
        household.addressLine2,
        `${household.postcode ?? ''} ${household.city ?? ''}`.trim(),
      ]
        .filter(Boolean)
        .join(', '),
      floor: household.floor,
      hasLift: household.hasLift === null ? null : household.hasLift === 1,
      members: members.map((member) => ({
        firstName: member.firstName,
        lastName: member.lastName,
        age: ageOn(member.birthDate, today),
        isLeaseholder: member.isLeaseholder === 1,
      })),
      fragilityLevel: household.fragilityLevel,
      earlierCalls: calls.map((call) => ({
        at: call.createdAt,
        campaign: call.campaignName,
        disposition: call.disposition,
        fragilityLevel: call.fragilityLevel,
      })),
    },
    // The number to try first comes first: earlier wrong numbers move the position on.
    phones: [...usablePhones.slice(target.phonePosition), ...usablePhones.slice(0, target.phonePosition)].map(
      (phone) => ({
        e164: phone.e164!,
        kind: phone.kind,
      }),
    ),
    script: fillScript(campaign.script, {
      prenom: household.firstName,
      nom: household.lastName,
      civilite_nom: civility,
      agence: household.agencyName,
      bailleur: household.organizationName,
      appelant: caller.name,
      campagne: campaign.name,
    }),
    faq,
    questionnaire: questionnaire
      ? {
          versionId: questionnaire.id,
          version: questionnaire.version,
          definition: parsedDefinition(questionnaire),
        }
      : null,
  }
}

/**
 * The campaign, if this user may call for it: 404 when it belongs to an organisation they cannot see, 403 when they
 * see it but are not among its callers.
 */
export async function loadCallableCampaign(
  db: Db,
  scope: Scope,
  campaignId: string,
  known?: { version: calling.CampaignVersion | undefined },
) {
  const visible = scope.memberships.map((m) => m.organizationId)
  const campaign = await findCampaignForCalling(db, visible, campaignId, known)
  if (!campaign) throw new AppError('NOT_FOUND', 'No such campaign')
  const isManager = hasRole(scope, ['manager', 'admin'], campaign.organizationId)
  const isCaller = hasRole(scope, ['caller'], campaign.organizationId)
  if (!isManager && !isCaller) throw new AppError('FORBIDDEN', 'You are not a caller of this campaign')
  if (
    !isManager &&
    campaign.callersRestricted === 1 &&
    !(await calling.isListedCaller(db, campaign.id, scope.userId))
  ) {
    throw new AppError('FORBIDDEN', 'This campaign is reserved to the callers its manager listed')
  }
  return campaign
}

/**
 * Gives the caller the most urgent due household of the campaign, holding it under a lease, with what their screen
 * shows of it. A caller who already holds one in this campaign gets it back (a reload never loses the household).
 * Returns null when nothing is due.
 *
 * SQLite: one transaction, grouped with others' (see group-commit.ts): the permission check, the queue's upkeep
 * (due retries promoted, expired leases returned), the caller's current hold, the claim, the household-wide hold,
 * the audit of the read and the household's details. PostgreSQL: the same statements without a transaction around
 * them (each of its two round trips, BEGIN and COMMIT, cost as much as a statement): the claim, the hold, the audit
 * and the details are one atomic statement, and the reads and the upkeep before it need no isolation that READ
 * COMMITTED gave them. When the household turns out to be held in another campaign (PostgreSQL, a concurrent
 * claim), nothing was written and the next household is tried.
 */
export async function claimNext(db: Db, scope: Scope, campaignId: string, caller: Caller, now = new Date()) {
  const skipHouseholdIds: string[] = []
  // A household held in another campaign makes the hold fail: skip it and take the next one, a few times at most.
  for (let tries = 0; tries < 5; tries++) {
    const claimed = await atomically(db, async (tx) => {
      // PostgreSQL, first try: the queue's upkeep, the campaign's version and the caller's current hold in one
      // round trip (the checks below are the same, made on what it read).
      const prepared =
        tx.engine === 'postgres' && tries === 0
          ? await calling.prepareClaimPostgres(
              tx,
              scope.memberships.map((m) => m.organizationId),
              campaignId,
              caller.id,
              now.toISOString(),
            )
          : undefined
      const campaign = await loadCallableCampaign(tx, scope, campaignId, prepared)
      const held = await holdNextTarget(tx, campaign, caller, now, skipHouseholdIds, prepared)
      return {
        assignment: held ? await presentAssignment(tx, campaign, held.target, caller, held.details) : null,
        busyHousehold: null,
      }
    }).catch((error) => {
      if (error instanceof HouseholdBusy) return { assignment: null, busyHousehold: error.householdId }
      throw error
    })
    if (claimed.assignment) return claimed.assignment
    if (!claimed.busyHousehold) return null
    skipHouseholdIds.push(claimed.busyHousehold)
  }
  return null
}

/** The claim itself, inside the caller's transaction; throws HouseholdBusy when the household is held elsewhere. */
async function holdNextTarget(
  tx: Db,
  campaign: CampaignTable,
  caller: Caller,
  now: Date,
  skipHouseholdIds: string[],
  prepared?: calling.PreparedClaim,
) {
  if (campaign.status !== 'active') throw new AppError('CONFLICT', 'This campaign is not running')
  const nowText = now.toISOString()
  const { callingHours, frequencyCap: cap } = configurationOf(campaign)
  if (!isWithinCallingHours(callingHours, now)) return null
  const leaseUntil = addMinutes(nowText, LEASE_MINUTES)
  let already = prepared?.held
  if (!prepared) {
    await calling.maintainQueue(tx, campaign.id, nowText)
    already = await calling.findHeldTargetOfCaller(tx, campaign.id, caller.id, nowText)
  }
  if (already) {
    await recordAuditEvent(tx, householdReadEvent(campaign, already.householdId, caller))
    return { target: already }
  }
  const criteria = {
    campaignId: campaign.id,
    callerId: caller.id,
    now: nowText,
    leaseUntil,
    capSince: new Date(now.getTime() - cap.days * 86_400_000).toISOString(),
    capAttempts: cap.maxAttempts,
    maxAttempts: campaign.maxAttempts,
    skipHouseholdIds,
  }
  if (tx.engine === 'postgres') {
    // One round trip for the claim, the hold, the audit of the read and the household's details.
    const { details: auditDetails, organizationId, ip } = householdReadEvent(campaign, '', caller)
    const claimed = await calling.claimWithHouseholdPostgres(tx, criteria, {
      at: nowTimestamp(),
      organizationId,
      ip,
      details: auditDetails,
    })
    if (claimed.kind === 'none') return null
    if (claimed.kind === 'busy') throw new HouseholdBusy(claimed.householdId)
    return { target: claimed.target, details: claimed.details }
  }
  const target = await calling.claimDueTarget(tx, criteria)
  if (!target) return null
  const held = await calling.takeHouseholdHold(tx, {
    householdId: target.householdId,
    targetId: target.id,
    callerId: caller.id,
    leaseUntil,
    now: nowText,
  })
  if (!held) throw new HouseholdBusy(target.householdId)
  // Logged in the same transaction: the read is on record exactly when the household was handed out.
  await recordAuditEvent(tx, householdReadEvent(campaign, target.householdId, caller))
  return { target }
}

function householdReadEvent(campaign: CampaignTable, householdId: string, caller: Caller) {
  return {
    actorUserId: caller.id,
    organizationId: campaign.organizationId,
    action: 'household.read',
    entityType: 'household',
    entityId: householdId,
    ip: caller.ip,
    details: { via: 'claim', campaignId: campaign.id },
  }
}

/**
 * A claim or an outcome: grouped in one transaction on SQLite; on PostgreSQL run on the pool without BEGIN and
 * COMMIT, its writes being one statement (see claimNext and calling.saveCall).
 */
function atomically<T>(db: Db, work: (db: Db) => Promise<T>): Promise<T> {
  return db.engine === 'postgres' && !db.isTransaction ? work(db) : inGroupedTransaction(db, work)
}

class HouseholdBusy extends Error {
  constructor(readonly householdId: string) {
    super('household held in another campaign')
  }
}

export interface OutcomeInput {
  disposition: Disposition
  answers?: Record<string, unknown>
  notes?: string
  callbackAt?: string
  sameCallerForCallback?: boolean
  fragilityLevel?: string
  needs?: NeedCategory[]
  durationSeconds?: number
  phoneE164?: string
  objection?: boolean
  /** The watch (veille): call again on a date, or every N days until a date; these calls come first when due. */
  followUp?: { at: string } | { everyDays: number; until: string }
}

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
        ? await calling.findCallByIdempotencyKey(db, caller.id, idempotencyKey)
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
    const { previous, target } = await calling.findOutcomeContext(tx, targetId, caller.id, idempotencyKey)
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
    const saved = await calling.saveCall(tx, {
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
      await calling.recordObjection(tx, target.householdId, { at: nowText, by: caller.id })
    }
    return { call, created: true }
  })
}
