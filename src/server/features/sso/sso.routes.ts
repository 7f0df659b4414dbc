import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { type SsoRefusal, ssoContract } from '../../../shared/contracts/sso.js'
import { announce } from '../../db/broadcast.js'
import { type Db, inTransaction } from '../../db/database.js'
import { addMinutes, nowTimestamp } from '../../db/time.js'
import { hashToken, newSessionToken, SESSION_COOKIE } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { currentScope, currentUser } from '../../policy/policy.hook.js'
import { networksWhere } from '../../policy/policy.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import * as authQueries from '../auth/auth.queries.js'
import { throttledAddressOf } from '../auth/login-throttle.js'
import { findOrganizationByCode } from '../organizations/organizations.queries.js'
import type { StoredSsoSettings } from './sso.queries.js'
import * as ssoQueries from './sso.queries.js'
import {
  readLogoutToken,
  readProviderAnswer,
  resolveAccount,
  SSO_ATTEMPT_MINUTES,
  SsoRefused,
  startSignIn,
} from './sso.service.js'
import { encryptSecret } from './sso-secret.js'

/** The cookie that carries a sign-in's token through the round trip to the provider (its hash names the attempt). */
export const SSO_COOKIE = 'allervers_sso'
const SSO_COOKIE_PATH = '/api/auth/sso'
/**
 * Refusals audited per client address within the sign-in window (LOGIN_WINDOW_MINUTES): the sign-in's round trip and
 * the logout tokens need no account, so beyond this a flood of refusals from one address adds nothing to the journal
 * (the refusals are still given; a logout token then gets 429).
 */
export const SSO_REFUSALS_AUDITED_PER_ADDRESS = 30

function presentSettings(settings: StoredSsoSettings | undefined) {
  if (!settings) return null
  return {
    isEnabled: settings.isEnabled,
    issuer: settings.issuer,
    clientId: settings.clientId,
    hasClientSecret: settings.clientSecretEncrypted !== '',
    scopes: settings.scopes,
    groupsClaim: settings.groupsClaim,
    roleMapping: settings.roleMapping,
    provisioning: settings.provisioning,
    requireSso: settings.requireSso,
    updatedAt: settings.updatedAt,
  }
}

async function presentPasswordMembers(db: Db, organizationId: string) {
  const members = await ssoQueries.listPasswordMembers(db, organizationId)
  return { count: members.length, alsoElsewhere: members.filter((member) => member.isAlsoElsewhere).length }
}

