import { type Civility, parseCivility } from '../../../shared/households.js'
import { isKnownPostcode } from './imports.communes.js'

/** Parsers for French spreadsheet values; each returns the value or a message saying what was wrong. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string }

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value })
const fail = (message: string): Parsed<never> => ({ ok: false, message })

/** Lower case, accents removed, spaces trimmed and collapsed: how cells are compared with word lists. */
export function foldText(raw: string): string {
  return raw.normalize('NFD').replace(DIACRITICS, '').toLowerCase().replace(SPACES, ' ').trim()
}
const DIACRITICS = /[\u0300-\u036f]/g
const SPACES = /\s+/g

// ——— Dates ———

const FRENCH_MONTHS: Record<string, number> = {
  janvier: 1,
  janv: 1,
  fevrier: 2,
  fevr: 2,
  fev: 2,
  mars: 3,
  avril: 4,
  avr: 4,
  mai: 5,
  juin: 6,
  juillet: 7,
  juil: 7,
  aout: 8,
  septembre: 9,
  sept: 9,
  octobre: 10,
  oct: 10,
  novembre: 11,
  nov: 11,
  decembre: 12,
  dec: 12,
}
// A time after the date (`12/03/1948 00:00`, as Excel writes date-times to CSV) is ignored.
const DAY_FIRST = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T]+\d{1,2}[:h]\d{2}(?::\d{2}(?:\.\d+)?)?)?$/
const YEAR_FIRST = /^(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?:[ T].*)?$/
const IN_WORDS = /^(\d{1,2})(?:er)?\s+([a-z]+)\.?\s+(\d{4})$/
const EXCEL_SERIAL = /^\d{5}(?:[.,]\d+)?$/
const YEAR_ONLY = /^\d{4}$/
/** 1899-12-30: day 0 of Excel's 1900 date system (its fictitious 29/02/1900 lies before every 5-digit serial). */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30)
const FIRST_YEAR = 1880

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
function daysInMonth(year: number, month: number): number {
  const isLeap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  return month === 2 && isLeap ? 29 : DAYS_IN_MONTH[month - 1]
}

const pad = (value: number) => String(value).padStart(2, '0')

function checkedDate(year: number, month: number, day: number, today: Date): Parsed<string> {
  // The messages are fixed phrases: the web app translates them; the warning shows the value next to them.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return fail('this date does not exist')
  if (year < FIRST_YEAR || year > today.getUTCFullYear() + 5) return fail('the year is out of range')
  return ok(`${year}-${pad(month)}-${pad(day)}`)
}

/**
 * A calendar date as French files write it: `12/03/1948`, `12-03-1948`, `12.03.1948`, `1948-03-12`, `12 mars 1948`,
 * an Excel serial day number (5 digits: `17604`), with an optional time that is ignored. Returns `YYYY-MM-DD`.
 * Rules: a two-digit year is the latest year with those digits that is not in the future (`12/03/48` is 1948 and
 * `01/01/26` is 2026 in 2026), since birth and lease dates lie in the past; a date that does not exist (31/02/1950)
 * is refused, never moved to the next valid day; years outside 1880 – today + 5 are refused; a year alone is refused.
 * Messages are fixed phrases (the web app translates them by their text).
 */
export function parseFrenchDate(raw: string, today = new Date()): Parsed<string> {
  const text = raw.trim()
  const dayFirst = DAY_FIRST.exec(text)
  if (dayFirst) {
    let year = Number(dayFirst[4])
    if (dayFirst[4].length === 2) {
      const thisYear = today.getUTCFullYear()
      const century = thisYear - (thisYear % 100)
      year = century + year > thisYear ? century - 100 + year : century + year
    }
    return checkedDate(year, Number(dayFirst[3]), Number(dayFirst[1]), today)
  }
  const yearFirst = YEAR_FIRST.exec(text)
  if (yearFirst) return checkedDate(Number(yearFirst[1]), Number(yearFirst[3]), Number(yearFirst[4]), today)
  if (EXCEL_SERIAL.test(text)) {
    const date = new Date(EXCEL_EPOCH + Math.floor(Number(text.replace(',', '.'))) * 86_400_000)
    return checkedDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), today)
  }
  if (YEAR_ONLY.test(text)) return fail('a year alone is not a date (expected DD/MM/YYYY)')
  const inWords = IN_WORDS.exec(foldText(text))
  if (inWords && FRENCH_MONTHS[inWords[2]])
    return checkedDate(Number(inWords[3]), FRENCH_MONTHS[inWords[2]], Number(inWords[1]), today)
  return fail('not a date (expected DD/MM/YYYY)')
}

