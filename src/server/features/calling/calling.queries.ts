import { CompiledQuery } from 'kysely'
import type { Db } from '../../db/database.js'
import type { CallTable, CampaignTargetTable, HouseholdTable, MemberTable, PhoneTable } from '../../db/schema.js'
import type { Timestamp } from '../../db/time.js'
import { toCount } from '../../db/time.js'

/** Campaigns a user may call for: active, of an organisation where they call or manage, and listing them if restricted. */
export async function listCallableCampaigns(db: Db, userId: string, organizationIds: string[], managedIds: string[]) {
  if (organizationIds.length === 0) return []
  return db
    .selectFrom('campaign')
    .innerJoin('organization', 'organization.id', 'campaign.organizationId')
    .select([
      'campaign.id',
      'campaign.name',
      'campaign.type',
      'campaign.status',
      'campaign.callingHours',
      'campaign.organizationId',
      'organization.code as organizationCode',
      'organization.name as organizationName',
    ])
    .where('campaign.organizationId', 'in', organizationIds)
    .where('campaign.status', '=', 'active')
    .where((eb) =>
      eb.or([
        eb('campaign.callersRestricted', '=', 0),
        ...(managedIds.length ? [eb('campaign.organizationId', 'in', managedIds)] : []),
        eb.exists(
          eb
            .selectFrom('campaignCaller')
            .select('campaignCaller.userId')
            .whereRef('campaignCaller.campaignId', '=', 'campaign.id')
            .where('campaignCaller.userId', '=', userId),
        ),
      ]),
    )
    .orderBy('campaign.name')
    .execute()
}

export async function isListedCaller(db: Db, campaignId: string, userId: string) {
  const row = await db
    .selectFrom('campaignCaller')
    .select('userId')
    .where('campaignId', '=', campaignId)
    .where('userId', '=', userId)
    .executeTakeFirst()
  return row !== undefined
}

export async function replaceCampaignCallers(db: Db, campaignId: string, userIds: string[]) {
  await db.deleteFrom('campaignCaller').where('campaignId', '=', campaignId).execute()
  if (userIds.length) {
    await db
      .insertInto('campaignCaller')
      .values(userIds.map((userId) => ({ campaignId, userId })))
      .execute()
  }
  await db
    .updateTable('campaign')
    .set({ callersRestricted: userIds.length ? 1 : 0 })
    .where('id', '=', campaignId)
    .execute()
}

/**
 * The calling hot path (claim, outcome) runs as SQL written once per engine instead of built per request: building
 * a Kysely query cost more than SQLite took to run it, and a claim and an outcome run about fifteen statements.
 * Placeholders are `?` here and become `$1…` for PostgreSQL. Rows still go through the CamelCasePlugin, so they come
 * back in camelCase like every other query.
 */
const postgresTexts = new Map<string, string>()
function compiled(db: Db, text: string, parameters: readonly unknown[]) {
  if (db.engine !== 'postgres') return CompiledQuery.raw(text, [...parameters])
  let converted = postgresTexts.get(text)
  if (!converted) {
    let index = 0
    converted = text.replace(/\?/g, () => `$${++index}`)
    if (postgresTexts.size > 500) postgresTexts.clear()
    postgresTexts.set(text, converted)
  }
  return CompiledQuery.raw(converted, [...parameters])
}

async function rowsOf<Row>(db: Db, text: string, parameters: readonly unknown[]): Promise<Row[]> {
  return (await db.executeQuery<Row>(compiled(db, text, parameters))).rows
}

const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ')

export interface CampaignVersion {
  updatedAt: string
  status: string
  callersRestricted: number
}

/** The fields of a campaign that decide whether a cached copy of it is still right. */
export async function findCampaignVersion(db: Db, organizationIds: string[], campaignId: string) {
  if (organizationIds.length === 0) return undefined
  const [row] = await rowsOf<CampaignVersion>(
    db,
    `select "updated_at", "status", "callers_restricted" from "campaign" where "id" = ? and "organization_id" in (${placeholders(organizationIds.length)})`,
    [campaignId, ...organizationIds],
  )
  return row
}

