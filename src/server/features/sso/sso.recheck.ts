/**
 * Access through single sign-on ends when the provider says so, not only at the next sign-in: every instance asks,
 * each minute, the providers about the sessions they opened that were not checked for SSO_RECHECK_MINUTES, with the
 * refresh token each gave at sign-in (sso_session). A refusal (disabled, deleted, logged out, token revoked) ends that
 * session on every instance; new groups change the role, or end the person's sessions when none is mapped any more, as
 * a sign-in would. A provider that does not answer ends nothing: an outage must not sign everyone out.
 */
import type { Config } from '../../config.js'
import type { Db } from '../../db/database.js'
import { addMinutes, nowTimestamp } from '../../db/time.js'
import type { WorkerRegistry } from '../../workers.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { listMembershipsOfUser, upsertMembership } from '../users/users.queries.js'
import type { StoredSsoSettings } from './sso.queries.js'
import * as ssoQueries from './sso.queries.js'
import { recheckAtProvider } from './sso.service.js'
import { roleForGroups } from './sso-roles.js'
import { decryptSecret, encryptSecret } from './sso-secret.js'

/** Sessions checked at most per round and instance: a round stays short, the rest wait for the next one. */
export const SSO_RECHECK_BATCH = 200
const SSO_RECHECK_INTERVAL_MS = 60_000

/** Where the round says what went wrong: organisation ids and the provider's problem only, never a token or a person. */
export interface RecheckLog {
  warn(details: Record<string, unknown>, message: string): void
}

export interface RecheckReport {
  /** Sessions this round claimed and asked about. */
  checked: number
  confirmed: number
  /** Sessions ended (by a refusal, no mapped group, single sign-on switched off). */
  ended: number
  /** Sessions kept because the provider gave no answer (tried again next round). */
  unavailable: number
  roleChanged: number
}

type DueSession = Awaited<ReturnType<typeof ssoQueries.listSsoSessionsDue>>[number]

/**
 * One round: claims each due session (so that two instances never spend the same refresh token), asks its provider,
 * and applies the answer. Never throws for one session's sake; a provider without an answer is not asked again for
 * its other sessions in this round.
 */
export async function recheckSsoSessions(
  db: Db,
  config: Config,
  options: { batch?: number; log?: RecheckLog; signal?: AbortSignal } = {},
): Promise<RecheckReport> {
  const report: RecheckReport = { checked: 0, confirmed: 0, ended: 0, unavailable: 0, roleChanged: 0 }
  const now = nowTimestamp()
  await ssoQueries.forgetLapsedSsoSessions(db, { now, seenSince: addMinutes(now, -config.sessionIdleMinutes) })
  const due = await ssoQueries.listSsoSessionsDue(db, {
    checkedBefore: addMinutes(now, -config.sso.recheckMinutes),
    now,
    seenSince: addMinutes(now, -config.sessionIdleMinutes),
    limit: options.batch ?? SSO_RECHECK_BATCH,
  })
  const settingsOf = new Map<string, StoredSsoSettings | undefined>()
  const silentProviders = new Set<string>()
  for (const session of due) {
    if (options.signal?.aborted) break
    if (silentProviders.has(session.organizationId)) continue
    try {
      if (!settingsOf.has(session.organizationId)) {
        settingsOf.set(session.organizationId, await ssoQueries.findSsoSettings(db, session.organizationId))
      }
      const outcome = await recheckSession(db, config, session, settingsOf.get(session.organizationId), options.log)
      if (outcome === 'not_claimed') continue
      report.checked++
      if (outcome === 'unavailable') {
        report.unavailable++
        silentProviders.add(session.organizationId)
      } else if (outcome === 'ended') report.ended++
      else {
        report.confirmed++
        if (outcome === 'role_changed') report.roleChanged++
      }
    } catch (error) {
      options.log?.warn(
        {
          organizationId: session.organizationId,
          problem: error instanceof Error ? error.message.slice(0, 300) : 'unknown',
        },
        'single sign-on: a session could not be checked',
      )
    }
  }
  return report
}

