import { randomUUID } from 'node:crypto'
import type { ExpressionBuilder } from 'kysely'
import type { RoleMappingLine, SsoProvisioning } from '../../../shared/contracts/sso.js'
import { announce } from '../../db/broadcast.js'
import type { Db } from '../../db/database.js'
import type { Database } from '../../db/schema.js'
import type { Timestamp } from '../../db/time.js'

export interface StoredSsoSettings {
  organizationId: string
  isEnabled: boolean
  issuer: string
  clientId: string
  clientSecretEncrypted: string
  scopes: string
  groupsClaim: string
  roleMapping: RoleMappingLine[]
  provisioning: SsoProvisioning
  requireSso: boolean
  updatedAt: Timestamp
}

export async function findSsoSettings(db: Db, organizationId: string): Promise<StoredSsoSettings | undefined> {
  const row = await db
    .selectFrom('organizationSso')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .executeTakeFirst()
  if (!row) return undefined
  return {
    organizationId: row.organizationId,
    isEnabled: row.isEnabled === 1,
    issuer: row.issuer,
    clientId: row.clientId,
    clientSecretEncrypted: row.clientSecretEncrypted,
    scopes: row.scopes,
    groupsClaim: row.groupsClaim,
    // Written by saveSsoSettings only, from a body the contract checked.
    roleMapping: JSON.parse(row.roleMapping) as RoleMappingLine[],
    provisioning: row.provisioning as SsoProvisioning,
    requireSso: row.requireSso === 1,
    updatedAt: row.updatedAt,
  }
}

export async function saveSsoSettings(
  db: Db,
  settings: Omit<StoredSsoSettings, 'updatedAt' | 'requireSso'> & {
    /** Off when left out. */
    requireSso?: boolean
    updatedAt: Timestamp
    updatedBy: string
  },
) {
  const values = {
    isEnabled: settings.isEnabled ? 1 : 0,
    issuer: settings.issuer,
    clientId: settings.clientId,
    clientSecretEncrypted: settings.clientSecretEncrypted,
    scopes: settings.scopes,
    groupsClaim: settings.groupsClaim,
    roleMapping: JSON.stringify(settings.roleMapping),
    provisioning: settings.provisioning,
    requireSso: settings.requireSso ? 1 : 0,
    updatedAt: settings.updatedAt,
    updatedBy: settings.updatedBy,
  }
  await db
    .insertInto('organizationSso')
    .values({ organizationId: settings.organizationId, ...values })
    .onConflict((conflict) => conflict.column('organizationId').doUpdateSet(values))
    .execute()
}

/** The organisations whose people may sign in through their provider. */
export async function listSsoOrganizations(db: Db) {
  return db
    .selectFrom('organizationSso')
    .innerJoin('organization', 'organization.id', 'organizationSso.organizationId')
    .select(['organization.code', 'organization.name'])
    .where('organizationSso.isEnabled', '=', 1)
    .orderBy('organization.name')
    .execute()
}

export async function createSsoAttempt(
  db: Db,
  attempt: {
    id: string
    organizationId: string
    state: string
    nonce: string
    codeVerifier: string
    redirectUri: string
    createdAt: Timestamp
    expiresAt: Timestamp
  },
) {
  // Attempts never finished (the person closed the tab) go when a later one starts.
  await db.deleteFrom('ssoAttempt').where('expiresAt', '<=', attempt.createdAt).execute()
  await db.insertInto('ssoAttempt').values(attempt).execute()
}

/** Takes the attempt out (used once, whatever comes of it): answers it, or nothing when there is none. */
export async function takeSsoAttempt(db: Db, id: string) {
  const attempt = await db.selectFrom('ssoAttempt').selectAll().where('id', '=', id).executeTakeFirst()
  if (!attempt) return undefined
  // The DELETE decides between two returns of the same attempt: only one of them removes the row.
  const deleted = await db.deleteFrom('ssoAttempt').where('id', '=', id).executeTakeFirst()
  return Number(deleted.numDeletedRows) === 1 ? attempt : undefined
}

export async function findUserBySsoIdentity(db: Db, organizationId: string, subject: string) {
  return db
    .selectFrom('ssoIdentity')
    .innerJoin('user', 'user.id', 'ssoIdentity.userId')
    .select(['user.id', 'user.email', 'user.name', 'user.isActive', 'ssoIdentity.id as identityId'])
    .where('ssoIdentity.organizationId', '=', organizationId)
    .where('ssoIdentity.subject', '=', subject)
    .executeTakeFirst()
}

export async function linkSsoIdentity(
  db: Db,
  identity: { organizationId: string; subject: string; userId: string; now: Timestamp },
) {
  await db
    .insertInto('ssoIdentity')
    .values({
      id: randomUUID(),
      organizationId: identity.organizationId,
      subject: identity.subject,
      userId: identity.userId,
      createdAt: identity.now,
      lastSignInAt: identity.now,
    })
    .execute()
}

