/**
 * Accounts people manage themselves: an invitation's link to set one's password, a password reset that never says
 * whether an account exists, and a password change from « Mon compte ». Links carry a random token in the URL's
 * fragment (never sent to a server, so never in a proxy's log); the database keeps its SHA-256 only.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { AccountSettings } from '../../config.js'
import { announce } from '../../db/broadcast.js'
import { type Db, inTransaction } from '../../db/database.js'
import { addMinutes, nowTimestamp } from '../../db/time.js'
import { hashToken, newSessionToken } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { forgetSessions } from '../../http/session-cache.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import * as authQueries from '../auth/auth.queries.js'
import { throttledAddressOf } from '../auth/login-throttle.js'
import { assertAcceptablePassword } from '../auth/password-strength.js'
import { hashPassword, verifyPassword } from '../auth/passwords.js'
import { queueEmails } from '../mail/outbox.queries.js'
import { listProviderSignInsOfUser, listRequiredSsoOrganizationsOfUser } from '../sso/sso.queries.js'
import { findUserByEmail, updatePasswordHash } from '../users/users.queries.js'
import { invitationMail, passwordResetMail, providerInvitationMail, providerSignInMail } from './account.mail.js'
import * as account from './account.queries.js'

/** The web app's page that reads a link's token from the fragment. */
export const SET_PASSWORD_PATH = '/mot-de-passe'

/**
 * A reset request is answered after this long at least, whatever happened: an address with an account (a token and
 * a mail written) and one without (one read) take the same time.
 */
export const RESET_ANSWER_MS = 400

/** The web app's address in mails. */
function appUrlOf(publicUrl: string | null): string {
  return publicUrl ?? 'http://localhost:3000'
}

export function linkOf(publicUrl: string | null, token: string): string {
  return `${appUrlOf(publicUrl)}${SET_PASSWORD_PATH}#token=${token}`
}

interface Settings {
  publicUrl: string | null
  accounts: AccountSettings
}

/**
 * Mails a link to set their password to an account that has none yet (a new one, or an invitation sent again); when
 * every organisation of the account requires its single sign-on, a mail saying where to sign in instead, and no link
 * (`expiresAt` null): a password would open nothing.
 */
export async function sendInvitation(
  db: Db,
  settings: Settings,
  invitation: {
    user: { id: string; name: string; email: string; locale?: string }
    organizationName: string
    invitedBy: string
  },
): Promise<{ expiresAt: string | null }> {
  const now = nowTimestamp()
  const locale = invitation.user.locale ?? 'fr'
  const providers = await providerSignInsOfAccount(db, invitation.user.id)
  if (providers.length > 0) {
    const mail = providerInvitationMail({
      name: invitation.user.name,
      locale,
      organizationName: invitation.organizationName,
      appUrl: appUrlOf(settings.publicUrl),
      providers,
    })
    await queueEmails(db, [{ recipient: invitation.user.email, language: invitation.user.locale, ...mail }], now)
    return { expiresAt: null }
  }
  const token = newSessionToken()
  const expiresAt = addMinutes(now, settings.accounts.invitationHours * 60)
  const mail = invitationMail({
    name: invitation.user.name,
    link: linkOf(settings.publicUrl, token),
    expiresAt,
    locale,
    organizationName: invitation.organizationName,
  })
  await inTransaction(db, async (tx) => {
    await account.insertAccountToken(tx, {
      id: hashToken(token),
      userId: invitation.user.id,
      purpose: 'invitation',
      now,
      expiresAt,
      createdBy: invitation.invitedBy,
    })
    await queueEmails(tx, [{ recipient: invitation.user.email, language: invitation.user.locale, ...mail }], now)
  })
  return { expiresAt }
}

function rateLimited(windowStartedAt: string | undefined, minutes: number, now: string) {
  const end = Date.parse(addMinutes(windowStartedAt ?? now, minutes))
  return new AppError('RATE_LIMITED', 'Too many requests from your address; please wait before trying again', {
    retryAfterSeconds: Math.max(1, Math.ceil((end - Date.parse(now)) / 1000)),
  })
}

/**
 * Mails a reset link when the address is an active account's and that account has had fewer than
 * PASSWORD_RESET_MAX_PER_ACCOUNT links in the window; does nothing otherwise. An account that signs in through its
 * organisation's provider gets no link (nothing would set it a password), but a mail saying where to sign in. Either way the caller answers the same,
 * after the same time. Only the client's address is refused beyond PASSWORD_RESET_MAX_PER_ADDRESS requests.
 */
