import type { ExpressionBuilder } from 'kysely'
import type { Db } from '../../db/database.js'
import type { Database } from '../../db/schema.js'
import type { Timestamp } from '../../db/time.js'
import { toCount } from '../../db/time.js'

/** What the audit log is filtered on, resolved to ids and instants by the route. */
export interface AuditLogFilter {
  /** The organisations whose lines the reader may see (never empty when called). */
  organizationIds: string[]
  /** An actor: a user's id, or an email address (the account's, or the address of a failed sign-in). */
  user?: string
  /** Lines about these households (and their referrals). */
  householdIds?: string[]
  /** An action, or a family of actions (`household` for `household.read`, `household.objection`…). */
  action?: string
  start?: Timestamp
  end?: Timestamp
}

type AuditScope = ExpressionBuilder<Database & { e: Database['auditEvent'] }, 'e'>

/**
 * Lines filed under one of the organisations, or filed under none (a sign-in, a search) by a member of one of them.
 * A line about a referral counts for its household when households are named.
 */
function whereAuditable(filter: AuditLogFilter) {
  return (eb: AuditScope) => {
    const conditions = [
      eb.or([
        eb('e.organizationId', 'in', filter.organizationIds),
        eb.and([
          eb('e.organizationId', 'is', null),
          eb.exists(
            eb
              .selectFrom('membership as scopeMembership')
              .select('scopeMembership.id')
              .whereRef('scopeMembership.userId', '=', 'e.actorUserId')
              .where('scopeMembership.organizationId', 'in', filter.organizationIds),
          ),
        ]),
      ]),
    ]
    if (filter.user) {
      const user = filter.user.trim()
      conditions.push(
        user.includes('@')
          ? eb.or([
              eb('e.actorEmail', '=', user.toLowerCase()),
              eb(
                'e.actorUserId',
                'in',
                eb.selectFrom('user as named').select('named.id').where('named.email', '=', user.toLowerCase()),
              ),
            ])
          : eb('e.actorUserId', '=', user),
      )
    }
    if (filter.action) {
      const action = filter.action.trim().replace(/\.$/, '')
      conditions.push(eb.or([eb('e.action', '=', action), eb('e.action', 'like', `${action}.%`)]))
    }
    if (filter.householdIds) {
      const ids = filter.householdIds.length > 0 ? filter.householdIds : ['']
      conditions.push(
        eb.or([
          eb.and([eb('e.entityType', '=', 'household'), eb('e.entityId', 'in', ids)]),
          eb.and([
            eb('e.entityType', '=', 'referral'),
            eb(
              'e.entityId',
              'in',
              eb.selectFrom('referral').select('referral.id').where('referral.householdId', 'in', ids),
            ),
          ]),
        ]),
      )
    }
    if (filter.start) conditions.push(eb('e.at', '>=', filter.start))
    if (filter.end) conditions.push(eb('e.at', '<', filter.end))
    return eb.and(conditions)
  }
}

