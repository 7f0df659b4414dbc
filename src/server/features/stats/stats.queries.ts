import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely'
import type { Db } from '../../db/database.js'
import type { Database } from '../../db/schema.js'
import { toCount } from '../../db/time.js'

/**
 * What one review reads, already resolved from the user's scope: the organisations (and campaign) whose data it
 * counts, the UTC bounds of the Europe/Paris period, and whether homes are counted once across organisations.
 */
export interface StatsFilter {
  organizationIds: string[]
  /** Campaign scope: its calls, targets, referrals and feedback only. */
  campaignId?: string
  /** Campaigns whose targets count (campaign scope: that one; otherwise those active in the period). */
  targetCampaignIds: string[]
  /** Organisation scope narrowed to one agency: households of that agency only. */
  agencyId?: string
  /** [fromUtc, toUtc): ISO UTC text, comparable with stored timestamps. */
  fromUtc: string
  toUtc: string
  /** Network scope: a household counts once under its dedupe key (the same home in two organisations). */
  dedupe: boolean
  /** Which households to count (see HouseholdSet); all by default. */
  households?: HouseholdSet
}

/**
 * Which households a query counts. The network review counts a home once: households whose dedupe key is shared
 * by several organisations ("shared", few) are read row by row and merged by key in the service; all the others
 * ("unshared") are counted by id in the database.
 */
export type HouseholdSet = 'all' | 'unshared' | 'shared'

type CallEb = ExpressionBuilder<Database, 'call'>

/**
 * Households of these organisations whose home (dedupe key) is in the files of more than one organisation. The
 * grouping reads household_dedupe_idx only (min/max rather than count(distinct): no temporary tree); a home shared
 * with an organisation out of scope is merely read row by row, which changes no figure.
 */
function sharedHouseholdIds(db: Db, organizationIds: string[]) {
  const ids = organizationIds.length ? organizationIds : ['']
  return db
    .selectFrom('household')
    .select('household.id')
    .where('household.organizationId', 'in', ids)
    .where(
      sql<string>`household.dedupe_key`,
      'in',
      db
        .selectFrom('household as other')
        .select(sql<string>`other.dedupe_key`.as('dedupeKey'))
        .groupBy(sql`other.dedupe_key`)
        .having(sql`min(other.organization_id)`, '<>', sql`max(other.organization_id)`),
    )
}

function householdCondition(db: Db, filter: StatsFilter, column: 'call.household_id' | 'campaign_target.household_id') {
  const set = filter.households ?? 'all'
  if (set === 'all') return []
  const shared = sharedHouseholdIds(db, filter.organizationIds)
  if (db.engine === 'postgres') {
    // (NOT) EXISTS plans as a hash (anti-)join; NOT IN over a subquery the planner guesses large is re-read per row.
    const match = sql<SqlBool>`exists (select 1 from (${shared}) as shared where shared.id = ${sql.raw(column)})`
    return [set === 'shared' ? match : sql<SqlBool>`not ${match}`]
  }
  // SQLite builds the list once per statement.
  return [
    set === 'shared'
      ? sql<SqlBool>`${sql.raw(column)} in (${shared})`
      : sql<SqlBool>`${sql.raw(column)} not in (${shared})`,
  ]
}

/** The calls a review counts: organisation (or campaign), period, agency, household set. */
function callScope(db: Db, filter: StatsFilter) {
  return (eb: CallEb): Expression<SqlBool> => {
    const conditions: Expression<SqlBool>[] = [
      filter.campaignId
        ? eb('call.campaignId', '=', filter.campaignId)
        : eb('call.organizationId', 'in', filter.organizationIds.length ? filter.organizationIds : ['']),
      eb('call.createdAt', '>=', filter.fromUtc),
      eb('call.createdAt', '<', filter.toUtc),
      ...householdCondition(db, filter, 'call.household_id'),
    ]
    if (filter.agencyId) {
      conditions.push(
        eb(
          'call.householdId',
          'in',
          eb.selectFrom('household').select('household.id').where('household.agencyId', '=', filter.agencyId),
        ),
      )
    }
    return eb.and(conditions)
  }
}

function callsInScope(db: Db, filter: StatsFilter) {
  return db.selectFrom('call').where(callScope(db, filter))
}

/** Completed calls in scope; the literal lets SQLite use the partial index of completed calls. */
function completedInScope(db: Db, filter: StatsFilter) {
  return callsInScope(db, filter).where('call.disposition', '=', sql.lit('completed'))
}

/** The household's once-per-home key, read for the few shared households only. */
const homeKeyOf = (column: string) =>
  sql<string>`(select household.dedupe_key from household where household.id = ${sql.ref(column)})`