export async function requestPasswordReset(db: Db, settings: Settings, request: { email: string; ip: string }) {
  const started = performance.now()
  const { passwordResetMinutes, passwordResetMaxPerAddress, passwordResetMaxPerAccount } = settings.accounts
  const email = request.email.trim().toLowerCase()
  const now = nowTimestamp()
  const since = addMinutes(now, -passwordResetMinutes)
  const addressKey = `reset-address:${throttledAddressOf(request.ip)}`
  const byAddress = await authQueries.reserveLoginAttempt(db, {
    key: addressKey,
    now,
    since,
    maxAttempts: passwordResetMaxPerAddress,
  })
  if (!byAddress) {
    await recordAuditEvent(db, {
      actorUserId: null,
      actorEmail: email,
      action: 'account.reset_rate_limited',
      ip: request.ip,
    })
    throw rateLimited(await authQueries.findLoginWindowStart(db, addressKey), passwordResetMinutes, now)
  }
  let outcome: 'sent' | 'sso_account' | 'unknown_account' | 'inactive_account' | 'account_limit'
  try {
    // Counted for every address asked about, with an account or not: the same statements either way.
    const byAccount = await authQueries.reserveLoginAttempt(db, {
      key: `reset-account:${email}`,
      now,
      since,
      maxAttempts: passwordResetMaxPerAccount,
    })
    const user = await findUserByEmail(db, email)
    if (!user) outcome = 'unknown_account'
    else if (user.isActive !== 1) outcome = 'inactive_account'
    else if (!byAccount) outcome = 'account_limit'
    else {
      // An account bound to its organisation's provider never signs in with a password (auth.routes.ts): no link that
      // would set one, but a mail saying where to sign in. The same answer after the same time, a mail all the same.
      const providers = await providerSignInsOfAccount(db, user.id)
      if (providers.length > 0) {
        const mail = providerSignInMail({ name: user.name, locale: user.locale, providers })
        await queueEmails(db, [{ recipient: user.email, language: user.locale, ...mail }], now)
        outcome = 'sso_account'
      } else {
        const token = newSessionToken()
        const expiresAt = addMinutes(now, passwordResetMinutes)
        const mail = passwordResetMail({
          name: user.name,
          link: linkOf(settings.publicUrl, token),
          expiresAt,
          locale: user.locale,
        })
        await inTransaction(db, async (tx) => {
          await account.insertAccountToken(tx, {
            id: hashToken(token),
            userId: user.id,
            purpose: 'password_reset',
            now,
            expiresAt,
            createdBy: null,
          })
          await queueEmails(tx, [{ recipient: user.email, language: user.locale, ...mail }], now)
        })
        outcome = 'sent'
      }
    }
    await recordAuditEvent(db, {
      actorUserId: null,
      actorEmail: email,
      action: 'account.reset_requested',
      ip: request.ip,
      details: { outcome },
    })
  } finally {
    const left = RESET_ANSWER_MS - (performance.now() - started)
    if (left > 0) await sleep(left)
  }
}

/** The link's account and purpose, or 404 saying why it no longer works (unknown, used, expired). */
export async function readLink(db: Db, token: string) {
  const row = await account.findAccountToken(db, hashToken(token))
  const now = nowTimestamp()
  const reason = row?.isActive !== 1 ? 'unknown' : row.usedAt ? 'used' : row.expiresAt <= now ? 'expired' : null
  if (!row || reason) {
    throw new AppError('NOT_FOUND', 'This link does not work (unknown, already used or expired)', { reason })
  }
  return row
}

/**
 * The organisations whose provider this account signs in through, with whether each is on now; empty when it signs in
 * with a password. Bound to a provider, it never uses a password again. Not bound, it does when a password opens none
 * of its organisations: each requires its single sign-on (docs/decisions.md « Single sign-on required »), and the
 * account's first sign-in there binds it. An account that also works elsewhere keeps its password for the others.
 */
export async function providerSignInsOfAccount(db: Db, userId: string) {
  const bound = await listProviderSignInsOfUser(db, userId)
  if (bound.length > 0) return bound
  const required = await listRequiredSsoOrganizationsOfUser(db, userId)
  if (required.length === 0 || (await authQueries.listMemberships(db, userId)).length > 0) return []
  return required.map((organizationName) => ({ organizationName, isEnabled: true }))
}

