import {
  IMPORT_FIELDS,
  type ImportField,
  isImportField,
  type Mapping,
  MULTI_COLUMN_FIELDS,
  normalizeHeader,
  REQUIRED_FIELDS,
} from '../../../shared/import-fields.js'
import { FileRefusedError } from './imports.decode.js'

/**
 * The header names landlords' exports use for each field (the fields: `src/shared/import-fields.ts`). Aliases are
 * compared after normalisation (case, accents, spaces and punctuation ignored, so `N° locataire`, `n locataire` and
 * `N°LOCATAIRE` are one). Phone aliases also match with a number after them (`Téléphone 2`). The README documents
 * this table.
 */
export const HEADER_ALIASES: Record<ImportField, string[]> = {
  externalRef: [
    'référence',
    'référence ménage',
    'référence locataire',
    'réf',
    'réf ménage',
    'réf locataire',
    'n° locataire',
    'numéro locataire',
    'numéro de locataire',
    'no locataire',
    'num locataire',
    'code locataire',
    'code ménage',
    'matricule',
    'n° contrat',
    'numéro de contrat',
    'n° bail',
    'référence bail',
  ],
  lastName: ['nom', 'nom locataire', 'nom du titulaire', 'nom de famille', 'nom usuel', 'nom prénom', 'nom et prénom'],
  firstName: ['prénom', 'prénom locataire', 'prénom du titulaire', 'prénom usuel'],
  civility: ['civilité', 'civ', 'titre de civilité', 'civilité locataire', 'civilité du titulaire'],
  birthDate: ['date de naissance', 'date naissance', 'né(e) le', 'né le', 'née le', 'naissance'],
  role: ['rôle', 'lien', 'qualité', 'lien de parenté', 'lien avec le titulaire'],
  phones: [
    'téléphone',
    'tél',
    'tél fixe',
    'téléphone fixe',
    'téléphone domicile',
    'tél domicile',
    'portable',
    'mobile',
    'tél portable',
    'téléphone portable',
    'tél mobile',
    'téléphone mobile',
    'gsm',
  ],
  email: ['email', 'e-mail', 'courriel', 'mail', 'adresse mail', 'adresse e-mail', 'adresse électronique'],
  addressLine1: ['adresse', 'adresse 1', 'adresse ligne 1'],
  addressLine2: ['complément d’adresse', 'adresse 2', 'adresse ligne 2', 'complément'],
  postcode: ['code postal', 'cp'],
  city: ['ville', 'commune', 'localité'],
  agency: ['agence', 'secteur'],
  occupants: ['nb occupants', 'nombre d’occupants', 'nombre occupants', 'occupants'],
  floor: ['étage'],
  hasLift: ['ascenseur'],
  leaseStart: ['date d’entrée', 'date entrée', 'début de bail', 'date de début de bail', 'date début bail'],
  arrears: ['solde', 'impayé', 'impayés', 'montant impayé', 'dette'],
  housingBenefit: ['apl', 'aide au logement', 'al'],
  supportProgramme: ['accompagnement', 'dispositif d’accompagnement', 'suivi social'],
  worksProgramme: ['programme de travaux', 'réhabilitation', 'opération'],
  objection: ['opposition', 'ne pas appeler', 'opposition appels'],
}

/**
 * Columns never imported, whatever the mapping says: the social-security number (NIR) must not enter Allervers
 * (CNIL: its use is restricted by decree). "Numéro INSEE" of a person is the NIR too; a commune's "code INSEE" is not.
 */
export const SENSITIVE_HEADERS = [
  'nir',
  'numéro de sécurité sociale',
  'n° de sécurité sociale',
  'sécurité sociale',
  'n° sécu',
  'numéro sécu',
  'n° ss',
  'numéro ss',
  'numéro insee',
  'n° insee',
]

const ALIAS_INDEX = new Map<string, ImportField>()
for (const field of IMPORT_FIELDS)
  for (const alias of HEADER_ALIASES[field]) ALIAS_INDEX.set(normalizeHeader(alias), field)
const SENSITIVE_INDEX = new Set(SENSITIVE_HEADERS.map(normalizeHeader))
const TRAILING_NUMBER = /\d+$/
const NIR_HEADER = /^(?:n|no|num|numero)?nir/

/** A header that names the social-security number (NIR). */
export function isSensitiveHeader(header: string): boolean {
  const key = normalizeHeader(header)
  return SENSITIVE_INDEX.has(key) || NIR_HEADER.test(key) || key.includes('secu')
}

/**
 * A value shaped like a NIR: sex 1/2 (3, 4, 7, 8 for provisional numbers), year, month, département (2A/2B for
 * Corsica), commune, order, and an optional key; spaces allowed.
 */
const NIR = /^[1-478]\s?\d{2}\s?(?:0[1-9]|1[0-2]|[2-9]\d)\s?(?:\d{2}|2[ab])\s?\d{3}\s?\d{3}(?:\s?\d{2})?$/i
export function looksLikeNir(value: string): boolean {
  return NIR.test(value.trim())
}