export async function findOrganizationByCode(db: Db, code: string) {
  return db
    .selectFrom('organization')
    .select(['id', 'code', 'name', 'networkId', 'type'])
    .where('code', '=', code)
    .executeTakeFirst()
}

export async function findCampaign(db: Db, id: string) {
  return db
    .selectFrom('campaign')
    .innerJoin('organization', 'organization.id', 'campaign.organizationId')
    .select([
      'campaign.id',
      'campaign.name',
      'campaign.organizationId',
      'organization.code as organizationCode',
      'organization.networkId',
    ])
    .where('campaign.id', '=', id)
    .executeTakeFirst()
}

export async function findAgency(db: Db, organizationId: string, code: string) {
  return db
    .selectFrom('agency')
    .select(['id', 'code', 'name'])
    .where('organizationId', '=', organizationId)
    .where('code', '=', code)
    .executeTakeFirst()
}

export async function listNetworkOrganizations(db: Db, networkIds: string[]) {
  if (!networkIds.length) return []
  return db
    .selectFrom('organization')
    .innerJoin('network', 'network.id', 'organization.networkId')
    .select(['organization.id', 'organization.code', 'network.name as networkName'])
    .where('organization.networkId', 'in', networkIds)
    .execute()
}

/** Campaigns of these organisations active at some moment of [fromUtc, toUtc). */
export async function listCampaignsActiveIn(db: Db, organizationIds: string[], fromUtc: string, toUtc: string) {
  if (!organizationIds.length) return []
  const rows = await db
    .selectFrom('campaign')
    .select('id')
    .where('organizationId', 'in', organizationIds)
    .where('activatedAt', 'is not', null)
    .where('activatedAt', '<', toUtc)
    .where((eb) => eb.or([eb('closedAt', 'is', null), eb('closedAt', '>=', fromUtc)]))
    .execute()
  return rows.map((row) => row.id)
}

function targetsInScope(db: Db, filter: StatsFilter) {
  let query = db
    .selectFrom('campaignTarget')
    .where('campaignTarget.campaignId', 'in', filter.targetCampaignIds.length ? filter.targetCampaignIds : [''])
    .where('campaignTarget.removedAt', 'is', null)
    .where((eb) => eb.and(householdCondition(db, filter, 'campaign_target.household_id')))
  if (filter.agencyId) {
    query = query.where(
      'campaignTarget.householdId',
      'in',
      db.selectFrom('household').select('household.id').where('household.agencyId', '=', filter.agencyId),
    )
  }
  return query
}

/** Targeted and unreachable households: distinct households among the targets not removed. */
export async function countTargets(db: Db, filter: StatsFilter) {
  const row = await targetsInScope(db, filter)
    .select([
      sql<number>`count(distinct campaign_target.household_id)`.as('targeted'),
      sql<number>`count(distinct case when campaign_target.status = 'unreachable' then campaign_target.household_id end)`.as(
        'unreachable',
      ),
    ])
    .executeTakeFirstOrThrow()
  return { targeted: toCount(row.targeted), unreachable: toCount(row.unreachable) }
}

/** The same, one row per household with its home key (for the few shared households). */
export async function listTargetHouseholds(db: Db, filter: StatsFilter) {
  const rows = await targetsInScope(db, filter)
    .select([
      'campaignTarget.householdId',
      homeKeyOf('campaign_target.household_id').as('homeKey'),
      sql<number>`max(case when campaign_target.status = 'unreachable' then 1 else 0 end)`.as('unreachable'),
    ])
    .groupBy('campaignTarget.householdId')
    .execute()
  return rows.map((row) => ({ homeKey: row.homeKey, unreachable: toCount(row.unreachable) === 1 }))
}

function attemptsPerHousehold(db: Db, filter: StatsFilter) {
  return callsInScope(db, filter)
    .select([
      'call.householdId',
      sql<number>`max(case when call.disposition = 'completed' then 1 else 0 end)`.as('reached'),
      sql<number>`count(*)`.as('calls'),
    ])
    .groupBy('call.householdId')
}

/**
 * Households attempted (≥ 1 call) and reached (≥ 1 completed call) in the period, and the calls made to the reached
 * ones (for attempts per household reached).
 */
export async function countAttemptedReached(db: Db, filter: StatsFilter) {
  const row = await db
    .selectFrom(attemptsPerHousehold(db, filter).as('h'))
    .select([
      sql<number>`count(*)`.as('attempted'),
      sql<number>`sum(h.reached)`.as('reached'),
      sql<number>`sum(case when h.reached = 1 then h.calls else 0 end)`.as('callsToReached'),
    ])
    .executeTakeFirstOrThrow()
  return {
    attempted: toCount(row.attempted),
    reached: toCount(row.reached),
    callsToReached: toCount(row.callsToReached),
  }
}

