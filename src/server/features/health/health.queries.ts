import { sql } from 'kysely'
import type { Db } from '../../db/database.js'
import { type Timestamp, toCount } from '../../db/time.js'

/**
 * Whether the database answers: a trivial query, unless every connection of the pool is busy and one of them got an
 * answer less than `recentMs` ago (a probe would only wait its turn behind the work it is meant to vouch for, and a
 * load balancer would take a busy instance out of service as if its database were gone).
 */
export async function isDatabaseReachable(db: Db, recentMs = 2000): Promise<boolean> {
  const pool = db.poolState?.()
  const answeredAt = db.lastAnsweredAt?.() ?? 0
  if (pool && pool.idle === 0 && pool.busy >= pool.max && Date.now() - answeredAt < recentMs) return true
  try {
    await sql`select 1`.execute(db)
    return true
  } catch {
    return false
  }
}

export interface QueueDepth {
  campaignId: string
  /** `due` (pending, or scheduled and its time has come), `later` (scheduled for later) or `held` (claimed). */
  state: 'due' | 'later' | 'held'
  targets: number
}

/**
 * The queues of the active campaigns, in one query: targets due now, scheduled for later and held by a caller.
 * Scheduled targets whose time has come count as due (the next claim moves them to pending).
 */
export async function countQueuesOfActiveCampaigns(db: Db, now: Timestamp): Promise<QueueDepth[]> {
  const state = sql<QueueDepth['state']>`case
    when ${sql.ref('t.status')} = 'held' then 'held'
    when ${sql.ref('t.status')} = 'scheduled' and ${sql.ref('t.nextAttemptAt')} > ${now} then 'later'
    else 'due' end`
  // The state is named in a subquery: PostgreSQL would not match a grouped expression holding a parameter.
  const targets = db
    .selectFrom('campaignTarget as t')
    .innerJoin('campaign as c', 'c.id', 't.campaignId')
    .where('c.status', '=', 'active')
    .where('t.status', 'in', ['pending', 'scheduled', 'held'])
    .select(['t.campaignId', state.as('state')])
    .as('target')
  const rows = await db
    .selectFrom(targets)
    .select(['target.campaignId', 'target.state', (eb) => eb.fn.countAll().as('targets')])
    .groupBy(['target.campaignId', 'target.state'])
    .execute()
  return rows.map((row) => ({ campaignId: row.campaignId, state: row.state, targets: toCount(row.targets) }))
}

export interface OutboxSummary {
  pending: number
  /** The oldest mail still waiting to leave, or null when none waits. */
  oldestPendingAt: Timestamp | null
  /** Mails given up on after every attempt: someone must look at them. */
  failed: number
}

export async function summarizeOutbox(db: Db): Promise<OutboxSummary> {
  const rows = await db
    .selectFrom('outboxEmail')
    .where('status', 'in', ['pending', 'failed'])
    .select(['status', (eb) => eb.fn.countAll().as('mails'), (eb) => eb.fn.min('createdAt').as('oldest')])
    .groupBy('status')
    .execute()
  const pending = rows.find((row) => row.status === 'pending')
  const failed = rows.find((row) => row.status === 'failed')
  return {
    pending: toCount(pending?.mails),
    oldestPendingAt: pending?.oldest ?? null,
    failed: toCount(failed?.mails),
  }
}

/** Purges finished at or after `since` (all of them when null), oldest first: their durations feed /metrics. */
export async function listPurgesFinishedSince(db: Db, since: Timestamp | null) {
  let query = db
    .selectFrom('purgeRun')
    .select(['id', 'status', 'startedAt', 'finishedAt'])
    .where('finishedAt', 'is not', null)
    .orderBy('finishedAt')
  if (since) query = query.where('finishedAt', '>=', since)
  return (await query.execute()) as Array<{ id: string; status: string; startedAt: Timestamp; finishedAt: Timestamp }>
}

/** Imports finished at or after `since` (all of them when null), oldest first: their durations feed /metrics. */
export async function listImportsFinishedSince(db: Db, since: Timestamp | null) {
  let query = db
    .selectFrom('importRun')
    .select(['id', 'status', 'createdAt', 'finishedAt'])
    .where('finishedAt', 'is not', null)
    .orderBy('finishedAt')
  if (since) query = query.where('finishedAt', '>=', since)
  return (await query.execute()) as Array<{ id: string; status: string; createdAt: Timestamp; finishedAt: Timestamp }>
}
