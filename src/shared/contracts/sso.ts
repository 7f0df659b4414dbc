/**
 * Single sign-on with OpenID Connect, per organisation: the settings an administrator gives (`/organizations/:code/sso`)
 * and the sign-in round trip through the provider (`/auth/sso/…`). The client secret goes in, never out.
 */
import { type Static, Type } from 'typebox'
import type { Role } from '../roles.js'
import { RoleSchema } from './auth.js'
import { Nullable } from './common.js'
import { CODE_PATTERN } from './organizations.js'
import { route } from './route.js'

export const SSO_PROVISIONING = ['first_sign_in', 'invitation_only'] as const
export type SsoProvisioning = (typeof SSO_PROVISIONING)[number]

/** Lines of a group → role mapping an administrator may write. */
export const MAX_ROLE_MAPPING_LINES = 50

/**
 * Roles a mapping line may give that reach far beyond one's own calls: an administrator of any organisation administers
 * its whole network (its organisations, every account, exports and review: docs/decisions.md « Network
 * administration »), a DPO reads the organisation's access log and tenants' requests. A sign-in through a provider
 * never asks Allervers' second factor, so the provider's own is then the only one: the settings screen warns beside
 * such a line and asks for a confirmation naming its groups before saving.
 */
export const SSO_SENSITIVE_ROLES = ['admin', 'dpo'] as const satisfies readonly Role[]

export function isSensitiveSsoRole(role: Role): role is (typeof SSO_SENSITIVE_ROLES)[number] {
  return (SSO_SENSITIVE_ROLES as readonly Role[]).includes(role)
}

/**
 * Why a sign-in through a provider was refused; the login page says it in words (`login.sso.<reason>`), the audit log
 * keeps it (`auth.sso_refused`).
 */
export const SSO_REFUSALS = [
  /** No organisation of that code signs in through a provider. */
  'unavailable',
  /** The provider could not be reached, or answered something other than OpenID Connect expects. */
  'provider_error',
  /** The provider answered with an error (the person cancelled, or the provider refused them). */
  'provider_refused',
  /** The answer does not belong to a sign-in started here (no cookie, state mismatch, expired, used twice). */
  'expired',
  /** None of the person's groups at the provider is mapped to a role. */
  'no_mapped_group',
  /** The provider gave no email address for a person seen for the first time. */
  'no_email',
  /** Invitation-only organisation, and this person has no account in it. */
  'not_invited',
  /** The address belongs to an account of other organisations: the provider cannot vouch for it. */
  'account_elsewhere',
  /** The account is disabled in Allervers. */
  'account_disabled',
  /** The address is an account with a password, and the provider does not say it has verified the address. */
  'email_unverified',
  /** The address is an administrator of the organisation whose groups at the provider do not give that role. */
  'admin_not_mapped',
] as const
export type SsoRefusal = (typeof SSO_REFUSALS)[number]

export const RoleMappingLineSchema = Type.Object(
  {
    group: Type.String({ minLength: 1, maxLength: 200 }),
    role: RoleSchema,
  },
  { additionalProperties: false },
)

/** An issuer: an https URL (http only where the server allows it for trials, SSO_ALLOW_HTTP_ISSUER). */
const IssuerSchema = Type.String({ minLength: 10, maxLength: 500, pattern: '^https?://[^\\s/?#]+[^\\s?#]*$' })

/** An organisation's single sign-on as an administrator sees it: everything but the secret. */
export const SsoSettingsSchema = Type.Object({
  isEnabled: Type.Boolean(),
  issuer: Type.String(),
  clientId: Type.String(),
  /** Whether a client secret is stored (it is never sent back). */
  hasClientSecret: Type.Boolean(),
  scopes: Type.String(),
  groupsClaim: Type.String(),
  roleMapping: Type.Array(RoleMappingLineSchema),
  provisioning: Type.Enum(SSO_PROVISIONING),
  /**
   * While single sign-on is on, the organisation's memberships count only for accounts bound to its provider: a
   * password no longer opens its data (docs/decisions.md « Single sign-on required »).
   */
  requireSso: Type.Boolean(),
  updatedAt: Type.String(),
})

