import type { Db } from '../../db/database.js'

/** The user's sessions still within their absolute lifetime, most recently used first. */
export async function listSessionsOfUser(db: Db, userId: string, now: string) {
  return db
    .selectFrom('session')
    .leftJoin('ssoSession', 'ssoSession.sessionId', 'session.id')
    .leftJoin('organization', 'organization.id', 'ssoSession.organizationId')
    .select([
      'session.id',
      'session.createdAt',
      'session.lastSeenAt',
      'session.userAgent',
      'organization.name as openedThrough',
    ])
    .where('session.userId', '=', userId)
    .where('session.expiresAt', '>', now)
    .orderBy('session.lastSeenAt', 'desc')
    .execute()
}

export type TokenPurpose = 'invitation' | 'password_reset'

/** Saves a link's token (its hash) for the user; earlier unused links of the same purpose stop working. */
export async function insertAccountToken(
  db: Db,
  token: {
    id: string
    userId: string
    purpose: TokenPurpose
    now: string
    expiresAt: string
    createdBy: string | null
  },
) {
  await db
    .updateTable('accountToken')
    .set({ usedAt: token.now })
    .where('userId', '=', token.userId)
    .where('purpose', '=', token.purpose)
    .where('usedAt', 'is', null)
    .execute()
  await db
    .insertInto('accountToken')
    .values({
      id: token.id,
      userId: token.userId,
      purpose: token.purpose,
      createdAt: token.now,
      expiresAt: token.expiresAt,
      usedAt: null,
      createdBy: token.createdBy,
    })
    .execute()
}

/** A link's token with its account, whatever its state (the caller says why it no longer works). */
export async function findAccountToken(db: Db, id: string) {
  return db
    .selectFrom('accountToken')
    .innerJoin('user', 'user.id', 'accountToken.userId')
    .select([
      'accountToken.id',
      'accountToken.purpose',
      'accountToken.expiresAt',
      'accountToken.usedAt',
      'user.id as userId',
      'user.email',
      'user.name',
      'user.isActive',
    ])
    .where('accountToken.id', '=', id)
    .executeTakeFirst()
}

/** Uses the token once: false when another request used it first. */
export async function useAccountToken(db: Db, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('accountToken')
    .set({ usedAt: now })
    .where('id', '=', id)
    .where('usedAt', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Ends every session of the user but `keep` (a password changed or reset); the caller announces it. */
export async function deleteSessionsOfUser(db: Db, userId: string, keep?: string) {
  let query = db.deleteFrom('session').where('userId', '=', userId)
  if (keep) query = query.where('id', '!=', keep)
  await query.execute()
}

export async function findPasswordHash(db: Db, userId: string) {
  const row = await db.selectFrom('user').select('passwordHash').where('id', '=', userId).executeTakeFirst()
  return row?.passwordHash
}
