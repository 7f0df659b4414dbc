/**
 * The claim's hot path, as SQL written once per engine (`src/server/db/raw.ts`): building a Kysely query cost more
 * than SQLite took to run it, and a claim runs about ten statements. Placeholders are `?` (`$1…` where a text is
 * PostgreSQL's only).
 */
import type { Db } from '../../db/database.js'
import { placeholders, rawExecute, rawRows, statementText } from '../../db/raw.js'
import type { CampaignTargetTable, HouseholdTable, MemberTable, PhoneTable } from '../../db/schema.js'
import type { Timestamp } from '../../db/time.js'

export interface CampaignVersion {
  updatedAt: string
  status: string
  callersRestricted: number
}

/** The fields of a campaign that decide whether a cached copy of it is still right. */
export async function findCampaignVersion(db: Db, organizationIds: string[], campaignId: string) {
  if (organizationIds.length === 0) return undefined
  const [row] = await rawRows<CampaignVersion>(
    db,
    `select "updated_at", "status", "callers_restricted" from "campaign" where "id" = ? and "organization_id" in (${placeholders(organizationIds.length)})`,
    [campaignId, ...organizationIds],
  )
  return row
}

const PROMOTE_DUE_TARGETS = `update "campaign_target" set "status" = 'pending', "updated_at" = ? where "campaign_id" = ? and "status" = 'scheduled' and "next_attempt_at" <= ?`
const RELEASE_EXPIRED_LEASES = `update "campaign_target" set "status" = 'pending', "lease_until" = null, "updated_at" = ? where "campaign_id" = ? and "status" = 'held' and "lease_until" <= ?`

/**
 * The queue's upkeep before a claim: moves targets whose next attempt has come from `scheduled` to `pending`, and
 * gives expired leases back to the queue (the last holder is kept to recognise a late outcome). Keeping
 * not-yet-due targets out of the pending range means the claim never steps over them (claims slowed 3–4× as a queue
 * drained when they were mixed). Each is an index range that usually holds nothing (two statements: one with an OR
 * made SQLite walk the whole campaign). SQLite: PostgreSQL does the same inside the claim's statement
 * (claimWithHouseholdText).
 */
export async function maintainQueue(db: Db, campaignId: string, now: Timestamp) {
  await rawExecute(db, PROMOTE_DUE_TARGETS, [now, campaignId, now])
  await rawExecute(db, RELEASE_EXPIRED_LEASES, [now, campaignId, now])
}

const FIND_HELD_TARGET = `select * from "campaign_target" where "campaign_id" = ? and "held_by" = ? and "status" = 'held' and "lease_until" > ?`