export const SsoSettingsBodySchema = Type.Object(
  {
    isEnabled: Type.Boolean(),
    issuer: IssuerSchema,
    clientId: Type.String({ minLength: 1, maxLength: 300 }),
    /** Required the first time; left out afterwards, the stored secret is kept. */
    clientSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    scopes: Type.String({
      minLength: 6,
      maxLength: 300,
      pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+( [\\x21\\x23-\\x5B\\x5D-\\x7E]+)*$',
    }),
    groupsClaim: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:/-]+$' }),
    roleMapping: Type.Array(RoleMappingLineSchema, { maxItems: MAX_ROLE_MAPPING_LINES }),
    provisioning: Type.Enum(SSO_PROVISIONING),
    /** Left out, the stored choice is kept (off the first time). */
    requireSso: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

/**
 * The organisation's active accounts that sign in with a password today (not bound to its provider): what requiring
 * single sign-on would change, said in the confirmation before it is turned on.
 */
export const PasswordMembersSchema = Type.Object({
  /** How many: each must then sign in through the provider to reach the organisation; their open sessions end. */
  count: Type.Integer({ minimum: 0 }),
  /**
   * Of them, how many also work in another organisation: they keep their password for it, and can no longer reach
   * this one (a provider vouches for its organisation's people only: such an account is not bound).
   */
  alsoElsewhere: Type.Integer({ minimum: 0 }),
})

export const SsoSettingsAnswerSchema = Type.Object({
  settings: Nullable(SsoSettingsSchema),
  /** The address to register at the provider as this application's redirect URI. */
  redirectUri: Type.String(),
  /** The address to register at the provider for back-channel logout: a sign-out there ends the person's sessions here. */
  backchannelLogoutUri: Type.String(),
  passwordMembers: PasswordMembersSchema,
})

const OrganizationCodeParams = Type.Object({ code: Type.String({ maxLength: 40 }) })

/** What a provider sends back to the redirect URI; other parameters some providers add are ignored. */
const CallbackQuerySchema = Type.Object(
  {
    code: Type.Optional(Type.String({ maxLength: 2048 })),
    state: Type.Optional(Type.String({ maxLength: 512 })),
    iss: Type.Optional(Type.String({ maxLength: 500 })),
    session_state: Type.Optional(Type.String({ maxLength: 512 })),
    error: Type.Optional(Type.String({ maxLength: 200 })),
    error_description: Type.Optional(Type.String({ maxLength: 2000 })),
    error_uri: Type.Optional(Type.String({ maxLength: 2000 })),
    scope: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: true },
)

/** A redirect (Location), no body. */
const Redirect = Type.Null({
  description: 'A redirect (Location): to the provider, or back to the app (`/?sso=<refusal>` when refused)',
})

export type SsoSettings = Static<typeof SsoSettingsSchema>
export type SsoSettingsBody = Static<typeof SsoSettingsBodySchema>
export type RoleMappingLine = Static<typeof RoleMappingLineSchema>
export type PasswordMembers = Static<typeof PasswordMembersSchema>

export const ssoContract = {
  /** The organisations whose people sign in through their provider (the login page's buttons). */
  organizations: route('GET', '/auth/sso/organizations', {
    tags: ['auth'],
    security: [],
    response: {
      200: Type.Object({ items: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })) }),
    },
  }),
  /** Starts a sign-in: a redirect to the organisation's provider (state, nonce and PKCE kept for the return). */
  start: route('GET', '/auth/sso/:code/start', {
    tags: ['auth'],
    security: [],
    params: Type.Object({ code: Type.String({ maxLength: 40, pattern: CODE_PATTERN }) }),
    response: { 302: Redirect },
  }),
  /** The redirect URI: the provider's answer, checked; a session and a redirect to the app, or a refusal. */
  callback: route('GET', '/auth/sso/callback', {
    tags: ['auth'],
    security: [],
    querystring: CallbackQuerySchema,
    response: { 302: Redirect },
  }),
  /**
   * OpenID Connect Back-Channel Logout 1.0: the provider posts a signed logout token (form-encoded) when the person
   * signs out there or is signed out by its administrators; every session of their account ends, on every instance.
   * 400 when the token fails a check (signature, issuer, audience, age, event, subject), 404 when the organisation has
   * no single sign-on on.
   */
  backchannelLogout: route('POST', '/auth/sso/:code/backchannel-logout', {
    tags: ['auth'],
    security: [],
    // What providers send (§ 2.5); JSON is taken too.
    consumes: ['application/x-www-form-urlencoded', 'application/json'],
    params: Type.Object({ code: Type.String({ maxLength: 40, pattern: CODE_PATTERN }) }),
    body: Type.Object({ logout_token: Type.String({ minLength: 1, maxLength: 8192 }) }, { additionalProperties: true }),
    response: { 200: Type.Object({}) },
  }),
  readSettings: route('GET', '/organizations/:code/sso', {
    tags: ['organizations'],
    params: OrganizationCodeParams,
    response: { 200: SsoSettingsAnswerSchema },
  }),
  saveSettings: route('PUT', '/organizations/:code/sso', {
    tags: ['organizations'],
    params: OrganizationCodeParams,
    body: SsoSettingsBodySchema,
    response: { 200: SsoSettingsAnswerSchema },
  }),
}