export const ssoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config, db } = app
  const isSecure = (request: FastifyRequest) =>
    request.protocol === 'https' || (config.publicUrl?.startsWith('https://') ?? false)
  const appOrigin = (request: FastifyRequest) => config.publicUrl ?? `${request.protocol}://${request.host}`
  const redirectUriOf = (request: FastifyRequest) => `${appOrigin(request)}/api/auth/sso/callback`
  const backchannelLogoutUriOf = (request: FastifyRequest, code: string) =>
    `${appOrigin(request)}/api/auth/sso/${encodeURIComponent(code)}/backchannel-logout`
  /** The settings' answer: the settings, the addresses to register at the provider, what requiring SSO would change. */
  const settingsAnswer = async (request: FastifyRequest, organization: { id: string; code: string }) => ({
    settings: presentSettings(await ssoQueries.findSsoSettings(db, organization.id)),
    redirectUri: redirectUriOf(request),
    backchannelLogoutUri: backchannelLogoutUriOf(request, organization.code),
    passwordMembers: await presentPasswordMembers(db, organization.id),
  })

  /**
   * Audits a refusal (`auth.sso_refused`) unless its address has had SSO_REFUSALS_AUDITED_PER_ADDRESS of them in the
   * window; answers whether it did.
   */
  async function auditRefusal(
    request: FastifyRequest,
    entry: {
      actorUserId: string | null
      actorEmail: string | null
      organizationId: string | null
      details: Record<string, unknown>
    },
  ) {
    const now = nowTimestamp()
    const counted = await authQueries.reserveLoginAttempt(db, {
      key: `sso-refused:${throttledAddressOf(request.ip)}`,
      now,
      since: addMinutes(now, -config.loginWindowMinutes),
      maxAttempts: SSO_REFUSALS_AUDITED_PER_ADDRESS,
    })
    if (!counted) return false
    await recordAuditEvent(db, { ...entry, action: 'auth.sso_refused', ip: request.ip, details: entry.details })
    return true
  }

  /** Back to the app's login page, which says why in words (`login.sso.<reason>`); the refusal is audited. */
  async function refuse(
    request: FastifyRequest,
    reply: FastifyReply,
    reason: SsoRefusal,
    context: { organizationId?: string | null; details?: Record<string, unknown>; email?: string | null } = {},
  ) {
    const { userId, ...details } = context.details ?? {}
    await auditRefusal(request, {
      actorUserId: typeof userId === 'string' ? userId : null,
      actorEmail: context.email ?? null,
      organizationId: context.organizationId ?? null,
      details: { reason, ...details },
    })
    return reply.redirect(`/?sso=${reason}`, 302)
  }

  app.route({
    ...ssoContract.organizations,
    config: { access: 'auth.sso' },
    handler: async () => ({ items: await ssoQueries.listSsoOrganizations(db) }),
  })

  app.route({
    ...ssoContract.start,
    config: { access: 'auth.sso' },
    handler: async (request, reply) => {
      const organization = await findOrganizationByCode(db, request.params.code)
      const settings = organization ? await ssoQueries.findSsoSettings(db, organization.id) : undefined
      if (!organization || !settings?.isEnabled) return reply.redirect('/?sso=unavailable', 302)
      try {
        const { url, token } = await startSignIn(db, config, { settings, redirectUri: redirectUriOf(request) })
        reply.setCookie(SSO_COOKIE, token, {
          path: SSO_COOKIE_PATH,
          httpOnly: true,
          // Lax: the provider's redirect back is a top-level navigation from its site, which Lax cookies go with.
          sameSite: 'lax',
          secure: isSecure(request),
          maxAge: SSO_ATTEMPT_MINUTES * 60,
        })
        return reply.redirect(url.href, 302)
      } catch (error) {
        if (!(error instanceof SsoRefused)) throw error
        return refuse(request, reply, error.reason, { organizationId: organization.id, details: error.details })
      }
    },
  })

  app.route({
    ...ssoContract.callback,
    config: { access: 'auth.sso' },
    handler: async (request, reply) => {
      const token = request.cookies[SSO_COOKIE]
      reply.clearCookie(SSO_COOKIE, { path: SSO_COOKIE_PATH })
      const attempt = token ? await ssoQueries.takeSsoAttempt(db, hashToken(token)) : undefined
      const now = nowTimestamp()
      if (!attempt || attempt.expiresAt <= now) {
        return refuse(request, reply, 'expired', {
          organizationId: attempt?.organizationId,
          details: { problem: !token ? 'no cookie' : !attempt ? 'unknown or used attempt' : 'expired attempt' },
        })
      }
      const organizationId = attempt.organizationId
      const settings = await ssoQueries.findSsoSettings(db, organizationId)
      if (!settings?.isEnabled) return refuse(request, reply, 'unavailable', { organizationId })
      let email: string | null = null
      try {
        const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''
        const person = await readProviderAnswer(config, {
          settings,
          attempt,
          query: request.query as Record<string, unknown>,
          search,
        })
        email = person.email
        const account = await resolveAccount(db, { settings, person })
        const sessionToken = newSessionToken()
        // A provider's sign-in lasts a working day at most: the provider is asked again (groups, account) after it.
        const hours = Math.min(config.sessionMaxHours, config.sso.sessionHours)
        await authQueries.createSession(db, {
          id: hashToken(sessionToken),
          userId: account.userId,
          now,
          expiresAt: addMinutes(now, hours * 60),
          ip: request.ip,
          userAgent: request.headers['user-agent']?.slice(0, 300) ?? null,
        })
        // Who opened it at the provider, for its back-channel logout; with a refresh token, the provider is asked again
        // while the session lasts (sso.recheck.ts): access ends when it says so.
        const sessionId = hashToken(sessionToken)
        await ssoQueries.insertSsoSession(db, {
          sessionId,
          organizationId,
          subject: person.subject,
          providerSessionId: person.providerSessionId,
          refreshTokenEncrypted:
            person.refreshToken && config.sso.secretKey
              ? encryptSecret(config.sso.secretKey, person.refreshToken, sessionId)
              : null,
          checkedAt: now,
        })
        await authQueries.recordLogin(db, account.userId, now)
        await recordAuditEvent(db, {
          actorUserId: account.userId,
          actorEmail: account.email,
          organizationId,
          action: 'auth.login',
          ip: request.ip,
          details: {
            method: 'sso',
            role: account.role,
            ...(account.isCreated ? { accountCreated: true } : {}),
            ...(account.isBound ? { accountBound: true } : {}),
            ...(account.isSecondFactorRemoved ? { secondFactorRemoved: true } : {}),
          },
        })
        reply.setCookie(SESSION_COOKIE, sessionToken, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: isSecure(request),
          maxAge: hours * 3600,
        })
        return reply.redirect('/', 302)
      } catch (error) {
        if (!(error instanceof SsoRefused)) throw error
        return refuse(request, reply, error.reason, { organizationId, details: error.details, email })
      }
    },
  })

  // A provider posts its logout tokens form-encoded (Back-Channel Logout 1.0 § 2.5): a parser for this route only.
  await app.register(async (form) => {
    form.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    )
    form.withTypeProvider<TypeBoxTypeProvider>().route({
      ...ssoContract.backchannelLogout,
      config: { access: 'auth.sso' },
      handler: async (request, reply) => {
        reply.header('cache-control', 'no-store')
        const organization = await findOrganizationByCode(db, request.params.code)
        const settings = organization ? await ssoQueries.findSsoSettings(db, organization.id) : undefined
        if (!organization || !settings?.isEnabled) {
          throw new AppError('NOT_FOUND', `No organisation "${request.params.code}" with single sign-on on`)
        }
        let named: Awaited<ReturnType<typeof readLogoutToken>>
        try {
          named = await readLogoutToken(config, settings, request.body.logout_token)
        } catch (error) {
          if (!(error instanceof SsoRefused)) throw error
          const problem = String(error.details.problem)
          const isAudited = await auditRefusal(request, {
            actorUserId: null,
            actorEmail: null,
            organizationId: organization.id,
            details: { reason: error.reason, problem },
          })
          if (!isAudited) {
            throw new AppError('RATE_LIMITED', 'Too many refused logout tokens from your address; try again later', {
              retryAfterSeconds: config.loginWindowMinutes * 60,
            })
          }
          throw new AppError('VALIDATION_FAILED', 'The logout token is not valid', [
            { field: 'logout_token', message: problem },
          ])
        }
        const account = named.subject
          ? await ssoQueries.findUserBySsoIdentity(db, organization.id, named.subject)
          : undefined
        const ended = await ssoQueries.listSessionsEndedByLogout(db, {
          organizationId: organization.id,
          providerSessionId: named.providerSessionId,
          subject: named.subject,
          userId: account?.id ?? null,
        })
        for (const session of ended) await ssoQueries.endSsoSession(db, session.sessionId)
        // One entry per person whose sessions ended (a provider session is one person's).
        for (const userId of new Set(ended.map((session) => session.userId))) {
          await recordAuditEvent(db, {
            actorUserId: userId,
            organizationId: organization.id,
            action: 'auth.sso_session_ended',
            ip: request.ip,
            details: {
              reason: 'backchannel_logout',
              byProviderSession: named.providerSessionId !== null,
              sessionsEnded: ended.filter((session) => session.userId === userId).length,
            },
          })
        }
        // The same answer for a person or a session never seen here, or already ended: the provider has nothing to retry.
        return {}
      },
    })
  })

  /** The organisation of `code` if the user administers its network, else a 404 (nothing said about others). */
  async function administeredOrganization(request: FastifyRequest, code: string) {
    const organization = await findOrganizationByCode(db, code)
    if (!organization || !networksWhere(currentScope(request), 'sso.manage').includes(organization.networkId)) {
      throw new AppError('NOT_FOUND', `No organisation "${code}" that you administer`)
    }
    return organization
  }

  app.route({
    ...ssoContract.readSettings,
    config: { access: 'sso.manage' },
    handler: async (request) => {
      const organization = await administeredOrganization(request, request.params.code)
      return settingsAnswer(request, organization)
    },
  })

  app.route({
    ...ssoContract.saveSettings,
    config: { access: 'sso.manage' },
    handler: async (request) => {
      const organization = await administeredOrganization(request, request.params.code)
      const body = request.body
      const secretKey = config.sso.secretKey
      if (!secretKey) {
        throw new AppError(
          'UNPROCESSABLE',
          'Single sign-on cannot be saved: the server has no SSO_SECRET_KEY to encrypt the client secret with',
        )
      }
      if (body.issuer.startsWith('http://') && !config.sso.allowHttpIssuer) {
        throw new AppError('VALIDATION_FAILED', 'The issuer must be an https:// address', [
          { field: 'issuer', message: 'must start with https://' },
        ])
      }
      if (body.isEnabled && body.roleMapping.length === 0) {
        throw new AppError('VALIDATION_FAILED', 'Map at least one group to a role before turning single sign-on on', [
          { field: 'roleMapping', message: 'needs at least one line' },
        ])
      }
      const previous = await ssoQueries.findSsoSettings(db, organization.id)
      const clientSecret = body.clientSecret?.trim()
      if (!clientSecret && !previous) {
        throw new AppError('VALIDATION_FAILED', 'The client secret is required the first time', [
          { field: 'clientSecret', message: 'is required' },
        ])
      }
      const requireSso = body.requireSso ?? previous?.requireSso ?? false
      // Required from now on: the accounts of the organisation not bound to its provider lose it with their password.
      const isNowRequired = body.isEnabled && requireSso && !(previous?.isEnabled && previous.requireSso)
      const passwordMembers = isNowRequired ? await ssoQueries.listPasswordMembers(db, organization.id) : []
      const actorId = currentUser(request).id
      if (passwordMembers.some((member) => member.userId === actorId)) {
        // The administrator would lock themself out of the organisation with an untried sign-in: they try it first.
        throw new AppError(
          'CONFLICT',
          'Your account still signs in to this organisation with a password: sign in once through its provider (single sign-on on, not yet required) before requiring it',
          { reason: 'sso_not_proven' },
        )
      }
      // Those who sign in with a password to this organisation only: their sessions end now, on every instance.
      const signedOut = passwordMembers.filter((member) => !member.isAlsoElsewhere).map((member) => member.userId)
      const updatedAt = nowTimestamp()
      await inTransaction(db, async (tx) => {
        await ssoQueries.saveSsoSettings(tx, {
          organizationId: organization.id,
          isEnabled: body.isEnabled,
          issuer: body.issuer.replace(/\/+$/, ''),
          clientId: body.clientId.trim(),
          clientSecretEncrypted: clientSecret
            ? encryptSecret(secretKey, clientSecret)
            : (previous?.clientSecretEncrypted ?? ''),
          scopes: body.scopes,
          groupsClaim: body.groupsClaim,
          roleMapping: body.roleMapping.map((line) => ({ group: line.group.trim(), role: line.role })),
          provisioning: body.provisioning,
          requireSso,
          updatedAt,
          updatedBy: actorId,
        })
        if (signedOut.length > 0) await ssoQueries.deleteSessionsOfUsers(tx, signedOut)
        await recordAuditEvent(tx, {
          actorUserId: actorId,
          organizationId: organization.id,
          action: 'sso.settings_changed',
          entityType: 'organization',
          entityId: organization.id,
          ip: request.ip,
          details: {
            isEnabled: body.isEnabled,
            issuer: body.issuer,
            provisioning: body.provisioning,
            requireSso,
            mappingLines: body.roleMapping.length,
            isSecretChanged: Boolean(clientSecret),
            ...(isNowRequired ? { passwordMembers: passwordMembers.length, accountsSignedOut: signedOut.length } : {}),
          },
        })
      })
      // What a session reaches is read again everywhere: memberships of this organisation a password opened are gone
      // (requiring), or back (no longer required). Announced after the commit, so no instance reads the old settings.
      if (requireSso || previous?.requireSso) await announce(db, { topic: 'sessions' })
      return settingsAnswer(request, organization)
    },
  })
}