const PROMOTE_DUE_TARGETS = `update "campaign_target" set "status" = 'pending', "updated_at" = ? where "campaign_id" = ? and "status" = 'scheduled' and "next_attempt_at" <= ?`
const RELEASE_EXPIRED_LEASES = `update "campaign_target" set "status" = 'pending', "lease_until" = null, "updated_at" = ? where "campaign_id" = ? and "status" = 'held' and "lease_until" <= ?`
const UPKEEP_POSTGRES = `with "promoted" as (${PROMOTE_DUE_TARGETS} returning 1), "released" as (${RELEASE_EXPIRED_LEASES} returning 1) select 1`

/**
 * The queue's upkeep before a claim: moves targets whose next attempt has come from `scheduled` to `pending`, and
 * gives expired leases back to the queue (the last holder is kept to recognise a late outcome). Keeping
 * not-yet-due targets out of the pending range means the claim never steps over them (claims slowed 3–4× as a queue
 * drained when they were mixed). Each is an index range that usually holds nothing (two statements: one with an OR
 * made SQLite walk the whole campaign).
 */
export async function maintainQueue(db: Db, campaignId: string, now: Timestamp) {
  if (db.engine === 'postgres') {
    // One round trip: the two updates touch disjoint rows (scheduled, held).
    await db.executeQuery(compiled(db, UPKEEP_POSTGRES, [now, campaignId, now, now, campaignId, now]))
    return
  }
  await db.executeQuery(compiled(db, PROMOTE_DUE_TARGETS, [now, campaignId, now]))
  await db.executeQuery(compiled(db, RELEASE_EXPIRED_LEASES, [now, campaignId, now]))
}

export interface PreparedClaim {
  version: CampaignVersion | undefined
  held: Pick<CampaignTargetTable, 'id' | 'householdId' | 'attempts' | 'phonePosition' | 'leaseUntil'> | undefined
}

/**
 * PostgreSQL, before a claim, in one statement (three round trips before): the queue's upkeep (as maintainQueue,
 * for a campaign of these organisations), the campaign's version (as findCampaignVersion) and the target this caller
 * already holds in it (as findHeldTargetOfCaller). The upkeep touches scheduled and expired rows, the held target
 * has a live lease: what one part writes, the other does not read.
 */
export async function prepareClaimPostgres(
  db: Db,
  organizationIds: string[],
  campaignId: string,
  callerId: string,
  now: Timestamp,
): Promise<PreparedClaim> {
  if (organizationIds.length === 0) return { version: undefined, held: undefined }
  const organizations = organizationIds.map((_, index) => `$${4 + index}`).join(', ')
  const visible = `exists (select 1 from "campaign" where "id" = $1 and "organization_id" in (${organizations}))`
  const [row] = await rowsOf<
    CampaignVersion & {
      heldId: string | null
      heldHouseholdId: string
      heldAttempts: number
      heldPhonePosition: number
      heldLeaseUntil: string
    }
  >(
    db,
    `with "promoted" as (update "campaign_target" set "status" = 'pending', "updated_at" = $2 where "campaign_id" = $1 and "status" = 'scheduled' and "next_attempt_at" <= $2 and ${visible} returning 1), "released" as (update "campaign_target" set "status" = 'pending', "lease_until" = null, "updated_at" = $2 where "campaign_id" = $1 and "status" = 'held' and "lease_until" <= $2 and ${visible} returning 1) select "c"."updated_at", "c"."status", "c"."callers_restricted", "t"."id" as "held_id", "t"."household_id" as "held_household_id", "t"."attempts" as "held_attempts", "t"."phone_position" as "held_phone_position", "t"."lease_until" as "held_lease_until" from "campaign" as "c" left join lateral (select * from "campaign_target" where "campaign_id" = "c"."id" and "held_by" = $3 and "status" = 'held' and "lease_until" > $2 limit 1) as "t" on true where "c"."id" = $1 and "c"."organization_id" in (${organizations})`,
    [campaignId, now, callerId, ...organizationIds],
  )
  if (!row) return { version: undefined, held: undefined }
  const { heldId, heldHouseholdId, heldAttempts, heldPhonePosition, heldLeaseUntil, ...version } = row
  return {
    version,
    held: heldId
      ? {
          id: heldId,
          householdId: heldHouseholdId,
          attempts: heldAttempts,
          phonePosition: heldPhonePosition,
          leaseUntil: heldLeaseUntil,
        }
      : undefined,
  }
}