export async function findHeldTargetOfCaller(db: Db, campaignId: string, callerId: string, now: Timestamp) {
  const [row] = await rawRows<CampaignTargetTable>(db, FIND_HELD_TARGET, [campaignId, callerId, now])
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

/**
 * The due targets of a campaign for a caller (see claimDueTarget), as the FROM and WHERE of both engines' claims; each
 * argument is its placeholder, in the order they appear (SQLite's `?` are positional).
 */
function dueTargets(p: {
  campaign: string
  maxAttempts: string
  caller: string
  now: string
  capSince: string
  capAttempts: string
}) {
  return `"campaign_target" as "t" inner join "household" as "h" on "h"."id" = "t"."household_id" where "t"."campaign_id" = ${p.campaign} and "t"."status" = 'pending' and ("t"."attempts" < ${p.maxAttempts} or "t"."last_disposition" = 'callback') and ("t"."preferred_caller_id" is null or "t"."preferred_caller_id" = ${p.caller}) and "h"."status" = 'active' and "h"."objection_at" is null and "h"."erased_at" is null and exists (select 1 from "phone" as "p" where "p"."household_id" = "t"."household_id" and "p"."is_valid" = 1) and not exists (select 1 from "household_hold" as "hold" where "hold"."household_id" = "t"."household_id" and "hold"."lease_until" > ${p.now}) and (select count(*) from "call" as "c" where "c"."household_id" = "t"."household_id" and "c"."created_at" > ${p.capSince}) < ${p.capAttempts}`
}

function claimText(skipped: number) {
  const skip = skipped ? ` and "t"."household_id" not in (${placeholders(skipped)})` : ''
  return `update "campaign_target" set "status" = 'held', "held_by" = ?, "lease_until" = ?, "updated_at" = ?, "held_at" = ? where "id" = (select "t"."id" from ${dueTargets({ campaign: '?', maxAttempts: '?', caller: '?', now: '?', capSince: '?', capAttempts: '?' })}${skip} order by "t"."priority" desc, "t"."next_attempt_at" limit 1) returning *`
}

/**
 * SQLite: holds the most urgent due target of a campaign for one caller, in the caller's serialised transaction
 * (PostgreSQL picks it inside claimWithHouseholdText, skipping rows other claims lock). Due means: pending (next attempt reached),
 * under the attempt limit (unless a callback), household active, not objected, not erased, with at least one usable
 * number (phone_household_idx; `is_valid` is an integer on both engines), not held elsewhere, and under the
 * cross-campaign cap of attempts in the last days. `pending` means due (scheduled targets are promoted first); with
 * no time condition here the planner walks the claim index in ORDER BY order instead of sorting every pending row.
 */
export async function claimDueTarget(db: Db, criteria: ClaimCriteria) {
  const [row] = await rawRows<CampaignTargetTable>(db, claimText(criteria.skipHouseholdIds.length), [
    criteria.callerId,
    criteria.leaseUntil,
    criteria.now,
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
  const rows = await rawRows(db, TAKE_HOUSEHOLD_HOLD, [
    hold.householdId,
    hold.targetId,
    hold.callerId,
    hold.leaseUntil,
    hold.now,
    hold.targetId,
  ])
  return rows.length > 0
}

const RELEASE_HOUSEHOLD_HOLD = 'delete from "household_hold" where "household_id" = ? and "target_id" = ?'

/** Lets the household go, if this target still holds it. */
export async function releaseHouseholdHold(db: Db, householdId: string, targetId: string) {
  await rawExecute(db, RELEASE_HOUSEHOLD_HOLD, [householdId, targetId])
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
  return `"h"."id", "h"."external_ref", "h"."last_name", "h"."first_name", "h"."civility", "h"."address_line1", "h"."address_line2", "h"."postcode", "h"."city", "h"."floor", "h"."has_lift", "h"."fragility_level", "a"."name" as "agency_name", "o"."name" as "organization_name", (select ${list('"m"."first_name", "m"."last_name", "m"."birth_date", "m"."is_leaseholder"', '"m"."position"')} from "member" as "m" where "m"."household_id" = "h"."id") as "members", (select ${list('"p"."e164", "p"."kind", "p"."is_valid"', '"p"."position"')} from "phone" as "p" where "p"."household_id" = "h"."id") as "phones", (select ${list('"e"."created_at", "e"."disposition", "e"."fragility_level", "e"."campaign_name"', '"e"."created_at" desc')} from (select "call"."created_at", "call"."disposition", "call"."fragility_level", "campaign"."name" as "campaign_name" from "call" inner join "campaign" on "campaign"."id" = "call"."campaign_id" where "call"."household_id" = "h"."id" order by "call"."created_at" desc limit 20) as "e") as "calls"`
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
  | 'civility'
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
  const [row] = await rawRows<HouseholdForCallRow>(db, HOUSEHOLD_FOR_CALL[db.engine], [householdId])
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
 * PostgreSQL: the whole claim in ONE statement (two until 6 December, nine before that): the campaign's version, the caller's
 * current hold, the queue's upkeep, the claim, the household-wide hold, the audit of the read, the household's
 * details and its earlier notes.
 * - The campaign row must still be the copy the caller's checks were made on ($14 its `updated_at`, $15 its callers
 *   restriction, and running): otherwise nothing is claimed and the stored version is returned to read it again.
 * - A caller who already holds a target of the campaign gets nothing new: its id comes back (a reload never loses
 *   the household).
 * - The queue's upkeep (as maintainQueue) runs first. One statement sees one snapshot: what the upkeep returns to the
 *   queue is claimable only from the next statement on. So when it moved anything (a retry or a follow-up that came
 *   due, an expired lease: rare beside claims) nothing is claimed, and the number of rows it moved comes back for
 *   the claim to be tried again: a due target of higher priority is never passed over.
 * - The due target is picked and locked (FOR UPDATE SKIP LOCKED), the hold taken for it, and only a target whose hold
 *   was taken is marked held and logged: when another campaign's caller holds the household, nothing is written and
 *   the household is named so that the next one can be tried.
 * Parameters: $1 caller, $2 lease end, $3 now, $4 campaign, $5 max attempts, $6 cap start, $7 cap attempts,
 * $8 audit time, $9 organisation, $10 ip, $11 audit details, $12 a note's maximum length, $13 how many earlier notes,
 * $14 the campaign's `updated_at` as the caller's copy has it, $15 its callers restriction, then the organisations
 * the caller sees, then the households to skip.
 */
function claimWithHouseholdText(organizationCount: number, skipped: number) {
  const organizations = Array.from({ length: organizationCount }, (_, index) => `$${16 + index}`).join(', ')
  const skip = skipped
    ? ` and "t"."household_id" not in (${Array.from({ length: skipped }, (_, index) => `$${16 + organizationCount + index}`).join(', ')})`
    : ''
  const visible = 'exists (select 1 from "version")'
  return `with "version" as (select ("updated_at" = $14 and "callers_restricted" = $15 and "status" = 'active') as "current" from "campaign" where "id" = $4 and "organization_id" in (${organizations})), "mine" as (select "id", "household_id", "attempts", "phone_position", "lease_until" from "campaign_target" where "campaign_id" = $4 and "held_by" = $1 and "status" = 'held' and "lease_until" > $3 and ${visible} limit 1), "promoted" as (update "campaign_target" set "status" = 'pending', "updated_at" = $3 where "campaign_id" = $4 and "status" = 'scheduled' and "next_attempt_at" <= $3 and ${visible} returning 1), "released" as (update "campaign_target" set "status" = 'pending', "lease_until" = null, "updated_at" = $3 where "campaign_id" = $4 and "status" = 'held' and "lease_until" <= $3 and ${visible} returning 1), "picked" as (select "t"."id", "t"."household_id" from ${dueTargets({ campaign: '$4', maxAttempts: '$5', caller: '$1', now: '$3', capSince: '$6', capAttempts: '$7' })}${skip} and exists (select 1 from "version" where "current") and not exists (select 1 from "mine") and not exists (select 1 from "promoted") and not exists (select 1 from "released") order by "t"."priority" desc, "t"."next_attempt_at" limit 1 for update of "t" skip locked), "hold" as (insert into "household_hold" ("household_id", "target_id", "caller_id", "lease_until") select "household_id", "id", $1, $2 from "picked" on conflict ("household_id") do update set "target_id" = excluded."target_id", "caller_id" = excluded."caller_id", "lease_until" = excluded."lease_until" where "household_hold"."lease_until" <= $3 or "household_hold"."target_id" = excluded."target_id" returning "target_id"), "claimed" as (update "campaign_target" set "status" = 'held', "held_by" = $1, "lease_until" = $2, "updated_at" = $3, "held_at" = $3 where "id" = (select "target_id" from "hold") returning "id", "household_id", "attempts", "phone_position", "lease_until", "organization_id", "priority", "follow_up_interval_days", "follow_up_until"), "audit" as (insert into "audit_event" ("at", "actor_user_id", "actor_email", "organization_id", "action", "entity_type", "entity_id", "ip", "details") select $8, $1, null, $9, 'household.read', 'household', "household_id", $10, $11 from "claimed") select "version"."current" as "campaign_current", (select count(*) from "promoted") + (select count(*) from "released") as "upkept", "mine"."id" as "mine_id", "mine"."household_id" as "mine_household_id", "mine"."attempts" as "mine_attempts", "mine"."phone_position" as "mine_phone_position", "mine"."lease_until" as "mine_lease_until", "picked"."household_id" as "picked_household_id", "claimed"."id" as "target_id", "claimed"."attempts" as "target_attempts", "claimed"."phone_position" as "target_phone_position", "claimed"."lease_until" as "target_lease_until", "claimed"."organization_id" as "target_organization_id", "claimed"."priority" as "target_priority", "claimed"."follow_up_interval_days" as "target_follow_up_interval_days", "claimed"."follow_up_until" as "target_follow_up_until", ${householdColumns('postgres')}, (select coalesce(json_agg(json_build_array("e"."created_at", "e"."disposition", "e"."author_role", "e"."masked", ${maskedNote('$12')}) order by "e"."created_at" desc, "e"."id" desc), '[]'::json) from ${earlierNotesOf('postgres', '"h"."id"', '$9', '$13')}) as "earlier_notes" from "version" left join "mine" on true left join "picked" on true left join "claimed" on true left join "household" as "h" on "h"."id" = "claimed"."household_id" ${HOUSEHOLD_JOINS}`
}

type ClaimedTarget = { id: string; householdId: string; attempts: number; phonePosition: number; leaseUntil: string }

export type ClaimOutcome =
  /** The campaign is gone, or none of the caller's organisations': nothing was read or written. */
  | { kind: 'unknown' }
  /** The stored campaign is not the caller's copy: nothing was claimed; read it again and check again. */
  | { kind: 'stale' }
  /** The caller already holds this target of the campaign: nothing was claimed. */
  | { kind: 'held'; target: ClaimedTarget }
  /** Nothing claimed; `upkept` rows were returned to the queue by this statement: claim again. */
  | { kind: 'none'; upkept: number }
  | { kind: 'busy'; householdId: string }
  | {
      kind: 'claimed'
      target: ClaimedTarget
      /** The rest of what an outcome reads about the target, as this statement left it (calling.cache.ts). */
      rest: {
        organizationId: string
        priority: number
        followUpIntervalDays: number | null
        followUpUntil: string | null
      }
      details: HouseholdForCall
      earlierNotes: EarlierNote[]
    }

/** See claimWithHouseholdText: PostgreSQL only. The audit entry is a `household.read` of the claimed household. */
export async function claimWithHouseholdPostgres(
  db: Db,
  criteria: ClaimCriteria,
  /** The campaign as the caller's checks saw it, and the organisations the caller sees. */
  campaign: { updatedAt: string; callersRestricted: number; organizationIds: string[] },
  audit: { at: Timestamp; organizationId: string; ip: string; details: Record<string, unknown> },
  /** The household's earlier notes for the audit's organisation, as findEarlierNotes reads them. */
  notes: { limit: number; maxLength: number },
): Promise<ClaimOutcome> {
  const organizationCount = campaign.organizationIds.length
  if (organizationCount === 0) return { kind: 'unknown' }
  const skipped = criteria.skipHouseholdIds.length
  const [row] = await rawRows<
    HouseholdForCallRow & {
      campaignCurrent: boolean
      upkept: number | string
      mineId: string | null
      mineHouseholdId: string
      mineAttempts: number
      minePhonePosition: number
      mineLeaseUntil: string
      pickedHouseholdId: string | null
      targetId: string | null
      targetAttempts: number
      targetPhonePosition: number
      targetLeaseUntil: string
      targetOrganizationId: string
      targetPriority: number
      targetFollowUpIntervalDays: number | null
      targetFollowUpUntil: string | null
      /** [created at, disposition, author role, masked, notes], latest first. */
      earlierNotes: [Timestamp, string, string | null, number, string | null][]
    }
  >(
    db,
    statementText('postgres', `claim:${organizationCount}:${skipped}`, () =>
      claimWithHouseholdText(organizationCount, skipped),
    ),
    [
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
      notes.maxLength,
      notes.limit,
      campaign.updatedAt,
      campaign.callersRestricted,
      ...campaign.organizationIds,
      ...criteria.skipHouseholdIds,
    ],
  )
  if (!row) return { kind: 'unknown' }
  if (!row.campaignCurrent) return { kind: 'stale' }
  if (row.mineId) {
    return {
      kind: 'held',
      target: {
        id: row.mineId,
        householdId: row.mineHouseholdId,
        attempts: row.mineAttempts,
        phonePosition: row.minePhonePosition,
        leaseUntil: row.mineLeaseUntil,
      },
    }
  }
  if (!row.pickedHouseholdId) return { kind: 'none', upkept: Number(row.upkept) }
  if (!row.targetId) return { kind: 'busy', householdId: row.pickedHouseholdId }
  const {
    pickedHouseholdId,
    targetId,
    targetAttempts,
    targetPhonePosition,
    targetLeaseUntil,
    targetOrganizationId,
    targetPriority,
    targetFollowUpIntervalDays,
    targetFollowUpUntil,
    earlierNotes,
    campaignCurrent: _current,
    upkept: _upkept,
    mineId: _mineId,
    mineHouseholdId: _mineHouseholdId,
    mineAttempts: _mineAttempts,
    minePhonePosition: _minePhonePosition,
    mineLeaseUntil: _mineLeaseUntil,
    ...household
  } = row
  return {
    kind: 'claimed',
    target: {
      id: targetId,
      householdId: pickedHouseholdId,
      attempts: targetAttempts,
      phonePosition: targetPhonePosition,
      leaseUntil: targetLeaseUntil,
    },
    rest: {
      organizationId: targetOrganizationId,
      priority: targetPriority,
      followUpIntervalDays: targetFollowUpIntervalDays,
      followUpUntil: targetFollowUpUntil,
    },
    details: householdForCallOf(household),
    earlierNotes: earlierNotes.map(([createdAt, disposition, authorRole, masked, notes]) =>
      earlierNoteOf({ createdAt, disposition, authorRole, masked, notes }),
    ),
  }
}

// The role shown for a note's author is their calling role in the organisation, caller first (a manager who also
// holds the caller role called as one). Flagged notes are masked here: their text never leaves the database.
// Written once for both places that read them: its own statement, and the PostgreSQL claim (a column of it).
// The household's calls are read first, behind a fence (a LIMIT that limits nothing), through call_household_idx: without it, a planner
// without statistics (before autovacuum's first ANALYZE, or a generic plan made while the table was small) walked
// call_stats_org_idx, every call of the organisation latest first, looking for the household's: 1.4 ms and 220
// buffers per claim at 9,600 calls, growing with them (bench:calling), against 0.02 ms and 2 buffers.
function earlierNotesOf(engine: Db['engine'], household: string, organization: string, limit: string) {
  const fence = engine === 'postgres' ? 'offset 0' : 'limit -1'
  return `(select "c"."created_at", "c"."id", "c"."disposition", "c"."notes", (select "m"."role" from "membership" as "m" where "m"."user_id" = "c"."caller_id" and "m"."organization_id" = "c"."organization_id" and "m"."role" in ('caller', 'manager', 'admin') order by case "m"."role" when 'caller' then 0 when 'manager' then 1 else 2 end limit 1) as "author_role", case when exists (select 1 from "sensitive_flag" as "f" where "f"."household_id" = "c"."household_id" and "f"."source" = 'call_note' and "f"."source_id" = "c"."id") then 1 else 0 end as "masked" from (select * from "call" where "household_id" = ${household} ${fence}) as "c" inner join "household" as "nh" on "nh"."id" = "c"."household_id" where "c"."organization_id" = ${organization} and "c"."notes" is not null and "nh"."erased_at" is null order by "c"."created_at" desc, "c"."id" desc limit ${limit}) as "e"`
}
const maskedNote = (maxLength: string) =>
  `case when "e"."masked" = 1 then null else substr("e"."notes", 1, ${maxLength}) end`
const findEarlierNotesText = (engine: Db['engine']) =>
  `select "e"."created_at", "e"."disposition", "e"."author_role", "e"."masked", ${maskedNote('?')} as "notes" from ${earlierNotesOf(engine, '?', '?', '?')} order by "e"."created_at" desc, "e"."id" desc`
/** The statement findEarlierNotes runs, per engine (its query plan is tested: earlier-notes.plan.queries.test.ts). */
export const FIND_EARLIER_NOTES = {
  sqlite: findEarlierNotesText('sqlite'),
  postgres: findEarlierNotesText('postgres'),
}

export interface EarlierNote {
  at: Timestamp
  authorRole: string | null
  disposition: string
  notes: string | null
  masked: boolean
}

/**
 * The notes of a household's earlier calls made for one organisation, latest first, at most `limit`, each cut at
 * `maxLength`: nothing of an erased household, and no text of a note flagged for words of a special category.
 */
export async function findEarlierNotes(
  db: Db,
  householdId: string,
  organizationId: string,
  limit: number,
  maxLength: number,
): Promise<EarlierNote[]> {
  const rows = await rawRows<{
    createdAt: Timestamp
    disposition: string
    authorRole: string | null
    masked: number | string
    notes: string | null
  }>(db, FIND_EARLIER_NOTES[db.engine], [maxLength, householdId, organizationId, limit])
  return rows.map(earlierNoteOf)
}

function earlierNoteOf(row: {
  createdAt: Timestamp
  disposition: string
  authorRole: string | null
  masked: number | string
  notes: string | null
}): EarlierNote {
  return {
    at: row.createdAt,
    authorRole: row.authorRole,
    disposition: row.disposition,
    notes: row.notes,
    masked: Number(row.masked) === 1,
  }
}
