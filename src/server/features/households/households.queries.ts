import type { Db } from '../../db/database.js'
import type { Timestamp } from '../../db/time.js'

export interface HouseholdSearch {
  organizationIds: string[]
  q?: string
  ref?: string
  limit: number
  offset: number
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (match) => `\\${match}`)
}

/** Households of the given organisations matching a free-text query (name, reference, phone, address). */
export async function searchHouseholds(db: Db, search: HouseholdSearch) {
  if (search.organizationIds.length === 0) return { items: [], total: 0 }
  let query = db.selectFrom('household').where('household.organizationId', 'in', search.organizationIds)
  if (search.ref) query = query.where('household.externalRef', '=', search.ref)
  if (search.q?.trim()) {
    const pattern = `%${escapeLike(search.q.trim().toLowerCase())}%`
    const digits = search.q.replace(/\D/g, '')
    query = query.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['household.lastName']), 'like', pattern),
        eb(eb.fn('lower', ['household.firstName']), 'like', pattern),
        eb(eb.fn('lower', ['household.externalRef']), 'like', pattern),
        eb(eb.fn('lower', ['household.addressLine1']), 'like', pattern),
        eb(eb.fn('lower', ['household.city']), 'like', pattern),
        ...(digits.length >= 4
          ? [
              eb.exists(
                eb
                  .selectFrom('phone')
                  .select('phone.id')
                  .whereRef('phone.householdId', '=', 'household.id')
                  .where('phone.e164', 'like', `%${digits.slice(digits.startsWith('0') ? 1 : 0)}%`),
              ),
            ]
          : []),
      ]),
    )
  }
  const [items, count] = await Promise.all([
    query
      .select([
        'household.id',
        'household.externalRef',
        'household.lastName',
        'household.firstName',
        'household.postcode',
        'household.city',
        'household.status',
        'household.organizationId',
      ])
      .orderBy('household.lastName')
      .orderBy('household.externalRef')
      .limit(search.limit)
      .offset(search.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll().as('total')).executeTakeFirst(),
  ])
  return { items, total: Number(count?.total ?? 0) }
}

/** One household, only when it belongs to one of the given organisations. */
export async function findHouseholdById(db: Db, organizationIds: string[], householdId: string) {
  if (organizationIds.length === 0) return undefined
  const household = await db
    .selectFrom('household')
    .leftJoin('agency', 'agency.id', 'household.agencyId')
    .selectAll('household')
    .select(['agency.code as agencyCode', 'agency.name as agencyName'])
    .where('household.id', '=', householdId)
    .where('household.organizationId', 'in', organizationIds)
    .executeTakeFirst()
  if (!household) return undefined
  const [members, phones] = await Promise.all([
    db.selectFrom('member').selectAll().where('householdId', '=', householdId).orderBy('position').execute(),
    db.selectFrom('phone').selectAll().where('householdId', '=', householdId).orderBy('position').execute(),
  ])
  return { household, members, phones }
}

/** The organisation a household belongs to, whoever asks: only for a check that decides access (a referral). */
export async function findHouseholdOrganizationId(db: Db, householdId: string): Promise<string | undefined> {
  const row = await db.selectFrom('household').select('organizationId').where('id', '=', householdId).executeTakeFirst()
  return row?.organizationId
}

/**
 * Whether calling this household is the caller's work right now, in one of the given organisations: they hold one of
 * its targets (status `held` by them, lease not expired), or a callback of it is promised to them (last outcome
 * `callback`, waiting as `pending` or `scheduled`, kept for them as its preferred caller, in a campaign not closed
 * that they may still call for). The organisation of the target is the household's.
 */
