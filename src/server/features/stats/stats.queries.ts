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
}

type CallEb = ExpressionBuilder<Database, 'call'>

/** The calls a review counts: organisation (or campaign), period, agency. */
function callScope(filter: StatsFilter) {
  return (eb: CallEb): Expression<SqlBool> => {
    const conditions: Expression<SqlBool>[] = [
      filter.campaignId
        ? eb('call.campaignId', '=', filter.campaignId)
        : eb('call.organizationId', 'in', filter.organizationIds.length ? filter.organizationIds : ['']),
      eb('call.createdAt', '>=', filter.fromUtc),
      eb('call.createdAt', '<', filter.toUtc),
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
  return db.selectFrom('call').where(callScope(filter))
}

/** The household key: its id, or the network's once-per-home key. */
const dedupeKey = sql<string>`household.dedupe_key`

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

/** Targeted and unreachable households: distinct households (or homes) among the targets not removed. */
export async function countTargets(db: Db, filter: StatsFilter) {
  if (!filter.targetCampaignIds.length) return { targeted: 0, unreachable: 0 }
  let query = db
    .selectFrom('campaignTarget')
    .where('campaignTarget.campaignId', 'in', filter.targetCampaignIds)
    .where('campaignTarget.removedAt', 'is', null)
  if (filter.dedupe || filter.agencyId) {
    let joined = query.innerJoin('household', 'household.id', 'campaignTarget.householdId')
    if (filter.agencyId) joined = joined.where('household.agencyId', '=', filter.agencyId)
    const key = filter.dedupe ? dedupeKey : sql<string>`campaign_target.household_id`
    const row = await joined
      .select([
        sql<number>`count(distinct ${key})`.as('targeted'),
        sql<number>`count(distinct case when campaign_target.status = 'unreachable' then ${key} end)`.as('unreachable'),
      ])
      .executeTakeFirstOrThrow()
    return { targeted: toCount(row.targeted), unreachable: toCount(row.unreachable) }
  }
  query = query.where('campaignTarget.removedAt', 'is', null)
  const row = await query
    .select([
      sql<number>`count(distinct campaign_target.household_id)`.as('targeted'),
      sql<number>`count(distinct case when campaign_target.status = 'unreachable' then campaign_target.household_id end)`.as(
        'unreachable',
      ),
    ])
    .executeTakeFirstOrThrow()
  return { targeted: toCount(row.targeted), unreachable: toCount(row.unreachable) }
}

/**
 * Households attempted (≥ 1 call) and reached (≥ 1 completed call) in the period, and the calls made to the reached
 * ones (for attempts per household reached).
 */
export async function countAttemptedReached(db: Db, filter: StatsFilter) {
  const perHousehold = callsInScope(db, filter)
    .select([
      'call.householdId',
      sql<number>`max(case when call.disposition = 'completed' then 1 else 0 end)`.as('reached'),
      sql<number>`count(*)`.as('calls'),
    ])
    .groupBy('call.householdId')
  if (filter.dedupe) {
    // Per home: reached if any of its households was reached; its calls summed.
    const perHome = db
      .selectFrom(perHousehold.as('h'))
      .innerJoin('household', 'household.id', 'h.householdId')
      .select([
        dedupeKey.as('homeKey'),
        sql<number>`max(h.reached)`.as('reached'),
        sql<number>`sum(h.calls)`.as('calls'),
      ])
      .groupBy(dedupeKey)
    const row = await db
      .selectFrom(perHome.as('home'))
      .select([
        sql<number>`count(*)`.as('attempted'),
        sql<number>`sum(home.reached)`.as('reached'),
        sql<number>`sum(case when home.reached = 1 then home.calls else 0 end)`.as('callsToReached'),
      ])
      .executeTakeFirstOrThrow()
    return {
      attempted: toCount(row.attempted),
      reached: toCount(row.reached),
      callsToReached: toCount(row.callsToReached),
    }
  }
  const row = await db
    .selectFrom(perHousehold.as('h'))
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

export async function countCallsByDisposition(db: Db, filter: StatsFilter) {
  const rows = await callsInScope(db, filter)
    .select(['call.disposition', sql<number>`count(*)`.as('count')])
    .groupBy('call.disposition')
    .execute()
  return rows.map((row) => ({ key: row.disposition, count: toCount(row.count) }))
}

/** Calls per UTC hour ("YYYY-MM-DDTHH"): the service folds hours into Europe/Paris days (offsets are whole hours). */
export async function countCallsByUtcHour(db: Db, filter: StatsFilter) {
  const hour = sql<string>`substr(call.created_at, 1, 13)`
  const rows = await callsInScope(db, filter)
    .select([hour.as('hour'), sql<number>`count(*)`.as('count')])
    .groupBy(hour)
    .execute()
  return rows.map((row) => ({ hour: row.hour, count: toCount(row.count) }))
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

/** Calls made by each caller in the scope and period. */
export async function countCallsPerCaller(db: Db, filter: StatsFilter) {
  const rows = await callsInScope(db, filter)
    .select(['call.callerId', sql<number>`count(*)`.as('count')])
    .groupBy('call.callerId')
    .execute()
  return rows.map((row) => toCount(row.count))
}

/**
 * Latest completed call per household (or home) in the period, as `row_number() = 1` over the household key:
 * its fragility level and each instrument's category.
 */
function latestCompleted(db: Db, filter: StatsFilter, extra: 'fragility' | 'scores') {
  const key = filter.dedupe ? dedupeKey : sql<string>`call.household_id`
  const category = (code: string) =>
    db.engine === 'postgres'
      ? sql<string | null>`(call.scores::jsonb) #>> ${sql.lit(`{${code},category}`)}`
      : sql<string | null>`json_extract(call.scores, ${sql.lit(`$.${code}.category`)})`
  let base = db.selectFrom('call')
  if (filter.dedupe) base = base.innerJoin('household', 'household.id', 'call.householdId') as typeof base
  const scoped = base
    .where(callScope(filter))
    .where('call.disposition', '=', 'completed')
    .where(extra === 'fragility' ? 'call.fragilityLevel' : 'call.scores', 'is not', null)
  return scoped.select([
    sql<number>`row_number() over (partition by ${key} order by call.created_at desc)`.as('rank'),
    'call.fragilityLevel',
    category('epices').as('epices'),
    category('lsns6').as('lsns6'),
    category('ucla3').as('ucla3'),
    category('frail').as('frail'),
    category('usda6').as('usda6'),
  ])
}

export async function countLatestFragility(db: Db, filter: StatsFilter) {
  const latest = latestCompleted(db, filter, 'fragility')
  const rows = await db
    .selectFrom(latest.as('latest'))
    .where('latest.rank', '=', 1)
    .select(['latest.fragilityLevel', sql<number>`count(*)`.as('count')])
    .groupBy('latest.fragilityLevel')
    .execute()
  return rows.map((row) => ({ key: row.fragilityLevel ?? 'unknown', count: toCount(row.count) }))
}

/** Combinations of the five instruments' categories at each household's latest scored interview, with counts. */
export async function countLatestInstrumentCategories(db: Db, filter: StatsFilter) {
  const latest = latestCompleted(db, filter, 'scores')
  const rows = await db
    .selectFrom(latest.as('latest'))
    .where('latest.rank', '=', 1)
    .select(['epices', 'lsns6', 'ucla3', 'frail', 'usda6', sql<number>`count(*)`.as('count')])
    .groupBy(['epices', 'lsns6', 'ucla3', 'frail', 'usda6'])
    .execute()
  return rows.map((row) => ({ ...row, count: toCount(row.count) }))
}

/** Households (or homes) with each need among their completed calls in the period. */
export async function countNeeds(db: Db, filter: StatsFilter) {
  // A table-valued function after a comma sees the call row on both engines (implicitly lateral).
  const elements =
    db.engine === 'postgres'
      ? sql<{ value: string }>`jsonb_array_elements_text(call.needs::jsonb)`.as('need')
      : sql<{ value: string }>`json_each(call.needs)`.as('need')
  const base = filter.dedupe
    ? db
        .selectFrom(['call', 'household', elements])
        .whereRef('household.id', '=', 'call.householdId')
        .select([dedupeKey.as('householdKey'), 'need.value as need'])
    : db.selectFrom(['call', elements]).select(['call.householdId as householdKey', 'need.value as need'])
  const perHousehold = base
    .where(callScope(filter))
    .where('call.disposition', '=', 'completed')
    .where('call.needs', 'is not', null)
  const rows = await db
    .selectFrom(perHousehold.as('needs'))
    .select(['needs.need', sql<number>`count(distinct needs.household_key)`.as('count')])
    .groupBy('needs.need')
    .execute()
  return rows.map((row) => ({ key: row.need, count: toCount(row.count) }))
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
