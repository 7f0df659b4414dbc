import type { TFunction } from 'i18next'
import { ApiError } from '../api/client.js'

/** Plain words for an error: the translated code when we have one, else the server's own precise message. */
export function describeError(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    const key = `errors.${error.code}`
    const translated = t(key)
    return translated !== key ? translated : t('errors.generic', { message: error.message })
  }
  return t('errors.INTERNAL')
}

/**
 * The fields a refusal names (`alone`, `instruments.ucla3.q1`, `changes.city`), from an error's details: a validation
 * error lists its issues, other errors give one `{field}`.
 */
export function serverFieldIssues(details: unknown): { field: string; message: string }[] {
  const list = Array.isArray(details) ? details : details && typeof details === 'object' ? [details] : []
  return list
    .filter((detail): detail is { field: string; message?: string } => typeof detail?.field === 'string')
    .map((detail) => ({ field: detail.field, message: detail.message ?? '' }))
}