/** Lines of the audit log, newest first, with who, where and which household; `limit` undefined for all of them. */
export async function listAuditEvents(db: Db, filter: AuditLogFilter, page: { limit?: number; offset: number }) {
  let query = db
    .selectFrom('auditEvent as e')
    .leftJoin('user as actor', 'actor.id', 'e.actorUserId')
    .leftJoin('organization as o', 'o.id', 'e.organizationId')
    .leftJoin('household as h', (join) => join.onRef('h.id', '=', 'e.entityId').on('e.entityType', '=', 'household'))
    .where(whereAuditable(filter))
    .select((eb) => [
      'e.id',
      'e.at',
      'e.action',
      'e.actorUserId',
      'e.actorEmail',
      'actor.email as actorAccountEmail',
      'actor.name as actorName',
      'o.code as organizationCode',
      'o.name as organizationName',
      'e.entityType',
      'e.entityId',
      'h.externalRef as householdRef',
      'e.ip',
      'e.details',
      eb
        .selectFrom('membership as roleMembership')
        .select((inner) => inner.fn.min('roleMembership.role').as('role'))
        .whereRef('roleMembership.userId', '=', 'e.actorUserId')
        .whereRef('roleMembership.organizationId', '=', 'e.organizationId')
        .as('actorRole'),
    ])
    .orderBy('e.at', 'desc')
    .orderBy('e.id', 'desc')
    .offset(page.offset)
  if (page.limit !== undefined) query = query.limit(page.limit)
  else query = query.limit(Number.MAX_SAFE_INTEGER)
  const rows = await query.execute()
  return rows.map((row) => ({
    id: Number(row.id),
    at: row.at,
    action: row.action,
    actor:
      row.actorUserId && row.actorAccountEmail
        ? { id: row.actorUserId, email: row.actorAccountEmail, name: row.actorName ?? '' }
        : null,
    actorEmail: row.actorEmail,
    actorRole: row.actorRole ?? null,
    organization: row.organizationCode
      ? { code: row.organizationCode, name: row.organizationName ?? row.organizationCode }
      : null,
    entityType: row.entityType,
    entityId: row.entityId,
    householdRef: row.householdRef ?? null,
    ip: row.ip,
    details: parseDetails(row.details),
  }))
}

