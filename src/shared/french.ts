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

/** The no-break spaces of French typography: narrow before ? ! ; and ordinary no-break before : and inside « ». */
const NARROW_NO_BREAK_SPACE = '\u202f'
const NO_BREAK_SPACE = '\u00a0'
const SPACES_BEFORE_HIGH_MARK = / +([?!;])/g
const SPACES_BEFORE_COLON = / +:/g
const SPACES_AFTER_OPENING_QUOTE = /« +/g
const SPACES_BEFORE_CLOSING_QUOTE = / +»/g

/**
 * French text with its typographic spaces: the plain space(s) before « ? », « ! » and « ; » become one narrow no-break
 * space (U+202F), those before « : » and inside « » guillemets one no-break space (U+00A0), so that the mark never
 * starts a line. Only existing spaces are changed: `https://`, `14:30`, `{{count}}` and text without a space before
 * its mark are left as written; already correct text is unchanged (the function is idempotent).
 */
export function frenchTypography(text: string): string {
  return text
    .replace(SPACES_BEFORE_HIGH_MARK, `${NARROW_NO_BREAK_SPACE}$1`)
    .replace(SPACES_BEFORE_COLON, `${NO_BREAK_SPACE}:`)
    .replace(SPACES_AFTER_OPENING_QUOTE, `«${NO_BREAK_SPACE}`)
    .replace(SPACES_BEFORE_CLOSING_QUOTE, `${NO_BREAK_SPACE}»`)
}

/**
 * Every text of a tree of words (i18next resources: objects, arrays, strings) through `frenchTypography`, keys and
 * shape unchanged; anything else is kept as it is.
 */
export function frenchTypographyOfTree<T>(tree: T): T {
  if (typeof tree === 'string') return frenchTypography(tree) as T
  if (Array.isArray(tree)) return tree.map((item) => frenchTypographyOfTree(item)) as T
  if (tree === null || typeof tree !== 'object') return tree
  return Object.fromEntries(Object.entries(tree).map(([key, value]) => [key, frenchTypographyOfTree(value)])) as T
}
