/**
 * The second factor of local accounts: a TOTP secret (features/mfa/mfa.crypto.ts) and ten recovery codes.
 *
 * Signing in: once the password is right, an account with a second factor, or whose role requires one
 * (MFA_REQUIRED_ROLES), gets no session yet but a pending sign-in (`mfa_challenge`, the SHA-256 of a token in an
 * HttpOnly cookie scoped to /api/auth/mfa): a code or a recovery code opens the session; an account that must have
 * one and has none enrols it first. A code is accepted once (the step it belongs to is recorded), a recovery code
 * once; wrong codes are counted like wrong passwords, and a pending sign-in ends after MAX_CHALLENGE_FAILURES.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Role } from '../../../shared/roles.js'
import type { Config } from '../../config.js'
import { announce } from '../../db/broadcast.js'
import { type Db, inTransaction } from '../../db/database.js'
import { addMinutes, nowTimestamp, type Timestamp } from '../../db/time.js'
import { hashToken, newSessionToken } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { forgetSessions } from '../../http/session-cache.js'
import { deleteSessionsOfUser, findPasswordHash } from '../account/account.queries.js'
import { assertSignsInWithPassword } from '../account/account.service.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import * as authQueries from '../auth/auth.queries.js'
import { reserveLoginAttempt, settleLoginAttempt } from '../auth/login-throttle.js'
import { isSecureCookie } from '../auth/open-session.js'
import { verifyPassword } from '../auth/passwords.js'
import {
  decryptSecret,
  encryptSecret,
  hashRecoveryCode,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  normalizeRecoveryCode,
  provisioningOf,
} from './mfa.crypto.js'
import * as mfa from './mfa.queries.js'

export const MFA_COOKIE = 'allervers_mfa'
const MFA_COOKIE_PATH = '/api/auth/mfa'
/** How long a pending sign-in waits: a code is typed in a minute; enrolling may mean installing an app first. */
export const CHALLENGE_MINUTES = { verify: 10, enrol: 30 } as const
/** Wrong codes one pending sign-in takes before it ends (the password is asked again, and counted). */
export const MAX_CHALLENGE_FAILURES = 5
/**
 * Wrong codes one account may be sent within LOGIN_WINDOW_MINUTES, from every address together, before even a right
 * code is refused until the window ends. Only someone who has the password gets here, so the cap cannot lock a
 * stranger's account; without it, a guesser with the password and many addresses would try 10 codes per address.
 */
export const MFA_ACCOUNT_MAX_FAILURES = 10

export function isMfaRequired(settings: Config['mfa'], roles: readonly Role[]) {
  return roles.some((role) => settings.requiredRoles.includes(role))
}

async function rolesOf(db: Db, userId: string): Promise<Role[]> {
  return (await authQueries.listMemberships(db, userId)).map((m) => m.role as Role)
}

/**
 * After a right password: null when the session may open now, else the pending sign-in's step (its cookie set).
 */
export async function startSecondStep(
  db: Db,
  config: Config,
  request: FastifyRequest,
  reply: FastifyReply,
  user: { id: string; email: string },
): Promise<{ mfa: 'code' | 'enrol'; expiresAt: Timestamp } | null> {
  const existing = await mfa.findMfa(db, user.id)
  const purpose = existing?.enabledAt
    ? 'verify'
    : isMfaRequired(config.mfa, await rolesOf(db, user.id))
      ? 'enrol'
      : null
  if (!purpose) return null
  const now = nowTimestamp()
  await mfa.deleteExpiredChallenges(db, now)
  const token = newSessionToken()
  const expiresAt = addMinutes(now, CHALLENGE_MINUTES[purpose])
  await mfa.insertChallenge(db, { id: hashToken(token), userId: user.id, purpose, now, expiresAt })
  await recordAuditEvent(db, {
    actorUserId: user.id,
    actorEmail: user.email,
    action: 'auth.mfa_challenge',
    ip: request.ip,
    details: { purpose },
  })
  reply.setCookie(MFA_COOKIE, token, {
    path: MFA_COOKIE_PATH,
    httpOnly: true,
    sameSite: 'strict',
    secure: isSecureCookie(config, request),
    maxAge: CHALLENGE_MINUTES[purpose] * 60,
  })
  return { mfa: purpose === 'verify' ? 'code' : 'enrol', expiresAt }
}

