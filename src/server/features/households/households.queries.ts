import { type ExpressionBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely'
import type {
  HOUSEHOLD_FRAGILITY_FILTERS,
  HouseholdSort,
  HouseholdStatus,
} from '../../../shared/contracts/households.js'
import { searchableText } from '../../../shared/households.js'
import { normalizePhone } from '../../../shared/phones.js'
import type { Db } from '../../db/database.js'
import type { Database } from '../../db/schema.js'
import type { Timestamp } from '../../db/time.js'

export interface HouseholdSearch {
  organizationIds: string[]
  q?: string
  ref?: string
  agency?: string
  fragility?: (typeof HOUSEHOLD_FRAGILITY_FILTERS)[number]
  objection?: boolean
  status?: HouseholdStatus
  inCampaign?: boolean
  sort?: HouseholdSort
}

/** `\`, `%` and `_` taken literally by a LIKE pattern written with `escape '\'` (the default on neither engine). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (match) => `\\${match}`)
}

/** `column LIKE pattern`, the pattern escaped by `escapeLike`; `lower` compares the column in lower case. */
function like(column: string, pattern: string, options: { lower?: boolean } = {}) {
  const value = options.lower ? sql`lower(${sql.ref(column)})` : sql.ref(column)
  return sql<SqlBool>`${value} like ${pattern} escape '\\'`
}

/**
 * The households of the given organisations that a list's filters select: `q` matches the reference, the names in
 * any order ignoring case and accents (`search_name`), the address or city, and the phone numbers
 * (`phoneSearchOf`).
 */
function filteredHouseholds(db: Db, search: HouseholdSearch) {
  let query = db.selectFrom('household').where('household.organizationId', 'in', search.organizationIds)
  if (search.ref) query = query.where('household.externalRef', '=', search.ref)
  if (search.status) query = query.where('household.status', '=', search.status)
  if (search.objection !== undefined) {
    query = query.where('household.objectionAt', search.objection ? 'is not' : 'is', null)
  }
  if (search.fragility) {
    query =
      search.fragility === 'unknown'
        ? query.where('household.fragilityLevel', 'is', null)
        : query.where('household.fragilityLevel', '=', search.fragility)
  }
  if (search.agency) {
    const agency = search.agency
    query = query.where('household.agencyId', 'in', (eb) =>
      eb
        .selectFrom('agency')
        .select('agency.id')
        .where('agency.organizationId', 'in', search.organizationIds)
        .where((inner) => inner(inner.fn('upper', ['agency.code']), '=', agency.toUpperCase())),
    )
  }
  if (search.inCampaign !== undefined) {
    const running = (eb: ExpressionBuilder<Database, 'household'>) =>
      eb.exists(
        eb
          .selectFrom('campaignTarget')
          .innerJoin('campaign', 'campaign.id', 'campaignTarget.campaignId')
          .select('campaignTarget.id')
          .whereRef('campaignTarget.householdId', '=', 'household.id')
          .where('campaign.status', '=', 'active')
          .where('campaignTarget.status', '<>', 'excluded'),
      )
    query = query.where((eb) => (search.inCampaign ? running(eb) : eb.not(running(eb))))
  }
  const text = search.q?.trim()
  if (text) {
    const folded = searchableText(text)
    const lower = `%${escapeLike(text.toLowerCase())}%`
    const phone = phoneSearchOf(text)
    query = query.where((eb) =>
      eb.or([
        ...(folded ? [like('household.searchName', `%${folded}%`)] : []),
        like('household.externalRef', lower, { lower: true }),
        like('household.addressLine1', lower, { lower: true }),
        like('household.city', lower, { lower: true }),
        ...(phone
          ? [
              eb(
                'household.id',
                'in',
                eb
                  .selectFrom('phone')
                  .select('phone.householdId')
                  .where('phone.organizationId', 'in', search.organizationIds)
                  .where((inner) =>
                    'pattern' in phone
                      ? inner('phone.e164', 'like', phone.pattern)
                      : inner('phone.e164', '=', phone.exact),
                  ),
              ),
            ]
          : []),
      ]),
    )
  }
  return query
}

/**
 * How a query finds phone numbers, written as people write them: a whole number in any format (`03 83 12 34 56`,
 * `03.83.12.34.56`, `+33 3 83 12 34 56`, `0033 383…`) is its E.164 form, found by the phone index; the start of a
 * number (`+33 3 83`, `03 83 1`) is an E.164 prefix; four digits or more without a prefix, a part anywhere.
 * Undefined when the query is not a number (letters, or fewer than four digits).
 */
export function phoneSearchOf(query: string): { exact: string } | { pattern: string } | undefined {
  const text = query.trim()
  if (!/^[+\d\s.\-/()]+$/.test(text)) return undefined
  const digits = text.replace(/\D/g, '')
  if (digits.length < 4) return undefined
  const whole = normalizePhone(text)
  if (whole.e164) return { exact: whole.e164 }
  if (text.startsWith('+')) return { pattern: `+${digits}%` }
  if (digits.startsWith('00')) return { pattern: `+${digits.slice(2)}%` }
  if (digits.startsWith('0')) return { pattern: `+33${digits.slice(1)}%` }
  return { pattern: `%${digits}%` }
}

function sorted<O>(
  query: SelectQueryBuilder<Database, 'household' | 'agency', O>,
  sort: HouseholdSort = 'name',
): SelectQueryBuilder<Database, 'household' | 'agency', O> {
  const descending = sort.startsWith('-')
  const direction = descending ? 'desc' : 'asc'
  const key = (descending ? sort.slice(1) : sort) as 'name' | 'reference' | 'city' | 'age' | 'lastContact'
  let ordered = query
  switch (key) {
    case 'name':
      // The folded "nom prénom" first: last names, then first names, ignoring case and accents.
      ordered = ordered.orderBy('household.searchName', direction)
      break
    case 'reference':
      ordered = ordered.orderBy('household.externalRef', direction)
      break
    case 'city':
      ordered = ordered.orderBy('household.city', (ob) => ob[direction]().nullsLast())
      break
    case 'age':
      // The oldest occupant's age: older first is the earlier birth date first. Unknown ages last either way.
      ordered = ordered.orderBy(
        (eb) => eb.fn.coalesce('household.oldestBirthDate', 'household.birthDate'),
        (ob) => (descending ? ob.asc() : ob.desc()).nullsLast(),
      )
      break
    case 'lastContact':
      ordered = ordered.orderBy('household.lastContactedAt', (ob) => ob[direction]().nullsLast())
      break
  }
  return ordered.orderBy('household.externalRef', direction)
}

const SUMMARY_COLUMNS = [
  'household.id',
  'household.externalRef',
  'household.lastName',
  'household.firstName',
  'household.postcode',
  'household.city',
  'household.status',
  'household.organizationId',
  'household.birthDate',
  'household.oldestBirthDate',
  'household.fragilityLevel',
  'household.objectionAt',
  'household.lastContactedAt',
  'household.email',
  'household.addressLine1',
  'household.addressLine2',
  'household.livesAlone',
  'household.leftAt',
  'agency.code as agencyCode',
] as const

/** One page of the households of the given organisations that a search selects, in the order asked, and their total. */
export async function searchHouseholds(db: Db, search: HouseholdSearch & { limit: number; offset: number }) {
  if (search.organizationIds.length === 0) return { items: [], total: 0 }
  const query = filteredHouseholds(db, search)
  const [items, count] = await Promise.all([
    sorted(query.leftJoin('agency', 'agency.id', 'household.agencyId').select(SUMMARY_COLUMNS), search.sort)
      .limit(search.limit)
      .offset(search.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll().as('total')).executeTakeFirst(),
  ])
  return { items, total: Number(count?.total ?? 0) }
}

/** Every household a search selects, in the order asked, for the list's export (at most `limit`). */
export async function listHouseholdsForExport(db: Db, search: HouseholdSearch, limit: number) {
  if (search.organizationIds.length === 0) return []
  return sorted(
    filteredHouseholds(db, search)
      .leftJoin('agency', 'agency.id', 'household.agencyId')
      .select(SUMMARY_COLUMNS)
      .select((eb) =>
        eb
          .selectFrom('phone')
          .select('phone.raw')
          .whereRef('phone.householdId', '=', 'household.id')
          .orderBy('phone.position')
          .limit(1)
          .as('firstPhone'),
      ),
    search.sort,
  )
    .limit(limit)
    .execute()
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
        'household.rectify',
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
