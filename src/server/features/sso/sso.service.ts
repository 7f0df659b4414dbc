/**
 * Signing in through an organisation's OpenID provider (authorization code flow with PKCE, state and nonce), with
 * `openid-client`. What the provider says decides at each sign-in: its groups give the role (re-read every time),
 * and a person it no longer signs in (disabled, removed from every mapped group) gets no new session.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose'
import * as client from 'openid-client'
import type { SsoRefusal } from '../../../shared/contracts/sso.js'
import type { Role } from '../../../shared/roles.js'
import type { Config } from '../../config.js'
import { type Db, inTransaction } from '../../db/database.js'
import { addMinutes, nowTimestamp } from '../../db/time.js'
import { hashToken, newSessionToken } from '../../http/auth.js'
import { forgetSessions } from '../../http/session-cache.js'
import { deleteMfa, findMfa } from '../mfa/mfa.queries.js'
import { findUserByEmail, insertUser, listMembershipsOfUser, upsertMembership } from '../users/users.queries.js'
import type { StoredSsoSettings } from './sso.queries.js'
import * as ssoQueries from './sso.queries.js'
import { groupsFromClaim, roleForGroups } from './sso-roles.js'
import { decryptSecret } from './sso-secret.js'

/** How long a person may take at the provider's sign-in page before the round trip is refused as expired. */
export const SSO_ATTEMPT_MINUTES = 10
/** How long a provider's discovered metadata and keys are reused before being fetched again. */
const DISCOVERY_CACHE_MS = 10 * 60 * 1000
/** Seconds a request to a provider may take. */
const PROVIDER_TIMEOUT_SECONDS = 10

export class SsoRefused extends Error {
  constructor(
    readonly reason: SsoRefusal,
    readonly details: Record<string, unknown> = {},
  ) {
    super(reason)
  }
}

const discovered = new Map<string, { configuration: client.Configuration; at: number }>()

/** The provider's discovered configuration for these settings (kept a few minutes; a change of settings refetches). */
async function providerConfiguration(config: Config, settings: StoredSsoSettings): Promise<client.Configuration> {
  const key = `${settings.organizationId}|${settings.updatedAt}`
  const cached = discovered.get(key)
  if (cached && Date.now() - cached.at < DISCOVERY_CACHE_MS) return cached.configuration
  if (!config.sso.secretKey) throw new SsoRefused('provider_error', { problem: 'SSO_SECRET_KEY is not set' })
  const secret = decryptSecret(config.sso.secretKey, settings.clientSecretEncrypted)
  if (secret === null) throw new SsoRefused('provider_error', { problem: 'the client secret cannot be decrypted' })
  const issuer = new URL(settings.issuer)
  const isHttp = issuer.protocol === 'http:'
  if (isHttp && !config.sso.allowHttpIssuer) {
    throw new SsoRefused('provider_error', { problem: 'http issuer refused (SSO_ALLOW_HTTP_ISSUER)' })
  }
  try {
    const configuration = await client.discovery(
      issuer,
      settings.clientId,
      undefined,
      client.ClientSecretBasic(secret),
      {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        execute: isHttp ? [client.allowInsecureRequests] : [],
      },
    )
    for (const other of discovered.keys()) {
      if (other.startsWith(`${settings.organizationId}|`)) discovered.delete(other)
    }
    discovered.set(key, { configuration, at: Date.now() })
    return configuration
  } catch (error) {
    throw new SsoRefused('provider_error', { problem: `discovery failed: ${describe(error)}` })
  }
}

function describe(error: unknown): string {
  if (error instanceof client.ResponseBodyError)
    return `${error.error}${error.error_description ? `: ${error.error_description}` : ''}`
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300)
  return 'unknown error'
}

