/**
 * The outcome's hot path, as SQL written once per engine (`src/server/db/raw.ts`): one statement on PostgreSQL for
 * the writes, a handful inside the grouped transaction on SQLite.
 */
import type { Db, Engine } from '../../db/database.js'
import { placeholders, rawExecute, rawRows, statementText } from '../../db/raw.js'
import type { CallTable, CampaignTargetTable } from '../../db/schema.js'
import type { Timestamp } from '../../db/time.js'
import { toCount } from '../../db/time.js'
import { releaseHouseholdHold } from './claim.queries.js'

const FIND_CALL_BY_KEY = 'select * from "call" where "caller_id" = ? and "idempotency_key" = ?'

export async function findCallByIdempotencyKey(db: Db, callerId: string, key: string) {
  const [row] = await rawRows<CallTable>(db, FIND_CALL_BY_KEY, [callerId, key])
  return row
}

/**
 * The orientations the caller (`?`) sent about a target's household since claiming it, which wait for the call to be
 * linked to. The household's referrals are read first, behind a fence (`offset 0`), through referral_household_idx:
 * a plan made while the table is small would otherwise walk referral_call_idx, every referral without a call.
 */
function unlinkedReferrals(engine: Engine, target: string) {
  const [fence, text] = engine === 'postgres' ? ['offset 0', '?::text'] : ['limit -1', '?']
  return `(select "sender_user_id", "call_id", "created_at" from "referral" where "household_id" = ${target}."household_id" ${fence}) as "r" where "r"."sender_user_id" = ${text} and "r"."call_id" is null and "r"."created_at" >= ${target}."held_at"`
}

// One row whatever exists: the id of a call already saved under this key, and the target (columns null if none).
export const findOutcomeContextText = (engine: Engine) =>
  `select (select "id" from "call" where "caller_id" = ? and "idempotency_key" = ?) as "previous_call_id", "t".*, "c"."max_attempts", "c"."retry_delays", "c"."calling_hours", "c"."questionnaire_version_id", "c"."status" as "campaign_status", (select count(*) from "phone" as "p" where "p"."household_id" = "t"."household_id" and "p"."is_valid" = 1) as "usable_phones", (select count(*) from ${unlinkedReferrals(engine, '"t"')}) as "unlinked_referrals" from (select 1 as "one") as "one" left join "campaign_target" as "t" on "t"."id" = ? left join "campaign" as "c" on "c"."id" = "t"."campaign_id"`

/**
 * What an outcome needs first, in one statement: the call already saved under this idempotency key by this caller,
 * if any (then nothing else matters), else the target with its campaign's rules, and how many orientations this
 * caller sent about the household since claiming it without a call to link them to (the call did not exist yet).
 */
export async function findOutcomeContext(db: Db, targetId: string, callerId: string, idempotencyKey: string) {
  const [row] = await rawRows<
    { previousCallId: string | null } & CampaignTargetTable & {
        maxAttempts: number
        retryDelays: string
        callingHours: string
        questionnaireVersionId: string | null
        campaignStatus: string
        usablePhones: number | string
        unlinkedReferrals: number | string
      }
  >(
    db,
    statementText(db.engine, 'outcomeContext', () => findOutcomeContextText(db.engine)),
    [callerId, idempotencyKey, callerId, targetId],
  )
  const { previousCallId, ...target } = row
  if (previousCallId) {
    const [previous] = await rawRows<CallTable>(db, 'select * from "call" where "id" = ?', [previousCallId])
    return { previous }
  }
  return {
    target: target.id
      ? {
          ...target,
          usablePhones: toCount(target.usablePhones),
          unlinkedReferrals: toCount(target.unlinkedReferrals),
        }
      : undefined,
  }
}

const CALL_COLUMNS = [
  'id',
  'campaignId',
  'targetId',
  'householdId',
  'organizationId',
  'callerId',
  'attempt',
  'disposition',
  'phoneE164',
  'questionnaireVersionId',
  'answers',
  'scores',
  'needs',
  'fragilityLevel',
  'notes',
  'callbackAt',
  'durationSeconds',
  'suggestions',
  'idempotencyKey',
  'requestHash',
  'createdAt',
] as const satisfies readonly (keyof CallTable)[]
const CALL_COLUMN_NAMES = CALL_COLUMNS.map(
  (column) => `"${column.replace(/[A-Z0-9]+/g, (part) => `_${part.toLowerCase()}`)}"`,
).join(', ')
const INSERT_CALL = `insert into "call" (${CALL_COLUMN_NAMES}) values (${placeholders(CALL_COLUMNS.length)})`