export async function touchSsoIdentity(db: Db, identityId: string, now: Timestamp) {
  await db.updateTable('ssoIdentity').set({ lastSignInAt: now }).where('id', '=', identityId).execute()
}

/**
 * The organisations whose provider the account signs in through (its SSO identities), with whether that provider is
 * on now; empty for an account that signs in with a password.
 */
export async function listProviderSignInsOfUser(db: Db, userId: string) {
  const rows = await db
    .selectFrom('ssoIdentity')
    .innerJoin('organization', 'organization.id', 'ssoIdentity.organizationId')
    .leftJoin('organizationSso', 'organizationSso.organizationId', 'ssoIdentity.organizationId')
    .select(['organization.name as organizationName', 'organizationSso.isEnabled'])
    .where('ssoIdentity.userId', '=', userId)
    .orderBy('organization.name')
    .execute()
  return rows.map((row) => ({ organizationName: row.organizationName, isEnabled: row.isEnabled === 1 }))
}

/**
 * Whether the membership's account is bound to the membership's organisation's provider (has an identity there): a
 * condition on `membership` for the queries that tell password accounts from bound ones.
 */
export function isBoundToProvider(eb: ExpressionBuilder<Database, 'membership'>) {
  return eb.exists(
    eb
      .selectFrom('ssoIdentity')
      .select('ssoIdentity.userId')
      .whereRef('ssoIdentity.userId', '=', 'membership.userId')
      .whereRef('ssoIdentity.organizationId', '=', 'membership.organizationId'),
  )
}

/**
 * The organisation's active accounts that sign in with a password (no identity at its provider), each with whether it
 * also has a membership in another organisation.
 */
export async function listPasswordMembers(db: Db, organizationId: string) {
  const rows = await db
    .selectFrom('membership')
    .innerJoin('user', 'user.id', 'membership.userId')
    .select((eb) => [
      'membership.userId',
      eb
        .exists(
          eb
            .selectFrom('membership as other')
            .select('other.userId')
            .whereRef('other.userId', '=', 'membership.userId')
            .where('other.organizationId', '<>', organizationId),
        )
        .as('isAlsoElsewhere'),
    ])
    .where('membership.organizationId', '=', organizationId)
    .where('user.isActive', '=', 1)
    .where((eb) => eb.not(isBoundToProvider(eb)))
    .execute()
  // PostgreSQL answers a boolean, SQLite 0 or 1.
  return rows.map((row) => ({ userId: row.userId, isAlsoElsewhere: Boolean(row.isAlsoElsewhere) }))
}

/**
 * The organisations of this account that require their single sign-on (on and required) without the account being
 * bound to their provider: memberships a password does not open (auth.queries' listMemberships leaves them out).
 */
export async function listRequiredSsoOrganizationsOfUser(db: Db, userId: string) {
  const rows = await db
    .selectFrom('membership')
    .innerJoin('organizationSso', 'organizationSso.organizationId', 'membership.organizationId')
    .innerJoin('organization', 'organization.id', 'membership.organizationId')
    .select('organization.name as organizationName')
    .where('membership.userId', '=', userId)
    .where('organizationSso.isEnabled', '=', 1)
    .where('organizationSso.requireSso', '=', 1)
    .where((eb) => eb.not(isBoundToProvider(eb)))
    .orderBy('organization.name')
    .execute()
  return rows.map((row) => row.organizationName)
}

/** The name the provider gives the person, taken at each sign-in. */
export async function renameUser(db: Db, userId: string, name: string) {
  await db.updateTable('user').set({ name }).where('id', '=', userId).execute()
}

/** Ends every session of the account, on every instance at once (db/broadcast.ts). */
export async function endSessionsOfUser(db: Db, userId: string) {
  await db.deleteFrom('session').where('userId', '=', userId).execute()
  await announce(db, { topic: 'sessions', userId })
}

/** Ends every session of these accounts; announced by the caller once its transaction has committed. */
export async function deleteSessionsOfUsers(db: Db, userIds: string[]) {
  for (let start = 0; start < userIds.length; start += 500) {
    await db
      .deleteFrom('session')
      .where('userId', 'in', userIds.slice(start, start + 500))
      .execute()
  }
}

/**
 * Keeps, for a session a provider opened, who the person is there and the provider's own session (for its
 * back-channel logout), and the refresh token when it gave one (the provider is asked again while it lasts,
 * sso.recheck.ts).
 */
export async function insertSsoSession(
  db: Db,
  row: {
    sessionId: string
    organizationId: string
    subject: string
    providerSessionId: string | null
    refreshTokenEncrypted: string | null
    checkedAt: Timestamp
  },
) {
  await db.insertInto('ssoSession').values(row).execute()
}

/**
 * The sessions here that a provider's back-channel logout ends (Back-Channel Logout 1.0 § 2.7). With the provider's
 * session (`sid`): the sessions it opened, of `subject` when the token names one too, and, for the person of
 * `userId`, those whose provider session is not known (opened before it was kept, or by a sign-in whose ID token gave
 * none): nothing shows they belong to another one. With the person only: all of that person's sessions. Never a
 * session another organisation's provider opened: this provider speaks for its own.
 */
