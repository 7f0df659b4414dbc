import { type Expression, type ExpressionBuilder, type Selectable, type SqlBool, sql } from 'kysely'
import { DateTime } from 'luxon'
import { FRAGILITY_LEVELS } from '../../../shared/campaigns.js'
import { ageOn } from '../../../shared/dates.js'
import type { Database, HouseholdTable } from '../../db/schema.js'

/**
 * Targeting rules: JSON trees of all/any/not over conditions on household data. This module validates them, compiles
 * them to a SQL filter (values always bound), evaluates them in memory and explains them; both engines and the
 * in-memory evaluator give the same answers (a property test holds them to it).
 *
 * Semantic decisions, each tested:
 * - Unknown values: a condition on a null value is false, whatever the operator (`!=` and `notIn` included); only
 *   `isSet`/`isNotSet` look at nulls. `not` is plain logical negation of that: `not (age >= 75)` keeps households
 *   younger than 75 AND households whose age is unknown. In SQL a negated condition reads `col IS NOT NULL AND col op ?`
 *   so that NOT never meets SQL's NULL; outside a `not` the guard is left out (a NULL there already excludes the row).
 * - Ages are whole years on the Europe/Paris day passed in, compiled to birth-date ranges (no function on the column).
 *   Someone born on 29 February turns a year older on 1 March in non-leap years (as French civil practice counts it).
 * - Fragility levels are ordered none < watch < fragile < high_vulnerability: `>= fragile` means fragile or
 *   high_vulnerability; a stored level outside that list matches only `!=`/`notIn`.
 * - `lastContactedAt` is a timestamp; a date value means a Europe/Paris day: `< 2026-11-01` is "not contacted since the
 *   1st of November began in Paris". A full ISO timestamp compares to the instant.
 * - `{"all":[]}` matches every household, `{"any":[]}` none.
 */

export const OPERATORS = ['=', '!=', '<', '<=', '>', '>=', 'in', 'notIn', 'isSet', 'isNotSet'] as const
export type Operator = (typeof OPERATORS)[number]

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
export type FieldType = 'number' | 'boolean' | 'text' | 'date' | 'enum'

type Localized = { fr: string; en: string }

export interface TargetingField {
  field: TargetingFieldName
  type: FieldType
  /** Short name, used in lists and in explanations ("Âge 82 ≥ 75 ✓"). */
  label: Localized
  /** What the field means, its unit and where it comes from. */
  description: Localized
  operators: readonly Operator[]
  /** What a value must look like, in words (the validation message quotes it). */
  expects: string
  integer?: boolean
  minimum?: number
  maximum?: number
  /** Enum values, in their order. */
  values?: readonly string[]
}

const ALL_OPERATORS = OPERATORS
const EQUALITY_OPERATORS = ['=', '!=', 'in', 'notIn', 'isSet', 'isNotSet'] as const
const YES_NO_OPERATORS = ['=', '!=', 'isSet', 'isNotSet'] as const
const DATE_OPERATORS = ['=', '!=', '<', '<=', '>', '>=', 'isSet', 'isNotSet'] as const

const FIELD_SPECS: Record<TargetingFieldName, Omit<TargetingField, 'field'>> = {
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
    values: FRAGILITY_LEVELS,
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
  ...FIELD_SPECS[field],
}))

export type ConditionValue = number | boolean | string | number[] | string[]
export interface Condition {
  field: TargetingFieldName
  op: Operator
  value?: ConditionValue
}
export type Rule = { all: Rule[] } | { any: Rule[] } | { not: Rule } | Condition

export interface RuleIssue {
  /** Where in the rule, e.g. `all[1].field` ('' for the root). */
  path: string
  message: string
  value?: unknown
}

/** A rule that cannot be used; `details` names every problem by its path. */
export class RuleError extends Error {
  override readonly name = 'RuleError'
  constructor(readonly details: RuleIssue[]) {
    super(details.map((detail) => `${detail.path || 'rule'}: ${detail.message}`).join('; '))
  }
}

export const MAX_RULE_DEPTH = 10
export const MAX_RULE_NODES = 200
const MAX_LIST_VALUES = 500
const MAX_ISSUES = 50

const DAY = /^\d{4}-\d{2}-\d{2}$/
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/
const POSTCODE = /^\d{5}$/
const INSEE_CODE = /^(\d{5}|2[AB]\d{3})$/

