import type { Civility } from '../../../shared/households.js'
import { IMPORT_FIELDS, type ImportField, type Mapping, normalizeHeader } from '../../../shared/import-fields.js'
import { type NormalizedPhone, normalizePhone, type PhoneKind } from '../../../shared/phones.js'
import { checkAddress } from './imports.communes.js'
import {
  type Parsed,
  parseAmountCents,
  parseCivilityCell,
  parseFrenchDate,
  parseInteger,
  parseYesNo,
} from './imports.values.js'

export interface RowWarning {
  line: number
  /** The column as the file names it (its header text). */
  column: string
  /** The cell as written. */
  value: string
  message: string
}

export interface InterpretedRow {
  kind: 'row'
  line: number
  externalRef: string
  /** From the role column: true for a leaseholder (titulaire, cotitulaire…), false for another occupant, else null. */
  isLeaseholder: boolean | null
  member: { lastName: string; firstName: string | null; birthDate: string | null; role: string | null }
  household: {
    /** The civility of the person on this row (the household keeps its leaseholder's). */
    civility: Civility | null
    email: string | null
    addressLine1: string | null
    addressLine2: string | null
    postcode: string | null
    city: string | null
    inseeCode: string | null
    agency: string | null
    occupants: number | null
    floor: number | null
    hasLift: boolean | null
    leaseStart: string | null
    arrearsCents: number | null
    housingBenefit: boolean | null
    supportProgramme: boolean | null
    worksProgramme: string | null
    objection: boolean | null
  }
  phones: NormalizedPhone[]
  warnings: RowWarning[]
}

export interface RejectedRow {
  kind: 'rejected'
  line: number
  reason: string
  /** The row as read, for the "download the rejected rows" file. */
  cells: string[]
}

// ——— Phones ———

const PHONE_NOISE = /[\s.\-/()]/g
const FRENCH_NUMBER = /^(?:(0|\+33|0033)?)([1-9]\d{8})$/
/** By style and the first 5 digits of the 9-digit national number: the country prefix and kind, or null (invalid). */
const phoneRanges = new Map<string, { prefix: string; kind: PhoneKind } | null>()

/**
 * `normalizePhone`, with the same answers, made cheap for the import's hot path. Validity and kind of a French
 * number (and of the overseas numbers it falls back to) depend only on its leading digits: libphonenumber's patterns
 * for these regions look at most 5 digits deep. So each range is asked once and remembered; any other shape goes to
 * `normalizePhone` itself. (Measured here: 8–25 µs per libphonenumber call, the largest cost of a row before this.)
 */
export function normalizeImportedPhone(input: string): NormalizedPhone {
  const raw = input.trim()
  const compact = raw.replace(PHONE_NOISE, '')
  const match = FRENCH_NUMBER.exec(compact)
  if (!match) return otherPhone(raw, compact)
  const isInternational = match[1] === '+33' || match[1] === '0033'
  const national = match[2]
  const key = (isInternational ? '+' : '0') + national.slice(0, 5)
  let range = phoneRanges.get(key)
  if (range === undefined) {
    const answer = normalizePhone(isInternational ? `+33${national}` : `0${national}`)
    // A valid answer whose E.164 does not end with the national digits would not be a plain range: never remembered.
    if (answer.isValid && !answer.e164?.endsWith(national)) return normalizePhone(raw)
    range = answer.isValid ? { prefix: answer.e164!.slice(0, -national.length), kind: answer.kind } : null
    if (phoneRanges.size < 200_000) phoneRanges.set(key, range)
  }
  return range
    ? { raw, e164: range.prefix + national, kind: range.kind, isValid: true }
    : { raw, e164: null, kind: 'other', isValid: false }
}

/** Other shapes repeat too (placeholders such as `00 00 00 00 00`): answers are remembered by their digits. */
const otherPhones = new Map<string, Omit<NormalizedPhone, 'raw'>>()
function otherPhone(raw: string, compact: string): NormalizedPhone {
  const known = otherPhones.get(compact)
  if (known) return { raw, ...known }
  const { raw: _, ...answer } = normalizePhone(raw)
  if (otherPhones.size >= 10_000) otherPhones.clear()
  otherPhones.set(compact, answer)
  return { raw, ...answer }
}

/** Between two numbers in one cell: `/`, `;`, `|`, `,`, a spaced dash, "ou", "et". */
const PHONE_LIST = /\s*[/;|,]\s*|\s+[-–]\s+|\s+(?:ou|et)\s+/i

