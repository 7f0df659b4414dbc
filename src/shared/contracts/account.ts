/** What a signed-in person manages about their own account: the `/account` routes (« Mon compte »). */
import { type Static, Type } from 'typebox'
import { MfaProvisioningSchema, RecoveryCodesSchema, TotpCodeBodySchema } from './auth.js'
import { NoContent, Nullable } from './common.js'
import { route } from './route.js'

/** One of the user's open sessions, described without anything that would open it. */
export const AccountSessionSchema = Type.Object({
  /** An opaque name of the session (not its token, nor the token's hash). */
  id: Type.String(),
  /** The browser and the system, read from the user agent ("Firefox", "Windows"); null when unknown. */
  browser: Nullable(Type.String()),
  system: Nullable(Type.String()),
  startedAt: Type.String(),
  lastSeenAt: Type.String(),
  /** The session this request comes from. */
  isCurrent: Type.Boolean(),
  /** The organisation whose single sign-on opened it; null for a password, or for one opened before this was kept. */
  openedThrough: Nullable(Type.String()),
})

export const SessionIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })

/** A link's token, as the web app reads it from the URL's fragment (`#token=…`). */
export const LinkToken = Type.String({ minLength: 20, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' })

export const ResetRequestSchema = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 254 }) },
  { additionalProperties: false },
)

/** The one answer to a reset request, whether the address has an account or not. */
export const RESET_ANSWER =
  'If this address has an account, a link to choose a new password has been sent to it.' as const

export const LinkSchema = Type.Object({
  purpose: Type.Union([Type.Literal('invitation'), Type.Literal('password_reset')]),
  email: Type.String(),
  name: Type.String(),
  expiresAt: Type.String(),
  /**
   * Null while the link can set a password. When the account was bound to its organisation's single sign-on after the
   * link was mailed, the organisations whose sign-in it uses (those switched on; maybe none): the link sets no password
   * now, and the page says where to sign in before anything is typed (what a submit would answer, no more).
   */
  ssoProviders: Nullable(Type.Array(Type.String())),
})

export const SetPasswordSchema = Type.Object(
  { token: LinkToken, password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
)

export const ChangePasswordSchema = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
    newPassword: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
)

/** The signed-in user's second factor, as « Mon compte » shows it. */
export const MfaStatusSchema = Type.Object({
  enabled: Type.Boolean(),
  enabledAt: Nullable(Type.String()),
  /** One of the user's roles requires a second factor (MFA_REQUIRED_ROLES): it cannot be turned off. */
  isRequired: Type.Boolean(),
  recoveryCodesLeft: Type.Integer(),
})

/** Proof asked before changing the second factor: the password, or a code of the app. */
export const MfaProofSchema = Type.Object(
  {
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    code: Type.Optional(Type.String({ minLength: 6, maxLength: 6, pattern: '^[0-9]{6}$' })),
  },
  { additionalProperties: false },
)

export type MfaStatus = Static<typeof MfaStatusSchema>
export type AccountSession = Static<typeof AccountSessionSchema>
export type Link = Static<typeof LinkSchema>

export const accountContract = {
  sessions: route('GET', '/account/sessions', {
    tags: ['account'],
    response: { 200: Type.Object({ items: Type.Array(AccountSessionSchema) }) },
  }),
  /** Ends one of one's own sessions, on every instance at once; 404 when it is not one of theirs. */
  endSession: route('DELETE', '/account/sessions/:id', {
    tags: ['account'],
    params: SessionIdParams,
    response: { 204: NoContent },
  }),
  /**
   * Asks for a link to choose a new password. Always 202 with RESET_ANSWER after the same time, whether the address
   * has an account or not; 429 past PASSWORD_RESET_MAX_PER_ADDRESS requests from one address.
   */
  requestReset: route('POST', '/account/password-reset', {
    tags: ['account'],
    security: [],
    body: ResetRequestSchema,
    response: { 202: Type.Object({ message: Type.String() }) },
  }),
  /**
   * What a link (invitation or reset) is for, whose it is, and whether it still sets a password (`ssoProviders`); 404
   * with `details.reason` when it no longer works.
   */
  readLink: route('POST', '/account/link', {
    tags: ['account'],
    security: [],
    body: Type.Object({ token: LinkToken }, { additionalProperties: false }),
    response: { 200: LinkSchema },
  }),
  /**
   * Sets the password through a link, once; the account's sessions end. Refusals as POST /users `password`; 403 for a
   * reset link of an account that has since been bound to its organisation's provider.
   */
  setPassword: route('POST', '/account/link/password', {
    tags: ['account'],
    security: [],
    body: SetPasswordSchema,
    response: { 204: NoContent },
  }),
  mfa: route('GET', '/account/mfa', { tags: ['account'], response: { 200: MfaStatusSchema } }),
  /**
   * Starts adding a second factor (409 when there is one): the secret, the same until confirmed. 403 `sso_account` for
   * an account that signs in through its organisation's single sign-on (`details.providers`: where).
   */
  mfaEnrolment: route('POST', '/account/mfa/enrolment', {
    tags: ['account'],
    response: { 200: MfaProvisioningSchema },
  }),
  /** Confirms it with a first code (400 `wrong_code`; 403 `sso_account`); the recovery codes are shown this once. */
  mfaConfirm: route('POST', '/account/mfa/enrolment/confirm', {
    tags: ['account'],
    body: TotpCodeBodySchema,
    response: { 200: Type.Object({ recoveryCodes: RecoveryCodesSchema }) },
  }),
  /**
   * Turns the second factor off, given the password; 409 when one of the user's roles requires it; 403 `sso_account`
   * for an account that signs in through its organisation's single sign-on (one enrolled before is never asked).
   */
  mfaDisable: route('POST', '/account/mfa/disable', {
    tags: ['account'],
    body: Type.Object({ password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
    response: { 204: NoContent },
  }),
  /**
   * New recovery codes (the previous ones stop working), given the password or a code of the app; 403 `sso_account`
   * for an account that signs in through its organisation's single sign-on.
   */
  mfaRecoveryCodes: route('POST', '/account/mfa/recovery-codes', {
    tags: ['account'],
    body: MfaProofSchema,
    response: { 200: Type.Object({ recoveryCodes: RecoveryCodesSchema }) },
  }),
  /**
   * Changes one's password (the current one is asked); one's other sessions end. 403 `sso_account` for an account
   * that signs in through its organisation's single sign-on: a password would never sign it in.
   */
  changePassword: route('POST', '/account/password', {
    tags: ['account'],
    body: ChangePasswordSchema,
    response: { 204: NoContent },
  }),
}