export async function insertCall(db: Db, call: CallTable) {
  await rawExecute(
    db,
    INSERT_CALL,
    CALL_COLUMNS.map((column) => call[column] ?? null),
  )
  return call
}

const UPDATE_TARGET_AFTER_CALL = `update "campaign_target" set "status" = ?, "attempts" = ?, "next_attempt_at" = ?, "phone_position" = ?, "last_disposition" = ?, "last_called_at" = ?, "preferred_caller_id" = ?, "priority" = coalesce(?, "priority"), "follow_up_interval_days" = case when ? = 1 then ? else "follow_up_interval_days" end, "follow_up_until" = case when ? = 1 then ? else "follow_up_until" end, "held_by" = null, "lease_until" = null, "updated_at" = ? where "id" = ?`

export interface TargetChanges {
  status: string
  attempts: number
  nextAttemptAt: Timestamp
  phonePosition: number
  lastDisposition: string
  lastCalledAt: Timestamp
  preferredCallerId: string | null
  priority?: number
  followUpIntervalDays?: number | null
  followUpUntil?: string | null
}

function targetChangeParameters(targetId: string, changes: TargetChanges) {
  const isPlanChanged = changes.followUpIntervalDays !== undefined || changes.followUpUntil !== undefined ? 1 : 0
  return [
    changes.status,
    changes.attempts,
    changes.nextAttemptAt,
    changes.phonePosition,
    changes.lastDisposition,
    changes.lastCalledAt,
    changes.preferredCallerId,
    changes.priority ?? null,
    isPlanChanged,
    changes.followUpIntervalDays ?? null,
    isPlanChanged,
    changes.followUpUntil ?? null,
    changes.lastCalledAt,
    targetId,
  ]
}

export async function updateTargetAfterCall(db: Db, targetId: string, changes: TargetChanges) {
  await rawExecute(db, UPDATE_TARGET_AFTER_CALL, targetChangeParameters(targetId, changes))
}

const INSERT_AUDIT = `insert into "audit_event" ("at", "actor_user_id", "actor_email", "organization_id", "action", "entity_type", "entity_id", "ip", "details")`
const INSERT_CALL_AUDIT = `${INSERT_AUDIT} values (?, ?, null, ?, 'call.create', 'call', ?, ?, ?)`
const INTEGER_CALL_COLUMNS = new Set<string>(['attempt', 'durationSeconds'])

/**
 * PostgreSQL: an outcome's writes in ONE statement (five round trips before): the target rescheduled, only if this
 * caller still holds it (held, or released by an expired lease and not taken since); then, only if it was, the
 * call, the household hold let go, the household's contact and fragility, and the audit entry. `guarded`: only if,
 * besides, every value of the claim copy is still the stored one (CLAIM_COPY_GUARD). Returns false when the target
 * was no longer this caller's, or a guarded value had changed: nothing was written.
 */
function saveCallText(withHousehold: boolean, guarded: boolean) {
  const callValues = CALL_COLUMNS.map((column) => (INTEGER_CALL_COLUMNS.has(column) ? '?::integer' : '?::text'))
  const household = withHousehold
    ? `, "household" as (${UPDATE_HOUSEHOLD_AFTER_CALL} and exists (select 1 from "target") returning "id")`
    : ''
  return `with "target" as (${UPDATE_TARGET_AFTER_CALL} and "held_by" = ? and "status" in ('held', 'pending')${guarded ? CLAIM_COPY_GUARD : ''} returning "id"), "inserted" as (insert into "call" (${CALL_COLUMN_NAMES}) select ${callValues.join(', ')} from "target" returning "id"), "unheld" as (delete from "household_hold" where "household_id" = ? and "target_id" = (select "id" from "target"))${household}, "audit" as (${INSERT_AUDIT} select ?::text, ?::text, null, ?::text, 'call.create', 'call', "id", ?::text, ?::text from "inserted") select "id" from "inserted"`
}

/**
 * What the outcome read instead of reading it (a claim copy, calling.cache.ts): the write goes ahead only if each
 * value is still the stored one, the target's fields, its campaign's rules, the household's usable phones, and no
 * orientation sent since the claim waits for the call (those are linked by the read path).
 */
const CLAIM_COPY_GUARD = ` and ("campaign_id", "attempts", "phone_position", "priority", "follow_up_interval_days", "follow_up_until", "held_at") is not distinct from (?::text, ?::integer, ?::integer, ?::integer, ?::integer, ?::text, ?::text) and exists (select 1 from "campaign" as "c" where "c"."id" = ?::text and "c"."max_attempts" = ?::integer and "c"."retry_delays" = ?::text and "c"."calling_hours" = ?::text and "c"."questionnaire_version_id" is not distinct from ?::text) and (select count(*) from "phone" as "p" where "p"."household_id" = "campaign_target"."household_id" and "p"."is_valid" = 1) = ?::integer and not exists (select 1 from ${unlinkedReferrals('postgres', '"campaign_target"')})`