/**
 * The numbers of one cell. The whole cell is tried first (`06/12/34/56/78` is one number); only when it is not a
 * number is it split into several (`06 12 34 56 78 / 03 83 12 34 56`).
 */
export function phonesInCell(cell: string): NormalizedPhone[] {
  const whole = normalizeImportedPhone(cell)
  if (whole.isValid) return [whole]
  const parts = cell.split(PHONE_LIST).filter((part) => part.trim() !== '')
  return parts.length > 1 ? parts.map(normalizeImportedPhone) : [whole]
}

// ——— Roles ———

const OTHER_OCCUPANTS = [
  'conjoint',
  'epoux',
  'epouse',
  'concubin',
  'compagn',
  'partenaire',
  'pacse',
  'enfant',
  'fils',
  'fille',
  'petit',
  'occupant',
  'ascendant',
  'descendant',
  'parent',
  'pere',
  'mere',
  'frere',
  'soeur',
  'neveu',
  'niece',
  'oncle',
  'tante',
  'grand',
  'beau',
  'belle',
  'heberge',
  'souslocataire',
  'autre',
  'tiers',
]

/**
 * Who holds the lease, from a role cell: titulaire, cotitulaire, locataire, colocataire, signataire, preneur, chef de
 * famille → true; conjoint, enfant, occupant, hébergé, and other relatives → false; anything else → null (unknown;
 * the import then takes the household's first row as its leaseholder).
 */
export function isLeaseholderRole(role: string): boolean | null {
  const key = normalizeHeader(role)
  if (!key || key.startsWith('non')) return key ? false : null
  if (key.includes('titulaire') || key.includes('signataire') || key.includes('preneur') || key.includes('chefde'))
    return true
  if (key.startsWith('locataire') || key.startsWith('colocataire')) return true
  return OTHER_OCCUPANTS.some((prefix) => key.startsWith(prefix)) ? false : null
}

// ——— Rows ———

type SingleField = Exclude<ImportField, 'phones'>

interface Plan {
  headers: string[]
  column: Record<SingleField, number>
  phoneColumns: number[]
}

const plans = new WeakMap<Mapping, Plan>()

const SINGLE_FIELDS = IMPORT_FIELDS.filter((field): field is SingleField => field !== 'phones')