const FIND_HELD_TARGET = `select * from "campaign_target" where "campaign_id" = ? and "held_by" = ? and "status" = 'held' and "lease_until" > ?`

export async function findHeldTargetOfCaller(db: Db, campaignId: string, callerId: string, now: Timestamp) {
  const [row] = await rowsOf<CampaignTargetTable>(db, FIND_HELD_TARGET, [campaignId, callerId, now])
  return row
}

export interface ClaimCriteria {
  campaignId: string
  callerId: string
  now: Timestamp
  leaseUntil: Timestamp
  capSince: Timestamp
  capAttempts: number
  maxAttempts: number
  skipHouseholdIds: string[]
}

function claimText(engine: Db['engine'], skipped: number) {
  const skip = skipped ? ` and "t"."household_id" not in (${placeholders(skipped)})` : ''
  const lock = engine === 'postgres' ? ' for update of "t" skip locked' : ''
  return `update "campaign_target" set "status" = 'held', "held_by" = ?, "lease_until" = ?, "updated_at" = ? where "id" = (select "t"."id" from "campaign_target" as "t" inner join "household" as "h" on "h"."id" = "t"."household_id" where "t"."campaign_id" = ? and "t"."status" = 'pending' and ("t"."attempts" < ? or "t"."last_disposition" = 'callback') and ("t"."preferred_caller_id" is null or "t"."preferred_caller_id" = ?) and "h"."status" = 'active' and "h"."objection_at" is null and not exists (select 1 from "household_hold" as "hold" where "hold"."household_id" = "t"."household_id" and "hold"."lease_until" > ?) and (select count(*) from "call" as "c" where "c"."household_id" = "t"."household_id" and "c"."created_at" > ?) < ?${skip} order by "t"."priority" desc, "t"."next_attempt_at" limit 1${lock}) returning *`
}

/**
 * Holds the most urgent due target of a campaign for one caller. One statement: PostgreSQL skips rows another
 * transaction holds (FOR UPDATE SKIP LOCKED); SQLite serialises writers. Due means: pending (next attempt reached),
 * under the attempt limit (unless a callback), household active, not objected, not held elsewhere, and under the
 * cross-campaign cap of attempts in the last days. `pending` means due (scheduled targets are promoted first); with
 * no time condition here the planner walks the claim index in ORDER BY order instead of sorting every pending row.
 */
export async function claimDueTarget(db: Db, criteria: ClaimCriteria) {
  const [row] = await rowsOf<CampaignTargetTable>(db, claimText(db.engine, criteria.skipHouseholdIds.length), [
    criteria.callerId,
    criteria.leaseUntil,
    criteria.now,
    criteria.campaignId,
    criteria.maxAttempts,
    criteria.callerId,
    criteria.now,
    criteria.capSince,
    criteria.capAttempts,
    ...criteria.skipHouseholdIds,
  ])
  return row
}

const TAKE_HOUSEHOLD_HOLD = `insert into "household_hold" ("household_id", "target_id", "caller_id", "lease_until") values (?, ?, ?, ?) on conflict ("household_id") do update set "target_id" = excluded."target_id", "caller_id" = excluded."caller_id", "lease_until" = excluded."lease_until" where "household_hold"."lease_until" <= ? or "household_hold"."target_id" = ? returning "household_id"`