/** Starts a round trip: the provider's authorization URL, and the token the browser keeps in a cookie until it returns. */
export async function startSignIn(
  db: Db,
  config: Config,
  input: { settings: StoredSsoSettings; redirectUri: string },
): Promise<{ url: URL; token: string }> {
  const configuration = await providerConfiguration(config, input.settings)
  const codeVerifier = client.randomPKCECodeVerifier()
  const state = client.randomState()
  const nonce = client.randomNonce()
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: input.redirectUri,
    scope: input.settings.scopes,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  })
  const token = newSessionToken()
  const now = nowTimestamp()
  await ssoQueries.createSsoAttempt(db, {
    id: hashToken(token),
    organizationId: input.settings.organizationId,
    state,
    nonce,
    codeVerifier,
    redirectUri: input.redirectUri,
    createdAt: now,
    expiresAt: addMinutes(now, SSO_ATTEMPT_MINUTES),
  })
  return { url, token }
}

export interface SsoAttempt {
  organizationId: string
  state: string
  nonce: string
  codeVerifier: string
  redirectUri: string
  expiresAt: string
}

/** What the provider vouches for, once its answer has been checked. */
export interface ProviderPerson {
  subject: string
  email: string | null
  /** Whether the provider says it has verified the address (`email_verified`); absent counts as not verified. */
  isEmailVerified: boolean
  name: string | null
  groups: string[]
  /**
   * The refresh token the provider gave with this sign-in (it does when the administrator's scopes ask offline_access
   * and it grants it), or null: with one, the session is checked with the provider while it lasts (sso.recheck.ts).
   * A secret: kept encrypted, never logged, never in the API.
   */
  refreshToken: string | null
  /**
   * The provider's own session (`sid` in the ID token, OpenID Connect Front- and Back-Channel Logout), or null when it
   * gives none: its back-channel logout then ends the sessions this sign-in opened, not the person's others.
   */
  providerSessionId: string | null
}

/** The longest provider session id kept: a longer one is not kept (cut, it would never match a logout token's). */
const PROVIDER_SESSION_ID_MAX_LENGTH = 255

function providerSessionIdOf(value: unknown): string | null {
  return typeof value === 'string' && value && value.length <= PROVIDER_SESSION_ID_MAX_LENGTH ? value : null
}

/**
 * Checks the provider's answer against the attempt (state here; state, nonce, PKCE, issuer, audience and signature
 * by openid-client) and exchanges the code; reads the groups from the ID token or, when absent there, the userinfo.
 */
export async function readProviderAnswer(
  config: Config,
  input: { settings: StoredSsoSettings; attempt: SsoAttempt; query: Record<string, unknown>; search: string },
): Promise<ProviderPerson> {
  const { settings, attempt, query } = input
  if (typeof query.state !== 'string' || query.state !== attempt.state) {
    throw new SsoRefused('expired', { problem: 'state mismatch' })
  }
  if (typeof query.error === 'string') {
    throw new SsoRefused('provider_refused', { providerError: query.error.slice(0, 100) })
  }
  const configuration = await providerConfiguration(config, settings)
  const currentUrl = new URL(attempt.redirectUri)
  currentUrl.search = input.search
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>
  try {
    tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: attempt.codeVerifier,
      expectedState: attempt.state,
      expectedNonce: attempt.nonce,
      idTokenExpected: true,
    })
  } catch (error) {
    // The provider refused the code (an account disabled meanwhile answers invalid_grant), or its answer failed a check.
    const isProviderAnswer =
      error instanceof client.ResponseBodyError || error instanceof client.AuthorizationResponseError
    throw new SsoRefused(isProviderAnswer ? 'provider_refused' : 'provider_error', { problem: describe(error) })
  }
  const claims = tokens.claims()
  if (!claims) throw new SsoRefused('provider_error', { problem: 'no ID token' })
  let userinfo: Record<string, unknown> = {}
  const needsUserinfo = claims[settings.groupsClaim] === undefined || claims.email === undefined
  if (needsUserinfo && configuration.serverMetadata().userinfo_endpoint) {
    try {
      userinfo = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub)
    } catch (error) {
      const isProviderAnswer =
        error instanceof client.ResponseBodyError || error instanceof client.WWWAuthenticateChallengeError
      throw new SsoRefused(isProviderAnswer ? 'provider_refused' : 'provider_error', {
        problem: `userinfo: ${describe(error)}`,
      })
    }
  }
  const read = (name: string) => claims[name] ?? userinfo[name]
  const email = read('email')
  const name = read('name')
  return {
    subject: claims.sub,
    email: typeof email === 'string' && email.includes('@') ? email.trim().toLowerCase().slice(0, 254) : null,
    isEmailVerified: read('email_verified') === true,
    name: typeof name === 'string' && name.trim() ? name.trim().slice(0, 200) : null,
    groups: groupsFromClaim(read(settings.groupsClaim)).slice(0, 1000),
    refreshToken: typeof tokens.refresh_token === 'string' && tokens.refresh_token ? tokens.refresh_token : null,
    providerSessionId: providerSessionIdOf(claims.sid),
  }
}

