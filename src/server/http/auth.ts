import { createHash, randomBytes } from 'node:crypto'
import type { Role } from '../../shared/roles.js'
import type { Db } from '../db/database.js'
import type { Timestamp } from '../db/time.js'
import { addMinutes, nowTimestamp } from '../db/time.js'
import * as authQueries from '../features/auth/auth.queries.js'
import { forgetSessions, recallSession, rememberSession } from './session-cache.js'

export const SESSION_COOKIE = 'allervers_session'

export interface Membership {
  organizationId: string
  organizationCode: string
  organizationName: string
  organizationType: string
  networkId: string
  role: Role
}

export interface CurrentUser {
  id: string
  email: string
  name: string
  locale: string
  sessionId: string
}

/** What the signed-in user may reach: their memberships. Every query of tenant data takes it. */
export interface Scope {
  userId: string
  memberships: Membership[]
}

declare module 'fastify' {
  interface FastifyRequest {
    user: CurrentUser | null
    scope: Scope
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url')
}

export interface SessionPolicy {
  idleMinutes: number
  maxHours: number
}

/**
 * Loads the session named by the cookie, enforcing idle and absolute lifetimes; returns null when there is none.
 * A session validated in the last few seconds is taken from this process's memory (`session-cache.ts`): its limits
 * are still checked against `now`, and logout or a change of memberships forgets it at once. `isActivity: false`
 * checks without counting as the user's activity (a live view re-checking its session keeps nobody signed in).
 */
export async function loadSession(
  db: Db,
  token: string | undefined,
  policy: SessionPolicy,
  now: Timestamp = nowTimestamp(),
  { isActivity = true }: { isActivity?: boolean } = {},
) {
  if (!token) return null
  const sessionId = hashToken(token)
  const cached = recallSession<{ user: CurrentUser; scope: Scope }>(sessionId)
  if (cached && cached.expiresAt > now && cached.idleLimit > now) return cached.value
  const row = await authQueries.findSessionWithUser(db, sessionId)
  if (!row) return null
  const idleLimit = addMinutes(row.lastSeenAt, policy.idleMinutes)
  if (row.expiresAt <= now || idleLimit <= now || row.isActive !== 1) {
    forgetSessions(sessionId)
    await authQueries.deleteSession(db, sessionId)
    return null
  }
  // One write a minute at most per session: keeps a busy caller's requests from all writing.
  const isTouched = isActivity && addMinutes(row.lastSeenAt, 1) <= now
  if (isTouched) await authQueries.touchSession(db, sessionId, now)
  const memberships = (await authQueries.listMemberships(db, row.id)) as Membership[]
  const user: CurrentUser = { id: row.id, email: row.email, name: row.name, locale: row.locale, sessionId }
  const session = { user, scope: { userId: row.id, memberships } satisfies Scope }
  rememberSession(sessionId, {
    value: session,
    userId: row.id,
    expiresAt: row.expiresAt,
    idleLimit: addMinutes(isTouched ? now : row.lastSeenAt, policy.idleMinutes),
  })
  return session
}
