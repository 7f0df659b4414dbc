import type { UserConflictReason } from '../../../shared/contracts/users.js'
import type { Role } from '../../../shared/roles.js'
import { type Db, inTransaction } from '../../db/database.js'
import { AppError } from '../../http/errors.js'
import { forgetSessions } from '../../http/session-cache.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { assertAcceptablePassword } from '../auth/password-strength.js'
import { generatePassword, hashPassword } from '../auth/passwords.js'
import * as users from './users.queries.js'

export interface NewUser {
  email: string
  name: string
  organizationId: string
  role: Role
  /** When absent a password is generated and returned once (unless `invite`). */
  password?: string
  /** A new account gets no password: the person chooses one through an invitation's link (account.service.ts). */
  invite?: boolean
  locale?: string
  /**
   * The networks the caller administers. An address whose account has no membership in them is refused with a
   * neutral 409, and that account is neither described nor changed. Absent for the instance's operator (the CLI).
   */
  callerNetworkIds?: string[]
}

/** The password hash of an account whose owner has not chosen a password yet (invited): no password matches it. */
export const NO_PASSWORD = ''

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/**
 * Creates a user with one membership, or adds the membership to an existing user with that email when the caller's
 * networks already hold that user (see `callerNetworkIds`). A chosen password must be acceptable (password-strength.ts).
 * Returns the generated password when none was given (shown once, never stored in clear).
 */
export async function createUserWithMembership(db: Db, input: NewUser) {
  const email = input.email.trim().toLowerCase()
  if (!EMAIL_PATTERN.test(email)) {
    throw new AppError('VALIDATION_FAILED', `"${input.email}" is not an email address`, {
      field: 'email',
      value: input.email,
    })
  }
  const name = input.name.trim()
  if (input.password !== undefined) await assertAcceptablePassword(input.password, { email, name })
  const generatedPassword = input.password === undefined && !input.invite ? generatePassword() : null
  // Hashed before looking the address up: an address taken elsewhere costs the same time as a new one. An invited
  // account has none (NO_PASSWORD): nothing signs in until its link has set one.
  const passwordHash = input.invite ? NO_PASSWORD : await hashPassword(input.password ?? generatedPassword!)
  const result = await inTransaction(db, async (tx) => {
    const found = await users.findUserByEmail(tx, email)
    // One change of the account's memberships at a time (as removeMembership): a removal of its last membership that
    // ran meanwhile would not see the one given here and would disable the account that now holds it. Read again once
    // held: a removal that held it before may have just taken its last membership and disabled it.
    if (found) await users.lockUser(tx, found.id)
    const existing = found && (await users.findUserByEmail(tx, email))
    if (existing) {
      const networkIds = await users.listNetworkIdsOfUser(tx, existing.id)
      // An account of other networks only is theirs; one with no membership left (the person was taken out of every
      // organisation, which disabled it) is the person's, back for a role again.
      const isReturning = networkIds.length === 0
      if (input.callerNetworkIds && !isReturning) {
        if (!networkIds.some((networkId) => input.callerNetworkIds!.includes(networkId))) {
          throw new AppError('CONFLICT', 'This address cannot be used here', { field: 'email' })
        }
      }
      await users.upsertMembership(tx, { userId: existing.id, organizationId: input.organizationId, role: input.role })
      if (isReturning && existing.isActive !== 1) await users.setUserActive(tx, existing.id, true)
      return {
        user: { id: existing.id, email: existing.email, name: existing.name, locale: existing.locale },
        created: false,
        generatedPassword: null,
        hasPassword: existing.passwordHash !== NO_PASSWORD,
        isReactivated: isReturning && existing.isActive !== 1,
      }
    }
    const user = await users.insertUser(tx, { email, name, passwordHash, locale: input.locale })
    await users.upsertMembership(tx, { userId: user.id, organizationId: input.organizationId, role: input.role })
    return {
      user: { id: user.id, email: user.email, name: user.name, locale: user.locale },
      created: true,
      generatedPassword,
      hasPassword: !input.invite,
      isReactivated: false,
    }
  })
  // Once committed: no session remembered in this process keeps the memberships it had before.
  forgetSessions({ userId: result.user.id })
  return result
}

/**
 * Checks that the account is one of the caller's networks (404 for any other, so that none is revealed), and, when
 * `whenShared` is given, that it works in no other network: what acts on the whole account (disabling it, resetting
 * its second factor) would reach a network the caller does not administer, so it is refused with 409
 * `details.reason: 'other_network'` and the message given. Which other network is never said.
 */