/** The values an outcome decided on without reading them, each compared with the stored one by the write. */
export interface OutcomeGuard {
  campaignId: string
  attempts: number
  phonePosition: number
  priority: number
  followUpIntervalDays: number | null
  followUpUntil: string | null
  heldAt: string
  maxAttempts: number
  retryDelays: string
  callingHours: string
  questionnaireVersionId: string | null
  usablePhones: number
}

function guardParameters(guard: OutcomeGuard, callerId: string) {
  return [
    guard.campaignId,
    guard.attempts,
    guard.phonePosition,
    guard.priority,
    guard.followUpIntervalDays,
    guard.followUpUntil,
    guard.heldAt,
    guard.campaignId,
    guard.maxAttempts,
    guard.retryDelays,
    guard.callingHours,
    guard.questionnaireVersionId,
    guard.usablePhones,
    callerId,
  ]
}

export interface SavedCall {
  call: CallTable
  /** PostgreSQL: the values the outcome was decided on without reading them; nothing is written if one changed. */
  guard?: OutcomeGuard
  target: TargetChanges
  household: { lastContactedAt?: Timestamp; fragilityLevel?: string }
  audit: { at: Timestamp; organizationId: string; ip: string; details: Record<string, unknown> }
}

/**
 * Writes an outcome: the call, the target rescheduled, the household hold let go, the household's contact and
 * fragility, the audit entry. One statement on PostgreSQL (see saveCallText); on SQLite, statements run inside the
 * caller's serialised transaction, whose checks already hold. False when the target was no longer the caller's, or
 * (PostgreSQL, with a guard) when a value the outcome was decided on had changed.
 */
export async function saveCall(db: Db, saved: SavedCall): Promise<boolean> {
  const { call, target, household, audit, guard } = saved
  const hasHouseholdChanges = household.lastContactedAt !== undefined || household.fragilityLevel !== undefined
  if (db.engine === 'postgres') {
    const rows = await rawRows(
      db,
      statementText('postgres', `saveCall:${hasHouseholdChanges}:${guard !== undefined}`, () =>
        saveCallText(hasHouseholdChanges, guard !== undefined),
      ),
      [
        ...targetChangeParameters(call.targetId, target),
        call.callerId,
        ...(guard ? guardParameters(guard, call.callerId) : []),
        ...CALL_COLUMNS.map((column) => call[column] ?? null),
        call.householdId,
        ...(hasHouseholdChanges
          ? [household.lastContactedAt ?? null, household.fragilityLevel ?? null, call.householdId]
          : []),
        audit.at,
        call.callerId,
        audit.organizationId,
        audit.ip,
        JSON.stringify(audit.details),
      ],
    )
    return rows.length > 0
  }
  await insertCall(db, call)
  await updateTargetAfterCall(db, call.targetId, target)
  await releaseHouseholdHold(db, call.householdId, call.targetId)
  await updateHouseholdAfterCall(db, call.householdId, household)
  await rawExecute(db, INSERT_CALL_AUDIT, [
    audit.at,
    call.callerId,
    audit.organizationId,
    call.id,
    audit.ip,
    JSON.stringify(audit.details),
  ])
  return true
}

const UPDATE_HOUSEHOLD_AFTER_CALL = `update "household" set "last_contacted_at" = coalesce(?, "last_contacted_at"), "fragility_level" = coalesce(?, "fragility_level") where "id" = ?`

export async function updateHouseholdAfterCall(
  db: Db,
  householdId: string,
  changes: { lastContactedAt?: Timestamp; fragilityLevel?: string },
) {
  if (changes.lastContactedAt === undefined && changes.fragilityLevel === undefined) return
  await rawExecute(db, UPDATE_HOUSEHOLD_AFTER_CALL, [
    changes.lastContactedAt ?? null,
    changes.fragilityLevel ?? null,
    householdId,
  ])
}

const LINK_REFERRALS = `update "referral" set "call_id" = ? where "household_id" = ? and "sender_user_id" = ? and "call_id" is null and "created_at" >= ?`

/**
 * Orientations sent during a call (before its outcome, so without a call id) are linked to the call once saved: the
 * campaign's review counts them. Only when findOutcomeContext found some (rare): no statement otherwise.
 */
export async function linkReferralsToCall(
  db: Db,
  call: Pick<CallTable, 'id' | 'householdId' | 'callerId'>,
  since: Timestamp,
) {
  await rawExecute(db, LINK_REFERRALS, [call.id, call.householdId, call.callerId, since])
}
