import { parsePhoneNumberFromString } from 'libphonenumber-js/min'

export type Language = 'fr' | 'en'

function englishOrdinal(n: number): string {
  const tens = n % 100
  if (tens >= 11 && tens <= 13) return `${n}th`
  return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th'}`
}

/**
 * A floor as a person writes it: « Rez-de-chaussée », « 1er étage », « 2e étage », « Sous-sol », « 2e sous-sol »;
 * "Ground floor", "1st floor", "2nd floor", "Basement", "Basement 2". Any language but English reads French.
 */
export function floorLabel(floor: number, language: string = 'fr'): string {
  const en = language.startsWith('en')
  if (floor === 0) return en ? 'Ground floor' : 'Rez-de-chaussée'
  if (floor < 0) {
    const depth = -floor
    if (en) return depth === 1 ? 'Basement' : `Basement ${depth}`
    return depth === 1 ? 'Sous-sol' : `${depth}e sous-sol`
  }
  if (en) return `${englishOrdinal(floor)} floor`
  return floor === 1 ? '1er étage' : `${floor}e étage`
}

/**
 * A phone number in the form people dial it: national for French numbers (`+33383624692` → `03 83 62 46 92`),
 * international for the others, the input unchanged when it is not a number libphonenumber knows.
 */
export function formatPhone(phone: string): string {
  const parsed = parsePhoneNumberFromString(phone, 'FR')
  if (!parsed?.isValid()) return phone
  return parsed.country === 'FR' ? parsed.formatNational() : parsed.formatInternational()
}
