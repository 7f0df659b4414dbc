import { announce } from '../../db/broadcast.js'
import type { Db } from '../../db/database.js'
import type { OrganizationType } from '../../db/schema.js'
import type { Timestamp } from '../../db/time.js'
import { isBoundToProvider } from '../sso/sso.queries.js'

export interface MembershipView {
  organizationId: string
  organizationCode: string
  organizationName: string
  organizationType: OrganizationType
  networkId: string
  role: string
}

export async function listMemberships(db: Db, userId: string): Promise<MembershipView[]> {
  return (
    db
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
      // An organisation that requires its single sign-on opens to the accounts bound to its provider only: a session
      // opened with a password does not reach it (docs/decisions.md « Single sign-on required »).
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('organizationSso')
              .select('organizationSso.organizationId')
              .whereRef('organizationSso.organizationId', '=', 'membership.organizationId')
              .where('organizationSso.isEnabled', '=', 1)
              .where('organizationSso.requireSso', '=', 1)
              .where((inner) => inner.not(isBoundToProvider(inner))),
          ),
        ),
      )
      .orderBy('organization.name')
      .execute()
  )
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

/**
 * Sessions past their absolute end, which nothing can use again: deleted (their sso_session rows go with them), so
 * that the address and browser they were opened from are kept no longer than the session. Counted only when
 * `dryRun`. Returns how many. On PostgreSQL the purge's long transaction skips a row another transaction holds (an
 * account's sessions being ended) rather than wait for it in an order of its own, which could deadlock and undo the
 * whole purge: a row skipped goes at the next purge.
 */
export async function purgeLapsedSessions(db: Db, now: Timestamp, dryRun: boolean): Promise<number> {
  if (dryRun) {
    const row = await db
      .selectFrom('session')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('expiresAt', '<=', now)
      .executeTakeFirstOrThrow()
    return Number(row.count)
  }
  const result = await db
    .deleteFrom('session')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('session')
        .select('session.id')
        .where('session.expiresAt', '<=', now)
        .$if(db.engine === 'postgres', (query) => query.forUpdate().skipLocked()),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Ends one session, on every instance at once (db/broadcast.ts). */
export async function deleteSession(db: Db, sessionId: string) {
  await db.deleteFrom('session').where('id', '=', sessionId).execute()
  await announce(db, { topic: 'sessions', sessionId })
}

export async function recordLogin(db: Db, userId: string, now: Timestamp) {
  await db.updateTable('user').set({ lastLoginAt: now }).where('id', '=', userId).execute()
}

/**
 * Counts one more sign-in attempt under `key` if its window still has room, in one statement: the row is locked by
 * the upsert (PostgreSQL) or the single writer (SQLite), so concurrent attempts are counted one after the other and
 * never all pass on a stale count. A window that started at or before `since` has lapsed and starts again with this
 * attempt. Answers the count and the window, or nothing when the window is full (`maxAttempts` reached).
 */
export async function reserveLoginAttempt(
  db: Db,
  attempt: { key: string; now: Timestamp; since: Timestamp; maxAttempts?: number },
): Promise<{ attempts: number; windowStartedAt: Timestamp } | undefined> {
  const { key, now, since, maxAttempts } = attempt
  return db
    .insertInto('loginThrottle')
    .values({ key, windowStartedAt: now, attempts: 1 })
    .onConflict((conflict) => {
      const update = conflict.column('key').doUpdateSet((eb) => ({
        attempts: eb
          .case()
          .when('loginThrottle.windowStartedAt', '<=', since)
          .then(eb.lit(1))
          .else(eb('loginThrottle.attempts', '+', eb.lit(1)))
          .end(),
        windowStartedAt: eb
          .case()
          .when('loginThrottle.windowStartedAt', '<=', since)
          .then(now)
          .else(eb.ref('loginThrottle.windowStartedAt'))
          .end(),
      }))
      if (maxAttempts === undefined) return update
      return update.where((eb) =>
        eb.or([eb('loginThrottle.windowStartedAt', '<=', since), eb('loginThrottle.attempts', '<', maxAttempts)]),
      )
    })
    .returning(['attempts', 'windowStartedAt'])
    .executeTakeFirst()
}

/** When the current window of `key` started (to say how long a refusal lasts). */
export async function findLoginWindowStart(db: Db, key: string): Promise<Timestamp | undefined> {
  const row = await db.selectFrom('loginThrottle').select('windowStartedAt').where('key', '=', key).executeTakeFirst()
  return row?.windowStartedAt
}

/** Gives back one attempt counted in this window (one that succeeded, or was refused by another limit). */
export async function releaseLoginAttempt(db: Db, key: string, windowStartedAt: Timestamp) {
  await db
    .updateTable('loginThrottle')
    .set((eb) => ({ attempts: eb('attempts', '-', 1) }))
    .where('key', '=', key)
    .where('windowStartedAt', '=', windowStartedAt)
    .where('attempts', '>', 0)
    .execute()
}

/** Forgets the count of `key` (a pair whose account owner has just signed in). */
export async function clearLoginAttempts(db: Db, key: string) {
  await db.deleteFrom('loginThrottle').where('key', '=', key).execute()
}

/** Deletes the counts whose window has lapsed. */
export async function deleteLapsedLoginWindows(db: Db, since: Timestamp) {
  await db.deleteFrom('loginThrottle').where('windowStartedAt', '<=', since).execute()
}