export function clearChallengeCookie(reply: FastifyReply) {
  reply.clearCookie(MFA_COOKIE, { path: MFA_COOKIE_PATH })
}

/**
 * The pending sign-in of this request's cookie, or 404 `no_pending_sign_in` (none, expired, ended: sign in again).
 * It continues a password sign-in, which an account bound to its organisation's provider since the password was typed
 * no longer has: 403 `sso_account`, as the password would now get (a session opened here would outlive the provider's
 * word on the person).
 */
export async function currentChallenge(db: Db, request: FastifyRequest, purpose?: 'verify' | 'enrol') {
  const token = request.cookies[MFA_COOKIE]
  const challenge = token ? await mfa.findChallenge(db, hashToken(token)) : undefined
  if (
    !challenge ||
    challenge.expiresAt <= nowTimestamp() ||
    challenge.isActive !== 1 ||
    (purpose && challenge.purpose !== purpose)
  ) {
    throw new AppError('NOT_FOUND', 'No sign-in is waiting for a second factor; sign in again', {
      reason: 'no_pending_sign_in',
    })
  }
  await assertSignsInWithPassword(db, challenge.userId)
  return challenge
}

type Challenge = Awaited<ReturnType<typeof currentChallenge>>

/**
 * Runs `check` as one attempt counted like a password: the (account, address) pair and the address share the
 * sign-in limits (LOGIN_MAX_FAILURES, LOGIN_ADDRESS_MAX_FAILURES, under keys of their own for the account), the
 * account is refused past MFA_ACCOUNT_MAX_FAILURES from all addresses, and the pending sign-in ends after
 * MAX_CHALLENGE_FAILURES wrong codes. A wrong code is 401 INVALID_CREDENTIALS with its
 * reason and the attempts this pending sign-in has left.
 */
async function attemptWithChallenge<T>(
  db: Db,
  config: Config,
  request: FastifyRequest,
  challenge: Challenge,
  check: () => Promise<{ ok: true; value: T } | { ok: false; reason: string }>,
): Promise<T> {
  let reservation: Awaited<ReturnType<typeof reserveLoginAttempt>>
  try {
    reservation = await reserveLoginAttempt(db, config, {
      email: `mfa:${challenge.email}`,
      ip: request.ip,
      accountMaxFailures: MFA_ACCOUNT_MAX_FAILURES,
    })
  } catch (error) {
    if (error instanceof AppError && error.code === 'RATE_LIMITED') {
      await recordAuditEvent(db, {
        actorUserId: challenge.userId,
        actorEmail: challenge.email,
        action: 'auth.mfa_rate_limited',
        ip: request.ip,
      })
    }
    throw error
  }
  const outcome = await check()
  await settleLoginAttempt(db, reservation, outcome.ok)
  if (outcome.ok) return outcome.value
  const failures = await mfa.countChallengeFailure(db, challenge.id)
  const attemptsLeft = Math.max(0, MAX_CHALLENGE_FAILURES - failures)
  if (attemptsLeft === 0) await mfa.deleteChallenge(db, challenge.id)
  await recordAuditEvent(db, {
    actorUserId: challenge.userId,
    actorEmail: challenge.email,
    action: 'auth.mfa_failed',
    ip: request.ip,
    details: { reason: outcome.reason, purpose: challenge.purpose },
  })
  throw new AppError('INVALID_CREDENTIALS', 'This code is not right', { reason: outcome.reason, attemptsLeft })
}