async function recheckSession(
  db: Db,
  config: Config,
  session: DueSession,
  settings: StoredSsoSettings | undefined,
  log: RecheckLog | undefined,
): Promise<'not_claimed' | 'unavailable' | 'ended' | 'confirmed' | 'role_changed'> {
  const { organizationId, sessionId, userId } = session
  const claimedAt = nowTimestamp()
  if (!(await ssoQueries.claimSsoSession(db, sessionId, session.checkedAt, claimedAt))) return 'not_claimed'
  const end = async (reason: string, details: Record<string, unknown> = {}) => {
    await recordAuditEvent(db, {
      actorUserId: userId,
      organizationId,
      action: 'auth.sso_session_ended',
      details: { reason, ...details },
    })
    return 'ended' as const
  }
  if (!settings?.isEnabled) {
    // Switched off (or removed) by the organisation: nothing vouches for these sessions any more.
    await ssoQueries.endSsoSession(db, sessionId)
    return end('sso_disabled')
  }
  const refreshToken = config.sso.secretKey
    ? decryptSecret(config.sso.secretKey, session.refreshTokenEncrypted, sessionId)
    : null
  if (refreshToken === null) {
    // The server's key is missing or changed: the provider cannot be asked; the session keeps its SSO_SESSION_HOURS.
    log?.warn(
      { organizationId },
      'single sign-on: a refresh token cannot be decrypted (SSO_SECRET_KEY missing or changed)',
    )
    return 'unavailable'
  }
  const answer = await recheckAtProvider(config, { settings, refreshToken, subject: session.subject })
  if (answer.outcome === 'unavailable') {
    await ssoQueries.releaseSsoSession(db, sessionId, claimedAt, session.checkedAt)
    log?.warn({ organizationId, problem: answer.problem }, 'single sign-on: the provider gave no answer, sessions kept')
    return 'unavailable'
  }
  if (answer.outcome === 'refused') {
    // Only this session: its token is what the provider refused (a logout there, a token revoked for one device). The
    // person's other sessions carry their own tokens and are asked about within SSO_RECHECK_MINUTES too.
    await ssoQueries.endSsoSession(db, sessionId)
    return end('provider_refused', { problem: answer.problem.slice(0, 200) })
  }
  if (answer.refreshToken && answer.refreshToken !== refreshToken && config.sso.secretKey) {
    const encrypted = encryptSecret(config.sso.secretKey, answer.refreshToken, sessionId)
    await ssoQueries.storeSsoRefreshToken(db, sessionId, encrypted)
  }
  if (answer.groups === null) return 'confirmed'
  const role = roleForGroups(settings.roleMapping, answer.groups)
  if (!role) {
    // As at sign-in: someone the provider has taken out of every mapped group loses every session, everywhere.
    await ssoQueries.endSessionsOfUser(db, userId)
    return end('no_mapped_group', { groupCount: answer.groups.length, sessionsEnded: true })
  }
  const memberships = await listMembershipsOfUser(db, userId)
  const current = memberships.find((membership) => membership.organizationId === organizationId)
  // A membership removed in Allervers meanwhile is not given back here; the next sign-in decides.
  if (!current || current.role === role) return 'confirmed'
  await upsertMembership(db, { userId, organizationId, role })
  await recordAuditEvent(db, {
    actorUserId: userId,
    organizationId,
    action: 'auth.sso_role_changed',
    details: { formerRole: current.role, role },
  })
  return 'role_changed'
}

/** The re-check on this instance, every minute (the work is shared between instances by the claim). */
export function startSsoRecheckWorker(
  workers: WorkerRegistry,
  db: Db,
  config: Config,
  options: { intervalMs?: number; log?: RecheckLog; onError?: (error: unknown) => void } = {},
) {
  return workers.runEvery(
    'sso-recheck',
    // A round asks at most SSO_RECHECK_BATCH sessions, each within the providers' timeout: long, but not stuck.
    { intervalMs: options.intervalMs ?? SSO_RECHECK_INTERVAL_MS, maxRoundMs: 30 * 60_000, onError: options.onError },
    async (signal) => {
      await recheckSsoSessions(db, config, { log: options.log, signal })
    },
  )
}
