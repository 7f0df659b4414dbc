import { randomUUID } from 'node:crypto'
import { type SqlBool, sql } from 'kysely'
import type { Db } from '../../db/database.js'
import type { ReferralTable } from '../../db/schema.js'
import type { Timestamp } from '../../db/time.js'
import { toCount } from '../../db/time.js'

export async function insertReferral(db: Db, referral: ReferralTable) {
  await db.insertInto('referral').values(referral).execute()
  return referral
}

export async function insertReferralEvent(
  db: Db,
  event: {
    referralId: string
    actorUserId: string
    actorOrganizationId: string
    kind: string
    fromStatus?: string | null
    toStatus?: string | null
    note?: string | null
    at: Timestamp
  },
) {
  await db
    .insertInto('referralEvent')
    .values({
      id: randomUUID(),
      referralId: event.referralId,
      actorUserId: event.actorUserId,
      actorOrganizationId: event.actorOrganizationId,
      kind: event.kind,
      fromStatus: event.fromStatus ?? null,
      toStatus: event.toStatus ?? null,
      note: event.note ?? null,
      createdAt: event.at,
    })
    .execute()
}

export async function findReferral(db: Db, referralId: string) {
  return db.selectFrom('referral').selectAll().where('id', '=', referralId).executeTakeFirst()
}

export interface ReferralListFilter {
  inboxOrganizationIds: string[]
  sentOrganizationIds: string[]
  /** When set, the sent box holds only this user's own referrals (callers see what they raised, not all). */
  sentByUserId?: string
  box: 'inbox' | 'sent' | 'all'
  status?: string
  limit: number
  offset: number
}

export async function listReferrals(db: Db, filter: ReferralListFilter) {
  let query = db
    .selectFrom('referral')
    .innerJoin('organization as recipient', 'recipient.id', 'referral.recipientOrganizationId')
    .innerJoin('organization as sender', 'sender.id', 'referral.senderOrganizationId')
    .where((eb) => {
      const inbox =
        filter.box !== 'sent' && filter.inboxOrganizationIds.length
          ? [eb('referral.recipientOrganizationId', 'in', filter.inboxOrganizationIds)]
          : []
      const sent =
        filter.box !== 'inbox' && filter.sentOrganizationIds.length
          ? [
              eb.and([
                eb('referral.senderOrganizationId', 'in', filter.sentOrganizationIds),
                ...(filter.sentByUserId ? [eb('referral.senderUserId', '=', filter.sentByUserId)] : []),
              ]),
            ]
          : []
      return inbox.length + sent.length ? eb.or([...inbox, ...sent]) : sql<SqlBool>`1 = 0`
    })
  if (filter.status) query = query.where('referral.status', '=', filter.status)
  const [items, count] = await Promise.all([
    query
      .selectAll('referral')
      .select([
        'recipient.code as recipientCode',
        'recipient.name as recipientName',
        'sender.code as senderCode',
        'sender.name as senderName',
      ])
      .orderBy('referral.createdAt', 'desc')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll().as('total')).executeTakeFirst(),
  ])
  return { items, total: toCount(count?.total) }
}

export async function updateReferral(db: Db, referralId: string, changes: Partial<ReferralTable>) {
  await db.updateTable('referral').set(changes).where('id', '=', referralId).execute()
}

export async function listEvents(db: Db, referralId: string) {
  return db
    .selectFrom('referralEvent')
    .innerJoin('user', 'user.id', 'referralEvent.actorUserId')
    .selectAll('referralEvent')
    .select('user.name as actorName')
    .where('referralId', '=', referralId)
    .orderBy('referralEvent.createdAt')
    .execute()
}

/** Emails of the people of an organisation holding one of the roles (active accounts only). */
export async function emailsOfMembers(db: Db, organizationId: string, roles: string[]) {
  const rows = await db
    .selectFrom('membership')
    .innerJoin('user', 'user.id', 'membership.userId')
    .select('user.email')
    .where('membership.organizationId', '=', organizationId)
    .where('membership.role', 'in', roles)
    .where('user.isActive', '=', 1)
    .execute()
  return rows.map((row) => row.email)
}

/** Whether an organisation has an active referral about a household (what lets a partner open it). */
export async function hasActiveReferral(db: Db, householdId: string, organizationIds: string[]) {
  if (organizationIds.length === 0) return false
  const row = await db
    .selectFrom('referral')
    .select('id')
    .where('householdId', '=', householdId)
    .where('recipientOrganizationId', 'in', organizationIds)
    .where('status', 'in', ['sent', 'accepted', 'in_progress'])
    .executeTakeFirst()
  return row !== undefined
}

export async function listOverdue(db: Db, now: Timestamp) {
  return db
    .selectFrom('referral')
    .selectAll()
    .where('overdueNotifiedAt', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'sent'), eb('dueAcceptBy', '<', now)]),
        eb.and([eb('status', 'in', ['accepted', 'in_progress']), eb('dueResolveBy', '<', now)]),
      ]),
    )
    .limit(500)
    .execute()
}

/**
 * The campaign target a referral's follow-up calls go through: the one of the call that raised it, otherwise the
 * household's most recent target in a running or paused campaign of the sender organisation.
 */
export async function findFollowUpTarget(
  db: Db,
  referral: { callId: string | null; householdId: string; senderOrganizationId: string },
) {
  const base = db
    .selectFrom('campaignTarget')
    .innerJoin('campaign', 'campaign.id', 'campaignTarget.campaignId')
    .innerJoin('household', 'household.id', 'campaignTarget.householdId')
    .select([
      'campaignTarget.id',
      'campaignTarget.status',
      'campaignTarget.priority',
      'campaignTarget.campaignId',
      'campaign.name as campaignName',
      'campaign.status as campaignStatus',
      'household.objectionAt',
    ])
    .where('campaignTarget.householdId', '=', referral.householdId)
    .where('campaignTarget.organizationId', '=', referral.senderOrganizationId)
  if (referral.callId) {
    const viaCall = await base
      .innerJoin('call', 'call.targetId', 'campaignTarget.id')
      .where('call.id', '=', referral.callId)
      .where('campaign.status', 'in', ['active', 'paused'])
      .executeTakeFirst()
    if (viaCall) return viaCall
  }
  return base
    .where('campaign.status', 'in', ['active', 'paused'])
    .orderBy('campaignTarget.addedAt', 'desc')
    .executeTakeFirst()
}

/** Puts a target on the watch: its next call at `at`, ahead of ordinary targets, then every N days until a day. */
export async function scheduleFollowUp(
  db: Db,
  targetId: string,
  plan: { at: Timestamp; priority: number; intervalDays: number | null; until: string | null; now: Timestamp },
) {
  await db
    .updateTable('campaignTarget')
    .set({
      status: 'scheduled',
      attempts: 0,
      nextAttemptAt: plan.at,
      phonePosition: 0,
      preferredCallerId: null,
      priority: plan.priority,
      followUpIntervalDays: plan.intervalDays,
      followUpUntil: plan.until,
      removedAt: null,
      updatedAt: plan.now,
    })
    .where('id', '=', targetId)
    .execute()
}
