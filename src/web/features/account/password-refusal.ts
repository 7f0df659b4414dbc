import type { TFunction } from 'i18next'
import { PASSWORD_MIN_LENGTH, type PasswordRefusalReason } from '../../../shared/contracts/users.js'
import { ApiError } from '../../api/client.js'

/** The words for a refused password (users contract, PASSWORD_REFUSAL_REASONS), with the estimator's advice; else null. */
export function passwordRefusalText(t: TFunction, error: unknown): string | null {
  if (!(error instanceof ApiError) || error.code !== 'VALIDATION_FAILED') return null
  const details = error.details as
    | { field?: string; reason?: PasswordRefusalReason; warning?: string | null; suggestions?: string[] }
    | undefined
  if (details?.field !== 'password' || typeof details.reason !== 'string') return null
  const advice = [details.warning, ...(details.suggestions ?? [])].filter(Boolean).join(' ')
  const refusal = t(`admin.passwordRefused.${details.reason}`, { count: PASSWORD_MIN_LENGTH })
  return advice ? `${refusal} ${advice}` : refusal
}

export function retryMinutes(error: unknown): number | null {
  if (!(error instanceof ApiError) || error.code !== 'RATE_LIMITED') return null
  const seconds = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? 3600
  return Math.ceil(seconds / 60)
}
