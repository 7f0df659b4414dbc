/** What the home page reads: small counts over the signed-in user's organisations, never a household's identity. */
import { sql } from 'kysely'
import { ACTIVE_REFERRAL_STATUSES, AWAITING_ACCEPTANCE, AWAITING_RESOLUTION } from '../../../shared/referrals.js'
import type { Db } from '../../db/database.js'
import type { Timestamp } from '../../db/time.js'
import { toCount } from '../../db/time.js'

/** Dispositions that mean someone answered. */
const REACHED = ['completed', 'refused', 'callback']

export async function runningCampaigns(db: Db, organizationIds: string[]) {
  if (organizationIds.length === 0) return []
  const campaigns = await db
    .selectFrom('campaign')
    .innerJoin('organization', 'organization.id', 'campaign.organizationId')
    .select(['campaign.id', 'campaign.name', 'organization.code as organization'])
    .where('campaign.organizationId', 'in', organizationIds)
    .where('campaign.status', '=', 'active')
    .orderBy('campaign.name')
    .limit(50)
    .execute()
  if (campaigns.length === 0) return []
  const ids = campaigns.map((campaign) => campaign.id)
  const [targets, reached] = await Promise.all([
    db
      .selectFrom('campaignTarget')
      .select([
        'campaignId',
        (eb) => eb.fn.countAll().as('targeted'),
        sql<number>`sum(case when ${sql.ref('status')} in ('completed', 'unreachable') then 1 else 0 end)`.as('done'),
      ])
      .where('campaignId', 'in', ids)
      .where('status', '!=', 'excluded')
      .groupBy('campaignId')
      .execute(),
    db
      .selectFrom('call')
      .select(['campaignId', sql<number>`count(distinct ${sql.ref('householdId')})`.as('reached')])
      .where('campaignId', 'in', ids)
      .where('disposition', 'in', REACHED)
      .groupBy('campaignId')
      .execute(),
  ])
  return campaigns.map((campaign) => {
    const counts = targets.find((row) => row.campaignId === campaign.id)
    return {
      ...campaign,
      targeted: toCount(counts?.targeted ?? 0),
      done: toCount(counts?.done ?? 0),
      reached: toCount(reached.find((row) => row.campaignId === campaign.id)?.reached ?? 0),
    }
  })
}

/** Referrals past their deadline, received or sent by these organisations: the most overdue first. */
export async function overdueReferrals(db: Db, organizationIds: string[], now: Timestamp) {
  if (organizationIds.length === 0) return { items: [], total: 0 }
  const base = db
    .selectFrom('referral')
    .where((eb) =>
      eb.or([eb('recipientOrganizationId', 'in', organizationIds), eb('senderOrganizationId', 'in', organizationIds)]),
    )
    .where((eb) =>
      eb.or([
        eb.and([eb('status', 'in', [...AWAITING_ACCEPTANCE]), eb('dueAcceptBy', '<', now)]),
        eb.and([eb('status', 'in', [...AWAITING_RESOLUTION]), eb('dueResolveBy', '<', now)]),
      ]),
    )
  const [rows, total] = await Promise.all([
    base
      .select([
        'id',
        'recipientOrganizationId',
        'category',
        'urgency',
        'status',
        sql<string>`case when ${sql.ref('status')} in (${sql.join([...AWAITING_ACCEPTANCE])}) then ${sql.ref('dueAcceptBy')} else ${sql.ref('dueResolveBy')} end`.as(
          'dueBy',
        ),
      ])
      .orderBy('dueBy')
      .orderBy('id')
      .limit(10)
      .execute(),
    base.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow(),
  ])
  return {
    items: rows.map((row) => ({
      id: row.id,
      side: organizationIds.includes(row.recipientOrganizationId) ? ('received' as const) : ('sent' as const),
      category: row.category,
      urgency: row.urgency,
      status: row.status,
      dueBy: row.dueBy,
    })),
    total: toCount(total.count),
  }
}

/** Debrief requests not yet handled, by campaign of these organisations. */
export async function debriefsWaiting(db: Db, organizationIds: string[]) {
  if (organizationIds.length === 0) return []
  const rows = await db
    .selectFrom('callerFeedback')
    .innerJoin('campaign', 'campaign.id', 'callerFeedback.campaignId')
    .select([
      'campaign.id as campaignId',
      'campaign.name as campaignName',
      (eb) => eb.fn.countAll().as('waiting'),
      (eb) => eb.fn.min('callerFeedback.createdAt').as('oldest'),
    ])
    .where('callerFeedback.organizationId', 'in', organizationIds)
    .where('callerFeedback.debriefRequested', '=', 1)
    .where('callerFeedback.debriefHandledAt', 'is', null)
    .groupBy(['campaign.id', 'campaign.name'])
    .orderBy('oldest')
    .limit(20)
    .execute()
  return rows.map((row) => ({ ...row, waiting: toCount(row.waiting), oldest: String(row.oldest) }))
}

