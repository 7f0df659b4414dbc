import type { Db } from '../../db/database.js'
import type { Timestamp } from '../../db/time.js'
import { toCount } from '../../db/time.js'

/** A live picture of one campaign for its supervisors: who calls, how fast, the last outcomes, the callbacks. */
export async function campaignSnapshot(db: Db, campaignId: string, now: Timestamp) {
  const since = new Date(Date.parse(now) - 8 * 3600_000).toISOString()
  const recent = new Date(Date.parse(now) - 15 * 60_000).toISOString()
  const [statusCounts, recentCalls, holders, callbacks] = await Promise.all([
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
  }
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