export async function isCallingHousehold(
  db: Db,
  callerId: string,
  organizationIds: string[],
  householdId: string,
  now: Timestamp,
): Promise<boolean> {
  if (organizationIds.length === 0) return false
  const row = await db
    .selectFrom('campaignTarget')
    .innerJoin('campaign', 'campaign.id', 'campaignTarget.campaignId')
    .select('campaignTarget.id')
    .where('campaignTarget.householdId', '=', householdId)
    .where('campaignTarget.organizationId', 'in', organizationIds)
    .where((eb) =>
      eb.or([
        eb.and([
          eb('campaignTarget.status', '=', 'held'),
          eb('campaignTarget.heldBy', '=', callerId),
          eb('campaignTarget.leaseUntil', '>', now),
        ]),
        eb.and([
          eb('campaignTarget.status', 'in', ['pending', 'scheduled']),
          eb('campaignTarget.lastDisposition', '=', 'callback'),
          eb('campaignTarget.preferredCallerId', '=', callerId),
          eb('campaign.status', '!=', 'closed'),
          eb.or([
            eb('campaign.callersRestricted', '=', 0),
            eb.exists(
              eb
                .selectFrom('campaignCaller')
                .select('campaignCaller.userId')
                .whereRef('campaignCaller.campaignId', '=', 'campaign.id')
                .where('campaignCaller.userId', '=', callerId),
            ),
          ]),
        ]),
      ]),
    )
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

/** Everything that happened to one household, newest first: calls, referrals and their steps, imports, objection. */
export async function householdTimeline(db: Db, householdId: string) {
  const [calls, referrals, events, traces] = await Promise.all([
    db
      .selectFrom('call')
      .innerJoin('campaign', 'campaign.id', 'call.campaignId')
      .innerJoin('user', 'user.id', 'call.callerId')
      .select([
        'call.id',
        'call.createdAt',
        'call.disposition',
        'call.attempt',
        'call.fragilityLevel',
        'call.needs',
        'call.notes',
        'call.durationSeconds',
        'campaign.id as campaignId',
        'campaign.name as campaignName',
        'user.name as callerName',
      ])
      .where('call.householdId', '=', householdId)
      .execute(),
    db
      .selectFrom('referral')
      .innerJoin('organization as recipient', 'recipient.id', 'referral.recipientOrganizationId')
      .select([
        'referral.id',
        'referral.createdAt',
        'referral.category',
        'referral.urgency',
        'referral.status',
        'referral.recipientTeam',
        'referral.senderOrganizationId',
        'recipient.name as recipientName',
      ])
      .where('referral.householdId', '=', householdId)
      .execute(),
    db
      .selectFrom('referralEvent')
      .innerJoin('referral', 'referral.id', 'referralEvent.referralId')
      .innerJoin('user', 'user.id', 'referralEvent.actorUserId')
      .select([
        'referralEvent.id',
        'referralEvent.referralId',
        'referralEvent.createdAt',
        'referralEvent.fromStatus',
        'referralEvent.toStatus',
        'user.name as actorName',
      ])
      .where('referral.householdId', '=', householdId)
      .where('referralEvent.kind', '=', 'transition')
      .execute(),
    db
      .selectFrom('auditEvent')
      .leftJoin('user', 'user.id', 'auditEvent.actorUserId')
      .select(['auditEvent.id', 'auditEvent.at', 'auditEvent.action', 'auditEvent.details', 'user.name as actorName'])
      .where('auditEvent.entityType', '=', 'household')
      .where('auditEvent.entityId', '=', householdId)
      .where('auditEvent.action', 'in', [
        'household.import_update',
        'household.objection',
        'household.objection_withdrawn',
      ])
      .execute(),
  ])
  return { calls, referrals, events, traces }
}

export interface ObjectionChange {
  at: string
  channel: string
  recordedBy: string
  note: string | null
  now: string
}

/** Records a tenant's objection and takes the household out of every queue it waits in. Returns false if one exists. */
export async function recordObjection(db: Db, householdId: string, objection: ObjectionChange) {
  const updated = await db
    .updateTable('household')
    .set({
      objectionAt: objection.at,
      objectionChannel: objection.channel,
      objectionRecordedBy: objection.recordedBy,
      objectionNote: objection.note,
      updatedAt: objection.now,
    })
    .where('id', '=', householdId)
    .where('objectionAt', 'is', null)
    .executeTakeFirst()
  if (Number(updated.numUpdatedRows) === 0) return { recorded: false, targetsRemoved: 0 }
  const removed = await db
    .updateTable('campaignTarget')
    .set({ status: 'excluded', removedAt: objection.now, updatedAt: objection.now })
    .where('householdId', '=', householdId)
    .where('status', 'in', ['pending', 'scheduled'])
    .executeTakeFirst()
  return { recorded: true, targetsRemoved: Number(removed.numUpdatedRows) }
}

/** The tenant withdrew their objection: calls become possible again for campaigns that target them afterwards. */
export async function withdrawObjection(db: Db, householdId: string, now: string) {
  const updated = await db
    .updateTable('household')
    .set({ objectionAt: null, objectionChannel: null, objectionRecordedBy: null, objectionNote: null, updatedAt: now })
    .where('id', '=', householdId)
    .where('objectionAt', 'is not', null)
    .executeTakeFirst()
  return Number(updated.numUpdatedRows) > 0
}
