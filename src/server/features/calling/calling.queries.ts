import type { Db } from '../../db/database.js'
import type { CallTable } from '../../db/schema.js'
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
 * Moves targets whose next attempt has come from `scheduled` to `pending`. Keeping not-yet-due targets out of the
 * pending range means the claim never steps over them (claims slowed 3–4× as a queue drained when they were mixed).
 */
export async function promoteDueTargets(db: Db, campaignId: string, now: Timestamp) {
  await db
    .updateTable('campaignTarget')
    .set({ status: 'pending', updatedAt: now })
    .where('campaignId', '=', campaignId)
    .where('status', '=', 'scheduled')
    .where('nextAttemptAt', '<=', now)
    .execute()
}

/** Gives expired leases of a campaign back to the queue; the last holder is kept to recognise a late outcome. */
export async function releaseExpiredLeases(db: Db, campaignId: string, now: Timestamp) {
  await db
    .updateTable('campaignTarget')
    .set({ status: 'pending', leaseUntil: null, updatedAt: now })
    .where('campaignId', '=', campaignId)
    .where('status', '=', 'held')
    .where('leaseUntil', '<=', now)
    .execute()
}

export async function findHeldTargetOfCaller(db: Db, campaignId: string, callerId: string, now: Timestamp) {
  return db
    .selectFrom('campaignTarget')
    .selectAll()
    .where('campaignId', '=', campaignId)
    .where('status', '=', 'held')
    .where('heldBy', '=', callerId)
    .where('leaseUntil', '>', now)
    .executeTakeFirst()
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
 * Holds the most urgent due target of a campaign for one caller. One statement: PostgreSQL skips rows another
 * transaction holds (FOR UPDATE SKIP LOCKED); SQLite serialises writers. Due means: pending (next attempt reached),
 * under the attempt limit (unless a callback), household active, not objected, not held elsewhere, and under the
 * cross-campaign cap of attempts in the last days.
 */
export async function claimDueTarget(db: Db, criteria: ClaimCriteria) {
  let due = db
    .selectFrom('campaignTarget as t')
    .innerJoin('household as h', 'h.id', 't.householdId')
    .select('t.id')
    .where('t.campaignId', '=', criteria.campaignId)
    // `pending` means due (scheduled targets are promoted first); no time condition here, so the planner walks the
    // claim index in ORDER BY order instead of sorting every pending row.
    .where('t.status', '=', 'pending')
    .where((eb) => eb.or([eb('t.attempts', '<', criteria.maxAttempts), eb('t.lastDisposition', '=', 'callback')]))
    .where((eb) => eb.or([eb('t.preferredCallerId', 'is', null), eb('t.preferredCallerId', '=', criteria.callerId)]))
    .where('h.status', '=', 'active')
    .where('h.objectionAt', 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('householdHold as hold')
            .select('hold.householdId')
            .whereRef('hold.householdId', '=', 't.householdId')
            .where('hold.leaseUntil', '>', criteria.now),
        ),
      ),
    )
    .where(
      (eb) =>
        eb
          .selectFrom('call as c')
          .select((inner) => inner.fn.countAll().as('recent'))
          .whereRef('c.householdId', '=', 't.householdId')
          .where('c.createdAt', '>', criteria.capSince),
      '<',
      criteria.capAttempts,
    )
    .orderBy('t.priority', 'desc')
    .orderBy('t.nextAttemptAt')
    .limit(1)
  if (criteria.skipHouseholdIds.length) due = due.where('t.householdId', 'not in', criteria.skipHouseholdIds)
  const locked = db.engine === 'postgres' ? due.forUpdate('t').skipLocked() : due
  return db
    .updateTable('campaignTarget')
    .set({ status: 'held', heldBy: criteria.callerId, leaseUntil: criteria.leaseUntil, updatedAt: criteria.now })
    .where('id', '=', (eb) => eb.selectFrom(locked.as('due')).select('due.id'))
    .returningAll()
    .executeTakeFirst()
}

/** Takes the household-wide hold; false when another campaign's caller holds it with a live lease. */
export async function takeHouseholdHold(
  db: Db,
  hold: { householdId: string; targetId: string; callerId: string; leaseUntil: Timestamp; now: Timestamp },
) {
  const result = await db
    .insertInto('householdHold')
    .values({
      householdId: hold.householdId,
      targetId: hold.targetId,
      callerId: hold.callerId,
      leaseUntil: hold.leaseUntil,
    })
    .onConflict((oc) =>
      oc
        .column('householdId')
        .doUpdateSet({ targetId: hold.targetId, callerId: hold.callerId, leaseUntil: hold.leaseUntil })
        .where((eb) =>
          eb.or([eb('householdHold.leaseUntil', '<=', hold.now), eb('householdHold.targetId', '=', hold.targetId)]),
        ),
    )
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0
}

export async function releaseHouseholdHold(db: Db, householdId: string, targetId: string) {
  await db.deleteFrom('householdHold').where('householdId', '=', householdId).where('targetId', '=', targetId).execute()
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

export async function findCallByIdempotencyKey(db: Db, callerId: string, key: string) {
  return db
    .selectFrom('call')
    .selectAll()
    .where('callerId', '=', callerId)
    .where('idempotencyKey', '=', key)
    .executeTakeFirst()
}

export async function insertCall(db: Db, call: CallTable) {
  await db.insertInto('call').values(call).execute()
  return call
}

export async function updateTargetAfterCall(
  db: Db,
  targetId: string,
  changes: {
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
  },
) {
  await db
    .updateTable('campaignTarget')
    .set({ ...changes, heldBy: null, leaseUntil: null, updatedAt: changes.lastCalledAt })
    .where('id', '=', targetId)
    .execute()
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

export async function findHouseholdForCall(db: Db, householdId: string) {
  const household = await db
    .selectFrom('household')
    .leftJoin('agency', 'agency.id', 'household.agencyId')
    .innerJoin('organization', 'organization.id', 'household.organizationId')
    .selectAll('household')
    .select(['agency.name as agencyName', 'organization.name as organizationName'])
    .where('household.id', '=', householdId)
    .executeTakeFirstOrThrow()
  const [members, phones, calls] = await Promise.all([
    db.selectFrom('member').selectAll().where('householdId', '=', householdId).orderBy('position').execute(),
    db.selectFrom('phone').selectAll().where('householdId', '=', householdId).orderBy('position').execute(),
    db
      .selectFrom('call')
      .innerJoin('campaign', 'campaign.id', 'call.campaignId')
      .select(['call.id', 'call.createdAt', 'call.disposition', 'call.fragilityLevel', 'campaign.name as campaignName'])
      .where('call.householdId', '=', householdId)
      .orderBy('call.createdAt', 'desc')
      .limit(20)
      .execute(),
  ])
  return { household, members, phones, calls }
}

export async function updateHouseholdAfterCall(
  db: Db,
  householdId: string,
  changes: { lastContactedAt?: Timestamp; fragilityLevel?: string },
) {
  if (Object.keys(changes).length === 0) return
  await db.updateTable('household').set(changes).where('id', '=', householdId).execute()
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