/** Takes the household-wide hold; false when another campaign's caller holds it with a live lease. */
export async function takeHouseholdHold(
  db: Db,
  hold: { householdId: string; targetId: string; callerId: string; leaseUntil: Timestamp; now: Timestamp },
) {
  const rows = await rowsOf(db, TAKE_HOUSEHOLD_HOLD, [
    hold.householdId,
    hold.targetId,
    hold.callerId,
    hold.leaseUntil,
    hold.now,
    hold.targetId,
  ])
  return rows.length > 0
}

export async function releaseHouseholdHold(db: Db, householdId: string, targetId: string) {
  await db.executeQuery(
    compiled(db, 'delete from "household_hold" where "household_id" = ? and "target_id" = ?', [householdId, targetId]),
  )
}

export async function renewLease(db: Db, targetId: string, callerId: string, leaseUntil: Timestamp, now: Timestamp) {
  const result = await db
    .updateTable('campaignTarget')
    .set({ leaseUntil, updatedAt: now })
    .where('id', '=', targetId)
    .where('status', '=', 'held')
    .where('heldBy', '=', callerId)
    .executeTakeFirst()
  await db
    .updateTable('householdHold')
    .set({ leaseUntil })
    .where('targetId', '=', targetId)
    .where('callerId', '=', callerId)
    .execute()
  return Number(result.numUpdatedRows) > 0
}

export async function findTargetById(db: Db, targetId: string) {
  return db
    .selectFrom('campaignTarget')
    .innerJoin('campaign', 'campaign.id', 'campaignTarget.campaignId')
    .selectAll('campaignTarget')
    .select([
      'campaign.maxAttempts',
      'campaign.retryDelays',
      'campaign.callingHours',
      'campaign.questionnaireVersionId',
      'campaign.status as campaignStatus',
    ])
    .where('campaignTarget.id', '=', targetId)
    .executeTakeFirst()
}

const FIND_CALL_BY_KEY = 'select * from "call" where "caller_id" = ? and "idempotency_key" = ?'

export async function findCallByIdempotencyKey(db: Db, callerId: string, key: string) {
  const [row] = await rowsOf<CallTable>(db, FIND_CALL_BY_KEY, [callerId, key])
  return row
}

// One row whatever exists: the id of a call already saved under this key, and the target (columns null if none).
const FIND_OUTCOME_CONTEXT = `select (select "id" from "call" where "caller_id" = ? and "idempotency_key" = ?) as "previous_call_id", "t".*, "c"."max_attempts", "c"."retry_delays", "c"."calling_hours", "c"."questionnaire_version_id", "c"."status" as "campaign_status", (select count(*) from "phone" as "p" where "p"."household_id" = "t"."household_id" and "p"."is_valid" = 1) as "usable_phones" from (select 1 as "one") as "one" left join "campaign_target" as "t" on "t"."id" = ? left join "campaign" as "c" on "c"."id" = "t"."campaign_id"`

/**
 * What an outcome needs first, in one statement: the call already saved under this idempotency key by this caller,
 * if any (then nothing else matters), else the target with its campaign's rules.
 */
export async function findOutcomeContext(db: Db, targetId: string, callerId: string, idempotencyKey: string) {
  const [row] = await rowsOf<
    { previousCallId: string | null } & CampaignTargetTable & {
        maxAttempts: number
        retryDelays: string
        callingHours: string
        questionnaireVersionId: string | null
        campaignStatus: string
        usablePhones: number | string
      }
  >(db, FIND_OUTCOME_CONTEXT, [callerId, idempotencyKey, targetId])
  const { previousCallId, ...target } = row
  if (previousCallId) {
    const [previous] = await rowsOf<CallTable>(db, 'select * from "call" where "id" = ?', [previousCallId])
    return { previous }
  }
  return { target: target.id ? { ...target, usablePhones: toCount(target.usablePhones) } : undefined }
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
  'idempotencyKey',
  'createdAt',
] as const satisfies readonly (keyof CallTable)[]
const CALL_COLUMN_NAMES = CALL_COLUMNS.map(
  (column) => `"${column.replace(/[A-Z0-9]+/g, (part) => `_${part.toLowerCase()}`)}"`,
).join(', ')
const INSERT_CALL = `insert into "call" (${CALL_COLUMN_NAMES}) values (${placeholders(CALL_COLUMNS.length)})`

