import type { Db } from '../../db/database.js'

/** The user's sessions still within their absolute lifetime, most recently used first. */
export async function listSessionsOfUser(db: Db, userId: string, now: string) {
  return db
    .selectFrom('session')
    .select(['id', 'createdAt', 'lastSeenAt', 'userAgent'])
    .where('userId', '=', userId)
    .where('expiresAt', '>', now)
    .orderBy('lastSeenAt', 'desc')
    .execute()
}
