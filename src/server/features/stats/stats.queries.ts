import { sql } from 'kysely'
import { valuesIn } from '../../db/bulk.js'
import type { Db } from '../../db/database.js'
import { toCount } from '../../db/time.js'

/**
 * More households than this under one home key are not one home (a building's address without flat number, a common
 * name): the network counts them one by one, in its targets as in its rollups.
 */
export const MAX_HOME_HOUSEHOLDS = 10

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
}

/**
 * Households of these organisations whose home (dedupe key) holds more than one household on file (in one
 * organisation or several), with their home key. Few: the network review merges them by key, counts the others by id.
 * The grouping reads household_dedupe_idx only.
 */
export async function listSharedHomeHouseholds(db: Db, organizationIds: readonly string[]) {
  if (!organizationIds.length) return []
  const keys = db
    .selectFrom('household as other')
    .select(sql<string>`other.dedupe_key`.as('dedupeKey'))
    .groupBy(sql`other.dedupe_key`)
    .having(sql`count(*)`, '>', 1)
    .having(sql`count(*)`, '<=', MAX_HOME_HOUSEHOLDS)
  return db
    .selectFrom('household')
    .select(['household.id', sql<string>`household.dedupe_key`.as('homeKey')])
    .where('household.organizationId', 'in', organizationIds)
    .where(sql<string>`household.dedupe_key`, 'in', keys)
    .execute()
}

/** A campaign with its organisation, as a review or an export scope names it. */
export async function findCampaign(db: Db, id: string) {
  return db
    .selectFrom('campaign')
    .innerJoin('organization', 'organization.id', 'campaign.organizationId')
    .select([
      'campaign.id',
      'campaign.name',
      'campaign.organizationId',
      'organization.code as organizationCode',
      'organization.name as organizationName',
      'organization.networkId',
    ])
    .where('campaign.id', '=', id)
    .executeTakeFirst()
}

/** The organisations of these networks, with their network's name: what a network review or export covers. */
export async function listNetworkOrganizations(db: Db, networkIds: string[]) {
  if (!networkIds.length) return []
  return db
    .selectFrom('organization')
    .innerJoin('network', 'network.id', 'organization.networkId')
    .select(['organization.id', 'organization.code', 'organization.networkId', 'network.name as networkName'])
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
  if (filter.agencyId) {
    query = query.where(
      'campaignTarget.householdId',
      'in',
      db.selectFrom('household').select('household.id').where('household.agencyId', '=', filter.agencyId),
    )
  }
  return query
}

/**
 * Targeted and unreachable households: distinct households among the targets not removed. PostgreSQL groups (a hash)
 * rather than count(distinct) (a sort of every target); SQLite is quicker with count(distinct) over its covering index.
 */
export async function countTargets(db: Db, filter: StatsFilter) {
  if (db.engine === 'postgres') {
    const perHousehold = targetsInScope(db, filter)
      .select([
        'campaignTarget.householdId',
        sql<number>`max(case when campaign_target.status = 'unreachable' then 1 else 0 end)`.as('unreachable'),
      ])
      .groupBy('campaignTarget.householdId')
    const row = await db
      .selectFrom(perHousehold.as('h'))
      .select([sql<number>`count(*)`.as('targeted'), sql<number>`coalesce(sum(h.unreachable), 0)`.as('unreachable')])
      .executeTakeFirstOrThrow()
    return { targeted: toCount(row.targeted), unreachable: toCount(row.unreachable) }
  }
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

/** Of these households, those targeted in scope, and whether one of their targets is unreachable. */
export async function listTargetedAmong(db: Db, filter: StatsFilter, householdIds: readonly string[]) {
  if (!householdIds.length) return []
  const rows = await targetsInScope(db, filter)
    .where('campaignTarget.householdId', 'in', valuesIn(db, householdIds))
    .select([
      'campaignTarget.householdId',
      sql<number>`max(case when campaign_target.status = 'unreachable' then 1 else 0 end)`.as('unreachable'),
    ])
    .groupBy('campaignTarget.householdId')
    .execute()
  return rows.map((row) => ({ householdId: row.householdId, unreachable: toCount(row.unreachable) === 1 }))
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
      'recipient.name as recipientName',
      'referral.recipientTeam',
      'referral.createdAt',
      'referral.acceptedAt',
      'referral.closedAt',
      'referral.dueResolveBy',
    ])
    .execute()
}