/** The last real (not dry-run) import of each organisation, with its report's counts. */
export async function lastImports(db: Db, organizationIds: string[]) {
  if (organizationIds.length === 0) return []
  const rows = await Promise.all(
    organizationIds.map((organizationId) =>
      db
        .selectFrom('importRun')
        .innerJoin('organization', 'organization.id', 'importRun.organizationId')
        .select([
          'importRun.id',
          'organization.code as organization',
          'importRun.status',
          'importRun.createdAt as at',
          'importRun.rowsTotal',
          'importRun.report',
        ])
        .where('importRun.organizationId', '=', organizationId)
        .where('importRun.isDryRun', '=', 0)
        .orderBy('importRun.createdAt', 'desc')
        .limit(1)
        .executeTakeFirst(),
    ),
  )
  return rows.flatMap((row) => {
    if (!row) return []
    const report = row.report
      ? (JSON.parse(row.report) as { rows?: number; rejected?: unknown[]; warningsTotal?: number })
      : {}
    return [
      {
        id: row.id,
        organization: row.organization,
        status: row.status,
        at: row.at,
        rows: report.rows ?? row.rowsTotal,
        rejected: report.rejected?.length ?? 0,
        warnings: report.warningsTotal ?? 0,
      },
    ]
  })
}

/** Each organisation of these networks: running campaigns, calls of the last 7 days, referrals open to it, last import. */
export async function networkActivity(db: Db, networkIds: string[], since: Timestamp) {
  if (networkIds.length === 0) return []
  const organizations = await db
    .selectFrom('organization')
    .select(['id', 'code', 'name'])
    .where('networkId', 'in', networkIds)
    .orderBy('name')
    .limit(200)
    .execute()
  if (organizations.length === 0) return []
  const ids = organizations.map((organization) => organization.id)
  const [campaigns, calls, referrals, imports] = await Promise.all([
    db
      .selectFrom('campaign')
      .select(['organizationId', (eb) => eb.fn.countAll().as('count')])
      .where('organizationId', 'in', ids)
      .where('status', '=', 'active')
      .groupBy('organizationId')
      .execute(),
    db
      .selectFrom('call')
      .select(['organizationId', (eb) => eb.fn.countAll().as('count')])
      .where('organizationId', 'in', ids)
      .where('createdAt', '>', since)
      .groupBy('organizationId')
      .execute(),
    db
      .selectFrom('referral')
      .select(['recipientOrganizationId as organizationId', (eb) => eb.fn.countAll().as('count')])
      .where('recipientOrganizationId', 'in', ids)
      .where('status', 'in', [...ACTIVE_REFERRAL_STATUSES])
      .groupBy('recipientOrganizationId')
      .execute(),
    db
      .selectFrom('importRun')
      .select(['organizationId', (eb) => eb.fn.max('createdAt').as('at')])
      .where('organizationId', 'in', ids)
      .where('isDryRun', '=', 0)
      .groupBy('organizationId')
      .execute(),
  ])
  const countOf = (rows: Array<{ organizationId: string; count: unknown }>, id: string) =>
    toCount(rows.find((row) => row.organizationId === id)?.count ?? 0)
  return organizations.map((organization) => ({
    code: organization.code,
    name: organization.name,
    runningCampaigns: countOf(campaigns, organization.id),
    callsLast7Days: countOf(calls, organization.id),
    openReferrals: countOf(referrals, organization.id),
    lastImportAt: (imports.find((row) => row.organizationId === organization.id)?.at as string | undefined) ?? null,
  }))
}

/** Running campaigns, and households called, reached and referred since a date, over these organisations. */
export async function keyFigures(db: Db, organizationIds: string[], since: Timestamp) {
  if (organizationIds.length === 0) return null
  const [campaigns, calls, referrals] = await Promise.all([
    db
      .selectFrom('campaign')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('organizationId', 'in', organizationIds)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('call')
      .select([
        sql<number>`count(distinct ${sql.ref('householdId')})`.as('called'),
        sql<number>`count(distinct case when ${sql.ref('disposition')} in (${sql.join(REACHED)}) then ${sql.ref('householdId')} end)`.as(
          'reached',
        ),
      ])
      .where('organizationId', 'in', organizationIds)
      .where('createdAt', '>', since)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('referral')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('senderOrganizationId', 'in', organizationIds)
      .where('createdAt', '>', since)
      .executeTakeFirstOrThrow(),
  ])
  return {
    runningCampaigns: toCount(campaigns.count),
    householdsCalled: toCount(calls.called),
    householdsReached: toCount(calls.reached),
    referralsSent: toCount(referrals.count),
  }
}