/** Checks a code of the app against the user's confirmed secret, spending its step. */
async function checkTotp(
  db: Db,
  config: Config,
  userId: string,
  code: string,
): Promise<{ ok: true } | { ok: false; reason: 'wrong_code' | 'code_already_used' }> {
  const row = await mfa.findMfa(db, userId)
  if (!row?.enabledAt) return { ok: false, reason: 'wrong_code' }
  const step = matchTotp(decryptSecret(config.mfa.encryptionKey, userId, row.secret), code, Date.now())
  if (step === null) return { ok: false, reason: 'wrong_code' }
  if (!(await mfa.spendStep(db, userId, step))) return { ok: false, reason: 'code_already_used' }
  return { ok: true }
}

/**
 * The second step of a pending sign-in: a 6-digit code, or a recovery code (spent). Ends the pending sign-in;
 * the caller opens the session.
 */
export async function verifySecondFactor(db: Db, config: Config, request: FastifyRequest, code: string) {
  const challenge = await currentChallenge(db, request, 'verify')
  const method = await attemptWithChallenge(db, config, request, challenge, async () => {
    const typed = code.trim()
    if (/^\d{6}$/.test(typed)) {
      const result = await checkTotp(db, config, challenge.userId, typed)
      return result.ok ? { ok: true, value: 'totp' as const } : result
    }
    const normalized = normalizeRecoveryCode(typed)
    if (!normalized) return { ok: false, reason: 'wrong_code' }
    const isUsed = await mfa.spendRecoveryCode(db, {
      userId: challenge.userId,
      codeHash: hashRecoveryCode(normalized),
      now: nowTimestamp(),
    })
    return isUsed ? { ok: true, value: 'recovery_code' as const } : { ok: false, reason: 'wrong_code' }
  })
  if (!(await mfa.deleteChallenge(db, challenge.id))) {
    throw new AppError('NOT_FOUND', 'No sign-in is waiting for a second factor; sign in again', {
      reason: 'no_pending_sign_in',
    })
  }
  const recoveryCodesLeft =
    method === 'recovery_code' ? await mfa.countRecoveryCodesLeft(db, challenge.userId) : undefined
  if (method === 'recovery_code') {
    await recordAuditEvent(db, {
      actorUserId: challenge.userId,
      actorEmail: challenge.email,
      action: 'auth.mfa_recovery_code_used',
      ip: request.ip,
      details: { recoveryCodesLeft },
    })
  }
  return { challenge, method, recoveryCodesLeft }
}

/** A secret being enrolled by the user: the pending one if there is one, else a new one. 409 when one is confirmed. */
export async function beginEnrolment(db: Db, config: Config, user: { id: string; email: string }) {
  const existing = await mfa.findMfa(db, user.id)
  if (existing?.enabledAt) throw new AppError('CONFLICT', 'This account has a second factor already')
  let secret = existing ? decryptSecret(config.mfa.encryptionKey, user.id, existing.secret) : null
  if (!secret) {
    secret = newTotpSecret()
    const isSaved = await mfa.savePendingSecret(db, {
      userId: user.id,
      secret: encryptSecret(config.mfa.encryptionKey, user.id, secret),
      now: nowTimestamp(),
    })
    if (!isSaved) throw new AppError('CONFLICT', 'This account has a second factor already')
  }
  return { secret, accountLabel: user.email, ...(await provisioningOf(secret, user.email)) }
}

/**
 * Confirms the secret being enrolled with a first code; answers the ten recovery codes (shown once). The caller
 * counts the attempt.
 */
