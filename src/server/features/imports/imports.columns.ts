/** The household fields an import can fill, and the header names landlords' exports use for each. */
export const IMPORT_FIELDS = [
  'externalRef',
  'lastName',
  'firstName',
  'birthDate',
  'role',
  'phones',
  'email',
  'addressLine1',
  'addressLine2',
  'postcode',
  'city',
  'agency',
  'occupants',
  'floor',
  'hasLift',
  'leaseStart',
  'arrears',
  'housingBenefit',
  'supportProgramme',
  'worksProgramme',
  'objection',
] as const
export type ImportField = (typeof IMPORT_FIELDS)[number]

/** Aliases, compared after normalisation (case, accents, spaces and punctuation ignored). README lists the same. */
export const HEADER_ALIASES: Record<ImportField, string[]> = {
  externalRef: [
    'référence',
    'référence ménage',
    'ref',
    'réf',
    'n° locataire',
    'numéro locataire',
    'code locataire',
    'matricule',
    'reference',
  ],
  lastName: ['nom', 'nom locataire', 'nom du titulaire', 'nom de famille'],
  firstName: ['prénom', 'prénom locataire'],
  birthDate: ['date de naissance', 'né(e) le', 'né le', 'née le', 'naissance'],
  role: ['rôle', 'lien', 'qualité', 'lien de parenté'],
  phones: [
    'téléphone',
    'tél',
    'tel',
    'tél fixe',
    'téléphone domicile',
    'portable',
    'mobile',
    'tél portable',
    'téléphone portable',
    'téléphone 2',
    'tél 2',
  ],
  email: ['email', 'e-mail', 'courriel', 'mail'],
  addressLine1: ['adresse', 'adresse 1', 'adresse ligne 1'],
  addressLine2: ['complément d’adresse', "complément d'adresse", 'adresse 2', 'complément'],
  postcode: ['code postal', 'cp'],
  city: ['ville', 'commune'],
  agency: ['agence', 'secteur'],
  occupants: ['nb occupants', 'nombre d’occupants', "nombre d'occupants", 'occupants'],
  floor: ['étage', 'etage'],
  hasLift: ['ascenseur'],
  leaseStart: ['date d’entrée', "date d'entrée", 'date entrée', 'début de bail', 'date de début de bail'],
  arrears: ['solde', 'impayé', 'montant impayé', 'dette', 'impayés'],
  housingBenefit: ['apl', 'aide au logement', 'al'],
  supportProgramme: ['accompagnement', 'dispositif d’accompagnement', "dispositif d'accompagnement", 'suivi social'],
  worksProgramme: ['programme de travaux', 'réhabilitation', 'opération'],
  objection: ['opposition', 'ne pas appeler', 'opposition appels'],
}

/** Columns never imported: the social-security number must not enter Allervers (CNIL). */
const FORBIDDEN = [
  'nir',
  'numéro de sécurité sociale',
  'n° sécu',
  'n° de sécurité sociale',
  'numéro sécu',
  'sécurité sociale',
]

export function normalizeHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '')
}

const ALIAS_INDEX = new Map<string, ImportField>()
for (const field of IMPORT_FIELDS)
  for (const alias of HEADER_ALIASES[field]) ALIAS_INDEX.set(normalizeHeader(alias), field)
const FORBIDDEN_INDEX = new Set(FORBIDDEN.map(normalizeHeader))

/** Column index → field (null = not imported). `phones` may take several columns; any other field one. */
export type Mapping = Array<ImportField | null>

export interface AutoMapping {
  mapping: Mapping
  unmapped: string[]
  ignoredSensitive: string[]
}

/** Maps headers to fields by their aliases; the first column wins a field, except phones which take them all. */
export function autoMap(headers: string[]): AutoMapping {
  const taken = new Set<ImportField>()
  const unmapped: string[] = []
  const ignoredSensitive: string[] = []
  const mapping = headers.map((header) => {
    const key = normalizeHeader(header)
    if (FORBIDDEN_INDEX.has(key) || key.startsWith('nir')) {
      ignoredSensitive.push(header)
      return null
    }
    const field = ALIAS_INDEX.get(key) ?? null
    if (!field || (taken.has(field) && field !== 'phones')) {
      if (header.trim()) unmapped.push(header)
      return null
    }
    taken.add(field)
    return field
  })
  return { mapping, unmapped, ignoredSensitive }
}

export class MappingError extends Error {}

/** Applies a saved mapping `{ "<header>": "<field>" }` to this file's headers, refusing unknown fields or headers. */
export function mappingFromNamed(headers: string[], named: Record<string, string>): Mapping {
  const byHeader = new Map(headers.map((header, index) => [normalizeHeader(header), index]))
  const mapping: Mapping = headers.map(() => null)
  for (const [header, field] of Object.entries(named)) {
    if (!(IMPORT_FIELDS as readonly string[]).includes(field)) {
      throw new MappingError(`Unknown field "${field}" for column "${header}"; fields: ${IMPORT_FIELDS.join(', ')}`)
    }
    const index = byHeader.get(normalizeHeader(header))
    if (index === undefined)
      throw new MappingError(`The mapping names a column "${header}" that this file does not have`)
    if (FORBIDDEN_INDEX.has(normalizeHeader(header))) throw new MappingError(`Column "${header}" may not be imported`)
    mapping[index] = field as ImportField
  }
  return mapping
}

/** A file without a reference or a name column cannot be imported at all. */
export function checkMapping(mapping: Mapping, headers: string[]) {
  for (const field of ['externalRef', 'lastName'] as const) {
    if (!mapping.includes(field)) {
      throw new MappingError(
        `No column for ${field === 'externalRef' ? 'the household reference' : 'the name'}: expected one of ${HEADER_ALIASES[field].join(', ')}; found headers: ${headers.join(', ')}`,
      )
    }
  }
}
