/**
 * The targeting catalogue: the household fields a campaign's rule may use, their types, operators and meanings, and
 * the shape of a rule. Server and web read it alike: the server validates and compiles rules against it
 * (`src/server/features/campaigns/targeting.ts`), the web's targeting editor offers each field's operators from it,
 * and the API lists it (`GET /campaign-templates`). Adding a field here means teaching the server's plan
 * (`targeting.plan.ts`) where its value lives.
 */
import { type Static, Type } from 'typebox'
import { FRAGILITY_LEVELS } from './campaigns.js'

export const OPERATORS = ['=', '!=', '<', '<=', '>', '>=', 'in', 'notIn', 'isSet', 'isNotSet'] as const
export type Operator = (typeof OPERATORS)[number]

/** Operators that test whether a value is known, and take no value. */
export const PRESENCE_OPERATORS = ['isSet', 'isNotSet'] as const satisfies readonly Operator[]
/** Operators that take a list of values. */
export const LIST_OPERATORS = ['in', 'notIn'] as const satisfies readonly Operator[]

export const TARGETING_FIELD_NAMES = [
  'age',
  'oldestAge',
  'livesAlone',
  'occupants',
  'supportProgramme',
  'housingBenefit',
  'arrears',
  'agency',
  'postcode',
  'inseeCode',
  'city',
  'floor',
  'hasLift',
  'worksProgramme',
  'leaseStart',
  'fragilityLevel',
  'lastContactedAt',
] as const
export type TargetingFieldName = (typeof TARGETING_FIELD_NAMES)[number]

/** The kinds the web editor knows; `integer`, `minimum` and `maximum` refine numbers. */
export const FIELD_TYPES = ['number', 'boolean', 'text', 'date', 'enum'] as const
export type FieldType = (typeof FIELD_TYPES)[number]

/** A short text in both languages of the app. */
export const LocalizedTextSchema = Type.Object({ fr: Type.String(), en: Type.String() })
export type LocalizedText = Static<typeof LocalizedTextSchema>

/** One field of the catalogue, as the API lists it. */
export const TargetingFieldSchema = Type.Object({
  field: Type.Enum(TARGETING_FIELD_NAMES),
  type: Type.Enum(FIELD_TYPES),
  /** Short name, used in lists and in explanations ("Âge 82 ≥ 75 ✓"). */
  label: LocalizedTextSchema,
  /** What the field means, its unit and where it comes from. */
  description: LocalizedTextSchema,
  /** The operators a condition on the field may use, in the order the editor offers them. */
  operators: Type.Array(Type.Enum(OPERATORS)),
  /** What a value must look like, in words (the validation message quotes it). */
  expects: Type.String(),
  integer: Type.Optional(Type.Boolean()),
  minimum: Type.Optional(Type.Number()),
  maximum: Type.Optional(Type.Number()),
  /** Enum values, in their order. */
  values: Type.Optional(Type.Array(Type.String())),
})
export type TargetingField = Static<typeof TargetingFieldSchema>

const ALL_OPERATORS: Operator[] = [...OPERATORS]
const EQUALITY_OPERATORS: Operator[] = ['=', '!=', 'in', 'notIn', 'isSet', 'isNotSet']
const YES_NO_OPERATORS: Operator[] = ['=', '!=', 'isSet', 'isNotSet']
const DATE_OPERATORS: Operator[] = ['=', '!=', '<', '<=', '>', '>=', 'isSet', 'isNotSet']