async function confirmWithCode(
  db: Db,
  config: Config,
  userId: string,
  code: string,
): Promise<{ ok: true; value: string[] } | { ok: false; reason: 'wrong_code' | 'not_enrolling' }> {
  const row = await mfa.findMfa(db, userId)
  if (!row) return { ok: false, reason: 'not_enrolling' }
  if (row.enabledAt) throw new AppError('CONFLICT', 'This account has a second factor already')
  const step = matchTotp(decryptSecret(config.mfa.encryptionKey, userId, row.secret), code, Date.now())
  if (step === null) return { ok: false, reason: 'wrong_code' }
  const codes = newRecoveryCodes()
  const now = nowTimestamp()
  const isEnabled = await inTransaction(db, async (tx) => {
    if (!(await mfa.enableMfa(tx, { userId, now, step }))) return false
    await mfa.replaceRecoveryCodes(tx, {
      userId,
      hashes: codes.map((recovery) => hashRecoveryCode(normalizeRecoveryCode(recovery)!)),
      now,
    })
    return true
  })
  if (!isEnabled) throw new AppError('CONFLICT', 'This account has a second factor already')
  return { ok: true, value: codes }
}

/** Enrolment forced at sign-in: the first code confirms the secret and ends the pending sign-in. */
export async function confirmEnrolmentAtSignIn(db: Db, config: Config, request: FastifyRequest, code: string) {
  const challenge = await currentChallenge(db, request, 'enrol')
  const recoveryCodes = await attemptWithChallenge(db, config, request, challenge, () =>
    confirmWithCode(db, config, challenge.userId, code),
  )
  await mfa.deleteChallenge(db, challenge.id)
  await recordAuditEvent(db, {
    actorUserId: challenge.userId,
    actorEmail: challenge.email,
    action: 'account.mfa_enabled',
    entityType: 'user',
    entityId: challenge.userId,
    ip: request.ip,
    details: { atSignIn: true },
  })
  return { challenge, recoveryCodes }
}

/**
 * Counts an attempt of a signed-in user at proving themselves (a code or their password) before changing their
 * second factor: 10 per LOGIN_WINDOW_MINUTES, like a password change.
 */
async function reserveAccountAttempt(db: Db, config: Config, userId: string) {
  const now = nowTimestamp()
  const key = `mfa-change:${userId}`
  const reserved = await authQueries.reserveLoginAttempt(db, {
    key,
    now,
    since: addMinutes(now, -config.loginWindowMinutes),
    maxAttempts: 10,
  })
  if (!reserved) {
    const started = (await authQueries.findLoginWindowStart(db, key)) ?? now
    const end = Date.parse(addMinutes(started, config.loginWindowMinutes))
    throw new AppError('RATE_LIMITED', 'Too many attempts; please wait before trying again', {
      retryAfterSeconds: Math.max(1, Math.ceil((end - Date.parse(now)) / 1000)),
    })
  }
  return key
}

/** From « Mon compte »: confirms the secret being enrolled. Wrong codes are 400 VALIDATION_FAILED on `code`. */
export async function confirmEnrolmentInAccount(
  db: Db,
  config: Config,
  input: { user: { id: string }; code: string; ip: string },
) {
  const key = await reserveAccountAttempt(db, config, input.user.id)
  const outcome = await confirmWithCode(db, config, input.user.id, input.code)
  if (!outcome.ok) {
    throw new AppError('VALIDATION_FAILED', 'This code is not right', { field: 'code', reason: outcome.reason })
  }
  await authQueries.clearLoginAttempts(db, key)
  await recordAuditEvent(db, {
    actorUserId: input.user.id,
    action: 'account.mfa_enabled',
    entityType: 'user',
    entityId: input.user.id,
    ip: input.ip,
  })
  return outcome.value
}

async function checkPassword(db: Db, userId: string, password: string) {
  const hash = await findPasswordHash(db, userId)
  return Boolean(hash && (await verifyPassword(hash, password)))
}

export async function mfaStatus(db: Db, config: Config, userId: string) {
  const row = await mfa.findMfa(db, userId)
  return {
    enabled: Boolean(row?.enabledAt),
    enabledAt: row?.enabledAt ?? null,
    isRequired: isMfaRequired(config.mfa, await rolesOf(db, userId)),
    recoveryCodesLeft: row?.enabledAt ? await mfa.countRecoveryCodesLeft(db, userId) : 0,
  }
}