/** The suggestions recorded with the calls of the scope in the period (calls without any are not read). */
export async function listCallSuggestions(db: Db, filter: StatsFilter): Promise<string[]> {
  let query = db
    .selectFrom('call')
    .where('call.organizationId', 'in', filter.organizationIds.length ? filter.organizationIds : [''])
    .where('call.createdAt', '>=', filter.fromUtc)
    .where('call.createdAt', '<', filter.toUtc)
    .where('call.suggestions', 'is not', null)
  if (filter.campaignId) query = query.where('call.campaignId', '=', filter.campaignId)
  if (filter.agencyId) {
    query = query.where(
      'call.householdId',
      'in',
      db.selectFrom('household').select('household.id').where('household.agencyId', '=', filter.agencyId),
    )
  }
  const rows = await query.select('call.suggestions').execute()
  return rows.map((row) => row.suggestions!)
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

// ---------------------------------------------------------------------------------------------------------------
// Rollups (stats.rollups.ts): the calls not yet counted, what the refresh reads of households and calls, and the
// rollup rows themselves.

export async function hasPendingCalls(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('call')
    .select('id')
    .where('statsPending', '=', sql.lit(1))
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

/** How many calls are not yet counted, up to `limit` (and `limit` + 1 meaning more). */
export async function countPendingCalls(db: Db, limit: number): Promise<number> {
  const row = await db
    .selectFrom(
      db
        .selectFrom('call')
        .select('id')
        .where('statsPending', '=', sql.lit(1))
        .limit(limit + 1)
        .as('pending'),
    )
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow()
  return toCount(row.n)
}

/** Calls not yet counted, household by household (a household's calls are then recounted once, not per batch). */
export async function listPendingCalls(db: Db, limit: number) {
  return db
    .selectFrom('call')
    .select(['id', 'householdId'])
    .where('statsPending', '=', sql.lit(1))
    .orderBy('householdId')
    .limit(limit)
    .execute()
}

export interface RollupHousehold {
  id: string
  organizationId: string
  agencyId: string | null
  homeKey: string
  networkId: string
}

function rollupHouseholds(db: Db) {
  return db
    .selectFrom('household')
    .innerJoin('organization', 'organization.id', 'household.organizationId')
    .select([
      'household.id',
      'household.organizationId',
      'household.agencyId',
      sql<string>`household.dedupe_key`.as('homeKey'),
      'organization.networkId',
    ])
}

export async function listRollupHouseholds(db: Db, ids: readonly string[]): Promise<RollupHousehold[]> {
  if (!ids.length) return []
  return rollupHouseholds(db).where('household.id', 'in', valuesIn(db, ids)).execute()
}

/**
 * The home key and agency households' calls were last counted under: of these households (`householdId`), or of the
 * households last counted under these home keys (`homeKey`).
 */
export async function listStatsHouseholds(db: Db, by: 'householdId' | 'homeKey', values: readonly string[]) {
  if (!values.length) return []
  return db
    .selectFrom('statsHousehold')
    .select(['householdId', 'homeKey', 'agencyId'])
    .where(by, 'in', valuesIn(db, values))
    .execute()
}

/** How many households are on file under each of these home keys. */
export async function countHomeSizes(db: Db, homeKeys: readonly string[]): Promise<Map<string, number>> {
  if (!homeKeys.length) return new Map()
  const rows = await db
    .selectFrom('household')
    .select([sql<string>`household.dedupe_key`.as('homeKey'), sql<number>`count(*)`.as('households')])
    .where(sql<string>`household.dedupe_key`, 'in', valuesIn(db, homeKeys))
    .groupBy(sql`household.dedupe_key`)
    .execute()
  return new Map(rows.map((row) => [row.homeKey, toCount(row.households)]))
}

/**
 * Households updated since `since` ('' for ever) whose home key or agency changed since their calls were counted (an
 * import moved them). household_updated_idx keeps a recent `since` cheap.
 */
export async function listMovedHouseholds(db: Db, since: string): Promise<string[]> {
  const rows = await db
    .selectFrom('household')
    .innerJoin('statsHousehold', 'statsHousehold.householdId', 'household.id')
    .select('statsHousehold.householdId')
    .where('household.updatedAt', '>=', since)
    .where((eb) =>
      eb.or([
        eb.and([
          eb(sql.ref('household.dedupe_key'), '<>', sql.ref('stats_household.home_key')),
          // A household of an oversized home is counted under its own key (see MAX_HOME_HOUSEHOLDS).
          eb(sql.ref('stats_household.home_key'), '<>', sql`'id:' || household.id`),
        ]),
        eb(sql`coalesce(household.agency_id, '')`, '<>', sql`coalesce(stats_household.agency_id, '')`),
      ]),
    )
    .execute()
  return rows.map((row) => row.householdId)
}

/** Every call of these households, with whether it is already counted. */
export async function listCallFacts(db: Db, householdIds: readonly string[]) {
  if (!householdIds.length) return []
  const rows = await db
    .selectFrom('call')
    .select([
      'id',
      'householdId',
      'campaignId',
      'callerId',
      'createdAt',
      'disposition',
      'durationSeconds',
      'fragilityLevel',
      'scores',
      'needs',
      'statsPending',
    ])
    .where('householdId', 'in', valuesIn(db, householdIds))
    .execute()
  return rows.map((row) => ({ ...row, statsPending: Number(row.statsPending) }))
}

export async function readRollupCounts(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map()
  const rows = await db
    .selectFrom('statsRollup')
    .select(['id', 'counts'])
    .where('id', 'in', valuesIn(db, ids))
    .execute()
  return new Map(rows.map((row) => [row.id, row.counts]))
}

export async function writeRollups(
  db: Db,
  upserts: ReadonlyArray<{ id: string; scope: string; metric: string; dayFrom: string; dayTo: string; counts: string }>,
  deletes: readonly string[],
) {
  // SQLite binds at most 32766 values: 6 per row.
  const size = 800
  for (let start = 0; start < upserts.length; start += size) {
    await db
      .insertInto('statsRollup')
      .values(upserts.slice(start, start + size))
      .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ counts: eb.ref('excluded.counts') })))
      .execute()
  }
  if (deletes.length) await db.deleteFrom('statsRollup').where('id', 'in', valuesIn(db, deletes)).execute()
}

