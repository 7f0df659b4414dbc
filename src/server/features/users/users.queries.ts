import { randomUUID } from 'node:crypto'
import type { MembershipSignIn } from '../../../shared/contracts/users.js'
import type { Role } from '../../../shared/roles.js'
import { announce } from '../../db/broadcast.js'
import type { Db } from '../../db/database.js'
import { nowTimestamp } from '../../db/time.js'
import { isBoundToProvider } from '../sso/sso.queries.js'

/** The account with this email address (stored trimmed and in lower case), with what signing in checks. */
export async function findUserByEmail(db: Db, email: string) {
  return db
    .selectFrom('user')
    .select(['id', 'email', 'name', 'locale', 'passwordHash', 'isActive'])
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst()
}

export async function insertUser(db: Db, user: { email: string; name: string; passwordHash: string; locale?: string }) {
  const row = {
    id: randomUUID(),
    email: user.email,
    name: user.name,
    passwordHash: user.passwordHash,
    isActive: 1,
    locale: user.locale ?? 'fr',
    createdAt: nowTimestamp(),
    lastLoginAt: null,
  }
  await db.insertInto('user').values(row).execute()
  return row
}

export async function updatePasswordHash(db: Db, userId: string, passwordHash: string) {
  await db.updateTable('user').set({ passwordHash }).where('id', '=', userId).execute()
  await announce(db, { topic: 'sessions', userId })
}

/** The networks in which the user holds at least one membership. */
export async function listNetworkIdsOfUser(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('membership')
    .innerJoin('organization', 'organization.id', 'membership.organizationId')
    .select('organization.networkId')
    .distinct()
    .where('membership.userId', '=', userId)
    .execute()
  return rows.map((row) => row.networkId)
}

/** Gives the user this role in the organisation, replacing any role they had there. */
export async function upsertMembership(db: Db, membership: { userId: string; organizationId: string; role: string }) {
  await db
    .insertInto('membership')
    .values({ id: randomUUID(), ...membership, createdAt: nowTimestamp() })
    .onConflict((oc) => oc.columns(['userId', 'organizationId']).doUpdateSet({ role: membership.role }))
    .execute()
  // What the user may reach has changed: their sessions are read again, on every instance.
  await announce(db, { topic: 'sessions', userId: membership.userId })
}

/**
 * Holds the account's row until the transaction ends, so that changes of its memberships made under this lock run one
 * after the other, each reading what the one before committed: under PostgreSQL's READ COMMITTED two removals would
 * otherwise each still see the other's membership (docs/decisions.md « Removing a membership »), a removal would not see
 * a membership being given and disable the account that gets it, and enabling an account would not see its last
 * membership being removed. What was read before taking it must be read again. SQLite needs none: the
 * app's one connection runs one transaction at a time, and a transaction whose read another writer has outdated since
 * cannot write.
 */
export async function lockUser(db: Db, userId: string) {
  if (db.engine !== 'postgres') return
  // NO KEY UPDATE: rows referring to the account (sessions, audit events) can still be written meanwhile.
  await db.selectFrom('user').select('id').where('id', '=', userId).forNoKeyUpdate().execute()
}

/** The memberships of one account, with each organisation's code and network (the rules of removal need both). */
export async function listMembershipsOfUser(db: Db, userId: string) {
  return db
    .selectFrom('membership')
    .innerJoin('organization', 'organization.id', 'membership.organizationId')
    .select([
      'membership.organizationId',
      'organization.code as organizationCode',
      'organization.networkId',
      'membership.role',
    ])
    .where('membership.userId', '=', userId)
    .execute()
}

/**
 * Takes the user out of the organisation. What they may reach has changed: their sessions are read again, on every
 * instance (announced; on PostgreSQL delivered when `db`'s transaction commits).
 */
export async function deleteMembership(db: Db, membership: { userId: string; organizationId: string }) {
  await db
    .deleteFrom('membership')
    .where('userId', '=', membership.userId)
    .where('organizationId', '=', membership.organizationId)
    .execute()
  await announce(db, { topic: 'sessions', userId: membership.userId })
}

/**
 * Users holding at least one membership in an organisation of these networks, with those memberships, and whether
 * they also hold one in a network outside them (`isInOtherNetwork`, without saying which).
 */