/** Turns one's second factor off, given the password; refused (409) when a role of the user requires it. */
export async function disableOwnMfa(
  db: Db,
  config: Config,
  input: { user: { id: string }; password: string; ip: string },
) {
  if (isMfaRequired(config.mfa, await rolesOf(db, input.user.id))) {
    throw new AppError('CONFLICT', 'Your role requires a second factor: it cannot be turned off', {
      reason: 'required_by_role',
    })
  }
  const key = await reserveAccountAttempt(db, config, input.user.id)
  if (!(await checkPassword(db, input.user.id, input.password))) {
    throw new AppError('VALIDATION_FAILED', 'The password is not right', {
      field: 'password',
      reason: 'wrong_password',
    })
  }
  await authQueries.clearLoginAttempts(db, key)
  const wasEnabled = await inTransaction(db, (tx) => mfa.deleteMfa(tx, input.user.id))
  if (!wasEnabled) throw new AppError('NOT_FOUND', 'This account has no second factor')
  await recordAuditEvent(db, {
    actorUserId: input.user.id,
    action: 'account.mfa_disabled',
    entityType: 'user',
    entityId: input.user.id,
    ip: input.ip,
  })
}

/** New recovery codes, given the password or a code of the app; the previous ones stop working. */
export async function regenerateRecoveryCodes(
  db: Db,
  config: Config,
  input: { user: { id: string }; password?: string; code?: string; ip: string },
) {
  if (!input.password === !input.code) {
    throw new AppError('VALIDATION_FAILED', 'Give either your password or a code of your app', {
      field: 'password',
      reason: 'proof_required',
    })
  }
  const row = await mfa.findMfa(db, input.user.id)
  if (!row?.enabledAt) throw new AppError('NOT_FOUND', 'This account has no second factor')
  const key = await reserveAccountAttempt(db, config, input.user.id)
  if (input.code) {
    const result = await checkTotp(db, config, input.user.id, input.code)
    if (!result.ok) throw new AppError('VALIDATION_FAILED', 'This code is not right', { field: 'code', ...result })
  } else if (!(await checkPassword(db, input.user.id, input.password!))) {
    throw new AppError('VALIDATION_FAILED', 'The password is not right', {
      field: 'password',
      reason: 'wrong_password',
    })
  }
  await authQueries.clearLoginAttempts(db, key)
  const codes = newRecoveryCodes()
  await mfa.replaceRecoveryCodes(db, {
    userId: input.user.id,
    hashes: codes.map((code) => hashRecoveryCode(normalizeRecoveryCode(code)!)),
    now: nowTimestamp(),
  })
  await recordAuditEvent(db, {
    actorUserId: input.user.id,
    action: 'account.mfa_recovery_codes',
    entityType: 'user',
    entityId: input.user.id,
    ip: input.ip,
  })
  return codes
}

/**
 * An administrator removes an account's second factor (a lost phone): its sessions end on every instance, and a
 * role that requires one makes the next sign-in enrol a new one. The caller checks the account is in their networks.
 */
export async function resetMfaOf(db: Db, input: { userId: string; actorUserId: string; ip: string }) {
  const hadOne = await inTransaction(db, async (tx) => {
    const deleted = await mfa.deleteMfa(tx, input.userId)
    await deleteSessionsOfUser(tx, input.userId)
    await recordAuditEvent(tx, {
      actorUserId: input.actorUserId,
      action: 'user.mfa_reset',
      entityType: 'user',
      entityId: input.userId,
      ip: input.ip,
      details: { hadSecondFactor: deleted },
    })
    return deleted
  })
  forgetSessions({ userId: input.userId })
  await announce(db, { topic: 'sessions', userId: input.userId })
  return hadOne
}
