import type { Db } from '../../db/database.js'
import type { Timestamp } from '../../db/time.js'

export async function findMfa(db: Db, userId: string) {
  return db
    .selectFrom('userMfa')
    .select(['secret', 'createdAt', 'enabledAt', 'lastUsedStep'])
    .where('userId', '=', userId)
    .executeTakeFirst()
}

/** Saves a secret being enrolled; never replaces a confirmed one (false then). */
export async function savePendingSecret(db: Db, input: { userId: string; secret: string; now: Timestamp }) {
  const result = await db
    .insertInto('userMfa')
    .values({ userId: input.userId, secret: input.secret, createdAt: input.now, enabledAt: null, lastUsedStep: null })
    .onConflict((conflict) =>
      conflict
        .column('userId')
        .doUpdateSet({ secret: input.secret, createdAt: input.now, lastUsedStep: null })
        .where('userMfa.enabledAt', 'is', null),
    )
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1
}

/** Confirms the secret being enrolled with the step of its first code: false when it was confirmed already. */
export async function enableMfa(db: Db, input: { userId: string; now: Timestamp; step: number }) {
  const result = await db
    .updateTable('userMfa')
    .set({ enabledAt: input.now, lastUsedStep: input.step })
    .where('userId', '=', input.userId)
    .where('enabledAt', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/**
 * Records that a code of `step` was accepted, only if no code of that step or a later one was: false for a code used
 * already (or an older one), whichever of two concurrent uses comes second.
 */
export async function spendStep(db: Db, userId: string, step: number) {
  const result = await db
    .updateTable('userMfa')
    .set({ lastUsedStep: step })
    .where('userId', '=', userId)
    .where('enabledAt', 'is not', null)
    .where((eb) => eb.or([eb('lastUsedStep', 'is', null), eb('lastUsedStep', '<', step)]))
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function replaceRecoveryCodes(db: Db, input: { userId: string; hashes: string[]; now: Timestamp }) {
  await db.deleteFrom('mfaRecoveryCode').where('userId', '=', input.userId).execute()
  await db
    .insertInto('mfaRecoveryCode')
    .values(input.hashes.map((codeHash) => ({ codeHash, userId: input.userId, createdAt: input.now, usedAt: null })))
    .execute()
}

/** Spends one recovery code of the user: false when it is not theirs or was used already. */
export async function spendRecoveryCode(db: Db, input: { userId: string; codeHash: string; now: Timestamp }) {
  const result = await db
    .updateTable('mfaRecoveryCode')
    .set({ usedAt: input.now })
    .where('codeHash', '=', input.codeHash)
    .where('userId', '=', input.userId)
    .where('usedAt', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function countRecoveryCodesLeft(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('mfaRecoveryCode')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('userId', '=', userId)
    .where('usedAt', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

/** Removes the user's second factor, recovery codes and pending sign-ins. */
export async function deleteMfa(db: Db, userId: string) {
  await db.deleteFrom('mfaChallenge').where('userId', '=', userId).execute()
  await db.deleteFrom('mfaRecoveryCode').where('userId', '=', userId).execute()
  const result = await db.deleteFrom('userMfa').where('userId', '=', userId).executeTakeFirst()
  return Number(result.numDeletedRows) === 1
}

export async function insertChallenge(
  db: Db,
  challenge: { id: string; userId: string; purpose: 'verify' | 'enrol'; now: Timestamp; expiresAt: Timestamp },
) {
  // One pending sign-in per account: a new password check replaces the previous one.
  await db.deleteFrom('mfaChallenge').where('userId', '=', challenge.userId).execute()
  await db
    .insertInto('mfaChallenge')
    .values({
      id: challenge.id,
      userId: challenge.userId,
      purpose: challenge.purpose,
      createdAt: challenge.now,
      expiresAt: challenge.expiresAt,
    })
    .execute()
}

/** A pending sign-in with its account. */
export async function findChallenge(db: Db, id: string) {
  return db
    .selectFrom('mfaChallenge')
    .innerJoin('user', 'user.id', 'mfaChallenge.userId')
    .select([
      'mfaChallenge.id',
      'mfaChallenge.purpose',
      'mfaChallenge.expiresAt',
      'mfaChallenge.failures',
      'user.id as userId',
      'user.email',
      'user.name',
      'user.locale',
      'user.isActive',
    ])
    .where('mfaChallenge.id', '=', id)
    .executeTakeFirst()
}

/** Counts one wrong code against the pending sign-in; answers the failures so far. */
export async function countChallengeFailure(db: Db, id: string): Promise<number> {
  const row = await db
    .updateTable('mfaChallenge')
    .set((eb) => ({ failures: eb('failures', '+', 1) }))
    .where('id', '=', id)
    .returning('failures')
    .executeTakeFirst()
  return row?.failures ?? Number.POSITIVE_INFINITY
}

/** Ends a pending sign-in: false when another request ended it first. */
export async function deleteChallenge(db: Db, id: string) {
  const result = await db.deleteFrom('mfaChallenge').where('id', '=', id).executeTakeFirst()
  return Number(result.numDeletedRows) === 1
}

export async function deleteExpiredChallenges(db: Db, now: Timestamp) {
  await db.deleteFrom('mfaChallenge').where('expiresAt', '<=', now).execute()
}