/** The field a header stands for by its aliases, or null. */
export function fieldForHeader(header: string): ImportField | null {
  const key = normalizeHeader(header)
  const field = ALIAS_INDEX.get(key)
  if (field) return field
  const withoutNumber = key.replace(TRAILING_NUMBER, '')
  return withoutNumber !== key && ALIAS_INDEX.get(withoutNumber) === 'phones' ? 'phones' : null
}

export interface AutoMapping {
  mapping: Mapping
  /** Headers not imported (no alias, or a field already taken by an earlier column). */
  unmapped: string[]
  /** Headers deliberately ignored because they hold a social-security number; say so to the person importing. */
  ignoredSensitive: string[]
}

/**
 * Maps headers to fields by their aliases; the first column wins a field, except phones which take them all. A
 * column named like a social-security number, or (when preview rows are given) whose values mostly look like NIRs, is
 * never mapped and is reported in `ignoredSensitive`.
 */
export function autoMap(headers: string[], previewRows: Array<{ cells: string[] }> = []): AutoMapping {
  const taken = new Set<ImportField>()
  const unmapped: string[] = []
  const ignoredSensitive: string[] = []
  const mapping = headers.map((header, index) => {
    if (isSensitiveHeader(header) || holdsNirs(previewRows, index)) {
      ignoredSensitive.push(header)
      return null
    }
    const field = fieldForHeader(header)
    if (!field || (taken.has(field) && !MULTI_COLUMN_FIELDS.includes(field))) {
      if (header.trim()) unmapped.push(header)
      return null
    }
    taken.add(field)
    return field
  })
  return { mapping, unmapped, ignoredSensitive }
}

function holdsNirs(rows: Array<{ cells: string[] }>, index: number): boolean {
  let filled = 0
  let nirs = 0
  for (const row of rows) {
    const value = row.cells[index]?.trim()
    if (!value) continue
    filled++
    if (looksLikeNir(value)) nirs++
  }
  return filled > 0 && nirs * 2 > filled
}

/** A mapping that cannot be used: the file is refused like an unreadable one, with the reason. */
export class MappingError extends FileRefusedError {
  override name = 'MappingError'
}

/**
 * Applies a saved mapping `{ "<header>": "<field>" }` to this file's headers (compared like aliases). Refuses an
 * unknown field, a header the file does not have, a sensitive column, and two columns for a one-column field.
 */
export function mappingFromNamed(headers: string[], named: Record<string, string>): Mapping {
  const byHeader = new Map<string, number>()
  headers.forEach((header, index) => {
    const key = normalizeHeader(header)
    if (!byHeader.has(key)) byHeader.set(key, index)
  })
  const mapping: Mapping = headers.map(() => null)
  for (const [header, field] of Object.entries(named)) {
    if (!isImportField(field))
      throw new MappingError(`Unknown field "${field}" for column "${header}"; fields: ${IMPORT_FIELDS.join(', ')}`)
    const index = byHeader.get(normalizeHeader(header))
    if (index === undefined) {
      throw new MappingError(
        `The mapping names a column "${header}" that this file does not have; its columns: ${headers.join(', ')}`,
      )
    }
    if (isSensitiveHeader(header))
      throw new MappingError(`Column "${header}" may not be imported: it holds social-security numbers`)
    mapping[index] = field
  }
  return mapping
}

/**
 * A file without a reference or a name column cannot be imported at all; a one-column field mapped twice, a mapping
 * of another length than the headers, or a sensitive column is refused too.
 */
export function validateMapping(mapping: Mapping, headers: string[]): void {
  if (mapping.length !== headers.length) {
    throw new MappingError(`The mapping lists ${mapping.length} columns but the file has ${headers.length}`)
  }
  for (const field of REQUIRED_FIELDS) {
    if (!mapping.includes(field)) {
      throw new MappingError(
        `No column for ${field === 'externalRef' ? 'the household reference' : 'the name'}: expected one of ${HEADER_ALIASES[field].join(', ')}; found headers: ${headers.join(', ')}`,
      )
    }
  }
  const seen = new Map<ImportField, number>()
  mapping.forEach((field, index) => {
    if (!field) return
    if (!isImportField(field)) throw new MappingError(`Unknown field "${field}" for column "${headers[index]}"`)
    if (isSensitiveHeader(headers[index]))
      throw new MappingError(`Column "${headers[index]}" may not be imported: it holds social-security numbers`)
    const first = seen.get(field)
    if (first !== undefined && !MULTI_COLUMN_FIELDS.includes(field))
      throw new MappingError(`Two columns are mapped to ${field}: "${headers[first]}" and "${headers[index]}"`)
    seen.set(field, index)
  })
}

/** Same as `validateMapping` (the name the import service and the CLI already use). */
export const checkMapping = validateMapping