/** What the provider says when asked again about an open session (a refresh grant). */
export type ProviderRecheck =
  /** The provider still vouches for the person; `groups` when its answer carries the groups claim. */
  | { outcome: 'confirmed'; refreshToken: string | null; groups: string[] | null }
  /** The provider answered no (invalid_grant and the like: disabled, deleted, logged out, token revoked). */
  | { outcome: 'refused'; problem: string }
  /** No answer to go by (unreachable, a timeout, a 5xx, a server not set up to ask): the session is kept. */
  | { outcome: 'unavailable'; problem: string }

/** OAuth errors that say the provider is having trouble, not that it refuses the person. */
const PROVIDER_TROUBLE = new Set(['server_error', 'temporarily_unavailable'])

/**
 * Asks the provider whether the person of an open session may still sign in: a refresh grant with the token it gave,
 * then the groups from the new ID token or, when absent there, the userinfo. Never throws: a refusal is the provider's
 * answer (a 4xx OAuth error), anything else (network, timeout, 5xx, a check of its answer failing) is no answer.
 */
export async function recheckAtProvider(
  config: Config,
  input: { settings: StoredSsoSettings; refreshToken: string; subject: string },
): Promise<ProviderRecheck> {
  const { settings } = input
  const isRefusal = (error: unknown) =>
    (error instanceof client.ResponseBodyError && error.status < 500 && !PROVIDER_TROUBLE.has(error.error)) ||
    (error instanceof client.WWWAuthenticateChallengeError && error.status < 500)
  try {
    const configuration = await providerConfiguration(config, settings)
    let tokens: Awaited<ReturnType<typeof client.refreshTokenGrant>>
    try {
      tokens = await client.refreshTokenGrant(configuration, input.refreshToken)
    } catch (error) {
      return isRefusal(error)
        ? { outcome: 'refused', problem: describe(error) }
        : { outcome: 'unavailable', problem: describe(error) }
    }
    const claims = tokens.claims()
    if (claims && claims.sub !== input.subject) return { outcome: 'refused', problem: 'another subject' }
    let groupsClaim: unknown = claims?.[settings.groupsClaim]
    if (groupsClaim === undefined && configuration.serverMetadata().userinfo_endpoint) {
      try {
        const userinfo = await client.fetchUserInfo(configuration, tokens.access_token, input.subject)
        groupsClaim = userinfo[settings.groupsClaim]
      } catch (error) {
        const problem = `userinfo: ${describe(error)}`
        return isRefusal(error) ? { outcome: 'refused', problem } : { outcome: 'unavailable', problem }
      }
    }
    return {
      outcome: 'confirmed',
      refreshToken: typeof tokens.refresh_token === 'string' && tokens.refresh_token ? tokens.refresh_token : null,
      groups: groupsClaim === undefined ? null : groupsFromClaim(groupsClaim).slice(0, 1000),
    }
  } catch (error) {
    // Discovery failed, or this server cannot act as the client (no key, a secret saved under another key).
    return {
      outcome: 'unavailable',
      problem: error instanceof SsoRefused ? String(error.details.problem) : describe(error),
    }
  }
}

/** Each provider's signing keys (its `jwks_uri`), fetched when a key is unknown, at most every 30 seconds (jose). */
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>()

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'
/** How old a logout token may be: the provider sends it as the person signs out, and retries within minutes. */
const LOGOUT_TOKEN_MAX_AGE = '10 minutes'