function parseDetails(text: string | null): Record<string, unknown> | null {
  if (!text) return null
  try {
    const value = JSON.parse(text) as unknown
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

export async function countAuditEvents(db: Db, filter: AuditLogFilter): Promise<number> {
  const row = await db
    .selectFrom('auditEvent as e')
    .where(whereAuditable(filter))
    .select((eb) => eb.fn.countAll().as('count'))
    .executeTakeFirstOrThrow()
  return toCount(row.count)
}

/** The ids of the households with this reference in the organisations (a reference is unique per organisation). */
export async function householdIdsByRef(db: Db, organizationIds: string[], externalRef: string): Promise<string[]> {
  if (organizationIds.length === 0) return []
  const rows = await db
    .selectFrom('household')
    .select('id')
    .where('organizationId', 'in', organizationIds)
    .where('externalRef', '=', externalRef.trim())
    .execute()
  return rows.map((row) => row.id)
}

export async function findOrganizationByCode(db: Db, code: string) {
  return db.selectFrom('organization').select(['id', 'code', 'name']).where('code', '=', code).executeTakeFirst()
}

/** The household's own rows, whatever its organisation (the route has decided who may read it). */
export async function findDossierHousehold(db: Db, householdId: string) {
  return db
    .selectFrom('household')
    .innerJoin('organization', 'organization.id', 'household.organizationId')
    .leftJoin('agency', 'agency.id', 'household.agencyId')
    .selectAll('household')
    .select([
      'organization.code as organizationCode',
      'organization.name as organizationName',
      'agency.code as agencyCode',
      'agency.name as agencyName',
    ])
    .where('household.id', '=', householdId)
    .executeTakeFirst()
}

/** What a dossier gathers besides the household's row: occupants, phones, calls, orientations, accesses. */
export async function dossierRecords(db: Db, householdId: string) {
  const [members, phones, calls, referrals, steps, traces] = await Promise.all([
    db.selectFrom('member').selectAll().where('householdId', '=', householdId).orderBy('position').execute(),
    db.selectFrom('phone').selectAll().where('householdId', '=', householdId).orderBy('position').execute(),
    db
      .selectFrom('call')
      .innerJoin('campaign', 'campaign.id', 'call.campaignId')
      .innerJoin('organization', 'organization.id', 'call.organizationId')
      .leftJoin('questionnaireVersion', 'questionnaireVersion.id', 'call.questionnaireVersionId')
      .select([
        'call.id',
        'call.createdAt',
        'call.attempt',
        'call.disposition',
        'call.durationSeconds',
        'call.fragilityLevel',
        'call.needs',
        'call.notes',
        'call.callbackAt',
        'call.answers',
        'call.scores',
        'campaign.name as campaignName',
        'organization.name as organizationName',
        'questionnaireVersion.definition',
      ])
      .where('call.householdId', '=', householdId)
      .orderBy('call.createdAt')
      .orderBy('call.id')
      .execute(),
    db
      .selectFrom('referral')
      .innerJoin('organization as sender', 'sender.id', 'referral.senderOrganizationId')
      .innerJoin('organization as recipient', 'recipient.id', 'referral.recipientOrganizationId')
      .selectAll('referral')
      .select(['sender.name as senderName', 'recipient.name as recipientName'])
      .where('referral.householdId', '=', householdId)
      .orderBy('referral.createdAt')
      .orderBy('referral.id')
      .execute(),
    db
      .selectFrom('referralEvent')
      .innerJoin('referral', 'referral.id', 'referralEvent.referralId')
      .innerJoin('organization', 'organization.id', 'referralEvent.actorOrganizationId')
      .select([
        'referralEvent.referralId',
        'referralEvent.createdAt',
        'referralEvent.kind',
        'referralEvent.fromStatus',
        'referralEvent.toStatus',
        'referralEvent.note',
        'organization.name as organizationName',
      ])
      .where('referral.householdId', '=', householdId)
      .orderBy('referralEvent.createdAt')
      .orderBy('referralEvent.id')
      .execute(),
    db
      .selectFrom('auditEvent as e')
      .leftJoin('organization as o', 'o.id', 'e.organizationId')
      .select((eb) => [
        'e.at',
        'e.action',
        'e.details',
        'o.name as organizationName',
        eb
          .selectFrom('membership as m')
          .select((inner) => inner.fn.min('m.role').as('role'))
          .whereRef('m.userId', '=', 'e.actorUserId')
          .whereRef('m.organizationId', '=', 'e.organizationId')
          .as('role'),
      ])
      .where((eb) =>
        eb.or([
          eb.and([eb('e.entityType', '=', 'household'), eb('e.entityId', '=', householdId)]),
          eb.and([
            eb('e.entityType', '=', 'referral'),
            eb(
              'e.entityId',
              'in',
              eb.selectFrom('referral').select('referral.id').where('referral.householdId', '=', householdId),
            ),
          ]),
        ]),
      )
      .orderBy('e.at')
      .orderBy('e.id')
      .execute(),
  ])
  return { members, phones, calls, referrals, steps, traces }
}

// ---------------------------------------------------------------------------------------------------------------
// The register of requests
// ---------------------------------------------------------------------------------------------------------------

function selectRequests(db: Db) {
  return db
    .selectFrom('dataRequest as r')
    .innerJoin('organization as o', 'o.id', 'r.organizationId')
    .innerJoin('user as recorder', 'recorder.id', 'r.recordedBy')
    .leftJoin('user as handler', 'handler.id', 'r.handledBy')
    .selectAll('r')
    .select([
      'o.code as organizationCode',
      'o.name as organizationName',
      'recorder.name as recorderName',
      'handler.name as handlerName',
    ])
}

export type DataRequestRow = Awaited<ReturnType<ReturnType<typeof selectRequests>['executeTakeFirstOrThrow']>>

export async function listDataRequests(
  db: Db,
  filter: { organizationIds: string[]; status?: 'open' | 'closed'; householdIds?: string[] },
  page: { limit: number; offset: number },
) {
  if (filter.organizationIds.length === 0) return { rows: [], total: 0 }
  let query = selectRequests(db).where('r.organizationId', 'in', filter.organizationIds)
  let count = db.selectFrom('dataRequest as r').where('r.organizationId', 'in', filter.organizationIds)
  if (filter.status) {
    query = query.where('r.status', '=', filter.status)
    count = count.where('r.status', '=', filter.status)
  }
  if (filter.householdIds) {
    const ids = filter.householdIds.length > 0 ? filter.householdIds : ['']
    query = query.where('r.householdId', 'in', ids)
    count = count.where('r.householdId', 'in', ids)
  }
  const [rows, total] = await Promise.all([
    // Open requests first, soonest deadline first; then the closed ones, latest handled first.
    query
      .orderBy((eb) => eb.case().when('r.status', '=', 'open').then(0).else(1).end())
      .orderBy('r.dueOn')
      .orderBy('r.handledAt', 'desc')
      .orderBy('r.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    count.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow(),
  ])
  return { rows, total: toCount(total.count) }
}

export async function findDataRequest(db: Db, organizationIds: string[], id: string) {
  if (organizationIds.length === 0) return undefined
  return selectRequests(db).where('r.organizationId', 'in', organizationIds).where('r.id', '=', id).executeTakeFirst()
}

export async function insertDataRequest(db: Db, row: Database['dataRequest']) {
  await db.insertInto('dataRequest').values(row).execute()
}

/** Closes an open request; false when it was closed already (by someone else meanwhile). */
export async function closeDataRequest(
  db: Db,
  id: string,
  close: { handledBy: string; handledAt: Timestamp; outcome: string; response: string | null; details: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('dataRequest')
    .set({ status: 'closed', ...close })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** The open requests of the register of these organisations, and those past their deadline (before `today`). */
export async function countOpenRequests(db: Db, organizationIds: string[], today: string) {
  if (organizationIds.length === 0) return { open: 0, overdue: 0 }
  const row = await db
    .selectFrom('dataRequest')
    .where('organizationId', 'in', organizationIds)
    .where('status', '=', 'open')
    .select((eb) => [
      eb.fn.countAll().as('open'),
      eb.fn.sum<number | string | null>(eb.case().when('dueOn', '<', today).then(1).else(0).end()).as('overdue'),
    ])
    .executeTakeFirstOrThrow()
  return { open: toCount(row.open), overdue: toCount(row.overdue ?? 0) }
}

/**
 * The request of the register open about the household in one of the organisations (the oldest received), or
 * undefined: what lets the DPO read the household's dossier, record and timeline.
 */
export async function findOpenRequestId(
  db: Db,
  organizationIds: string[],
  householdId: string,
): Promise<string | undefined> {
  if (organizationIds.length === 0) return undefined
  const row = await db
    .selectFrom('dataRequest')
    .select('id')
    .where('organizationId', 'in', organizationIds)
    .where('householdId', '=', householdId)
    .where('status', '=', 'open')
    .orderBy('receivedOn')
    .orderBy('id')
    .executeTakeFirst()
  return row?.id
}

export async function findHouseholdByRef(db: Db, organizationId: string, externalRef: string) {
  return db
    .selectFrom('household')
    .select(['id', 'externalRef', 'organizationId'])
    .where('organizationId', '=', organizationId)
    .where('externalRef', '=', externalRef.trim())
    .executeTakeFirst()
}

export async function findHouseholdIn(db: Db, organizationIds: string[], householdId: string) {
  if (organizationIds.length === 0) return undefined
  return db
    .selectFrom('household')
    .selectAll()
    .where('organizationId', 'in', organizationIds)
    .where('id', '=', householdId)
    .executeTakeFirst()
}

export async function updateHouseholdFields(db: Db, householdId: string, changes: Partial<Database['household']>) {
  await db.updateTable('household').set(changes).where('id', '=', householdId).execute()
}

/**
 * The leaseholder's occupant row, rectified with the household: the import writes the household's names and birth
 * date from the same cells, so they are one value held twice.
 */
export async function updateLeaseholderMember(
  db: Db,
  householdId: string,
  changes: Partial<Pick<Database['member'], 'lastName' | 'firstName' | 'birthDate'>>,
) {
  await db
    .updateTable('member')
    .set(changes)
    .where('householdId', '=', householdId)
    .where('isLeaseholder', '=', 1)
    .execute()
}

/** The occupants' birth dates: the oldest occupant's is derived from them. */
export async function listMemberBirthDates(db: Db, householdId: string) {
  return db.selectFrom('member').select('birthDate').where('householdId', '=', householdId).execute()
}
