import type { FastifyReply, FastifyRequest } from 'fastify'
import type { OrganizationType } from '../../../shared/roles.js'
import type { Config } from '../../config.js'
import type { Db } from '../../db/database.js'
import { addMinutes, nowTimestamp } from '../../db/time.js'
import { hashToken, type Membership, newSessionToken, SESSION_COOKIE } from '../../http/auth.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { listProviderSignInsOfUser } from '../sso/sso.queries.js'
import * as authQueries from './auth.queries.js'

export function presentMemberships(memberships: Membership[]) {
  return memberships.map((m) => ({
    organization: { code: m.organizationCode, name: m.organizationName, type: m.organizationType as OrganizationType },
    role: m.role,
  }))
}

/**
 * The signed-in user as the web app knows them (SessionUserSchema). Whether the account signs in through single sign-on
 * is read at each call: it changes when a first SSO sign-in binds an account that had a password.
 */
export async function presentSessionUser(
  db: Db,
  user: { id: string; email: string; name: string; locale: string },
  memberships: Membership[],
) {
  const providers = await listProviderSignInsOfUser(db, user.id)
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    locale: user.locale,
    memberships: presentMemberships(memberships),
    signsInWithSso: providers.length > 0,
    ssoOrganizations: providers.map((provider) => provider.organizationName),
  }
}

export function isSecureCookie(config: Config, request: FastifyRequest) {
  return request.protocol === 'https' || (config.publicUrl?.startsWith('https://') ?? false)
}

/**
 * Opens a session for a user who has proved who they are (a password, and the second factor when they have one):
 * the row, the cookie, the audit entry `auth.login` (with how the second factor was given, if it was). Answers the
 * user as the web app knows them.
 */
export async function openSession(
  db: Db,
  config: Config,
  request: FastifyRequest,
  reply: FastifyReply,
  user: { id: string; email: string; name: string; locale: string },
  secondFactor?: 'totp' | 'recovery_code' | 'enrolled',
) {
  const now = nowTimestamp()
  const token = newSessionToken()
  await authQueries.createSession(db, {
    id: hashToken(token),
    userId: user.id,
    now,
    expiresAt: addMinutes(now, config.sessionMaxHours * 60),
    ip: request.ip,
    userAgent: request.headers['user-agent']?.slice(0, 300) ?? null,
  })
  await authQueries.recordLogin(db, user.id, now)
  await recordAuditEvent(db, {
    actorUserId: user.id,
    actorEmail: user.email,
    action: 'auth.login',
    ip: request.ip,
    ...(secondFactor ? { details: { secondFactor } } : {}),
  })
  const memberships = (await authQueries.listMemberships(db, user.id)) as Membership[]
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: isSecureCookie(config, request),
    maxAge: config.sessionMaxHours * 3600,
  })
  return presentSessionUser(db, user, memberships)
}