/**
 * Reads a logout token the provider sends when the person signs out there (OpenID Connect Back-Channel Logout 1.0,
 * § 2.6): signed with the provider's keys, for this client, recent, naming the logout event, and the person (`sub`),
 * the provider's session (`sid`) or both, without a nonce. Answers them (null when absent); throws
 * SsoRefused('provider_refused') naming what failed, or SsoRefused('provider_error') when the provider's configuration
 * or keys cannot be read.
 */
export async function readLogoutToken(config: Config, settings: StoredSsoSettings, token: string) {
  const configuration = await providerConfiguration(config, settings)
  const metadata = configuration.serverMetadata()
  if (!metadata.jwks_uri) throw new SsoRefused('provider_error', { problem: 'the provider publishes no jwks_uri' })
  let keys = keySets.get(metadata.jwks_uri)
  if (!keys) {
    keys = createRemoteJWKSet(new URL(metadata.jwks_uri), { timeoutDuration: PROVIDER_TIMEOUT_SECONDS * 1000 })
    keySets.set(metadata.jwks_uri, keys)
  }
  let payload: Awaited<ReturnType<typeof jwtVerify>>['payload']
  try {
    ;({ payload } = await jwtVerify(token, keys, {
      issuer: metadata.issuer,
      audience: settings.clientId,
      maxTokenAge: LOGOUT_TOKEN_MAX_AGE,
      requiredClaims: ['iat', 'jti', 'events'],
    }))
  } catch (error) {
    throw new SsoRefused('provider_refused', { problem: `logout token: ${describe(error)}` })
  }
  const events = payload.events
  if (typeof events !== 'object' || events === null || !(BACKCHANNEL_LOGOUT_EVENT in events)) {
    throw new SsoRefused('provider_refused', { problem: 'logout token: no back-channel logout event' })
  }
  if (payload.nonce !== undefined) throw new SsoRefused('provider_refused', { problem: 'logout token: a nonce' })
  // Present, each must be a non-empty string: a malformed one is refused, never read as absent (a malformed `sub` read
  // so would leave its `sid` alone, reaching every person's sessions of that provider session).
  for (const claim of ['sub', 'sid'] as const) {
    if (payload[claim] !== undefined && (typeof payload[claim] !== 'string' || !payload[claim])) {
      throw new SsoRefused('provider_refused', { problem: `logout token: a ${claim} that is not a non-empty string` })
    }
  }
  const subject = (payload.sub as string | undefined) ?? null
  // A sid longer than those kept at sign-in still scopes the logout: it matches no session kept with its id, and the
  // person's sessions of no known provider session (such a sign-in kept none) end.
  const providerSessionId = (payload.sid as string | undefined) ?? null
  if (!subject && !providerSessionId) {
    throw new SsoRefused('provider_refused', { problem: 'logout token: neither sub nor sid' })
  }
  return { subject, providerSessionId }
}

/**
 * The account the person signs in to, created or updated: the role in the organisation follows the provider's
 * groups; refused when no group is mapped, when the account is disabled here, in an invitation-only organisation
 * for someone without an account in it, or when the address belongs to an account of other organisations.
 */