export async function insertCall(db: Db, call: CallTable) {
  await db.executeQuery(
    compiled(
      db,
      INSERT_CALL,
      CALL_COLUMNS.map((column) => call[column]),
    ),
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
  await db.executeQuery(compiled(db, UPDATE_TARGET_AFTER_CALL, targetChangeParameters(targetId, changes)))
}

const INSERT_AUDIT = `insert into "audit_event" ("at", "actor_user_id", "actor_email", "organization_id", "action", "entity_type", "entity_id", "ip", "details")`
const INTEGER_CALL_COLUMNS = new Set<string>(['attempt', 'durationSeconds'])

/**
 * PostgreSQL: an outcome's writes in ONE statement (five round trips before): the target rescheduled, only if this
 * caller still holds it (held, or released by an expired lease and not taken since); then, only if it was, the
 * call, the household hold let go, the household's contact and fragility, and the audit entry. Returns false when
 * the target was no longer this caller's: nothing was written.
 */
function saveCallText(withHousehold: boolean) {
  const callValues = CALL_COLUMNS.map((column) => (INTEGER_CALL_COLUMNS.has(column) ? '?::integer' : '?::text'))
  const household = withHousehold
    ? `, "household" as (${UPDATE_HOUSEHOLD_AFTER_CALL} and exists (select 1 from "target") returning "id")`
    : ''
  return `with "target" as (${UPDATE_TARGET_AFTER_CALL} and "held_by" = ? and "status" in ('held', 'pending') returning "id"), "inserted" as (insert into "call" (${CALL_COLUMN_NAMES}) select ${callValues.join(', ')} from "target" returning "id"), "unheld" as (delete from "household_hold" where "household_id" = ? and "target_id" = (select "id" from "target"))${household}, "audit" as (${INSERT_AUDIT} select ?::text, ?::text, null, ?::text, 'call.create', 'call', "id", ?::text, ?::text from "inserted") select "id" from "inserted"`
}

export interface SavedCall {
  call: CallTable
  target: TargetChanges
  household: { lastContactedAt?: Timestamp; fragilityLevel?: string }
  audit: { at: Timestamp; organizationId: string; ip: string; details: Record<string, unknown> }
}

/**
 * Writes an outcome: the call, the target rescheduled, the household hold let go, the household's contact and
 * fragility, the audit entry. One statement on PostgreSQL (see saveCallText); on SQLite, statements run inside the
 * caller's serialised transaction, whose checks already hold. False when the target was no longer the caller's.
 */
export async function saveCall(db: Db, saved: SavedCall): Promise<boolean> {
  const { call, target, household, audit } = saved
  const hasHouseholdChanges = household.lastContactedAt !== undefined || household.fragilityLevel !== undefined
  if (db.engine === 'postgres') {
    const rows = await rowsOf(db, saveCallText(hasHouseholdChanges), [
      ...targetChangeParameters(call.targetId, target),
      call.callerId,
      ...CALL_COLUMNS.map((column) => call[column]),
      call.householdId,
      ...(hasHouseholdChanges
        ? [household.lastContactedAt ?? null, household.fragilityLevel ?? null, call.householdId]
        : []),
      audit.at,
      call.callerId,
      audit.organizationId,
      audit.ip,
      JSON.stringify(audit.details),
    ])
    return rows.length > 0
  }
  await insertCall(db, call)
  await updateTargetAfterCall(db, call.targetId, target)
  await releaseHouseholdHold(db, call.householdId, call.targetId)
  await updateHouseholdAfterCall(db, call.householdId, household)
  await db.executeQuery(
    compiled(db, `${INSERT_AUDIT} values (?, ?, null, ?, 'call.create', 'call', ?, ?, ?)`, [
      audit.at,
      call.callerId,
      audit.organizationId,
      call.id,
      audit.ip,
      JSON.stringify(audit.details),
    ]),
  )
  return true
}

export async function releaseTarget(db: Db, targetId: string, callerId: string, now: Timestamp) {
  const result = await db
    .updateTable('campaignTarget')
    .set({ status: 'pending', heldBy: null, leaseUntil: null, updatedAt: now })
    .where('id', '=', targetId)
    .where('status', '=', 'held')
    .where('heldBy', '=', callerId)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/**
 * The household with its occupants, phones and last calls in ONE statement: each list comes back as a JSON array of
 * arrays (positional: small to write and to parse), ordered inside the aggregate. Four statements before; on
 * PostgreSQL each was a round trip.
 */
function householdColumns(engine: Db['engine']) {
  const list = (items: string, order: string) =>
    engine === 'postgres'
      ? `coalesce(json_agg(json_build_array(${items}) order by ${order}), '[]'::json)`
      : `coalesce(json_group_array(json_array(${items}) order by ${order}), '[]')`
  return `"h"."id", "h"."external_ref", "h"."last_name", "h"."first_name", "h"."address_line1", "h"."address_line2", "h"."postcode", "h"."city", "h"."floor", "h"."has_lift", "h"."fragility_level", "a"."name" as "agency_name", "o"."name" as "organization_name", (select ${list('"m"."first_name", "m"."last_name", "m"."birth_date", "m"."is_leaseholder"', '"m"."position"')} from "member" as "m" where "m"."household_id" = "h"."id") as "members", (select ${list('"p"."e164", "p"."kind", "p"."is_valid"', '"p"."position"')} from "phone" as "p" where "p"."household_id" = "h"."id") as "phones", (select ${list('"e"."created_at", "e"."disposition", "e"."fragility_level", "e"."campaign_name"', '"e"."created_at" desc')} from (select "call"."created_at", "call"."disposition", "call"."fragility_level", "campaign"."name" as "campaign_name" from "call" inner join "campaign" on "campaign"."id" = "call"."campaign_id" where "call"."household_id" = "h"."id" order by "call"."created_at" desc limit 20) as "e") as "calls"`
}
const HOUSEHOLD_JOINS = `left join "agency" as "a" on "a"."id" = "h"."agency_id" left join "organization" as "o" on "o"."id" = "h"."organization_id"`
function householdForCallText(engine: Db['engine']) {
  return `select ${householdColumns(engine)} from "household" as "h" ${HOUSEHOLD_JOINS} where "h"."id" = ?`
}
const HOUSEHOLD_FOR_CALL = { sqlite: householdForCallText('sqlite'), postgres: householdForCallText('postgres') }

type HouseholdForCallRow = Pick<
  HouseholdTable,
  | 'id'
  | 'externalRef'
  | 'lastName'
  | 'firstName'
  | 'addressLine1'
  | 'addressLine2'
  | 'postcode'
  | 'city'
  | 'floor'
  | 'hasLift'
  | 'fragilityLevel'
> & {
  agencyName: string | null
  organizationName: string
  /** [first name, last name, birth date, is leaseholder] in the household's order. */
  members: string | [string | null, string, string | null, number][]
  /** [e164, kind, is valid] in the household's order. */
  phones: string | [string | null, string | null, number][]
  /** [created at, disposition, fragility level, campaign name], latest first. */
  calls: string | [string, string, string | null, string][]
}

/** SQLite gives JSON as text; PostgreSQL's driver has already parsed it. */
const parsedList = <T>(value: string | T[]): T[] => (typeof value === 'string' ? (JSON.parse(value) as T[]) : value)

/** What a caller's screen shows of a household: occupants, phones, the last calls of every campaign. */
export async function findHouseholdForCall(db: Db, householdId: string) {
  const [row] = await rowsOf<HouseholdForCallRow>(db, HOUSEHOLD_FOR_CALL[db.engine], [householdId])
  if (!row) throw new Error(`household ${householdId} vanished while being handed out`)
  return householdForCallOf(row)
}

function householdForCallOf(row: HouseholdForCallRow) {
  const { members, phones, calls, ...household } = row
  return {
    household,
    members: parsedList(members).map(
      ([firstName, lastName, birthDate, isLeaseholder]): Pick<
        MemberTable,
        'firstName' | 'lastName' | 'birthDate' | 'isLeaseholder'
      > => ({ firstName, lastName, birthDate, isLeaseholder }),
    ),
    phones: parsedList(phones).map(
      ([e164, kind, isValid]) => ({ e164, kind, isValid }) as Pick<PhoneTable, 'e164' | 'kind' | 'isValid'>,
    ),
    calls: parsedList(calls).map(([createdAt, disposition, fragilityLevel, campaignName]) => ({
      createdAt,
      disposition,
      fragilityLevel,
      campaignName,
    })),
  }
}

export type HouseholdForCall = ReturnType<typeof householdForCallOf>

/**
 * PostgreSQL: the claim, the household-wide hold, the audit of the read and the household's details in ONE statement
 * (five round trips before). The due target is picked and locked (FOR UPDATE SKIP LOCKED), the hold taken for it,
 * and only a target whose hold was taken is marked held and logged: when another campaign's caller holds the
 * household, nothing is written and the household is named so that the next one can be tried.
 * Parameters: $1 caller, $2 lease end, $3 now, $4 campaign, $5 max attempts, $6 cap start, $7 cap attempts,
 * $8 audit time, $9 organisation, $10 ip, $11 audit details, then the households to skip.
 */
function claimWithHouseholdText(skipped: number) {
  const skip = skipped
    ? ` and "t"."household_id" not in (${Array.from({ length: skipped }, (_, index) => `$${12 + index}`).join(', ')})`
    : ''
  return `with "picked" as (select "t"."id", "t"."household_id" from "campaign_target" as "t" inner join "household" as "h" on "h"."id" = "t"."household_id" where "t"."campaign_id" = $4 and "t"."status" = 'pending' and ("t"."attempts" < $5 or "t"."last_disposition" = 'callback') and ("t"."preferred_caller_id" is null or "t"."preferred_caller_id" = $1) and "h"."status" = 'active' and "h"."objection_at" is null and not exists (select 1 from "household_hold" as "hold" where "hold"."household_id" = "t"."household_id" and "hold"."lease_until" > $3) and (select count(*) from "call" as "c" where "c"."household_id" = "t"."household_id" and "c"."created_at" > $6) < $7${skip} order by "t"."priority" desc, "t"."next_attempt_at" limit 1 for update of "t" skip locked), "hold" as (insert into "household_hold" ("household_id", "target_id", "caller_id", "lease_until") select "household_id", "id", $1, $2 from "picked" on conflict ("household_id") do update set "target_id" = excluded."target_id", "caller_id" = excluded."caller_id", "lease_until" = excluded."lease_until" where "household_hold"."lease_until" <= $3 or "household_hold"."target_id" = excluded."target_id" returning "target_id"), "claimed" as (update "campaign_target" set "status" = 'held', "held_by" = $1, "lease_until" = $2, "updated_at" = $3 where "id" = (select "target_id" from "hold") returning "id", "household_id", "attempts", "phone_position", "lease_until"), "audit" as (insert into "audit_event" ("at", "actor_user_id", "actor_email", "organization_id", "action", "entity_type", "entity_id", "ip", "details") select $8, $1, null, $9, 'household.read', 'household', "household_id", $10, $11 from "claimed") select "picked"."household_id" as "picked_household_id", "claimed"."id" as "target_id", "claimed"."attempts" as "target_attempts", "claimed"."phone_position" as "target_phone_position", "claimed"."lease_until" as "target_lease_until", ${householdColumns('postgres')} from "picked" left join "claimed" on true left join "household" as "h" on "h"."id" = "claimed"."household_id" ${HOUSEHOLD_JOINS}`
}

export type ClaimOutcome =
  | { kind: 'none' }
  | { kind: 'busy'; householdId: string }
  | {
      kind: 'claimed'
      target: { id: string; householdId: string; attempts: number; phonePosition: number; leaseUntil: string }
      details: HouseholdForCall
    }

/** See claimWithHouseholdText: PostgreSQL only. The audit entry is a `household.read` of the claimed household. */
export async function claimWithHouseholdPostgres(
  db: Db,
  criteria: ClaimCriteria,
  audit: { at: Timestamp; organizationId: string; ip: string; details: Record<string, unknown> },
): Promise<ClaimOutcome> {
  const [row] = await rowsOf<
    HouseholdForCallRow & {
      pickedHouseholdId: string
      targetId: string | null
      targetAttempts: number
      targetPhonePosition: number
      targetLeaseUntil: string
    }
  >(db, claimWithHouseholdText(criteria.skipHouseholdIds.length), [
    criteria.callerId,
    criteria.leaseUntil,
    criteria.now,
    criteria.campaignId,
    criteria.maxAttempts,
    criteria.capSince,
    criteria.capAttempts,
    audit.at,
    audit.organizationId,
    audit.ip,
    JSON.stringify(audit.details),
    ...criteria.skipHouseholdIds,
  ])
  if (!row) return { kind: 'none' }
  if (!row.targetId) return { kind: 'busy', householdId: row.pickedHouseholdId }
  const { pickedHouseholdId, targetId, targetAttempts, targetPhonePosition, targetLeaseUntil, ...household } = row
  return {
    kind: 'claimed',
    target: {
      id: targetId,
      householdId: pickedHouseholdId,
      attempts: targetAttempts,
      phonePosition: targetPhonePosition,
      leaseUntil: targetLeaseUntil,
    },
    details: householdForCallOf(household),
  }
}

const UPDATE_HOUSEHOLD_AFTER_CALL = `update "household" set "last_contacted_at" = coalesce(?, "last_contacted_at"), "fragility_level" = coalesce(?, "fragility_level") where "id" = ?`

export async function updateHouseholdAfterCall(
  db: Db,
  householdId: string,
  changes: { lastContactedAt?: Timestamp; fragilityLevel?: string },
) {
  if (changes.lastContactedAt === undefined && changes.fragilityLevel === undefined) return
  await db.executeQuery(
    compiled(db, UPDATE_HOUSEHOLD_AFTER_CALL, [
      changes.lastContactedAt ?? null,
      changes.fragilityLevel ?? null,
      householdId,
    ]),
  )
}

export async function recordObjection(db: Db, householdId: string, objection: { at: Timestamp; by: string }) {
  await db
    .updateTable('household')
    .set({
      objectionAt: objection.at,
      objectionChannel: 'phone',
      objectionRecordedBy: objection.by,
      updatedAt: objection.at,
    })
    .where('id', '=', householdId)
    .where('objectionAt', 'is', null)
    .execute()
  await db
    .updateTable('campaignTarget')
    .set({ status: 'excluded', removedAt: objection.at, updatedAt: objection.at })
    .where('householdId', '=', householdId)
    .where('status', 'in', ['pending', 'scheduled'])
    .execute()
}

export async function countCallsSince(db: Db, householdId: string, since: Timestamp) {
  const row = await db
    .selectFrom('call')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('householdId', '=', householdId)
    .where('createdAt', '>', since)
    .executeTakeFirst()
  return toCount(row?.count)
}
