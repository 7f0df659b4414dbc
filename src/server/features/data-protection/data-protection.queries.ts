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
