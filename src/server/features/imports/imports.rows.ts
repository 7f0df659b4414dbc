import { type NormalizedPhone, normalizePhone } from '../../../shared/phones.js'
import type { ImportField, Mapping } from './imports.columns.js'
import { checkAddress } from './imports.communes.js'
import { parseAmountCents, parseFrenchDate, parseInteger, parseYesNo } from './imports.values.js'

export interface RowWarning {
  line: number
  column: string
  value: string
  message: string
}

export interface InterpretedRow {
  kind: 'row'
  line: number
  externalRef: string
  isLeaseholder: boolean | null
  member: { lastName: string; firstName: string | null; birthDate: string | null; role: string | null }
  household: {
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
  cells: string[]
}

const LEASEHOLDER_ROLES = /^(titulaire|locataire|signataire|preneur|chef de famille|cotitulaire)/i
const OTHER_ROLES = /^(conjoint|enfant|occupant|ascendant|autre|hebergee?|h[eé]berg)/i

/**
 * Reads one row with the mapping. It is rejected only when unusable (no reference, no name); anything else wrong is
 * imported as far as it can be, with its raw value kept in a warning naming the line, column and value.
 */
export function interpretRow(
  cells: string[],
  mapping: Mapping,
  headers: string[],
  line: number,
  today = new Date(),
): InterpretedRow | RejectedRow {
  const warnings: RowWarning[] = []
  const cellOf = (field: ImportField) => {
    const index = mapping.indexOf(field)
    return index < 0 ? { text: '', header: field } : { text: (cells[index] ?? '').trim(), header: headers[index] }
  }
  const warn = (field: ImportField, text: string, message: string) =>
    warnings.push({ line, column: cellOf(field).header, value: text, message })
  const externalRef = cellOf('externalRef').text
  const lastName = cellOf('lastName').text
  if (!externalRef) return { kind: 'rejected', line, reason: 'no household reference', cells }
  if (!lastName) return { kind: 'rejected', line, reason: 'no name', cells }

  const optional = <T>(
    field: ImportField,
    parse: (text: string) => { ok: true; value: T } | { ok: false; message: string },
  ): T | null => {
    const { text } = cellOf(field)
    if (!text) return null
    const parsed = parse(text)
    if (parsed.ok) return parsed.value
    warn(field, text, parsed.message)
    return null
  }
  const text = (field: ImportField) => cellOf(field).text || null

  const phones: NormalizedPhone[] = []
  mapping.forEach((field, index) => {
    if (field !== 'phones') return
    const raw = (cells[index] ?? '').trim()
    if (!raw) return
    for (const part of raw.split(/\s*[/;|]\s*/).filter(Boolean)) {
      const phone = normalizePhone(part)
      if (!phone.isValid)
        warnings.push({
          line,
          column: headers[index],
          value: part,
          message: 'not a valid phone number; kept as written',
        })
      phones.push(phone)
    }
  })

  let postcode = text('postcode')
  let city = text('city')
  let inseeCode: string | null = null
  if (postcode || city) {
    const address = checkAddress(postcode ?? '', city ?? '')
    if (address.ok) {
      postcode = address.postcode
      city = address.city
      inseeCode = address.inseeCode
    } else warn(address.column, (address.column === 'postcode' ? postcode : city) ?? '', address.message)
  }
  const role = text('role')
  const email = text('email')
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) warn('email', email, 'not an email address; kept as written')

  return {
    kind: 'row',
    line,
    externalRef,
    isLeaseholder: role ? (LEASEHOLDER_ROLES.test(role) ? true : OTHER_ROLES.test(role) ? false : null) : null,
    member: {
      lastName,
      firstName: text('firstName'),
      birthDate: optional('birthDate', (value) => parseFrenchDate(value, today)),
      role,
    },
    household: {
      email,
      addressLine1: text('addressLine1'),
      addressLine2: text('addressLine2'),
      postcode,
      city,
      inseeCode,
      agency: text('agency'),
      occupants: optional('occupants', (value) => parseInteger(value)),
      floor: optional('floor', (value) => parseInteger(value, { isFloor: true })),
      hasLift: optional('hasLift', parseYesNo),
      leaseStart: optional('leaseStart', (value) => parseFrenchDate(value, today)),
      arrearsCents: optional('arrears', parseAmountCents),
      housingBenefit: optional('housingBenefit', parseYesNo),
      supportProgramme: optional('supportProgramme', parseYesNo),
      worksProgramme: (() => {
        const value = text('worksProgramme')
        if (!value) return null
        const yesNo = parseYesNo(value)
        return yesNo.ok ? (yesNo.value ? 'oui' : null) : value
      })(),
      objection: optional('objection', parseYesNo),
    },
    phones,
    warnings,
  }
}
