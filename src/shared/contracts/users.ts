/** The accounts of a network, for its administrators: the `/users` routes. */
import { type Static, Type } from 'typebox'
import { RoleSchema } from './auth.js'
import { IdParams, NoContent, Nullable } from './common.js'
import { route } from './route.js'

/** A chosen password has at least this many characters (counted as code points). */
export const PASSWORD_MIN_LENGTH = 12
/** …and at least this score of 4 by the strength estimator (zxcvbn-ts with French and English dictionaries). */
export const PASSWORD_MIN_SCORE = 3
/**
 * Why a password was refused: the `reason` of a 400 VALIDATION_FAILED whose details name `field: "password"`, next to
 * the estimator's advice in French (`warning`, `suggestions`) when it has some.
 */
export const PASSWORD_REFUSAL_REASONS = ['too_short', 'contains_email', 'contains_name', 'too_weak'] as const
export type PasswordRefusalReason = (typeof PASSWORD_REFUSAL_REASONS)[number]

/**
 * How a membership is reached: `password` (the account signs in with its password), `provider` (the account is bound
 * to that organisation's single sign-on), `awaiting_provider` (the organisation requires its single sign-on and the
 * account has not signed in through it yet: its password does not open this organisation).
 */
export const MEMBERSHIP_SIGN_INS = ['password', 'provider', 'awaiting_provider'] as const
export type MembershipSignIn = (typeof MEMBERSHIP_SIGN_INS)[number]

export const UserSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  isActive: Type.Boolean(),
  lastLoginAt: Nullable(Type.String()),
  /** A second factor (TOTP) is confirmed on the account: what an administrator resets for a lost phone. */
  hasSecondFactor: Type.Boolean(),
  /**
   * The account also holds a membership in a network the caller does not administer (which one is not said): it is
   * not the caller's to disable nor to reset its second factor; the caller removes it from their own organisations.
   */
  isInOtherNetwork: Type.Boolean(),
  /** Its memberships in the caller's networks only. */
  memberships: Type.Array(
    Type.Object({
      organization: Type.Object({ code: Type.String(), name: Type.String() }),
      role: RoleSchema,
      signIn: Type.Enum(MEMBERSHIP_SIGN_INS),
    }),
  ),
})

export const NewUserSchema = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    name: Type.String({ minLength: 2, maxLength: 200 }),
    /** The organisation's code. */
    organization: Type.String(),
    role: RoleSchema,
    /**
     * When absent a password is generated and answered once. Otherwise at least PASSWORD_MIN_LENGTH characters, no
     * part of the email or the name, and hard to guess (PASSWORD_MIN_SCORE): else 400 naming `password` with a reason.
     */
    password: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
)

export const UserCreatedSchema = Type.Object({
  user: Type.Object({ id: Type.String(), email: Type.String(), name: Type.String() }),
  /** False when the address had an account already: it was given the membership. */
  created: Type.Boolean(),
  generatedPassword: Nullable(Type.String()),
})

export const InvitationSchema = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    name: Type.String({ minLength: 2, maxLength: 200 }),
    /** The organisation's code. */
    organization: Type.String({ maxLength: 100 }),
    role: RoleSchema,
  },
  { additionalProperties: false },
)

export const InvitationSentSchema = Type.Object({
  user: Type.Object({ id: Type.String(), email: Type.String(), name: Type.String() }),
  /** False when the address had an account already: it was given the membership. */
  created: Type.Boolean(),
  /**
   * Whether an invitation was mailed: to a new account, or to one that has not set its password yet (the earlier link
   * stops working). An account with a password is only given the membership.
   */
  invited: Type.Boolean(),
  /**
   * Until when the mailed link sets a password; null without a link: no invitation, or one to an organisation that
   * requires its single sign-on, whose mail says where to sign in instead.
   */
  expiresAt: Nullable(Type.String()),
})

/**
 * Why a disable, a second factor's reset or a membership's removal is refused (409 CONFLICT, `details.reason`):
 * `other_network`, the account also works in a network the caller does not administer (disable: remove its
 * memberships of one's own network instead; reset: that network's administrators must do it); `own_last_admin`, the
 * membership is the caller's own last administrator membership of that network.
 */
export const USER_CONFLICT_REASONS = ['other_network', 'own_last_admin'] as const
export type UserConflictReason = (typeof USER_CONFLICT_REASONS)[number]

export const MembershipParams = Type.Object({
  id: Type.String({ maxLength: 64 }),
  /** The organisation's code. */
  code: Type.String({ maxLength: 100 }),
})

export const MembershipRemovedSchema = Type.Object({
  /** The account had no membership left, and was disabled with it (its sessions ended). */
  accountDisabled: Type.Boolean(),
})

export type Invitation = Static<typeof InvitationSchema>
export type User = Static<typeof UserSchema>
export type NewUser = Static<typeof NewUserSchema>

export const usersContract = {
  list: route('GET', '/users', { tags: ['users'], response: { 200: Type.Object({ items: Type.Array(UserSchema) }) } }),
  create: route('POST', '/users', { tags: ['users'], body: NewUserSchema, response: { 201: UserCreatedSchema } }),
  /** Invites someone by email: an account without a password, and a link to choose one (INVITATION_HOURS). */
  invite: route('POST', '/users/invitations', {
    tags: ['users'],
    body: InvitationSchema,
    response: { 201: InvitationSentSchema },
  }),
  /**
   * Disables an account of the administrator's networks: it can no longer sign in, and its sessions end at once on
   * every instance. 404 for an account outside those networks; 409 for one's own account, and 409 with
   * `details.reason: 'other_network'` for an account that also works in a network the caller does not administer.
   */
  disable: route('POST', '/users/:id/disable', { tags: ['users'], params: IdParams, response: { 204: NoContent } }),
  /** Lets a disabled account sign in again (its sessions are not given back). */
  enable: route('POST', '/users/:id/enable', { tags: ['users'], params: IdParams, response: { 204: NoContent } }),
  /**
   * Removes an account's second factor (a lost phone) and ends its sessions; audited. If a role of the account
   * requires one, its next sign-in enrols a new one. 404 for an account outside the administrator's networks; 409
   * with `details.reason: 'other_network'` for one that also works in another network (its administrators reset it).
   */
  resetMfa: route('POST', '/users/:id/mfa/reset', { tags: ['users'], params: IdParams, response: { 204: NoContent } }),
  /**
   * Takes an account out of one organisation (someone leaving it): the membership is deleted, and the person's open
   * sessions lose that organisation on their next request, on every instance; their other organisations stay. Audited
   * (`user.membership_removed`). An account left with no membership is disabled. 404 unless the caller administers
   * the organisation's network and the account is a member of it; 409 `own_last_admin` for one's own last
   * administrator membership of that network.
   */
  removeMembership: route('DELETE', '/users/:id/memberships/:code', {
    tags: ['users'],
    params: MembershipParams,
    response: { 200: MembershipRemovedSchema },
  }),
}