export async function resolveAccount(
  db: Db,
  input: { settings: StoredSsoSettings; person: ProviderPerson },
): Promise<{
  userId: string
  email: string
  role: Role
  isCreated: boolean
  isBound: boolean
  /** Bound at this sign-in, the account had a second factor of its own, now removed. */
  isSecondFactorRemoved: boolean
}> {
  const { settings, person } = input
  const role = roleForGroups(settings.roleMapping, person.groups)
  const now = nowTimestamp()
  const organizationId = settings.organizationId
  if (!role) {
    // Someone the provider has taken out of every mapped group: the sessions they still have end too, everywhere.
    const known = await ssoQueries.findUserBySsoIdentity(db, organizationId, person.subject)
    if (known) await ssoQueries.endSessionsOfUser(db, known.id)
    throw new SsoRefused('no_mapped_group', {
      groupCount: person.groups.length,
      ...(known ? { userId: known.id, sessionsEnded: true } : {}),
    })
  }
  let account = await ssoQueries.findUserBySsoIdentity(db, organizationId, person.subject)
  let isCreated = false
  let isBound = false
  let isSecondFactorRemoved = false
  if (account) {
    await ssoQueries.touchSsoIdentity(db, account.identityId, now)
  } else {
    if (!person.email) throw new SsoRefused('no_email')
    const existing = await findUserByEmail(db, person.email)
    if (existing) {
      const memberships = await listMembershipsOfUser(db, existing.id)
      // The provider vouches for its organisation's people only: an account that also works elsewhere is not its to open.
      if (memberships.some((membership) => membership.organizationId !== organizationId)) {
        throw new SsoRefused('account_elsewhere', { userId: existing.id })
      }
      if (settings.provisioning === 'invitation_only' && memberships.length === 0) {
        throw new SsoRefused('not_invited', { userId: existing.id })
      }
      if (existing.isActive !== 1) throw new SsoRefused('account_disabled', { userId: existing.id })
      // Binding for good an account that has a password needs the provider's word that the address is this person's:
      // otherwise whoever can set that address at the provider takes the account over. An invited account that never
      // chose a password was made for this organisation's person of that address, and is nothing to take over; nor is
      // one whose only organisation requires its single sign-on: its password opens nothing any more, and that
      // organisation has made its provider the one judge of who its people are.
      if (existing.passwordHash && !person.isEmailVerified && !settings.requireSso) {
        throw new SsoRefused('email_unverified', { userId: existing.id })
      }
      // The organisation keeps its administrator: one whose groups do not give that role keeps signing in with a password.
      const here = memberships.find((membership) => membership.organizationId === organizationId)
      if (here?.role === 'admin' && role !== 'admin') throw new SsoRefused('admin_not_mapped', { userId: existing.id })
      // All or nothing: an account bound with its password sessions or its second factor left would keep them for good
      // (later sign-ins find it bound and take the other way).
      isSecondFactorRemoved = await inTransaction(db, async (tx) => {
        await ssoQueries.linkSsoIdentity(tx, { organizationId, subject: person.subject, userId: existing.id, now })
        // Bound for good: the sessions its password opened end too (on every instance), as a password no longer would
        // open one; the provider is asked about none of them. The session this sign-in opens is the account's only one.
        await ssoQueries.endSessionsOfUser(tx, existing.id)
        // Its provider asks its own second factor now: one enrolled here protected the password, which no longer signs
        // in. Kept, it would be a secret with no use (and a password sign-in waiting for it); removed with its recovery
        // codes and any enrolment begun. Should the organisation turn its provider off, a role that requires one
        // enrols a new one.
        const hadSecondFactor = Boolean((await findMfa(tx, existing.id))?.enabledAt)
        await deleteMfa(tx, existing.id)
        return hadSecondFactor
      })
      // Once committed: no session remembered here keeps the ones just ended (read again between announce and commit).
      forgetSessions({ userId: existing.id })
      isBound = true
      account = { ...existing, identityId: '' }
    } else {
      if (settings.provisioning === 'invitation_only') throw new SsoRefused('not_invited')
      // No password: this account signs in through its provider only.
      const created = await insertUser(db, { email: person.email, name: person.name ?? person.email, passwordHash: '' })
      await ssoQueries.linkSsoIdentity(db, { organizationId, subject: person.subject, userId: created.id, now })
      account = { id: created.id, email: created.email, name: created.name, isActive: 1, identityId: '' }
      isCreated = true
    }
  }
  if (account.isActive !== 1) throw new SsoRefused('account_disabled', { userId: account.id })
  const memberships = await listMembershipsOfUser(db, account.id)
  const current = memberships.find((membership) => membership.organizationId === organizationId)
  if (current?.role !== role) await upsertMembership(db, { userId: account.id, organizationId, role })
  if (person.name && person.name !== account.name) {
    await ssoQueries.renameUser(db, account.id, person.name)
  }
  return { userId: account.id, email: account.email, role, isCreated, isBound, isSecondFactorRemoved }
}
