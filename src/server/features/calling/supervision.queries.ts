import { sql } from 'kysely'
import { FRAGILITY_LEVELS } from '../../../shared/campaigns.js'
import type { Db } from '../../db/database.js'
import type { Timestamp } from '../../db/time.js'
import { toCount } from '../../db/time.js'

const FRAGILITY_ORDER: readonly string[] = FRAGILITY_LEVELS

/** A household held longer than this (one claim, renewed lease after lease) is offered for release. */
export const HELD_TOO_LONG_MINUTES = 30
/** Dispositions that mean someone answered. */
const REACHED = ['completed', 'refused', 'callback']

/** A live picture of one campaign for its supervisors: who calls, how fast, the last outcomes, the callbacks. */
export async function campaignSnapshot(db: Db, campaignId: string, now: Timestamp) {
  const since = new Date(Date.parse(now) - 8 * 3600_000).toISOString()
  const recent = new Date(Date.parse(now) - 15 * 60_000).toISOString()
  const heldBefore = new Date(Date.parse(now) - HELD_TOO_LONG_MINUTES * 60_000).toISOString()
  const lastHour = new Date(Date.parse(now) - 3600_000).toISOString()
  const [statusCounts, recentCalls, holders, callbacks, reach, fragility, heldTooLong] = await Promise.all([
    db
      .selectFrom('campaignTarget')
      .select(['status', (eb) => eb.fn.countAll().as('count')])
      .where('campaignId', '=', campaignId)
      .groupBy('status')
      .execute(),
    db
      .selectFrom('call')
      .innerJoin('user', 'user.id', 'call.callerId')
      .select(['call.createdAt', 'call.disposition', 'call.callerId', 'user.name as callerName'])
      .where('call.campaignId', '=', campaignId)
      .where('call.createdAt', '>', since)
      .orderBy('call.createdAt', 'desc')
      .limit(5000)
      .execute(),
    db
      .selectFrom('campaignTarget')
      .innerJoin('user', 'user.id', 'campaignTarget.heldBy')
      .select(['user.id', 'user.name'])
      .where('campaignTarget.campaignId', '=', campaignId)
      .where('campaignTarget.status', '=', 'held')
      .where('campaignTarget.leaseUntil', '>', now)
      .execute(),
    db
      .selectFrom('campaignTarget')
      .leftJoin('user', 'user.id', 'campaignTarget.preferredCallerId')
      .select([
        'campaignTarget.id',
        'campaignTarget.nextAttemptAt',
        'campaignTarget.preferredCallerId',
        'user.name as preferredCallerName',
      ])
      .where('campaignTarget.campaignId', '=', campaignId)
      .where('campaignTarget.status', 'in', ['scheduled', 'pending'])
      .where('campaignTarget.lastDisposition', '=', 'callback')
      .orderBy('campaignTarget.nextAttemptAt')
      .limit(100)
      .execute(),
    db
      .selectFrom('call')
      .select([
        sql<number>`count(distinct ${sql.ref('call.householdId')})`.as('called'),
        sql<number>`count(distinct case when ${sql.ref('call.disposition')} in (${sql.join(REACHED)}) then ${sql.ref('call.householdId')} end)`.as(
          'reached',
        ),
      ])
      .where('call.campaignId', '=', campaignId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('campaignTarget')
      .innerJoin('household', 'household.id', 'campaignTarget.householdId')
      .select([
        'household.fragilityLevel as level',
        (eb) => eb.fn.countAll().as('targeted'),
        sql<number>`sum(case when ${sql.ref('campaignTarget.status')} in ('completed', 'unreachable') then 1 else 0 end)`.as(
          'done',
        ),
      ])
      .where('campaignTarget.campaignId', '=', campaignId)
      .where('campaignTarget.status', '!=', 'excluded')
      .groupBy('household.fragilityLevel')
      .execute(),
    db
      .selectFrom('campaignTarget')
      .innerJoin('user', 'user.id', 'campaignTarget.heldBy')
      .select([
        'campaignTarget.id',
        'campaignTarget.heldAt',
        'campaignTarget.updatedAt',
        'campaignTarget.leaseUntil',
        'user.id as callerId',
        'user.name as callerName',
      ])
      .where('campaignTarget.campaignId', '=', campaignId)
      .where('campaignTarget.status', '=', 'held')
      .where((eb) => eb(eb.fn.coalesce('campaignTarget.heldAt', 'campaignTarget.updatedAt'), '<=', heldBefore))
      .orderBy('campaignTarget.heldAt')
      .limit(100)
      .execute(),
  ])
  const callers = new Map<string, { id: string; name: string; isCalling: boolean; callsLast8Hours: number }>()
  for (const holder of holders)
    callers.set(holder.id, { id: holder.id, name: holder.name, isCalling: true, callsLast8Hours: 0 })
  const perHour = new Map<string, number>()
  for (const call of recentCalls) {
    const hour = `${call.createdAt.slice(0, 13)}:00:00.000Z`
    perHour.set(hour, (perHour.get(hour) ?? 0) + 1)
    const caller = callers.get(call.callerId) ?? {
      id: call.callerId,
      name: call.callerName,
      isCalling: false,
      callsLast8Hours: 0,
    }
    caller.callsLast8Hours++
    callers.set(call.callerId, caller)
  }
  const counts = Object.fromEntries(statusCounts.map((row) => [row.status, toCount(row.count)]))
  const levelOrder = (level: string | null) => (level ? FRAGILITY_ORDER.indexOf(level) : -1)
  return {
    at: now,
    counts,
    activeCallers: [...callers.values()].filter(
      (caller) =>
        caller.isCalling || recentCalls.some((call) => call.callerId === caller.id && call.createdAt > recent),
    ).length,
    callers: [...callers.values()].sort((a, b) => a.name.localeCompare(b.name)),
    callsPerHour: [...perHour].map(([hour, calls]) => ({ hour, calls })).sort((a, b) => a.hour.localeCompare(b.hour)),
    lastOutcomes: recentCalls
      .slice(0, 10)
      .map((call) => ({ at: call.createdAt, disposition: call.disposition, caller: call.callerName })),
    callbacks: callbacks.map((callback) => ({
      targetId: callback.id,
      at: callback.nextAttemptAt,
      preferredCaller: callback.preferredCallerId
        ? { id: callback.preferredCallerId, name: callback.preferredCallerName ?? '' }
        : null,
    })),
    callsLastHour: recentCalls.filter((call) => call.createdAt > lastHour).length,
    reach: {
      targeted: statusCounts
        .filter((row) => row.status !== 'excluded')
        .reduce((sum, row) => sum + toCount(row.count), 0),
      called: toCount(reach.called),
      reached: toCount(reach.reached),
    },
    heldTooLongMinutes: HELD_TOO_LONG_MINUTES,
    heldTooLong: heldTooLong.map((row) => ({
      targetId: row.id,
      caller: { id: row.callerId, name: row.callerName },
      heldSince: row.heldAt ?? row.updatedAt,
      leaseUntil: row.leaseUntil,
    })),
    byFragility: fragility
      .map((row) => ({ level: row.level, targeted: toCount(row.targeted), done: toCount(row.done) }))
      .sort((a, b) => levelOrder(b.level) - levelOrder(a.level)),
  }
}

/** Gives a held target back to the queue and frees its household; false when it is not held (any more). */
export async function releaseHeldTarget(db: Db, campaignId: string, targetId: string, now: Timestamp) {
  const result = await db
    .updateTable('campaignTarget')
    .set({ status: 'pending', heldBy: null, heldAt: null, leaseUntil: null, updatedAt: now })
    .where('id', '=', targetId)
    .where('campaignId', '=', campaignId)
    .where('status', '=', 'held')
    .executeTakeFirst()
  if (Number(result.numUpdatedRows) === 0) return false
  await db.deleteFrom('householdHold').where('targetId', '=', targetId).execute()
  return true
}

export async function reassignCallback(
  db: Db,
  campaignId: string,
  targetId: string,
  callerId: string | null,
  now: Timestamp,
) {
  const result = await db
    .updateTable('campaignTarget')
    .set({ preferredCallerId: callerId, updatedAt: now })
    .where('id', '=', targetId)
    .where('campaignId', '=', campaignId)
    .where('lastDisposition', '=', 'callback')
    .where('status', 'in', ['scheduled', 'pending'])
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}
