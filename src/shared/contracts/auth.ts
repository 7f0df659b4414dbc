/** Signing in and out, and who the signed-in user is: the `/auth` routes. */
import { type Static, Type } from 'typebox'
import { ROLES } from '../roles.js'
import { NoContent } from './common.js'
import { OrganizationTypeSchema } from './organizations.js'
import { route } from './route.js'

export const RoleSchema = Type.Enum(ROLES)

/** One of the user's roles, in one organisation. */
export const MembershipSchema = Type.Object({
  organization: Type.Object({
    code: Type.String(),
    name: Type.String(),
    type: OrganizationTypeSchema,
  }),
  role: RoleSchema,
})

/** The signed-in user as the web app knows them: never their password hash or their sessions. */
export const SessionUserSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  locale: Type.String(),
  memberships: Type.Array(MembershipSchema),
  /**
   * The account signs in through its organisation's single sign-on (it has an identity at a provider): it has no
   * password of Allervers to change and no second factor of Allervers to add; its provider manages both.
   */
  signsInWithSso: Type.Boolean(),
  /** The names of the organisations whose single sign-on it uses (empty for an account with a password). */
  ssoOrganizations: Type.Array(Type.String()),
})

export const LoginBodySchema = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
)

export const SessionSchema = Type.Object({ user: SessionUserSchema })

/**
 * A sign-in whose password was right and that needs its second factor: a code (`code`), or enrolling one first
 * (`enrol`: the user's role requires one). A short-lived HttpOnly cookie carries the pending sign-in until then.
 */
export const MfaStepSchema = Type.Object({
  mfa: Type.Union([Type.Literal('code'), Type.Literal('enrol')]),
  expiresAt: Type.String(),
})

/** A 6-digit code of the authenticator app, or a recovery code (`k7mq-2xrt-9bcw-hn4p`, any case, dashes or not). */
export const MfaCodeBodySchema = Type.Object(
  { code: Type.String({ minLength: 6, maxLength: 40 }) },
  { additionalProperties: false },
)

/** A 6-digit code of the authenticator app only. */
export const TotpCodeBodySchema = Type.Object(
  { code: Type.String({ minLength: 6, maxLength: 6, pattern: '^[0-9]{6}$' }) },
  { additionalProperties: false },
)

/** What an authenticator app needs: the secret (base32, also for typing it in) and its otpauth:// URI as a QR code. */
export const MfaProvisioningSchema = Type.Object({
  secret: Type.String(),
  uri: Type.String(),
  /** The QR code as an SVG data URL. */
  qrCode: Type.String(),
  /** The account's name in the app (the email address). */
  accountLabel: Type.String(),
})

export const RecoveryCodesSchema = Type.Array(Type.String(), { minItems: 1, maxItems: 20 })

export type Membership = Static<typeof MembershipSchema>
export type MfaStep = Static<typeof MfaStepSchema>
export type MfaProvisioning = Static<typeof MfaProvisioningSchema>
export type SessionUser = Static<typeof SessionUserSchema>

export const authContract = {
  login: route('POST', '/auth/login', {
    tags: ['auth'],
    security: [],
    body: LoginBodySchema,
    // The session, or the second factor still to come (no session until then).
    response: { 200: Type.Union([SessionSchema, MfaStepSchema]) },
  }),
  /**
   * The second step of a pending sign-in: a code or a recovery code (each used once). 401 INVALID_CREDENTIALS with
   * `details.reason` `wrong_code` | `code_already_used`; 404 `no_pending_sign_in` when there is none (expired,
   * or ended after 5 wrong codes: sign in again); 429 like the password; 403 `sso_account` when the account has been
   * bound to its organisation's single sign-on since its password was typed (as is every step of a pending sign-in).
   */
  mfaVerify: route('POST', '/auth/mfa/verify', {
    tags: ['auth'],
    security: [],
    body: MfaCodeBodySchema,
    response: {
      200: Type.Object({ user: SessionUserSchema, recoveryCodesLeft: Type.Optional(Type.Integer()) }),
    },
  }),
  /** Enrolment forced at sign-in: the secret to add to an authenticator app (the same one until it is confirmed). */
  mfaEnrolment: route('POST', '/auth/mfa/enrolment', {
    tags: ['auth'],
    security: [],
    response: { 200: MfaProvisioningSchema },
  }),
  /** Confirms the enrolment with a first code: the session opens, and the recovery codes are shown this once. */
  mfaConfirm: route('POST', '/auth/mfa/enrolment/confirm', {
    tags: ['auth'],
    security: [],
    body: TotpCodeBodySchema,
    response: { 200: Type.Object({ user: SessionUserSchema, recoveryCodes: RecoveryCodesSchema }) },
  }),
  // Without a session it only clears the cookie.
  logout: route('POST', '/auth/logout', { tags: ['auth'], response: { 204: NoContent } }),
  me: route('GET', '/auth/me', { tags: ['auth'], response: { 200: SessionSchema } }),
}