/**
 * Null when the account may set a password; when it signs in through its organisation's provider (a link mailed before
 * then sets none: a password would never sign in, auth.routes.ts), the organisations whose sign-in it uses, those
 * switched on. Read when the link's page opens and again when it is submitted: both say the same to the link's holder.
 */
export async function ssoProvidersOfAccount(db: Db, userId: string): Promise<string[] | null> {
  const providers = await providerSignInsOfAccount(db, userId)
  if (providers.length === 0) return null
  return providers.filter((provider) => provider.isEnabled).map((provider) => provider.organizationName)
}

/**
 * Refuses what only an account that signs in with a password may do (change that password, add a second factor) to an
 * account bound to its organisation's single sign-on: its sign-in asks neither, its provider manages both. A password
 * set there would never sign in, and a second factor would never be asked. 403 naming where it signs in instead.
 */
export async function assertSignsInWithPassword(db: Db, userId: string) {
  const providers = await ssoProvidersOfAccount(db, userId)
  if (providers) throw ssoAccountRefusal(providers)
}

/** The 403 for what an account bound to single sign-on does not do here, naming the providers to sign in through. */
export function ssoAccountRefusal(providers: string[]) {
  return new AppError(
    'FORBIDDEN',
    'This account signs in with its organisation’s single sign-on: its password and second factor are managed there',
    { reason: 'sso_account', providers },
  )
}

/** Sets the password through a link, once; every session of the account ends (on every instance). */
export async function setPasswordWithLink(db: Db, input: { token: string; password: string; ip: string }) {
  const link = await readLink(db, input.token)
  // The refusal names where to sign in instead.
  const providers = await ssoProvidersOfAccount(db, link.userId)
  if (providers) throw ssoAccountRefusal(providers)
  await assertAcceptablePassword(input.password, { email: link.email, name: link.name })
  const passwordHash = await hashPassword(input.password)
  const now = nowTimestamp()
  await inTransaction(db, async (tx) => {
    if (!(await account.useAccountToken(tx, link.id, now))) {
      throw new AppError('NOT_FOUND', 'This link does not work (unknown, already used or expired)', { reason: 'used' })
    }
    await updatePasswordHash(tx, link.userId, passwordHash)
    await account.deleteSessionsOfUser(tx, link.userId)
    await recordAuditEvent(tx, {
      actorUserId: link.userId,
      action: link.purpose === 'invitation' ? 'account.invitation_accepted' : 'account.password_reset',
      entityType: 'user',
      entityId: link.userId,
      ip: input.ip,
    })
  })
  forgetSessions({ userId: link.userId })
}

/**
 * Changes the signed-in user's password, given the current one (10 wrong ones per LOGIN_WINDOW_MINUTES at most); the
 * user's other sessions end everywhere, this one stays.
 */
export async function changePassword(
  db: Db,
  settings: { loginWindowMinutes: number },
  input: {
    user: { id: string; email: string; name: string; sessionId: string }
    current: string
    next: string
    ip: string
  },
) {
  await assertSignsInWithPassword(db, input.user.id)
  const now = nowTimestamp()
  const key = `password-change:${input.user.id}`
  const reserved = await authQueries.reserveLoginAttempt(db, {
    key,
    now,
    since: addMinutes(now, -settings.loginWindowMinutes),
    maxAttempts: 10,
  })
  if (!reserved) throw rateLimited(await authQueries.findLoginWindowStart(db, key), settings.loginWindowMinutes, now)
  const currentHash = await account.findPasswordHash(db, input.user.id)
  if (!currentHash || !(await verifyPassword(currentHash, input.current))) {
    throw new AppError('VALIDATION_FAILED', 'The current password is not right', {
      field: 'currentPassword',
      reason: 'wrong_password',
    })
  }
  await assertAcceptablePassword(input.next, { email: input.user.email, name: input.user.name })
  const passwordHash = await hashPassword(input.next)
  await inTransaction(db, async (tx) => {
    await updatePasswordHash(tx, input.user.id, passwordHash)
    await account.deleteSessionsOfUser(tx, input.user.id, input.user.sessionId)
    await authQueries.clearLoginAttempts(tx, key)
    await recordAuditEvent(tx, {
      actorUserId: input.user.id,
      action: 'account.password_change',
      entityType: 'user',
      entityId: input.user.id,
      ip: input.ip,
    })
  })
  await announce(db, { topic: 'sessions', userId: input.user.id })
}
