import { randomUUID } from 'node:crypto'
import { type SqlBool, sql } from 'kysely'
import type { ReferralBox } from '../../../shared/contracts/referrals.js'
import { ACTIVE_REFERRAL_STATUSES, AWAITING_ACCEPTANCE, AWAITING_RESOLUTION } from '../../../shared/referrals.js'
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
): Promise<string> {
  const id = randomUUID()
  await db
    .insertInto('referralEvent')
    .values({
      id,
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
  return id
}

/** Referrals with the codes and names of their sender and recipient organisations. */
function selectReferrals(db: Db) {
  return db
    .selectFrom('referral')
    .innerJoin('organization as recipient', 'recipient.id', 'referral.recipientOrganizationId')
    .innerJoin('organization as sender', 'sender.id', 'referral.senderOrganizationId')
}

function withOrganizations<Q extends ReturnType<typeof selectReferrals>>(query: Q) {
  return query
    .selectAll('referral')
    .select((eb) => [
      'recipient.code as recipientCode',
      'recipient.name as recipientName',
      'sender.code as senderCode',
      'sender.name as senderName',
      eb
        .selectFrom('household')
        .select(sql<string>`household.last_name || coalesce(' ' || household.first_name, '')`.as('name'))
        .whereRef('household.id', '=', 'referral.householdId')
        .as('householdName'),
    ])
}

/** One referral with its organisations' codes and names; access is the caller's to check (`viewerSide`). */
export async function findReferral(db: Db, referralId: string) {
  return withOrganizations(selectReferrals(db)).where('referral.id', '=', referralId).executeTakeFirst()
}

export type ReferralRow = NonNullable<Awaited<ReturnType<typeof findReferral>>>

/**
 * What a user's list may hold, as organisations (from the policy): the same rules as `viewerSide`, in SQL, so that the
 * page and its total count only what the user sees.
 */
export interface ReferralListFilter {
  /** Organisations whose referrals from other organisations land in the user's inbox. */
  inboxOrganizationIds: string[]
  /** Organisations whose internal (team) referrals land in the user's inbox. */
  teamInboxOrganizationIds: string[]
  /** Organisations all of whose sent referrals the user sees. */
  sentOrganizationIds: string[]
  /** Organisations whose sent referrals the user sees when they raised them. */
  ownSentOrganizationIds: string[]
  userId: string
  box: ReferralBox
  status?: string
  state?: 'open' | 'closed'
  urgency?: string
  overdue?: boolean
  assignedToMe?: boolean
  sort?: 'recent' | 'due'
  /** Now, for `overdue`. */
  now: Timestamp
  limit: number
  offset: number
}

/** The referrals a filter keeps (the list's page and total, the home page's counts). */
function filteredReferrals(db: Db, filter: Omit<ReferralListFilter, 'sort' | 'limit' | 'offset'>) {
  let query = selectReferrals(db).where((eb) => {
    const isInternal = eb(eb.ref('referral.recipientOrganizationId'), '=', eb.ref('referral.senderOrganizationId'))
    const inbox = [
      ...(filter.inboxOrganizationIds.length
        ? [eb.and([eb('referral.recipientOrganizationId', 'in', filter.inboxOrganizationIds), eb.not(isInternal)])]
        : []),
      ...(filter.teamInboxOrganizationIds.length
        ? [eb.and([eb('referral.recipientOrganizationId', 'in', filter.teamInboxOrganizationIds), isInternal])]
        : []),
    ]
    const sent = [
      ...(filter.sentOrganizationIds.length
        ? [eb('referral.senderOrganizationId', 'in', filter.sentOrganizationIds)]
        : []),
      ...(filter.ownSentOrganizationIds.length
        ? [
            eb.and([
              eb('referral.senderOrganizationId', 'in', filter.ownSentOrganizationIds),
              eb('referral.senderUserId', '=', filter.userId),
            ]),
          ]
        : []),
    ]
    const boxes = [...(filter.box !== 'sent' ? inbox : []), ...(filter.box !== 'inbox' ? sent : [])]
    return boxes.length ? eb.or(boxes) : sql<SqlBool>`1 = 0`
  })
  if (filter.status) query = query.where('referral.status', '=', filter.status)
  if (filter.state) {
    query = query.where('referral.status', filter.state === 'open' ? 'in' : 'not in', [...ACTIVE_REFERRAL_STATUSES])
  }
  if (filter.urgency) query = query.where('referral.urgency', '=', filter.urgency)
  if (filter.assignedToMe) query = query.where('referral.assigneeId', '=', filter.userId)
  if (filter.overdue) {
    // As isOverdue (shared/referrals.ts): past the deadline to accept while sent, to resolve once accepted.
    query = query.where((eb) =>
      eb.or([
        eb.and([eb('referral.status', 'in', [...AWAITING_ACCEPTANCE]), eb('referral.dueAcceptBy', '<', filter.now)]),
        eb.and([eb('referral.status', 'in', [...AWAITING_RESOLUTION]), eb('referral.dueResolveBy', '<', filter.now)]),
      ]),
    )
  }
  return query
}

export async function listReferrals(db: Db, filter: ReferralListFilter) {
  const query = filteredReferrals(db, filter)
  const nextDeadline = sql<string>`case when referral.status in (${sql.join(
    AWAITING_ACCEPTANCE.map((status) => sql.lit(status)),
  )}) then referral.due_accept_by else referral.due_resolve_by end`
  const ordered =
    filter.sort === 'due'
      ? withOrganizations(query).orderBy(nextDeadline).orderBy('referral.id')
      : withOrganizations(query).orderBy('referral.createdAt', 'desc').orderBy('referral.id', 'desc')
  const [items, count] = await Promise.all([
    ordered.limit(filter.limit).offset(filter.offset).execute(),
    query.select((eb) => eb.fn.countAll().as('total')).executeTakeFirst(),
  ])
  return { items, total: toCount(count?.total) }
}

/** How many referrals the filter keeps: the list's total without its page (nothing about a household is read). */
export async function countReferrals(db: Db, filter: Omit<ReferralListFilter, 'sort' | 'limit' | 'offset'>) {
  const row = await filteredReferrals(db, filter)
    .select((eb) => eb.fn.countAll().as('total'))
    .executeTakeFirst()
  return toCount(row?.total)
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

/** The address of the person who raised a referral (told of what its recipient does). */
export async function emailOfSender(db: Db, referralId: string) {
  const row = await db
    .selectFrom('referral')
    .innerJoin('user', 'user.id', 'referral.senderUserId')
    .select('user.email')
    .where('referral.id', '=', referralId)
    .executeTakeFirst()
  return row?.email
}

/** The household a call was about, if the call exists. */
/** Which household a call was about, and who made it. */
export async function findCallOrigin(db: Db, callId: string) {
  return db
    .selectFrom('call')
    .select(['householdId', 'callerId', 'organizationId'])
    .where('id', '=', callId)
    .executeTakeFirst()
}

/**
 * What a referral shows of its household: name, address and valid phones, nothing else (a partner reads it while the
 * referral is active).
 */
export async function findHouseholdEssentials(db: Db, householdId: string) {
  const [household, phones] = await Promise.all([
    db
      .selectFrom('household')
      .select(['id', 'lastName', 'firstName', 'addressLine1', 'addressLine2', 'postcode', 'city'])
      .where('id', '=', householdId)
      .executeTakeFirst(),
    db
      .selectFrom('phone')
      .select(['e164', 'raw'])
      .where('householdId', '=', householdId)
      .where('isValid', '=', 1)
      .orderBy('position')
      .execute(),
  ])
  return household && { ...household, phones }
}

/** The call an orientation came from, with its campaign's name and the questionnaire version it was answered on. */
export async function findOriginatingCall(db: Db, callId: string) {
  return db
    .selectFrom('call')
    .innerJoin('campaign', 'campaign.id', 'call.campaignId')
    .leftJoin('questionnaireVersion', 'questionnaireVersion.id', 'call.questionnaireVersionId')
    .select([
      'call.createdAt',
      'call.needs',
      'call.fragilityLevel',
      'call.answers',
      'campaign.name as campaignName',
      'questionnaireVersion.definition',
    ])
    .where('call.id', '=', callId)
    .executeTakeFirst()
}

/** Whether an organisation has an active referral about a household (what lets a partner open it). */
export async function hasActiveReferral(db: Db, householdId: string, organizationIds: string[]) {
  if (organizationIds.length === 0) return false
  const row = await db
    .selectFrom('referral')
    .select('id')
    .where('householdId', '=', householdId)
    .where('recipientOrganizationId', 'in', organizationIds)
    .where('status', 'in', ACTIVE_REFERRAL_STATUSES)
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
        eb.and([eb('status', 'in', AWAITING_ACCEPTANCE), eb('dueAcceptBy', '<', now)]),
        eb.and([eb('status', 'in', AWAITING_RESOLUTION), eb('dueResolveBy', '<', now)]),
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
