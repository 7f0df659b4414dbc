import type { TFunction } from 'i18next'
import { RECTIFIABLE_FIELDS } from '../../../shared/contracts/data-protection.js'

/**
 * Rectified fields as a sentence says them, in the rectification form's order whatever order they came in:
 * « Nom et Date de naissance », "Last name and Date of birth". The household's panel, the message after a rectification
 * and the household's history say it this one way. A name the form does not know is said as it is, last.
 */
export function rectifiedFieldsSentence(t: TFunction, language: string, fields: readonly string[]): string {
  const known: readonly string[] = RECTIFIABLE_FIELDS
  const ordered = [
    ...RECTIFIABLE_FIELDS.filter((field) => fields.includes(field)),
    ...fields.filter((field) => !known.includes(field)),
  ]
  return new Intl.ListFormat(language, { type: 'conjunction' }).format(
    ordered.map((field) => t(`dataProtection.rectification.fields.${field}`, { defaultValue: field })),
  )
}