export async function listUsersOfNetworks(db: Db, networkIds: string[]) {
  if (networkIds.length === 0) return []
  const rows = await db
    .selectFrom('membership')
    .innerJoin('user', 'user.id', 'membership.userId')
    .innerJoin('organization', 'organization.id', 'membership.organizationId')
    .leftJoin('userMfa', 'userMfa.userId', 'user.id')
    .select([
      'user.id',
      'user.email',
      'user.name',
      'user.isActive',
      'user.lastLoginAt',
      'userMfa.enabledAt as secondFactorEnabledAt',
      'organization.code as organizationCode',
      'organization.name as organizationName',
      'membership.role',
      (eb) => isBoundToProvider(eb).as('isBound'),
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom('organizationSso')
              .select('organizationSso.organizationId')
              .whereRef('organizationSso.organizationId', '=', 'membership.organizationId')
              .where('organizationSso.isEnabled', '=', 1)
              .where('organizationSso.requireSso', '=', 1),
          )
          .as('isSsoRequired'),
    ])
    .where('organization.networkId', 'in', networkIds)
    .orderBy('user.name')
    .execute()
  const users = new Map<
    string,
    {
      id: string
      email: string
      name: string
      isActive: boolean
      lastLoginAt: string | null
      hasSecondFactor: boolean
      isInOtherNetwork: boolean
      memberships: { organization: { code: string; name: string }; role: Role; signIn: MembershipSignIn }[]
    }
  >()
  for (const row of rows) {
    const user = users.get(row.id) ?? {
      id: row.id,
      email: row.email,
      name: row.name,
      isActive: row.isActive === 1,
      lastLoginAt: row.lastLoginAt,
      hasSecondFactor: row.secondFactorEnabledAt !== null,
      isInOtherNetwork: false,
      memberships: [],
    }
    user.memberships.push({
      organization: { code: row.organizationCode, name: row.organizationName },
      // Memberships are written with a role of ROLES only (the API and the CLI check it).
      role: row.role as Role,
      // PostgreSQL answers booleans, SQLite 0 or 1.
      signIn: row.isBound ? 'provider' : row.isSsoRequired ? 'awaiting_provider' : 'password',
    })
    users.set(row.id, user)
  }
  if (users.size > 0) {
    // Asked for the listed accounts in one statement (every account of a network at once): those with a membership
    // in an organisation of a network outside the caller's.
    const elsewhere = await db
      .selectFrom('membership')
      .innerJoin('organization', 'organization.id', 'membership.organizationId')
      .select('membership.userId')
      .distinct()
      .where('organization.networkId', 'not in', networkIds)
      .where('membership.userId', 'in', (eb) =>
        eb
          .selectFrom('membership as listed')
          .innerJoin('organization as listedOrganization', 'listedOrganization.id', 'listed.organizationId')
          .select('listed.userId')
          .where('listedOrganization.networkId', 'in', networkIds),
      )
      .execute()
    for (const row of elsewhere) {
      const user = users.get(row.userId)
      if (user) user.isInOtherNetwork = true
    }
  }
  return [...users.values()]
}

/** Emails of the people of an organisation holding one of the roles (active accounts only). */
export async function emailsOfMembers(db: Db, organizationId: string, roles: readonly string[]) {
  const rows = await db
    .selectFrom('membership')
    .innerJoin('user', 'user.id', 'membership.userId')
    .select('user.email')
    .where('membership.organizationId', '=', organizationId)
    .where('membership.role', 'in', roles)
    .where('user.isActive', '=', 1)
    .execute()
  return rows.map((row) => row.email)
}

/** Those of these users who hold one of the roles in the organisation (active or not: the roles decide). */
export async function listMembersWithRole(
  db: Db,
  organizationId: string,
  roles: readonly string[],
  userIds: readonly string[],
) {
  if (userIds.length === 0 || roles.length === 0) return []
  const rows = await db
    .selectFrom('membership')
    .select('userId')
    .where('organizationId', '=', organizationId)
    .where('role', 'in', [...roles])
    .where('userId', 'in', [...userIds])
    .execute()
  return rows.map((row) => row.userId)
}

/**
 * Turns an account on or off. Turning it off deletes its sessions and announces it (db/broadcast.ts): on every
 * instance its next request is refused.
 */
export async function setUserActive(db: Db, userId: string, isActive: boolean) {
  await db
    .updateTable('user')
    .set({ isActive: isActive ? 1 : 0 })
    .where('id', '=', userId)
    .execute()
  if (!isActive) {
    await db.deleteFrom('session').where('userId', '=', userId).execute()
    await announce(db, { topic: 'sessions', userId })
  }
}