function isCalendarDay(value: string): boolean {
  if (!DAY.test(value)) return false
  const [year, month, day] = value.split('-').map(Number)
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

function isTimestamp(value: string): boolean {
  return INSTANT.test(value) && isCalendarDay(value.slice(0, 10)) && !Number.isNaN(Date.parse(value))
}

/** A value quoted in a message, cut short: a message must stay readable whatever was sent. */
function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}…` : text
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Whether one value suits a field; returns the value as the rule keeps it (timestamps normalised to UTC). */
function acceptValue(field: TargetingFieldName, value: unknown): { value: string | number | boolean } | null {
  const spec = FIELD_SPECS[field]
  switch (spec.type) {
    case 'boolean':
      return typeof value === 'boolean' ? { value } : null
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return null
      if (value < spec.minimum! || value > spec.maximum!) return null
      if (spec.integer && !Number.isInteger(value)) return null
      // Euros are compared in cents: more decimals would be silently rounded.
      if (field === 'arrears' && Math.abs(value * 100 - Math.round(value * 100)) > 1e-6) return null
      return { value }
    }
    case 'enum':
      return typeof value === 'string' && spec.values!.includes(value) ? { value } : null
    case 'date':
      if (typeof value !== 'string') return null
      if (isCalendarDay(value)) return { value }
      if (field === 'lastContactedAt' && isTimestamp(value)) return { value: new Date(value).toISOString() }
      return null
    case 'text': {
      if (typeof value !== 'string') return null
      if (field === 'postcode') return POSTCODE.test(value) ? { value } : null
      if (field === 'inseeCode') return INSEE_CODE.test(value) ? { value } : null
      const limit = field === 'agency' ? 50 : 200
      return value.length >= 1 && value.length <= limit ? { value } : null
    }
  }
}

/**
 * Checks a rule from outside (a request body, a stored campaign) and returns a clean copy: known keys only, timestamps
 * normalised. Throws a RuleError listing every problem with its path, the reason and the offending value, e.g.
 * `all[1].field: unknown field "agee"; known fields: age, …`. Limits: 10 levels, 200 nodes, 500 values per list.
 */
export function validateRule(input: unknown): Rule {
  const issues: RuleIssue[] = []
  let nodes = 0
  const report = (path: string, message: string, value?: unknown) => {
    if (issues.length < MAX_ISSUES) issues.push(value === undefined ? { path, message } : { path, message, value })
  }
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key)

  const visit = (node: unknown, path: string, depth: number): Rule | null => {
    nodes++
    if (nodes > MAX_RULE_NODES) return null
    if (depth > MAX_RULE_DEPTH) {
      report(path, `rules nest at most ${MAX_RULE_DEPTH} levels deep`)
      return null
    }
    if (!isRecord(node)) {
      report(path, 'expected {"all":[…]}, {"any":[…]}, {"not":…} or {"field":…,"op":…,"value":…}', node)
      return null
    }
    const keys = Object.keys(node)
    const group = (['all', 'any', 'not'] as const).find((key) => Object.hasOwn(node, key))
    if (group) {
      if (keys.length !== 1) {
        report(path, `"${group}" stands alone in its node; found ${keys.join(', ')}`)
        return null
      }
      if (group === 'not') {
        const child = visit(node.not, join(path, 'not'), depth + 1)
        return child && { not: child }
      }
      const list = node[group]
      if (!Array.isArray(list)) {
        report(join(path, group), `"${group}" expects a list of rules`, list)
        return null
      }
      const children = list.map((child, index) => visit(child, `${join(path, group)}[${index}]`, depth + 1))
      if (children.some((child) => child === null)) return null
      return group === 'all' ? { all: children as Rule[] } : { any: children as Rule[] }
    }
    if (!Object.hasOwn(node, 'field') && !Object.hasOwn(node, 'op')) {
      report(path, 'expected {"all":[…]}, {"any":[…]}, {"not":…} or {"field":…,"op":…,"value":…}', node)
      return null
    }
    return visitCondition(node, path)
  }

  const visitCondition = (node: Record<string, unknown>, path: string): Condition | null => {
    let isValid = true
    for (const key of Object.keys(node)) {
      if (key !== 'field' && key !== 'op' && key !== 'value') {
        report(join(path, key), `unknown key "${key}"; a condition has field, op and value`)
        isValid = false
      }
    }
    const field = node.field
    if (typeof field !== 'string' || !(TARGETING_FIELD_NAMES as readonly string[]).includes(field)) {
      report(
        join(path, 'field'),
        `${field === undefined ? 'missing field' : `unknown field ${quote(field)}`}; known fields: ${TARGETING_FIELD_NAMES.join(', ')}`,
        field,
      )
      return null
    }
    const name = field as TargetingFieldName
    const spec = FIELD_SPECS[name]
    const op = node.op
    if (typeof op !== 'string' || !(OPERATORS as readonly string[]).includes(op)) {
      report(
        join(path, 'op'),
        `${op === undefined ? 'missing operator' : `unknown operator ${quote(op)}`}; known operators: ${OPERATORS.join(', ')}`,
        op,
      )
      return null
    }
    const operator = op as Operator
    if (!spec.operators.includes(operator)) {
      report(
        join(path, 'op'),
        `operator "${operator}" does not apply to "${name}" (${spec.type}); use ${spec.operators.join(', ')}`,
        operator,
      )
      return null
    }
    const hasValue = node.value !== undefined
    if (operator === 'isSet' || operator === 'isNotSet') {
      if (hasValue) {
        report(join(path, 'value'), `"${operator}" takes no value`, node.value)
        return null
      }
      return isValid ? { field: name, op: operator } : null
    }
    if (!hasValue) {
      report(join(path, 'value'), `"${operator}" needs a value: ${spec.expects}`)
      return null
    }
    if (operator === 'in' || operator === 'notIn') {
      const list = node.value
      if (!Array.isArray(list) || list.length === 0 || list.length > MAX_LIST_VALUES) {
        report(join(path, 'value'), `"${operator}" needs a list of 1 to ${MAX_LIST_VALUES} values`, list)
        return null
      }
      const values = list.map((value, index) => {
        const accepted = acceptValue(name, value)
        if (!accepted) report(`${join(path, 'value')}[${index}]`, `"${name}" expects ${spec.expects}`, value)
        return accepted?.value
      })
      if (values.some((value) => value === undefined)) return null
      return isValid ? { field: name, op: operator, value: values as number[] | string[] } : null
    }
    if (Array.isArray(node.value)) {
      report(join(path, 'value'), `"${operator}" compares to one value; use "in" or "notIn" for a list`, node.value)
      return null
    }
    const accepted = acceptValue(name, node.value)
    if (!accepted) {
      report(join(path, 'value'), `"${name}" expects ${spec.expects}`, node.value)
      return null
    }
    return isValid ? { field: name, op: operator, value: accepted.value } : null
  }

  const rule = visit(input, '', 1)
  if (nodes > MAX_RULE_NODES) report('', `a rule has at most ${MAX_RULE_NODES} nodes`)
  if (issues.length || !rule) throw new RuleError(issues)
  return rule
}

// ---------------------------------------------------------------------------------------------------------------
// One plan per condition, read by both the SQL compiler and the in-memory evaluator, so that they cannot drift.

/** The household value a condition reads: a household column, or the code of its agency. */
type Source = keyof HouseholdTable | 'agencyCode'
type Scalar = string | number
type Test =
  | { kind: 'constant'; holds: boolean }
  | { kind: 'compare'; op: '=' | '<>' | '<' | '<=' | '>' | '>='; value: Scalar }
  | { kind: 'in'; values: Scalar[]; negated: boolean }
  | { kind: 'and' | 'or'; tests: Test[] }
interface Plan {
  source: Source
  /** `known`/`unknown` test the value for null; a Test applies to a known value only. */
  test: Test | 'known' | 'unknown'
}

const SOURCES: Record<TargetingFieldName, Source> = {
  age: 'birthDate',
  oldestAge: 'oldestBirthDate',
  livesAlone: 'livesAlone',
  occupants: 'occupants',
  supportProgramme: 'supportProgramme',
  housingBenefit: 'housingBenefit',
  arrears: 'arrearsCents',
  agency: 'agencyCode',
  postcode: 'postcode',
  inseeCode: 'inseeCode',
  city: 'city',
  floor: 'floor',
  hasLift: 'hasLift',
  worksProgramme: 'worksProgramme',
  leaseStart: 'leaseStart',
  fragilityLevel: 'fragilityLevel',
  lastContactedAt: 'lastContactedAt',
}

function assertDay(today: string) {
  if (!isCalendarDay(today)) throw new TypeError(`today must be a date YYYY-MM-DD, got ${JSON.stringify(today)}`)
}

/**
 * The day `years` whole years before `today` (YYYY-MM-DD): whoever was born on or before it is at least `years` old.
 * From 29 February into a non-leap year it gives 28 February, so someone born on 29 February turns a year older on
 * 1 March in non-leap years — the same count as `ageOn`.
 */
export function yearsBefore(today: string, years: number): string {
  const [y, m, d] = today.split('-').map(Number)
  const year = y - years
  const isLeap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  const day = m === 2 && d === 29 && !isLeap ? 28 : d
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10)
}

/** The instant a Europe/Paris day begins, as stored timestamps are written (ISO UTC with milliseconds). */
export function parisDayStart(day: string): string {
  return DateTime.fromISO(day, { zone: 'Europe/Paris' }).startOf('day').toJSDate().toISOString()
}

const RANGE_OPS = { '=': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' } as const

/** A condition over whole years of age as birth-date bounds: age ≥ N ⇔ born on or before `yearsBefore(today, N)`. */
function ageTest(op: Operator, age: number, today: string): Test {
  const bornBy = (years: number) => yearsBefore(today, years)
  switch (op) {
    case '>=':
      return { kind: 'compare', op: '<=', value: bornBy(age) }
    case '>':
      return { kind: 'compare', op: '<=', value: bornBy(age + 1) }
    case '<=':
      return { kind: 'compare', op: '>', value: bornBy(age + 1) }
    case '<':
      return { kind: 'compare', op: '>', value: bornBy(age) }
    case '=':
      return {
        kind: 'and',
        tests: [
          { kind: 'compare', op: '<=', value: bornBy(age) },
          { kind: 'compare', op: '>', value: bornBy(age + 1) },
        ],
      }
    case '!=':
      return {
        kind: 'or',
        tests: [
          { kind: 'compare', op: '>', value: bornBy(age) },
          { kind: 'compare', op: '<=', value: bornBy(age + 1) },
        ],
      }
    default:
      throw new TypeError(`no age test for ${op}`)
  }
}

/** A condition on a Paris day against stored UTC timestamps: the day is [its first instant, the next day's). */
function dayTest(op: Operator, day: string): Test {
  const start = parisDayStart(day)
  const end = parisDayStart(nextDay(day))
  switch (op) {
    case '<':
      return { kind: 'compare', op: '<', value: start }
    case '<=':
      return { kind: 'compare', op: '<', value: end }
    case '>':
      return { kind: 'compare', op: '>=', value: end }
    case '>=':
      return { kind: 'compare', op: '>=', value: start }
    case '=':
      return {
        kind: 'and',
        tests: [
          { kind: 'compare', op: '>=', value: start },
          { kind: 'compare', op: '<', value: end },
        ],
      }
    case '!=':
      return {
        kind: 'or',
        tests: [
          { kind: 'compare', op: '<', value: start },
          { kind: 'compare', op: '>=', value: end },
        ],
      }
    default:
      throw new TypeError(`no day test for ${op}`)
  }
}

function planCondition(condition: Condition, today: string): Plan {
  const source = SOURCES[condition.field]
  const { op, field } = condition
  if (op === 'isSet') return { source, test: 'known' }
  if (op === 'isNotSet') return { source, test: 'unknown' }
  const values = Array.isArray(condition.value) ? condition.value : [condition.value as Scalar | boolean]
  if (field === 'age' || field === 'oldestAge') {
    const ages = values as number[]
    if (op === 'in') return { source, test: { kind: 'or', tests: ages.map((age) => ageTest('=', age, today)) } }
    if (op === 'notIn') return { source, test: { kind: 'and', tests: ages.map((age) => ageTest('!=', age, today)) } }
    return { source, test: ageTest(op, ages[0], today) }
  }
  if (field === 'lastContactedAt' && isCalendarDay(values[0] as string))
    return { source, test: dayTest(op, values[0] as string) }
  if (field === 'fragilityLevel' && (op === '<' || op === '<=' || op === '>' || op === '>=')) {
    // The order lives here, not in the database: the ordered comparison becomes a list of the levels it admits.
    const rank = FRAGILITY_LEVELS.indexOf(values[0] as (typeof FRAGILITY_LEVELS)[number])
    const admitted = FRAGILITY_LEVELS.filter((_, index) =>
      op === '<' ? index < rank : op === '<=' ? index <= rank : op === '>' ? index > rank : index >= rank,
    )
    return {
      source,
      test: admitted.length ? { kind: 'in', values: admitted, negated: false } : { kind: 'constant', holds: false },
    }
  }
  const toStored = (value: Scalar | boolean): Scalar => {
    if (typeof value === 'boolean') return value ? 1 : 0
    if (field === 'arrears') return Math.round((value as number) * 100)
    return value
  }
  const stored = values.map(toStored)
  if (field === 'agency') {
    // The agency's code lives in `agency`: the SQL asks for the households' agency ids among those codes.
    const negated = op === '!=' || op === 'notIn'
    return { source, test: { kind: 'in', values: stored, negated } }
  }
  if (op === 'in' || op === 'notIn') return { source, test: { kind: 'in', values: stored, negated: op === 'notIn' } }
  return { source, test: { kind: 'compare', op: RANGE_OPS[op], value: stored[0] } }
}

// ---------------------------------------------------------------------------------------------------------------
// SQL

type HouseholdExpressionBuilder = ExpressionBuilder<Database, 'household'>
/** What `compileRule` returns: `db.selectFrom('household').where((eb) => filter(eb))`. */
export type TargetingFilter = (eb: HouseholdExpressionBuilder) => Expression<SqlBool>

// Literal truths rather than bound booleans: better-sqlite3 cannot bind JavaScript booleans.
const ALWAYS = sql<SqlBool>`(1 = 1)`
const NEVER = sql<SqlBool>`(1 = 0)`

function testToSql(eb: HouseholdExpressionBuilder, source: Source, test: Test): Expression<SqlBool> {
  switch (test.kind) {
    case 'constant':
      return test.holds ? ALWAYS : NEVER
    case 'and':
      return eb.and(test.tests.map((part) => testToSql(eb, source, part)))
    case 'or':
      return eb.or(test.tests.map((part) => testToSql(eb, source, part)))
    case 'in':
      if (source === 'agencyCode') {
        const agencies = eb
          .selectFrom('agency')
          .select('agency.id')
          .where('agency.code', 'in', test.values as string[])
        if (!test.negated) return eb('household.agencyId', 'in', agencies)
        // NULL NOT IN (an empty subquery) is true, not NULL: without an agency, a household is never "not in" a list.
        return eb.and([eb('household.agencyId', 'is not', null), eb('household.agencyId', 'not in', agencies)])
      }
      return eb(`household.${source}`, test.negated ? 'not in' : 'in', test.values as never[])
    case 'compare':
      return eb(`household.${source as keyof HouseholdTable}`, test.op, test.value as never)
  }
}

function nullTest(eb: HouseholdExpressionBuilder, source: Source, isNull: boolean): Expression<SqlBool> {
  const column = source === 'agencyCode' ? 'household.agencyId' : (`household.${source}` as const)
  return eb(column, isNull ? 'is' : 'is not', null)
}

/**
 * Compiles a validated rule into a filter on `household` for the Europe/Paris day `today`: plain comparisons of columns
 * with bound values (ages become birth-date bounds, the agency a subquery on its code), so indexes can serve them on
 * SQLite and PostgreSQL alike. The caller adds the organisation, `status = 'active'` and no objection — or uses
 * `compileTargetFilter`.
 */
export function compileRule(rule: Rule, today: string): TargetingFilter {
  assertDay(today)
  const compile = (eb: HouseholdExpressionBuilder, node: Rule, negated: boolean): Expression<SqlBool> => {
    if ('all' in node) return node.all.length ? eb.and(node.all.map((child) => compile(eb, child, negated))) : ALWAYS
    if ('any' in node) return node.any.length ? eb.or(node.any.map((child) => compile(eb, child, negated))) : NEVER
    if ('not' in node) return eb.not(compile(eb, node.not, !negated))
    const plan = planCondition(node, today)
    if (plan.test === 'known' || plan.test === 'unknown') return nullTest(eb, plan.source, plan.test === 'unknown')
    const expression = testToSql(eb, plan.source, plan.test)
    // Under an odd number of `not`, NULL must read as false before it is negated; elsewhere NULL already excludes.
    return negated ? eb.and([nullTest(eb, plan.source, false), expression]) : expression
  }
  return (eb) => compile(eb, rule, false)
}

/**
 * The rule plus what every campaign target must be: in the organisation, still a tenant (`status = 'active'`) and
 * without an objection to calls.
 */
export function compileTargetFilter(rule: Rule, today: string, organizationId: string): TargetingFilter {
  const filter = compileRule(rule, today)
  return (eb) =>
    eb.and([
      eb('household.organizationId', '=', organizationId),
      eb('household.status', '=', 'active'),
      eb('household.objectionAt', 'is', null),
      filter(eb),
    ])
}

// ---------------------------------------------------------------------------------------------------------------
// Memory

/** A household row as read with its agency's code (a left join on `agency`). */
export type TargetableHousehold = Selectable<HouseholdTable> & { agencyCode: string | null }

function sourceValue(household: TargetableHousehold, source: Source): Scalar | null {
  const value = (household as unknown as Record<string, unknown>)[source]
  return value === undefined || value === null ? null : (value as Scalar)
}

function testHolds(actual: Scalar, test: Test): boolean {
  switch (test.kind) {
    case 'constant':
      return test.holds
    case 'and':
      return test.tests.every((part) => testHolds(actual, part))
    case 'or':
      return test.tests.some((part) => testHolds(actual, part))
    case 'in':
      return test.values.includes(actual) !== test.negated
    case 'compare':
      switch (test.op) {
        case '=':
          return actual === test.value
        case '<>':
          return actual !== test.value
        case '<':
          return actual < test.value
        case '<=':
          return actual <= test.value
        case '>':
          return actual > test.value
        case '>=':
          return actual >= test.value
      }
  }
}

function conditionHolds(condition: Condition, household: TargetableHousehold, today: string): boolean {
  const plan = planCondition(condition, today)
  const actual = sourceValue(household, plan.source)
  if (plan.test === 'known') return actual !== null
  if (plan.test === 'unknown') return actual === null
  return actual !== null && testHolds(actual, plan.test)
}

function evaluate(rule: Rule, household: TargetableHousehold, today: string): boolean {
  if ('all' in rule) return rule.all.every((child) => evaluate(child, household, today))
  if ('any' in rule) return rule.any.some((child) => evaluate(child, household, today))
  if ('not' in rule) return !evaluate(rule.not, household, today)
  return conditionHolds(rule, household, today)
}

/** Whether a household matches a validated rule on the Paris day `today`, with exactly the SQL filter's semantics. */
export function evaluateRule(rule: Rule, household: TargetableHousehold, today: string): boolean {
  assertDay(today)
  return evaluate(rule, household, today)
}

/** A field's value for a household in the rule's own units: whole years, euros, booleans, agency code. */
export function fieldValue(
  household: TargetableHousehold,
  field: TargetingFieldName,
  today: string,
): number | boolean | string | null {
  switch (field) {
    case 'age':
      return ageOn(household.birthDate, today)
    case 'oldestAge':
      return ageOn(household.oldestBirthDate, today)
    case 'arrears':
      return household.arrearsCents === null ? null : Number(household.arrearsCents) / 100
    case 'livesAlone':
    case 'supportProgramme':
    case 'housingBenefit':
    case 'hasLift': {
      const flag = household[field]
      return flag === null || flag === undefined ? null : Number(flag) === 1
    }
    default:
      return sourceValue(household, SOURCES[field])
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Explanation

export interface Explanation {
  holds: boolean
  /** Short text for the UI, e.g. { fr: 'Âge 82 ≥ 75 ✓', en: 'Age 82 ≥ 75 ✓' }. */
  text: Localized
  /** On conditions: what was asked and the household's actual value (in the rule's units). */
  field?: TargetingFieldName
  op?: Operator
  value?: ConditionValue
  actual?: number | boolean | string | null
  /** On all/any/not: the explanation of each part. */
  children?: Explanation[]
}

const SYMBOLS: Record<Exclude<Operator, 'isSet' | 'isNotSet'>, string> = {
  '=': '=',
  '!=': '≠',
  '<': '<',
  '<=': '≤',
  '>': '>',
  '>=': '≥',
  in: '∈',
  notIn: '∉',
}

const FRAGILITY_LABELS: Record<string, Localized> = {
  none: { fr: 'aucune', en: 'none' },
  watch: { fr: 'à surveiller', en: 'watch' },
  fragile: { fr: 'fragile', en: 'fragile' },
  high_vulnerability: { fr: 'grande vulnérabilité', en: 'high vulnerability' },
}

const euros = {
  fr: new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', minimumFractionDigits: 0 }),
  en: new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR', minimumFractionDigits: 0 }),
}

function formatValue(field: TargetingFieldName, value: unknown, locale: 'fr' | 'en'): string {
  if (value === null || value === undefined) return locale === 'fr' ? 'inconnu' : 'unknown'
  if (typeof value === 'boolean') return locale === 'fr' ? (value ? 'oui' : 'non') : value ? 'yes' : 'no'
  if (field === 'arrears') return euros[locale].format(value as number).replace(/\u202f/g, '\u00a0')
  if (field === 'fragilityLevel') return FRAGILITY_LABELS[value as string]?.[locale] ?? String(value)
  if (typeof value === 'string' && isCalendarDay(value) && locale === 'fr') return value.split('-').reverse().join('/')
  return String(value)
}

function explainCondition(condition: Condition, household: TargetableHousehold, today: string): Explanation {
  const holds = conditionHolds(condition, household, today)
  const label = FIELD_SPECS[condition.field].label
  let actual = fieldValue(household, condition.field, today)
  // Against a Paris day, show the Paris day of the last contact: it is what the condition compared.
  if (condition.field === 'lastContactedAt' && typeof actual === 'string' && isCalendarDay(String(condition.value))) {
    actual = DateTime.fromISO(actual, { zone: 'utc' }).setZone('Europe/Paris').toISODate() ?? actual
  }
  const mark = holds ? '✓' : '✗'
  const text = (locale: 'fr' | 'en') => {
    const shown = formatValue(condition.field, actual, locale)
    if (condition.op === 'isSet') {
      const word = locale === 'fr' ? 'renseigné' : 'set'
      return actual === null ? `${label[locale]} ${word} ${mark}` : `${label[locale]} ${word} (${shown}) ${mark}`
    }
    if (condition.op === 'isNotSet') {
      const word = locale === 'fr' ? 'non renseigné' : 'not set'
      return actual === null ? `${label[locale]} ${word} ${mark}` : `${label[locale]} ${word} (${shown}) ${mark}`
    }
    const expected = Array.isArray(condition.value)
      ? `{${condition.value.map((value) => formatValue(condition.field, value, locale)).join(', ')}}`
      : formatValue(condition.field, condition.value, locale)
    return `${label[locale]} ${shown} ${SYMBOLS[condition.op]} ${expected} ${mark}`
  }
  return {
    holds,
    text: { fr: text('fr'), en: text('en') },
    field: condition.field,
    op: condition.op,
    ...(condition.value === undefined ? {} : { value: condition.value }),
    actual,
  }
}

function explain(rule: Rule, household: TargetableHousehold, today: string): Explanation {
  if ('field' in rule) return explainCondition(rule, household, today)
  const holds = evaluate(rule, household, today)
  const mark = holds ? '✓' : '✗'
  if ('not' in rule) {
    return {
      holds,
      text: { fr: `Sauf si : ${mark}`, en: `Unless: ${mark}` },
      children: [explain(rule.not, household, today)],
    }
  }
  const isAll = 'all' in rule
  const parts = isAll ? (rule as { all: Rule[] }).all : (rule as { any: Rule[] }).any
  return {
    holds,
    text: isAll
      ? { fr: `Toutes les conditions ${mark}`, en: `All of these ${mark}` }
      : { fr: `Au moins une condition ${mark}`, en: `Any of these ${mark}` },
    children: parts.map((child) => explain(child, household, today)),
  }
}

/**
 * Why a household matches a rule or not, for the manager's "why" panel: the rule's tree with each condition's result
 * and the household's actual value, as short French and English texts ("Âge 82 ≥ 75 ✓", "Vit seul·e non = oui ✗").
 */
export function explainRule(rule: Rule, household: TargetableHousehold, today: string): Explanation {
  assertDay(today)
  return explain(rule, household, today)
}