export async function markCallsCounted(db: Db, ids: readonly string[]) {
  if (ids.length) await db.updateTable('call').set({ statsPending: 0 }).where('id', 'in', valuesIn(db, ids)).execute()
}

export async function saveStatsHouseholds(
  db: Db,
  rows: ReadonlyArray<{ householdId: string; homeKey: string; agencyId: string | null }>,
) {
  const size = 2000
  for (let start = 0; start < rows.length; start += size) {
    await db
      .insertInto('statsHousehold')
      .values(rows.slice(start, start + size))
      .onConflict((oc) =>
        oc.column('householdId').doUpdateSet((eb) => ({
          homeKey: eb.ref('excluded.homeKey'),
          agencyId: eb.ref('excluded.agencyId'),
        })),
      )
      .execute()
  }
}

/** The rollup rows of some scopes (and figures, or all) that can count in a period ending on `to` (Paris day). */
export async function listRollups(db: Db, scopes: readonly string[], metrics: readonly string[] | null, to: string) {
  if (!scopes.length) return []
  let query = db
    .selectFrom('statsRollup')
    .select(['metric', 'dayFrom', 'dayTo', 'counts'])
    .where('scope', 'in', scopes)
    .where('dayFrom', '<=', to)
  if (metrics) query = query.where('metric', 'in', metrics)
  return query.execute()
}

/** PostgreSQL: serialises refreshes of the rollups across instances until the transaction ends. */
export async function lockRefresh(tx: Db, lockKey: number) {
  await sql`select pg_advisory_xact_lock(${lockKey})`.execute(tx)
}

/** PostgreSQL: brings the call table's statistics and visibility up to date after a large count (outside a transaction). */
export async function vacuumCalls(db: Db) {
  await sql`vacuum (analyze) call`.execute(db)
}
