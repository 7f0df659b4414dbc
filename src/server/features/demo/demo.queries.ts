/** The demo's reads and writes: seeding in bulk, and the few questions it asks before seeding again. */
import { bulkInsert } from '../../db/bulk.js'
import type { Db } from '../../db/database.js'
import type { CallerFeedbackTable, CallTable, ReferralEventTable, ReferralTable } from '../../db/schema.js'

export async function hasHouseholds(db: Db, organizationId: string) {
  const row = await db
    .selectFrom('household')
    .select('id')
    .where('organizationId', '=', organizationId)
    .executeTakeFirst()
  return row !== undefined
}

export async function hasCampaigns(db: Db) {
  const row = await db.selectFrom('campaign').select('id').executeTakeFirst()
  return row !== undefined
}

/** The campaign's pending targets, most urgent first (a stable order, so that a seed gives the same history). */
export async function listPendingTargets(db: Db, campaignId: string) {
  return db
    .selectFrom('campaignTarget')
    .select(['id', 'householdId'])
    .where('campaignId', '=', campaignId)
    .where('status', '=', 'pending')
    .orderBy('priority', 'desc')
    .orderBy('id')
    .execute()
}

export interface DemoHistoryRows {
  campaignId: string
  /** When the campaign is said to have started: before the first call of the history. */
  activatedAt: string
  calls: CallTable[]
  referrals: ReferralTable[]
  events: ReferralEventTable[]
  feedback: CallerFeedbackTable[]
  targets: Array<{
    id: string
    status: string
    attempts: number
    lastDisposition: string
    lastCalledAt: string
    nextAttemptAt: string
  }>
  households: Array<{ id: string; fragilityLevel: string | null; lastContactedAt: string }>
}

/** Writes a generated history (call it inside a transaction). */
export async function insertHistory(db: Db, history: DemoHistoryRows) {
  await db
    .updateTable('campaign')
    .set({ activatedAt: history.activatedAt, createdAt: history.activatedAt })
    .where('id', '=', history.campaignId)
    .execute()
  await bulkInsert(db, 'call', history.calls)
  await bulkInsert(db, 'referral', history.referrals)
  await bulkInsert(db, 'referralEvent', history.events)
  await bulkInsert(db, 'callerFeedback', history.feedback)
  for (const target of history.targets) {
    await db
      .updateTable('campaignTarget')
      .set({
        status: target.status,
        attempts: target.attempts,
        lastDisposition: target.lastDisposition,
        lastCalledAt: target.lastCalledAt,
        nextAttemptAt: target.nextAttemptAt,
        updatedAt: target.lastCalledAt,
      })
      .where('id', '=', target.id)
      .execute()
  }
  for (const household of history.households) {
    await db
      .updateTable('household')
      .set({ fragilityLevel: household.fragilityLevel, lastContactedAt: household.lastContactedAt })
      .where('id', '=', household.id)
      .execute()
  }
}