export async function assertAccountOfCallerNetworks(
  db: Db,
  input: { userId: string; callerNetworkIds: string[]; whenShared?: string },
) {
  const networkIds = await users.listNetworkIdsOfUser(db, input.userId)
  if (!networkIds.some((networkId) => input.callerNetworkIds.includes(networkId))) {
    throw new AppError('NOT_FOUND', 'No such account in your networks')
  }
  if (input.whenShared && networkIds.some((networkId) => !input.callerNetworkIds.includes(networkId))) {
    throw new AppError('CONFLICT', input.whenShared, { reason: 'other_network' satisfies UserConflictReason })
  }
}

/**
 * Disables or enables an account of the caller's networks (404 for any other, so that none is revealed); an
 * administrator cannot disable their own account (409), nor one that also works in a network they do not administer
 * (409 `other_network`: they remove its memberships of their network instead). Disabling ends its sessions on every
 * instance at once.
 */
export async function setAccountActive(
  db: Db,
  input: { userId: string; isActive: boolean; actorUserId: string; callerNetworkIds: string[] },
) {
  await inTransaction(db, async (tx) => {
    // Checked under the account's lock (as removeMembership): a removal of its last membership running meanwhile
    // would otherwise disable it between these checks and the change, and enabling it would leave an active account
    // in no network. Once held, an account with no membership left is no longer the caller's (404).
    await users.lockUser(tx, input.userId)
    await assertAccountOfCallerNetworks(tx, { userId: input.userId, callerNetworkIds: input.callerNetworkIds })
    if (!input.isActive && input.userId === input.actorUserId) {
      throw new AppError('CONFLICT', 'You cannot disable your own account')
    }
    if (!input.isActive) {
      await assertAccountOfCallerNetworks(tx, {
        userId: input.userId,
        callerNetworkIds: input.callerNetworkIds,
        whenShared:
          'This account also works in another network: remove it from the organisations of your network instead of disabling it',
      })
    }
    await users.setUserActive(tx, input.userId, input.isActive)
  })
  // Once committed: no session remembered in this process outlives the change.
  forgetSessions({ userId: input.userId })
}

/**
 * Takes an account out of one organisation of the caller's networks (someone leaving it). 404 unless the account is a
 * member of an organisation with this code in those networks; 409 `own_last_admin` for the caller's own last
 * administrator membership of that network (as one's own account cannot be disabled). The person's sessions lose the
 * organisation on their next request, on every instance, and keep their other organisations. An account left with no
 * membership is disabled (its sessions end): no network lists it any more, so no administrator could disable it later
 * (docs/decisions.md « Removing a membership »). Audited as `user.membership_removed` with the organisation and the
 * former role.
 */
export async function removeMembership(
  db: Db,
  input: { userId: string; organizationCode: string; actorUserId: string; callerNetworkIds: string[]; ip: string },
) {
  const result = await inTransaction(db, async (tx) => {
    // One change of the account's memberships at a time (a removal, a role given, enabling it): the rules below read its
    // memberships, and two removals that each read the other's membership still there would both pass them (no
    // membership left yet active, or no administrator left).
    await users.lockUser(tx, input.userId)
    const memberships = await users.listMembershipsOfUser(tx, input.userId)
    const removed = memberships.find(
      (membership) =>
        membership.organizationCode === input.organizationCode && input.callerNetworkIds.includes(membership.networkId),
    )
    if (!removed) throw new AppError('NOT_FOUND', 'No such membership in your networks')
    const isOwnLastAdmin =
      input.userId === input.actorUserId &&
      removed.role === 'admin' &&
      !memberships.some(
        (membership) =>
          membership !== removed && membership.role === 'admin' && membership.networkId === removed.networkId,
      )
    if (isOwnLastAdmin) {
      throw new AppError('CONFLICT', 'You cannot remove your own last administrator membership of this network', {
        reason: 'own_last_admin' satisfies UserConflictReason,
      })
    }
    await users.deleteMembership(tx, { userId: input.userId, organizationId: removed.organizationId })
    // Counted again after the deletion rather than inferred from the list read before it.
    const accountDisabled = (await users.listNetworkIdsOfUser(tx, input.userId)).length === 0
    if (accountDisabled) await users.setUserActive(tx, input.userId, false)
    await recordAuditEvent(tx, {
      actorUserId: input.actorUserId,
      organizationId: removed.organizationId,
      action: 'user.membership_removed',
      entityType: 'user',
      entityId: input.userId,
      ip: input.ip,
      details: { role: removed.role, accountDisabled },
    })
    return { accountDisabled }
  })
  // Once committed: no session remembered in this process keeps the membership (a request between the announcement
  // inside the transaction and its commit could have read it again).
  forgetSessions({ userId: input.userId })
  return result
}