/** The same, one row per household with its home key (for the few shared households). */
export async function listAttemptedHouseholds(db: Db, filter: StatsFilter) {
  const rows = await db
    .selectFrom(attemptsPerHousehold(db, filter).as('h'))
    .select(['h.reached', 'h.calls', homeKeyOf('h.household_id').as('homeKey')])
    .execute()
  return rows.map((row) => ({ homeKey: row.homeKey, reached: toCount(row.reached) === 1, calls: toCount(row.calls) }))
}

/** Calls per UTC hour ("YYYY-MM-DDTHH") and disposition, in one pass; the service folds hours into Paris days. */
export async function countCallsByHourAndDisposition(db: Db, filter: StatsFilter) {
  const hour = sql<string>`substr(call.created_at, 1, 13)`
  const rows = await callsInScope(db, filter)
    .select([hour.as('hour'), 'call.disposition', sql<number>`count(*)`.as('count')])
    .groupBy([hour, 'call.disposition'])
    .execute()
  return rows.map((row) => ({ hour: row.hour, disposition: row.disposition, count: toCount(row.count) }))
}

/** How many calls lasted each number of seconds: the service computes mean and median exactly from it. */
export async function durationHistogram(db: Db, filter: StatsFilter) {
  const rows = await callsInScope(db, filter)
    .where('call.durationSeconds', 'is not', null)
    .select(['call.durationSeconds', sql<number>`count(*)`.as('count')])
    .groupBy('call.durationSeconds')
    .execute()
  return rows.map((row) => ({ value: toCount(row.durationSeconds), count: toCount(row.count) }))
}

/** Calls per caller and disposition, in one pass (the summary's dispositions and active callers). */
export async function countCallsByCallerAndDisposition(db: Db, filter: StatsFilter) {
  const rows = await callsInScope(db, filter)
    .select(['call.callerId', 'call.disposition', sql<number>`count(*)`.as('count')])
    .groupBy(['call.callerId', 'call.disposition'])
    .execute()
  return rows.map((row) => ({ callerId: row.callerId, disposition: row.disposition, count: toCount(row.count) }))
}

/** Calls made by each caller in the scope and period. */
export async function countCallsPerCaller(db: Db, filter: StatsFilter) {
  const rows = await callsInScope(db, filter)
    .select(['call.callerId', sql<number>`count(*)`.as('count')])
    .groupBy('call.callerId')
    .execute()
  return rows.map((row) => toCount(row.count))
}

// Timestamps are 24 characters ("2026-10-24T21:59:00.000Z"): max(created_at || value) is the latest value, in one
// grouping pass on both engines, and substr(…, 25) gives the value back.
const STAMP = 24

function latestFragilityPerHousehold(db: Db, filter: StatsFilter) {
  return completedInScope(db, filter)
    .where('call.fragilityLevel', 'is not', null)
    .select(['call.householdId', sql<string>`max(call.created_at || call.fragility_level)`.as('latest')])
    .groupBy('call.householdId')
}

/** Latest fragility level found per household in the period, counted by level. */
export async function countLatestFragility(db: Db, filter: StatsFilter) {
  const level = sql<string>`substr(h.latest, ${sql.lit(STAMP + 1)})`
  const rows = await db
    .selectFrom(latestFragilityPerHousehold(db, filter).as('h'))
    .select([level.as('level'), sql<number>`count(*)`.as('count')])
    .groupBy(level)
    .execute()
  return rows.map((row) => ({ key: row.level, count: toCount(row.count) }))
}

export async function listLatestFragility(db: Db, filter: StatsFilter) {
  const rows = await db
    .selectFrom(latestFragilityPerHousehold(db, filter).as('h'))
    .select(['h.latest', homeKeyOf('h.household_id').as('homeKey')])
    .execute()
  return rows.map((row) => ({ homeKey: row.homeKey, at: row.latest.slice(0, STAMP), level: row.latest.slice(STAMP) }))
}

const INSTRUMENT_COLUMNS = ['epices', 'lsns6', 'ucla3', 'frail', 'usda6'] as const
export type InstrumentCategories = Record<(typeof INSTRUMENT_COLUMNS)[number], string | null>

function latestScoresPerHousehold(db: Db, filter: StatsFilter) {
  return completedInScope(db, filter)
    .where('call.scores', 'is not', null)
    .select(['call.householdId', sql<string>`max(call.created_at || call.scores)`.as('latest')])
    .groupBy('call.householdId')
}

function categoryOf(db: Db, code: string) {
  const scores = sql`substr(h.latest, ${sql.lit(STAMP + 1)})`
  return db.engine === 'postgres'
    ? sql<string | null>`(${scores})::jsonb #>> ${sql.lit(`{${code},category}`)}`
    : sql<string | null>`json_extract(${scores}, ${sql.lit(`$.${code}.category`)})`
}

