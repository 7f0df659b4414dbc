import type { Db } from '../../db/database.js'
import type { OrganizationType } from '../../db/schema.js'
import type { Timestamp } from '../../db/time.js'
import { toCount } from '../../db/time.js'
import { forgetSessions } from '../../http/session-cache.js'

export interface MembershipView {
  organizationId: string
  organizationCode: string
  organizationName: string
  organizationType: OrganizationType
  networkId: string
  role: string
}

export async function listMemberships(db: Db, userId: string): Promise<MembershipView[]> {
  return db
    .selectFrom('membership')
    .innerJoin('organization', 'organization.id', 'membership.organizationId')
    .select([
      'membership.organizationId',
      'organization.code as organizationCode',
      'organization.name as organizationName',
      'organization.type as organizationType',
      'organization.networkId',
      'membership.role',
    ])
    .where('membership.userId', '=', userId)
    .orderBy('organization.name')
    .execute()
}

export async function createSession(
  db: Db,
  session: {
    id: string
    userId: string
    now: Timestamp
    expiresAt: Timestamp
    ip: string | null
    userAgent: string | null
  },
) {
  await db
    .insertInto('session')
    .values({
      id: session.id,
      userId: session.userId,
      createdAt: session.now,
      lastSeenAt: session.now,
      expiresAt: session.expiresAt,
      ip: session.ip,
      userAgent: session.userAgent,
    })
    .execute()
}

export async function findSessionWithUser(db: Db, sessionId: string) {
  return db
    .selectFrom('session')
    .innerJoin('user', 'user.id', 'session.userId')
    .select([
      'session.id as sessionId',
      'session.lastSeenAt',
      'session.expiresAt',
      'user.id',
      'user.email',
      'user.name',
      'user.locale',
      'user.isActive',
    ])
    .where('session.id', '=', sessionId)
    .executeTakeFirst()
}

export async function touchSession(db: Db, sessionId: string, now: Timestamp) {
  await db.updateTable('session').set({ lastSeenAt: now }).where('id', '=', sessionId).execute()
}

export async function deleteSession(db: Db, sessionId: string) {
  forgetSessions(sessionId)
  await db.deleteFrom('session').where('id', '=', sessionId).execute()
}

export async function recordLogin(db: Db, userId: string, now: Timestamp) {
  await db.updateTable('user').set({ lastLoginAt: now }).where('id', '=', userId).execute()
}

/** Failed logins for this address or from this network address since `since`, read from the audit log. */
export async function countRecentLoginFailures(db: Db, email: string, ip: string, since: Timestamp) {
  const row = await db
    .selectFrom('auditEvent')
    .select((eb) => [
      eb.fn.sum<number>(eb.case().when('actorEmail', '=', email).then(1).else(0).end()).as('byAccount'),
      eb.fn.sum<number>(eb.case().when('ip', '=', ip).then(1).else(0).end()).as('byAddress'),
    ])
    .where('action', '=', 'auth.login_failed')
    .where('at', '>', since)
    .where((eb) => eb.or([eb('actorEmail', '=', email), eb('ip', '=', ip)]))
    .executeTakeFirst()
  return { byAccount: toCount(row?.byAccount), byAddress: toCount(row?.byAddress) }
}

/** The oldest failure still inside the window: the 429 lasts until it leaves the window. */
export async function oldestRecentLoginFailure(db: Db, email: string, ip: string, since: Timestamp) {
  const row = await db
    .selectFrom('auditEvent')
    .select((eb) => eb.fn.min('at').as('oldest'))
    .where('action', '=', 'auth.login_failed')
    .where('at', '>', since)
    .where((eb) => eb.or([eb('actorEmail', '=', email), eb('ip', '=', ip)]))
    .executeTakeFirst()
  return (row?.oldest as string | null) ?? null
}
