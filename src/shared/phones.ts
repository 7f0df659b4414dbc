import { parsePhoneNumberFromString } from 'libphonenumber-js/max'

export type PhoneKind = 'mobile' | 'landline' | 'other'

/**
 * Overseas departments dialled like the mainland, 0 + 9 digits (0262 Réunion, 0269/0639 Mayotte, 0590 Guadeloupe,
 * 0596 Martinique, 0594 Guyane), but under their own country codes: with France alone as the region they are invalid.
 */
const OVERSEAS_REGIONS = ['RE', 'YT', 'GP', 'MQ', 'GF'] as const
const NATIONAL_FORM = /^0\d{9}$/

export interface NormalizedPhone {
  raw: string
  /** E.164 (`+33612345678`) when the number is valid, else null. */
  e164: string | null
  kind: PhoneKind
  isValid: boolean
}

/**
 * Normalises a phone number as landlords write them (`06 12 34 56 78`, `06.12.34.56.78`, `+33 6 12…`, `0033…`,
 * `3 87 12 34 56` missing its leading zero) to E.164 with France as the default region, then the overseas departments
 * for a national number France does not have (`0262 12 34 56` is Réunion's +262 262 12 34 56).
 */
export function normalizePhone(input: string): NormalizedPhone {
  const raw = input.trim()
  let candidate = raw.replace(/[\s.\-/()]/g, '')
  if (candidate.startsWith('00')) candidate = `+${candidate.slice(2)}`
  // Nine digits starting 1–9: a French number whose leading zero was lost (spreadsheets drop it).
  if (/^[1-9]\d{8}$/.test(candidate)) candidate = `0${candidate}`
  let parsed = candidate ? parsePhoneNumberFromString(candidate, 'FR') : undefined
  if (!parsed?.isValid() && NATIONAL_FORM.test(candidate)) {
    for (const region of OVERSEAS_REGIONS) {
      const overseas = parsePhoneNumberFromString(candidate, region)
      if (overseas?.isValid()) {
        parsed = overseas
        break
      }
    }
  }
  if (!parsed?.isValid()) return { raw, e164: null, kind: 'other', isValid: false }
  const type = parsed.getType()
  const kind: PhoneKind =
    type === 'MOBILE'
      ? 'mobile'
      : type === 'FIXED_LINE' || type === 'FIXED_LINE_OR_MOBILE' || type === 'VOIP'
        ? 'landline'
        : 'other'
  return { raw, e164: parsed.number, kind, isValid: true }
}