/** Combinations of the five instruments' categories at each household's latest scored interview, with counts. */
export async function countLatestInstrumentCategories(db: Db, filter: StatsFilter) {
  const perHousehold = db
    .selectFrom(latestScoresPerHousehold(db, filter).as('h'))
    .select(INSTRUMENT_COLUMNS.map((code) => categoryOf(db, code).as(code)))
  const rows = await db
    .selectFrom(perHousehold.as('latest'))
    .select([...INSTRUMENT_COLUMNS, sql<number>`count(*)`.as('count')])
    .groupBy([...INSTRUMENT_COLUMNS])
    .execute()
  return rows.map((row) => ({ ...(row as InstrumentCategories), count: toCount(row.count) }))
}

export async function listLatestInstrumentCategories(db: Db, filter: StatsFilter) {
  const rows = await db
    .selectFrom(latestScoresPerHousehold(db, filter).as('h'))
    .select([
      sql<string>`substr(h.latest, 1, ${sql.lit(STAMP)})`.as('at'),
      homeKeyOf('h.household_id').as('homeKey'),
      ...INSTRUMENT_COLUMNS.map((code) => categoryOf(db, code).as(code)),
    ])
    .execute()
  return rows as Array<InstrumentCategories & { at: string; homeKey: string }>
}

function needsPerHousehold(db: Db, filter: StatsFilter) {
  // A table-valued function after a comma sees the call row on both engines (implicitly lateral).
  const elements =
    db.engine === 'postgres'
      ? sql<{ value: string }>`jsonb_array_elements_text(call.needs::jsonb)`.as('need')
      : sql<{ value: string }>`json_each(call.needs)`.as('need')
  return db
    .selectFrom(['call', elements])
    .where(callScope(db, filter))
    .where('call.disposition', '=', sql.lit('completed'))
    .where('call.needs', 'is not', null)
    .select(['call.householdId', 'need.value as need'])
    .distinct()
}

/** Households with each need among their completed calls in the period. */
export async function countNeeds(db: Db, filter: StatsFilter) {
  const rows = await db
    .selectFrom(needsPerHousehold(db, filter).as('needs'))
    .select(['needs.need', sql<number>`count(*)`.as('count')])
    .groupBy('needs.need')
    .execute()
  return rows.map((row) => ({ key: row.need, count: toCount(row.count) }))
}

export async function listNeeds(db: Db, filter: StatsFilter) {
  return db
    .selectFrom(needsPerHousehold(db, filter).as('needs'))
    .select(['needs.need', homeKeyOf('needs.household_id').as('homeKey')])
    .execute()
}

/** Referrals sent from the scope in the period, with what the panel needs to compute timings. */
export async function listReferrals(db: Db, filter: StatsFilter) {
  let query = db
    .selectFrom('referral')
    .innerJoin('organization as recipient', 'recipient.id', 'referral.recipientOrganizationId')
    .where('referral.senderOrganizationId', 'in', filter.organizationIds.length ? filter.organizationIds : [''])
    .where('referral.createdAt', '>=', filter.fromUtc)
    .where('referral.createdAt', '<', filter.toUtc)
  if (filter.campaignId) {
    const campaignId = filter.campaignId
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('call')
          .select('call.id')
          .whereRef('call.id', '=', 'referral.callId')
          .where('call.campaignId', '=', campaignId),
      ),
    )
  }
  if (filter.agencyId) {
    query = query.where(
      'referral.householdId',
      'in',
      db.selectFrom('household').select('household.id').where('household.agencyId', '=', filter.agencyId),
    )
  }
  return query
    .select([
      'referral.category',
      'referral.status',
      'recipient.code as recipientCode',
      'referral.recipientTeam',
      'referral.createdAt',
      'referral.acceptedAt',
      'referral.closedAt',
      'referral.dueResolveBy',
    ])
    .execute()
}

/** Feedback given in the period by callers of the scope (an agency does not narrow it: callers serve the whole organisation). */
export async function listFeedback(db: Db, filter: StatsFilter) {
  let query = db
    .selectFrom('callerFeedback')
    .where('callerFeedback.createdAt', '>=', filter.fromUtc)
    .where('callerFeedback.createdAt', '<', filter.toUtc)
  query = filter.campaignId
    ? query.where('callerFeedback.campaignId', '=', filter.campaignId)
    : query.where('callerFeedback.organizationId', 'in', filter.organizationIds.length ? filter.organizationIds : [''])
  return query
    .select(['meaningful', 'useful', 'comment', 'debriefRequested'])
    .orderBy('callerFeedback.createdAt')
    .execute()
}
