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
