import type { TFunction } from 'i18next'
import { ApiError } from '../../api/client.js'
import { describeError } from '../../components/errors.js'

/** Plain words for a refused code: wrong (with the tries left), already used, a sign-in expired, too many tries. */
export function codeErrorText(t: TFunction, error: unknown): string {
  if (!(error instanceof ApiError)) return describeError(t, error)
  const details = (error.details ?? {}) as { reason?: string; attemptsLeft?: number; retryAfterSeconds?: number }
  if (error.code === 'RATE_LIMITED') {
    return t('mfa.errors.rateLimited', { minutes: Math.ceil((details.retryAfterSeconds ?? 900) / 60) })
  }
  if (details.reason === 'no_pending_sign_in') return t('mfa.errors.expired')
  if (details.reason === 'code_already_used') return t('mfa.errors.alreadyUsed')
  if (details.reason === 'wrong_code' || details.reason === 'not_enrolling') {
    if (details.attemptsLeft === undefined) return t('mfa.errors.wrongCodeShort')
    if (details.attemptsLeft === 0) return t('mfa.errors.wrongCodeLast')
    return t('mfa.errors.wrongCode', { count: details.attemptsLeft })
  }
  return describeError(t, error)
}

/** A refusal after which the password must be typed again (the pending sign-in has ended). */
export function endsSignIn(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false
  const details = (error.details ?? {}) as { reason?: string; attemptsLeft?: number }
  return details.reason === 'no_pending_sign_in' || details.attemptsLeft === 0
}