/** Where each field is (-1: not in the file), worked out once per mapping rather than once per row. */
function planFor(mapping: Mapping, headers: string[]): Plan {
  const known = plans.get(mapping)
  if (known && known.headers === headers) return known
  const column = Object.fromEntries(SINGLE_FIELDS.map((field) => [field, -1])) as Record<SingleField, number>
  const phoneColumns: number[] = []
  mapping.forEach((field, index) => {
    if (field === 'phones') phoneColumns.push(index)
    else if (field && column[field] === -1) column[field] = index
  })
  const plan = { headers, column, phoneColumns }
  plans.set(mapping, plan)
  return plan
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** One row being read. Plain functions over it, not closures made per row: this runs 200,000 times a file. */
interface RowContext {
  cells: string[]
  headers: string[]
  line: number
  today: Date
  warnings: RowWarning[]
}

function cellAt(row: RowContext, index: number): string {
  if (index < 0) return ''
  const value = row.cells[index]
  return value ? value.trim() : ''
}

function textAt(row: RowContext, index: number): string | null {
  return cellAt(row, index) || null
}

function warnAt(row: RowContext, index: number, value: string, message: string) {
  row.warnings.push({ line: row.line, column: row.headers[index] ?? '', value, message })
}

/** The parsed cell, or null when empty; when it cannot be parsed, null and a warning. */
function parsedAt<T>(row: RowContext, index: number, parse: (text: string, today: Date) => Parsed<T>): T | null {
  const value = cellAt(row, index)
  if (!value) return null
  const result = parse(value, row.today)
  if (result.ok) return result.value
  warnAt(row, index, value, result.message)
  return null
}

function inRange(parsed: Parsed<number>, min: number, max: number, what: string): Parsed<number> {
  if (!parsed.ok || (parsed.value >= min && parsed.value <= max)) return parsed
  return { ok: false, message: `${what} out of range (${min} to ${max})` }
}
const parseOccupants = (text: string) => inRange(parseInteger(text), 1, 30, 'number of occupants')
const parseFloor = (text: string) => inRange(parseInteger(text, { isFloor: true }), -5, 100, 'floor')

function phonesAt(row: RowContext, columns: number[]): NormalizedPhone[] {
  const phones: NormalizedPhone[] = []
  for (const index of columns) {
    const value = cellAt(row, index)
    if (!value) continue
    for (const phone of phonesInCell(value)) {
      if (!phone.isValid) warnAt(row, index, phone.raw, 'not a valid phone number; kept as written')
      let isRepeated = false
      for (const other of phones)
        if (phone.e164 ? other.e164 === phone.e164 : other.raw === phone.raw) isRepeated = true
      if (!isRepeated) phones.push(phone)
    }
  }
  return phones
}

function isEmptyRow(cells: string[]): boolean {
  for (const value of cells) if (value?.trim()) return false
  return true
}

const leaseholderByRole = new Map<string, boolean | null>()

/**
 * Reads one row with the mapping. Rule: a row is rejected only when unusable — empty, without a household reference,
 * or without a name; anything else wrong is imported as far as it can be (the field left empty, or kept as written for
 * emails and phones) with a warning naming the line, the column as the file names it, the value and the problem.
 * The mapping array is taken as fixed once used (its plan is remembered).
 */
export function interpretRow(
  cells: string[],
  mapping: Mapping,
  headers: string[],
  line: number,
  today = new Date(),
): InterpretedRow | RejectedRow {
  const plan = planFor(mapping, headers)
  const at = plan.column
  const row: RowContext = { cells, headers, line, today, warnings: [] }
  const externalRef = cellAt(row, at.externalRef)
  const lastName = cellAt(row, at.lastName)
  if (!externalRef || !lastName) {
    const reason = isEmptyRow(cells) ? 'empty row' : !externalRef ? 'no household reference' : 'no name'
    return { kind: 'rejected', line, reason, cells }
  }

  const phones = phonesAt(row, plan.phoneColumns)

  let birthDate = parsedAt(row, at.birthDate, parseFrenchDate)
  if (birthDate && birthDate > today.toISOString().slice(0, 10)) {
    warnAt(row, at.birthDate, cellAt(row, at.birthDate), 'a birth date in the future')
    birthDate = null
  }

  let postcode = textAt(row, at.postcode)
  let city = textAt(row, at.city)
  let inseeCode: string | null = null
  if (postcode) {
    const address = checkAddress(postcode, city ?? '')
    if (address.ok) {
      if (!address.isCityMatched && city)
        warnAt(row, at.city, city, `not the commune of postcode ${address.postcode}; recorded as ${address.city}`)
      postcode = address.postcode
      city = address.city
      inseeCode = address.inseeCode
    } else if (address.column === 'city' && at.city >= 0) warnAt(row, at.city, city ?? '', address.message)
    else warnAt(row, at.postcode, postcode, address.message)
  }

  const email = textAt(row, at.email)
  if (email && !EMAIL.test(email)) warnAt(row, at.email, email, 'not an email address; kept as written')

  const role = textAt(row, at.role)
  let isLeaseholder: boolean | null = null
  if (role) {
    const known = leaseholderByRole.get(role)
    isLeaseholder = known === undefined ? isLeaseholderRole(role) : known
    if (known === undefined && leaseholderByRole.size < 10_000) leaseholderByRole.set(role, isLeaseholder)
  }

  let worksProgramme = textAt(row, at.worksProgramme)
  if (worksProgramme) {
    // A yes/no column ("x", "oui") says only that there is a programme; any other text names it.
    const yesNo = parseYesNo(worksProgramme)
    if (yesNo.ok) worksProgramme = yesNo.value ? 'oui' : null
  }

  return {
    kind: 'row',
    line,
    externalRef,
    isLeaseholder,
    member: { lastName, firstName: textAt(row, at.firstName), birthDate, role },
    household: {
      civility: parsedAt(row, at.civility, parseCivilityCell),
      email,
      addressLine1: textAt(row, at.addressLine1),
      addressLine2: textAt(row, at.addressLine2),
      postcode,
      city,
      inseeCode,
      agency: textAt(row, at.agency),
      occupants: parsedAt(row, at.occupants, parseOccupants),
      floor: parsedAt(row, at.floor, parseFloor),
      hasLift: parsedAt(row, at.hasLift, parseYesNo),
      leaseStart: parsedAt(row, at.leaseStart, parseFrenchDate),
      arrearsCents: parsedAt(row, at.arrears, parseAmountCents),
      housingBenefit: parsedAt(row, at.housingBenefit, parseYesNo),
      supportProgramme: parsedAt(row, at.supportProgramme, parseYesNo),
      worksProgramme,
      objection: parsedAt(row, at.objection, parseYesNo),
    },
    phones,
    warnings: row.warnings,
  }
}