// ——— Amounts ———

const AMOUNT_NOISE = /[\s'’]|€|eur(?:os?)?$/gi
const AMOUNT_SHAPE = /^\d[\d.,]*$/
const DOT_THOUSANDS = /^\d{1,3}(?:\.\d{3})+$/
const DOT_GROUPS = /^\d{1,3}(?:\.\d{3})*$|^\d+$/
const COMMA_GROUPS = /^\d{1,3}(?:,\d{3})*$|^\d+$/
const MAX_INTEGER_DIGITS = 13

/**
 * An amount in euros as French files write it, in integer cents: `1 234,56 €`, `1234.56`, `-12,5`, `1.234,56`,
 * `(12,50)` or `12,50-` for a negative, with ordinary, non-breaking or narrow spaces. When both `,` and `.` appear
 * the last one is the decimal mark; a lone `,` is always decimal; dots in groups of three (`1.234`) are thousands.
 * Rounded half away from zero to the cent, computed on the digits (no binary rounding).
 */
export function parseAmountCents(raw: string): Parsed<number> {
  let text = raw.trim().replace(/[−–]/g, '-')
  if (text === '') return fail('empty')
  let isNegative = false
  if (text.startsWith('(') && text.endsWith(')')) {
    isNegative = true
    text = text.slice(1, -1)
  }
  text = text.replace(AMOUNT_NOISE, '')
  if (text.startsWith('-') || text.endsWith('-')) {
    isNegative = !isNegative
    text = text.startsWith('-') ? text.slice(1) : text.slice(0, -1)
  } else if (text.startsWith('+')) text = text.slice(1)
  if (!AMOUNT_SHAPE.test(text)) return fail('not an amount')
  const lastComma = text.lastIndexOf(',')
  const lastDot = text.lastIndexOf('.')
  let integer: string
  let fraction = ''
  if (lastComma >= 0 && lastDot >= 0) {
    // The last mark is the decimal one; the other may only group thousands before it.
    const mark = Math.max(lastComma, lastDot)
    const grouped = text.slice(0, mark)
    if (!(lastComma > lastDot ? DOT_GROUPS : COMMA_GROUPS).test(grouped)) return fail('not an amount')
    integer = grouped.replace(/[.,]/g, '')
    fraction = text.slice(mark + 1)
  } else if (lastComma >= 0) {
    if (text.indexOf(',') !== lastComma) return fail('not an amount')
    integer = text.slice(0, lastComma)
    fraction = text.slice(lastComma + 1)
  } else if (lastDot >= 0) {
    if (DOT_THOUSANDS.test(text)) integer = text.replace(/\./g, '')
    else if (text.indexOf('.') !== lastDot) return fail('not an amount')
    else {
      integer = text.slice(0, lastDot)
      fraction = text.slice(lastDot + 1)
    }
  } else integer = text
  if (integer === '') integer = '0'
  if (integer.replace(/^0+/, '').length > MAX_INTEGER_DIGITS) return fail('the amount is too large')
  const digits = `${fraction}000`
  const cents = Number(integer) * 100 + Number(digits.slice(0, 2)) + (Number(digits[2]) >= 5 ? 1 : 0)
  return ok(isNegative && cents !== 0 ? -cents : cents)
}

// ——— Yes / no ———

const YES = new Set(['oui', 'o', 'x', '1', 'vrai', 'yes', 'y', 'true', 'ok', '✓', '✔', '☑', '☒'])
const NO = new Set(['non', 'n', '0', 'faux', 'no', 'false'])
const UNKNOWN = new Set(['', '?', '-', 'nc', 'nr', 'n/a', 'inconnu', 'non renseigne', 'ne sait pas', 'nsp'])
const YES_ANSWER: Parsed<boolean | null> = Object.freeze({ ok: true, value: true })
const NO_ANSWER: Parsed<boolean | null> = Object.freeze({ ok: true, value: false })
const UNKNOWN_ANSWER: Parsed<boolean | null> = Object.freeze({ ok: true, value: null })

/**
 * oui/non, o/n, x, 1/0, vrai/faux, yes/no, case and accents ignored. Rule: an empty cell is unknown (null), never
 * "no" — even in columns where a cross marks "yes" — because exports leave cells empty when nobody filled them in;
 * `?`, `NC`, `NR`, `inconnu`, `non renseigné` are unknown too.
 */
export function parseYesNo(raw: string): Parsed<boolean | null> {
  // Most cells are already one of the plain words: skip the folding for them.
  const plain = raw.length <= 4 ? raw.trim() : ''
  if (YES.has(plain)) return YES_ANSWER
  if (NO.has(plain)) return NO_ANSWER
  if (raw === '') return UNKNOWN_ANSWER
  let text = foldText(raw)
  if (text.endsWith('.')) text = text.slice(0, -1)
  if (UNKNOWN.has(text)) return UNKNOWN_ANSWER
  if (YES.has(text)) return YES_ANSWER
  if (NO.has(text)) return NO_ANSWER
  return fail('expected oui or non')
}

// ——— Whole numbers ———

const WHOLE = /^(-?\d+)(?:[.,]0+)?$/
const ORDINAL_FLOOR = /^(-?\d+)\s*(?:er|ere|eme|em|e|°)?(?:\s*etage)?$/
const BUILDING_FLOOR = /^r\s*\+\s*(\d+)$/
const GROUND_FLOOR = new Set(['rdc', 'rez de chaussee', 'rez-de-chaussee', 'r', 'rc', 'r+0', 'rez de jardin', 'rdj'])
const BASEMENT = new Set(['sous-sol', 'sous sol', 'ss', 'sous-sol 1', 's/sol'])

/**
 * A whole number (`3`, `3,0`). For floors also: `RDC` / `rez-de-chaussée` / `R` = 0, `sous-sol` = -1, ordinals
 * (`1er`, `3e`, `3ème`, `3°`, `3e étage`) and the builders' `R+3` = 3.
 */
export function parseInteger(raw: string, options: { isFloor?: boolean } = {}): Parsed<number> {
  const text = foldText(raw)
  const whole = WHOLE.exec(text)
  if (whole) return ok(Number(whole[1]))
  if (options.isFloor) {
    if (GROUND_FLOOR.has(text)) return ok(0)
    if (BASEMENT.has(text)) return ok(-1)
    const floor = ORDINAL_FLOOR.exec(text) ?? BUILDING_FLOOR.exec(text)
    if (floor) return ok(Number(floor[1]))
  }
  return fail('not a whole number')
}

// ——— Postcodes ———

const POSTCODE_NOISE = /[\s\u00a0\u202f]|cedex\s*\d*$/gi
const FIVE_DIGITS = /^\d{5}$/
const FOUR_DIGITS = /^\d{4}$/

/**
 * A French postcode: five digits. A four-digit one is a postcode whose leading zero a spreadsheet dropped (`4000` →
 * `04000`), accepted only when the padded code is a known postcode. A CEDEX suffix is dropped.
 */
export function parsePostcode(raw: string): Parsed<string> {
  const text = raw.replace(POSTCODE_NOISE, '')
  if (FIVE_DIGITS.test(text)) return ok(text)
  if (FOUR_DIGITS.test(text)) {
    const padded = `0${text}`
    return isKnownPostcode(padded)
      ? ok(padded)
      : fail(`not a postcode: 4 digits, and ${padded} is not a known postcode`)
  }
  return fail('not a postcode (5 digits expected)')
}

// ——— Civility ———

/** A civility cell: `M.`, `Monsieur` → `M`; `Mme`, `Madame`, `Mlle` → `Mme`; `M. et Mme` → `M et Mme`; any other text refused. */
export function parseCivilityCell(raw: string): Parsed<Civility | null> {
  const civility = parseCivility(raw)
  return civility === undefined ? fail('expected M., Monsieur, Mme, Madame or M. et Mme') : ok(civility)
}
