import { isIPv6 } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Config } from '../../config.js'
import type { Db } from '../../db/database.js'
import { addMinutes, nowTimestamp, type Timestamp } from '../../db/time.js'
import { AppError } from '../../http/errors.js'
import * as authQueries from './auth.queries.js'

export type LoginThrottleSettings = Pick<
  Config,
  | 'loginMaxFailures'
  | 'loginWindowMinutes'
  | 'loginAddressMaxFailures'
  | 'loginAccountSlowdownFailures'
  | 'loginAccountSlowdownSeconds'
>

/** The attempts one sign-in holds in the counters until it is settled. */
export interface LoginReservation {
  pair: { key: string; windowStartedAt: Timestamp }
  address: { key: string; windowStartedAt: Timestamp }
  account: { key: string; windowStartedAt: Timestamp }
}

/**
 * The address an attempt is counted under: an IPv4 address as it is, an IPv6 address by its /64 network (one
 * subscriber or machine gets a whole /64 and could otherwise take a fresh address for every attempt).
 */
export function throttledAddressOf(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip)
  if (mapped) return mapped[1]!
  if (!isIPv6(ip)) return ip
  const address = ip.split('%')[0]!.toLowerCase()
  const [left, right] = address.split('::') as [string, string | undefined]
  const leftGroups = left ? left.split(':') : []
  let groups = leftGroups
  if (right !== undefined) {
    const rightGroups = right ? right.split(':') : []
    // A dotted IPv4 tail stands for two groups.
    const rightCount = rightGroups.length + (rightGroups.at(-1)?.includes('.') ? 1 : 0)
    groups = [
      ...leftGroups,
      ...Array<string>(Math.max(0, 8 - leftGroups.length - rightCount)).fill('0'),
      ...rightGroups,
    ]
  }
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`
}

function refusal(windowStartedAt: Timestamp | undefined, settings: LoginThrottleSettings, now: Timestamp) {
  const windowEnd = Date.parse(addMinutes(windowStartedAt ?? now, settings.loginWindowMinutes))
  const retryAfterSeconds = Math.max(1, Math.ceil((windowEnd - Date.parse(now)) / 1000))
  return new AppError('RATE_LIMITED', 'Too many failed sign-in attempts; please wait before trying again', {
    retryAfterSeconds,
  })
}

let reservationsSincePruning = 0

/**
 * Counts this sign-in attempt before its password is checked, or refuses it with RATE_LIMITED (and a
 * `retryAfterSeconds`) without checking anything. Three counts share the window of LOGIN_WINDOW_MINUTES:
 * - the (account, address) pair, up to LOGIN_MAX_FAILURES: a guesser at one address stops there, and the account's
 *   owner elsewhere is not affected;
 * - the address across accounts, up to LOGIN_ADDRESS_MAX_FAILURES: wider, so one office behind a proxy keeps working
 *   while one colleague mistypes, but one address cannot spray guesses over every account;
 * - the account across addresses, never refused for a password (that would let anyone lock a chosen account out):
 *   past LOGIN_ACCOUNT_SLOWDOWN_FAILURES every attempt on it waits LOGIN_ACCOUNT_SLOWDOWN_SECONDS before being checked.
 *   Refused past `accountMaxFailures` when given: a second factor's codes, which only the password's holder can try.
 * Each count is reserved by one statement (auth.queries `reserveLoginAttempt`): no burst gets more attempts checked
 * than the limit, on either engine and across app instances. An attempt that succeeds gives its reservations back
 * (`settleLoginAttempt`); one that fails stays counted.
 */
export async function reserveLoginAttempt(
  db: Db,
  settings: LoginThrottleSettings,
  attempt: { email: string; ip: string; accountMaxFailures?: number },
): Promise<LoginReservation> {
  const now = nowTimestamp()
  const since = addMinutes(now, -settings.loginWindowMinutes)
  if (++reservationsSincePruning >= 500) {
    reservationsSincePruning = 0
    await authQueries.deleteLapsedLoginWindows(db, since)
  }
  const address = throttledAddressOf(attempt.ip)
  const keys = {
    pair: `pair:${attempt.email}|${address}`,
    address: `address:${address}`,
    account: `account:${attempt.email}`,
  }
  // Reserved in this order; a count without room gives back what was reserved before it and refuses.
  const limits = [
    ['pair', settings.loginMaxFailures],
    ['address', settings.loginAddressMaxFailures],
    ['account', attempt.accountMaxFailures],
  ] as const
  const reserved: Partial<Record<(typeof limits)[number][0], { key: string; windowStartedAt: Timestamp }>> = {}
  let accountAttempts = 0
  for (const [count, maxAttempts] of limits) {
    const key = keys[count]
    const reservation = await authQueries.reserveLoginAttempt(db, { key, now, since, maxAttempts })
    if (!reservation) {
      for (const earlier of Object.values(reserved)) {
        await authQueries.releaseLoginAttempt(db, earlier.key, earlier.windowStartedAt)
      }
      throw refusal(await authQueries.findLoginWindowStart(db, key), settings, now)
    }
    reserved[count] = { key, windowStartedAt: reservation.windowStartedAt }
    if (count === 'account') accountAttempts = reservation.attempts
  }
  if (accountAttempts > settings.loginAccountSlowdownFailures && settings.loginAccountSlowdownSeconds > 0) {
    await sleep(settings.loginAccountSlowdownSeconds * 1000)
  }
  return { pair: reserved.pair!, address: reserved.address!, account: reserved.account! }
}

/**
 * After the password check: a success gives back the attempt it reserved and forgets the pair's earlier failures
 * (the owner has shown they know the password); a failure stays counted until its window lapses.
 */
export async function settleLoginAttempt(db: Db, reservation: LoginReservation, isSuccess: boolean) {
  if (!isSuccess) return
  await authQueries.clearLoginAttempts(db, reservation.pair.key)
  await authQueries.releaseLoginAttempt(db, reservation.address.key, reservation.address.windowStartedAt)
  await authQueries.releaseLoginAttempt(db, reservation.account.key, reservation.account.windowStartedAt)
}
