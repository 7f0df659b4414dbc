import { parisToday } from '../../../shared/clock.js'
import type { PlanObservations } from '../../../shared/planning.js'
import type { Db } from '../../db/database.js'
import { toCount } from '../../db/time.js'
import { countMatchingHouseholds } from '../campaigns/campaigns.queries.js'
import { compileRule, validateRule } from '../campaigns/targeting.js'

/** Target statuses still to be called. */
const REMAINING = ['pending', 'scheduled', 'held']
const UNANSWERED = ['no_answer', 'voicemail', 'busy']

/**
 * Households still to call: a draft's targeting rule counted on today's households (no targets exist yet), else
 * the campaign's targets not yet completed, unreachable or excluded.
 */
export async function countRemainingHouseholds(
  db: Db,
  campaign: { id: string; organizationId: string; status: string; targeting: string },
): Promise<number> {
  if (campaign.status === 'draft') {
    const filter = compileRule(validateRule(JSON.parse(campaign.targeting)), parisToday())
    return countMatchingHouseholds(db, campaign.organizationId, filter)
  }
  return (await countRemainingTargets(db, [campaign.id])).get(campaign.id) ?? 0
}

/** The targets of these (started) campaigns not yet completed, unreachable or excluded, by campaign. */
export async function countRemainingTargets(db: Db, campaignIds: string[]): Promise<Map<string, number>> {
  if (campaignIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('campaignTarget')
    .select(['campaignId', (eb) => eb.fn.countAll().as('count')])
    .where('campaignId', 'in', campaignIds)
    .where('removedAt', 'is', null)
    .where('status', 'in', REMAINING)
    .groupBy('campaignId')
    .execute()
  return new Map(rows.map((row) => [row.campaignId, toCount(row.count)]))
}

/** The lower median of the recorded durations of the campaign's calls with these dispositions, and how many. */
async function medianDuration(db: Db, campaignId: string, dispositions: string[]) {
  const base = db
    .selectFrom('call')
    .where('campaignId', '=', campaignId)
    .where('disposition', 'in', dispositions)
    .where('durationSeconds', 'is not', null)
  const countRow = await base.select((eb) => eb.fn.countAll().as('count')).executeTakeFirst()
  const count = toCount(countRow?.count)
  if (count === 0) return { count, medianSeconds: null }
  const middle = await base
    .select('durationSeconds')
    .orderBy('durationSeconds')
    .limit(1)
    .offset(Math.floor((count - 1) / 2))
    .executeTakeFirst()
  return { count, medianSeconds: middle?.durationSeconds ?? null }
}

/** What the campaign's own calls show: finished households, how many were reached, attempts, durations. */
export async function observeCampaign(db: Db, campaignId: string): Promise<PlanObservations> {
  const finished = await db
    .selectFrom('campaignTarget')
    .select((eb) => [
      eb.fn.countAll().as('finished'),
      eb.fn.sum<number>(eb.case().when('status', '=', 'completed').then(1).else(0).end()).as('reached'),
      eb.fn.sum<number>('attempts').as('attempts'),
    ])
    .where('campaignId', '=', campaignId)
    .where('removedAt', 'is', null)
    .where('status', 'in', ['completed', 'unreachable'])
    .executeTakeFirst()
  const [answeredCalls, unansweredCalls] = await Promise.all([
    medianDuration(db, campaignId, ['completed']),
    medianDuration(db, campaignId, UNANSWERED),
  ])
  return {
    finishedHouseholds: toCount(finished?.finished),
    reachedHouseholds: toCount(finished?.reached),
    attemptsOfFinished: toCount(finished?.attempts),
    answeredCalls,
    unansweredCalls,
  }
}

/** Callers the campaign can count on: those assigned to it, else every caller of its organisation. */
export async function countAvailableCallers(db: Db, campaignId: string, organizationId: string) {
  const assigned = await db
    .selectFrom('campaignCaller')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('campaignId', '=', campaignId)
    .executeTakeFirst()
  if (toCount(assigned?.count) > 0) return { count: toCount(assigned?.count), source: 'assigned' as const }
  const members = await db
    .selectFrom('membership')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('organizationId', '=', organizationId)
    .where('role', '=', 'caller')
    .executeTakeFirst()
  return { count: toCount(members?.count), source: 'organization' as const }
}
