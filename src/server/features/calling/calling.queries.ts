/**
 * The calling feature's everyday queries (Kysely). The claim's and the outcome's hot SQL is written by hand in
 * claim.queries.ts and outcome.queries.ts.
 */
import { type ExpressionBuilder, sql } from 'kysely'
import type { Db } from '../../db/database.js'
import type { Database } from '../../db/schema.js'
import { type Timestamp, toCount } from '../../db/time.js'

/**
 * The one rule of the campaigns a user may call for: active, of one of their organisations, and when the campaign is
 * reserved to a list of callers, listed on it or a manager of its organisation.
 */
function callableBy(
  eb: ExpressionBuilder<Database, 'campaign'>,
  userId: string,
  organizationIds: string[],
  managedIds: string[],
) {
  return eb.and([
    eb('campaign.organizationId', 'in', organizationIds),
    eb('campaign.status', '=', 'active'),
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
  ])
}

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
    .where((eb) => callableBy(eb, userId, organizationIds, managedIds))
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

/** Extends the caller's lease on a target they hold in one of these organisations; false when there is none. */
export async function renewLease(
  db: Db,
  targetId: string,
  callerId: string,
  organizationIds: readonly string[],
  leaseUntil: Timestamp,
  now: Timestamp,
) {
  if (organizationIds.length === 0) return false
  const result = await db
    .updateTable('campaignTarget')
    .set({ leaseUntil, updatedAt: now })
    .where('id', '=', targetId)
    .where('organizationId', 'in', organizationIds)
    .where('status', '=', 'held')
    .where('heldBy', '=', callerId)
    .executeTakeFirst()
  if (Number(result.numUpdatedRows) === 0) return false
  await db
    .updateTable('householdHold')
    .set({ leaseUntil })
    .where('targetId', '=', targetId)
    .where('callerId', '=', callerId)
    .execute()
  return true
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

/** A caller's calls recorded from `start` (included) to `end` (excluded), by disposition. */
export async function countCallsOfCaller(db: Db, callerId: string, start: Timestamp, end: Timestamp) {
  const rows = await db
    .selectFrom('call')
    .where('callerId', '=', callerId)
    .where('createdAt', '>=', start)
    .where('createdAt', '<', end)
    .groupBy('disposition')
    .select((eb) => ['disposition', eb.fn.countAll().as('count')])
    .execute()
  return rows.map((row) => ({ disposition: row.disposition, count: Number(row.count) }))
}

/**
 * The callbacks a caller sees in « Mes rappels »: those promised to them, and those open to any caller, in the
 * active campaigns they may call for (of these organisations; a campaign reserved to a list only if they are on it
 * or manage its organisation). Never a callback kept for another caller, nor a household erased, objecting or no
 * longer active. Written once for the list and for the home page's counts.
 */
function callbacksOfCaller(db: Db, userId: string, organizationIds: string[], managedIds: string[]) {
  return (
    db
      .selectFrom('campaignTarget')
      .innerJoin('campaign', 'campaign.id', 'campaignTarget.campaignId')
      .innerJoin('household', 'household.id', 'campaignTarget.householdId')
      .where((eb) => callableBy(eb, userId, organizationIds, managedIds))
      // Literals, as campaign_target_callback_idx's predicate names them: SQLite uses a partial index only then.
      .where('campaignTarget.lastDisposition', '=', sql.lit('callback'))
      .where('campaignTarget.status', 'in', [sql.lit('scheduled'), sql.lit('pending')])
      .where((eb) =>
        eb.or([
          eb('campaignTarget.preferredCallerId', 'is', null),
          eb('campaignTarget.preferredCallerId', '=', userId),
        ]),
      )
      .where('household.status', '=', 'active')
      .where('household.erasedAt', 'is', null)
      .where('household.objectionAt', 'is', null)
  )
}

/** « Mes rappels » (see callbacksOfCaller), soonest first (so overdue ones first). */
export async function listCallbacksOfCaller(
  db: Db,
  userId: string,
  organizationIds: string[],
  managedIds: string[],
  limit: number,
) {
  if (organizationIds.length === 0) return []
  return callbacksOfCaller(db, userId, organizationIds, managedIds)
    .select([
      'campaignTarget.id',
      'campaignTarget.nextAttemptAt',
      'campaignTarget.preferredCallerId',
      'campaign.id as campaignId',
      'campaign.name as campaignName',
      'campaign.organizationId',
      'household.id as householdId',
      'household.lastName',
      'household.firstName',
    ])
    .orderBy('campaignTarget.nextAttemptAt')
    .orderBy('campaignTarget.id')
    .limit(limit)
    .execute()
}

/** How many of « Mes rappels » are overdue (due before `now`) and due later the same day (before `dayEnd`). */
export async function countCallbacksOfCaller(
  db: Db,
  userId: string,
  organizationIds: string[],
  managedIds: string[],
  now: Timestamp,
  dayEnd: Timestamp,
) {
  if (organizationIds.length === 0) return { overdue: 0, dueToday: 0 }
  const row = await callbacksOfCaller(db, userId, organizationIds, managedIds)
    .select([
      sql<number>`sum(case when ${sql.ref('campaignTarget.nextAttemptAt')} < ${now} then 1 else 0 end)`.as('overdue'),
      sql<number>`sum(case when ${sql.ref('campaignTarget.nextAttemptAt')} >= ${now} and ${sql.ref('campaignTarget.nextAttemptAt')} < ${dayEnd} then 1 else 0 end)`.as(
        'dueToday',
      ),
    ])
    .executeTakeFirst()
  return { overdue: toCount(row?.overdue ?? 0), dueToday: toCount(row?.dueToday ?? 0) }
}