/** Each field's type, meaning, operators and bounds, by name. */
export const TARGETING_FIELD_SPECS: Record<TargetingFieldName, Omit<TargetingField, 'field'>> = {
  age: {
    type: 'number',
    label: { fr: 'Âge', en: 'Age' },
    description: {
      fr: 'Âge du titulaire du bail en années révolues, au jour de Paris (date de naissance du fichier)',
      en: 'Age of the leaseholder in whole years on the Paris day (from the birth date on file)',
    },
    operators: ALL_OPERATORS,
    expects: 'a whole number of years from 0 to 150',
    integer: true,
    minimum: 0,
    maximum: 150,
  },
  oldestAge: {
    type: 'number',
    label: { fr: 'Âge du plus âgé', en: 'Oldest occupant’s age' },
    description: {
      fr: 'Âge de l’occupant le plus âgé du logement, en années révolues',
      en: 'Age of the oldest occupant of the home, in whole years',
    },
    operators: ALL_OPERATORS,
    expects: 'a whole number of years from 0 to 150',
    integer: true,
    minimum: 0,
    maximum: 150,
  },
  livesAlone: {
    type: 'boolean',
    label: { fr: 'Vit seul·e', en: 'Lives alone' },
    description: { fr: 'Une seule personne occupe le logement', en: 'One person lives in the home' },
    operators: YES_NO_OPERATORS,
    expects: 'true or false',
  },
  occupants: {
    type: 'number',
    label: { fr: 'Occupants', en: 'Occupants' },
    description: { fr: 'Nombre de personnes au foyer', en: 'Number of people in the household' },
    operators: ALL_OPERATORS,
    expects: 'a whole number from 0 to 99',
    integer: true,
    minimum: 0,
    maximum: 99,
  },
  supportProgramme: {
    type: 'boolean',
    label: { fr: 'Accompagnement', en: 'Support programme' },
    description: {
      fr: 'Bénéficie d’un dispositif d’accompagnement social',
      en: 'Benefits from a social support programme',
    },
    operators: YES_NO_OPERATORS,
    expects: 'true or false',
  },
  housingBenefit: {
    type: 'boolean',
    label: { fr: 'APL', en: 'Housing benefit' },
    description: { fr: 'Perçoit une aide au logement (APL)', en: 'Receives housing benefit (APL)' },
    operators: YES_NO_OPERATORS,
    expects: 'true or false',
  },
  arrears: {
    type: 'number',
    label: { fr: 'Impayé', en: 'Arrears' },
    description: {
      fr: 'Montant de l’impayé en euros (au centime près ; négatif pour un crédit)',
      en: 'Rent arrears in euros (to the cent; negative for a credit)',
    },
    operators: ALL_OPERATORS,
    expects: 'an amount in euros with at most 2 decimals, from -10000000 to 10000000',
    minimum: -10_000_000,
    maximum: 10_000_000,
  },
  agency: {
    type: 'text',
    label: { fr: 'Agence', en: 'Agency' },
    description: { fr: 'Code de l’agence qui gère le logement', en: 'Code of the agency managing the home' },
    operators: EQUALITY_OPERATORS,
    expects: 'an agency code (1 to 50 characters)',
  },
  postcode: {
    type: 'text',
    label: { fr: 'Code postal', en: 'Postcode' },
    description: {
      fr: 'Code postal du logement ; les comparaisons < > suivent l’ordre des codes',
      en: 'Postcode of the home; < > compare codes in order',
    },
    operators: ALL_OPERATORS,
    expects: 'a 5-digit postcode such as "54000"',
  },
  inseeCode: {
    type: 'text',
    label: { fr: 'Code INSEE', en: 'INSEE code' },
    description: {
      fr: 'Code INSEE de la commune (2A/2B en Corse) ; les comparaisons < > suivent l’ordre des codes',
      en: 'INSEE code of the commune (2A/2B in Corsica); < > compare codes in order',
    },
    operators: ALL_OPERATORS,
    expects: 'a 5-character INSEE code such as "54395" or "2A004"',
  },
  city: {
    type: 'text',
    label: { fr: 'Commune', en: 'City' },
    description: {
      fr: 'Nom de la commune, tel qu’écrit dans le fichier (majuscules et accents comptent)',
      en: 'Name of the commune as written in the file (case and accents count)',
    },
    operators: EQUALITY_OPERATORS,
    expects: 'a text of 1 to 200 characters',
  },
  floor: {
    type: 'number',
    label: { fr: 'Étage', en: 'Floor' },
    description: { fr: 'Étage du logement (0 = rez-de-chaussée)', en: 'Floor of the home (0 = ground floor)' },
    operators: ALL_OPERATORS,
    expects: 'a whole number from -5 to 200',
    integer: true,
    minimum: -5,
    maximum: 200,
  },
  hasLift: {
    type: 'boolean',
    label: { fr: 'Ascenseur', en: 'Lift' },
    description: { fr: 'L’immeuble a un ascenseur', en: 'The building has a lift' },
    operators: YES_NO_OPERATORS,
    expects: 'true or false',
  },
  worksProgramme: {
    type: 'text',
    label: { fr: 'Travaux', en: 'Works programme' },
    description: {
      fr: 'Programme de travaux ou de réhabilitation qui concerne le logement ; « renseigné » = un programme quel qu’il soit',
      en: 'Renovation works programme concerning the home; "set" = any programme',
    },
    operators: EQUALITY_OPERATORS,
    expects: 'a text of 1 to 200 characters',
  },
  leaseStart: {
    type: 'date',
    label: { fr: 'Entrée dans les lieux', en: 'Lease start' },
    description: { fr: 'Date de début du bail', en: 'Start date of the lease' },
    operators: DATE_OPERATORS,
    expects: 'a date YYYY-MM-DD',
  },
  fragilityLevel: {
    type: 'enum',
    label: { fr: 'Fragilité', en: 'Fragility' },
    description: {
      fr: 'Fragilité repérée lors d’appels précédents, ordonnée : aucune < à surveiller < fragile < grande vulnérabilité',
      en: 'Fragility found by earlier calls, ordered: none < watch < fragile < high vulnerability',
    },
    operators: ALL_OPERATORS,
    expects: `one of ${FRAGILITY_LEVELS.join(', ')}`,
    values: [...FRAGILITY_LEVELS],
  },
  lastContactedAt: {
    type: 'date',
    label: { fr: 'Dernier contact', en: 'Last contact' },
    description: {
      fr: 'Dernier appel abouti ; une date est un jour de Paris (« < date » = pas de contact depuis ce jour)',
      en: 'Last reached call; a date is a Paris day ("< date" = no contact since that day)',
    },
    operators: DATE_OPERATORS,
    expects: 'a date YYYY-MM-DD (a Paris day) or an ISO timestamp',
  },
}

/** The fields a rule may use, with their type, meaning and operators: the README and the web editor list them. */
export const TARGETING_FIELDS: readonly TargetingField[] = TARGETING_FIELD_NAMES.map((field) => ({
  field,
  ...TARGETING_FIELD_SPECS[field],
}))

/** The field of that name, or undefined for a name outside the catalogue. */
export function findTargetingField(name: string): TargetingField | undefined {
  return TARGETING_FIELDS.find((field) => field.field === name)
}

export type ConditionValue = number | boolean | string | number[] | string[]
/** One condition: a field, an operator and (except for isSet/isNotSet) a value or a list of values. */
export interface Condition {
  field: TargetingFieldName
  op: Operator
  value?: ConditionValue
}
/**
 * A targeting rule: a JSON tree of all/any/not over conditions. `{"all":[]}` matches every household, `{"any":[]}`
 * none; the server's `validateRule` is the judge of what a valid rule is.
 */
export type Rule = { all: Rule[] } | { any: Rule[] } | { not: Rule } | Condition