export async function listSessionsEndedByLogout(
  db: Db,
  input: { organizationId: string; providerSessionId: string | null; subject: string | null; userId: string | null },
): Promise<{ sessionId: string; userId: string }[]> {
  const { organizationId, providerSessionId, subject, userId } = input
  const found = new Map<string, string>()
  if (providerSessionId !== null) {
    const rows = await db
      .selectFrom('ssoSession')
      .innerJoin('session', 'session.id', 'ssoSession.sessionId')
      .select(['session.id as sessionId', 'session.userId'])
      .where('ssoSession.organizationId', '=', organizationId)
      .where('ssoSession.providerSessionId', '=', providerSessionId)
      .$if(subject !== null, (query) => query.where('ssoSession.subject', '=', subject as string))
      .execute()
    for (const row of rows) found.set(row.sessionId, row.userId)
  }
  if (userId !== null) {
    const rows = await db
      .selectFrom('session')
      .leftJoin('ssoSession', 'ssoSession.sessionId', 'session.id')
      .select(['session.id as sessionId', 'session.userId'])
      .where('session.userId', '=', userId)
      .where((where) =>
        where.or([where('ssoSession.sessionId', 'is', null), where('ssoSession.organizationId', '=', organizationId)]),
      )
      .$if(providerSessionId !== null, (query) => query.where('ssoSession.providerSessionId', 'is', null))
      .execute()
    for (const row of rows) found.set(row.sessionId, row.userId)
  }
  return [...found].map(([sessionId, owner]) => ({ sessionId, userId: owner }))
}

/**
 * The sessions opened through a provider that were not checked since `checkedBefore`, least recently checked first,
 * leaving out those already past their end or their idle limit (nobody uses them; they are refused anyway).
 */
export async function listSsoSessionsDue(
  db: Db,
  input: { checkedBefore: Timestamp; now: Timestamp; seenSince: Timestamp; limit: number },
) {
  return db
    .selectFrom('ssoSession')
    .innerJoin('session', 'session.id', 'ssoSession.sessionId')
    .select([
      'ssoSession.sessionId',
      'ssoSession.organizationId',
      'ssoSession.subject',
      'ssoSession.refreshTokenEncrypted',
      'ssoSession.checkedAt',
      'session.userId',
    ])
    .where('ssoSession.refreshTokenEncrypted', 'is not', null)
    .where('ssoSession.checkedAt', '<=', input.checkedBefore)
    .where('session.expiresAt', '>', input.now)
    .where('session.lastSeenAt', '>', input.seenSince)
    .orderBy('ssoSession.checkedAt')
    .limit(input.limit)
    .$narrowType<{ refreshTokenEncrypted: string }>()
    .execute()
}

/**
 * Takes the session's check for this instance: true when this UPDATE moved `checkedAt` from the value read, false
 * when another instance (or round) did first. Providers rotate refresh tokens and refuse one used twice (some revoke
 * the whole grant then), so only the instance that claimed the row sends its token.
 */
export async function claimSsoSession(db: Db, sessionId: string, readCheckedAt: Timestamp, now: Timestamp) {
  const result = await db
    .updateTable('ssoSession')
    .set({ checkedAt: now })
    .where('sessionId', '=', sessionId)
    .where('checkedAt', '=', readCheckedAt)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Gives a claimed check back (the provider could not be reached): the next round tries again. */
export async function releaseSsoSession(db: Db, sessionId: string, claimedAt: Timestamp, readCheckedAt: Timestamp) {
  await db
    .updateTable('ssoSession')
    .set({ checkedAt: readCheckedAt })
    .where('sessionId', '=', sessionId)
    .where('checkedAt', '=', claimedAt)
    .execute()
}

/** The provider's new refresh token, which replaces the one it has just spent. */
export async function storeSsoRefreshToken(db: Db, sessionId: string, refreshTokenEncrypted: string) {
  await db.updateTable('ssoSession').set({ refreshTokenEncrypted }).where('sessionId', '=', sessionId).execute()
}

/**
 * Forgets the refresh tokens of sessions that have lapsed (past their end or idle too long) without being presented
 * again, which would have deleted them: a token must not outlive what it was kept for. Returns how many.
 */
export async function forgetLapsedSsoSessions(db: Db, input: { now: Timestamp; seenSince: Timestamp }) {
  const result = await db
    .deleteFrom('ssoSession')
    .where('sessionId', 'in', (eb) =>
      eb
        .selectFrom('session')
        .select('session.id')
        .where((where) =>
          where.or([where('session.expiresAt', '<=', input.now), where('session.lastSeenAt', '<=', input.seenSince)]),
        ),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Ends one session (its sso_session row goes with it), on every instance at once. */
export async function endSsoSession(db: Db, sessionId: string) {
  await db.deleteFrom('session').where('id', '=', sessionId).execute()
  await announce(db, { topic: 'sessions', sessionId })
}
