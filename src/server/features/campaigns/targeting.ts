import { type Expression, type ExpressionBuilder, type Selectable, type SqlBool, sql } from 'kysely'
import { FRAGILITY_LEVELS } from '../../../shared/campaigns.js'
import { ageOn } from '../../../shared/dates.js'
import type { Database, HouseholdTable } from '../../db/schema.js'

/**
 * Targeting rules: JSON trees of all/any/not over leaf conditions on household data. One module validates them,
 * compiles them to a SQL filter (values always bound), evaluates them in memory and explains them, and the tests hold
 * the SQL and the in-memory evaluation to the same answers.
 *
 * Unknown values: a comparison on a null value is false. `not` negates the whole condition, so `not (age >= 75)`
 * keeps households whose age is known and under 75, or unknown — the SQL compiles each leaf as
 * `column IS NOT NULL AND column op ?` to keep NOT well defined.
 */

export const OPERATORS = ['=', '!=', '<', '<=', '>', '>=', 'in', 'notIn', 'isSet', 'isNotSet'] as const
export type Operator = (typeof OPERATORS)[number]

export type FieldType = 'number' | 'boolean' | 'text' | 'date' | 'enum'

export interface TargetingField {
  field: string
  type: FieldType
  label: { fr: string; en: string }
  values?: readonly string[]
}

/** The fields a rule may use; the README documents the same list. */
export const TARGETING_FIELDS: readonly TargetingField[] = [
  { field: 'age', type: 'number', label: { fr: 'Âge du titulaire du bail', en: 'Age of the leaseholder' } },
  {
    field: 'oldestAge',
    type: 'number',
    label: { fr: 'Âge de l’occupant le plus âgé', en: 'Age of the oldest occupant' },
  },
  { field: 'livesAlone', type: 'boolean', label: { fr: 'Vit seul·e', en: 'Lives alone' } },
  { field: 'occupants', type: 'number', label: { fr: 'Nombre d’occupants', en: 'Number of occupants' } },
  { field: 'supportProgramme', type: 'boolean', label: { fr: 'Dispositif d’accompagnement', en: 'Support programme' } },
  { field: 'housingBenefit', type: 'boolean', label: { fr: 'Aide au logement (APL)', en: 'Housing benefit' } },
  { field: 'arrears', type: 'number', label: { fr: 'Impayé (€)', en: 'Arrears (€)' } },
  { field: 'agency', type: 'text', label: { fr: 'Agence (code)', en: 'Agency (code)' } },
  { field: 'postcode', type: 'text', label: { fr: 'Code postal', en: 'Postcode' } },
  { field: 'inseeCode', type: 'text', label: { fr: 'Code INSEE de la commune', en: 'Commune INSEE code' } },
  { field: 'city', type: 'text', label: { fr: 'Commune', en: 'Commune' } },
  { field: 'floor', type: 'number', label: { fr: 'Étage', en: 'Floor' } },
  { field: 'hasLift', type: 'boolean', label: { fr: 'Ascenseur', en: 'Lift' } },
  { field: 'worksProgramme', type: 'text', label: { fr: 'Programme de travaux', en: 'Works programme' } },
  { field: 'leaseStart', type: 'date', label: { fr: 'Date d’entrée', en: 'Lease start' } },
  {
    field: 'fragilityLevel',
    type: 'enum',
    label: { fr: 'Fragilité repérée lors d’appels', en: 'Fragility found by earlier calls' },
    values: FRAGILITY_LEVELS,
  },
  { field: 'lastContactedAt', type: 'date', label: { fr: 'Dernier contact', en: 'Last contact' } },
]

export type Leaf = { field: string; op: Operator; value?: unknown }
export type Rule = { all: Rule[] } | { any: Rule[] } | { not: Rule } | Leaf

export interface RuleIssue {
  path: string
  message: string
  value?: unknown
}

export class RuleError extends Error {
  constructor(readonly details: RuleIssue[]) {
    super(details.map((detail) => `${detail.path || 'rule'}: ${detail.message}`).join('; '))
  }
}

const MAX_DEPTH = 10
const MAX_NODES = 200
const DATE = /^\d{4}-\d{2}-\d{2}$/

function describe(value: unknown) {
  return JSON.stringify(value)?.slice(0, 60) ?? String(value)
}

/** Checks a rule's shape, fields, operators and values; throws a RuleError naming every problem by its path. */
export function validateRule(input: unknown): Rule {
  const issues: RuleIssue[] = []
  let nodes = 0
  const fail = (issue: RuleIssue): false => {
    issues.push(issue)
    return false
  }
  const visit = (node: unknown, path: string, depth: number): boolean => {
    nodes++
    if (depth > MAX_DEPTH) return fail({ path, message: `rules nest at most ${MAX_DEPTH} levels deep` })
    if (typeof node !== 'object' || node === null || Array.isArray(node)) {
      return fail({
        path,
        message: 'expected {"all":[…]}, {"any":[…]}, {"not":…} or {"field","op","value"}',
        value: node,
      })
    }
    const keys = Object.keys(node)
    if ('all' in node || 'any' in node) {
      const key = 'all' in node ? 'all' : 'any'
      const list = (node as Record<string, unknown>)[key]
      if (keys.length !== 1)
        return fail({ path, message: `"${key}" stands alone in its node; found ${keys.join(', ')}` })
      if (!Array.isArray(list)) return fail({ path: `${path}${path ? '.' : ''}${key}`, message: 'expected a list' })
      for (const [index, child] of list.entries()) visit(child, `${path}${path ? '.' : ''}${key}[${index}]`, depth + 1)
      return true
    }
    if ('not' in node) {
      if (keys.length !== 1) return fail({ path, message: `"not" stands alone in its node; found ${keys.join(', ')}` })
      return visit((node as { not: unknown }).not, `${path}${path ? '.' : ''}not`, depth + 1)
    }
    const leaf = node as Record<string, unknown>
    const prefix = path ? `${path}.` : ''
    const extra = keys.filter((key) => !['field', 'op', 'value'].includes(key))
    if (extra.length) issues.push({ path: `${prefix}${extra[0]}`, message: `unknown key "${extra[0]}"` })
    const field = TARGETING_FIELDS.find((candidate) => candidate.field === leaf.field)
    if (!field) {
      return fail({
        path: `${prefix}field`,
        message: `unknown field ${describe(leaf.field)}; known fields: ${TARGETING_FIELDS.map((f) => f.field).join(', ')}`,
        value: leaf.field,
      })
    }
    const op = leaf.op as Operator
    if (!OPERATORS.includes(op)) {
      return fail({
        path: `${prefix}op`,
        message: `unknown operator ${describe(leaf.op)}; known: ${OPERATORS.join(', ')}`,
        value: leaf.op,
      })
    }
    if (op === 'isSet' || op === 'isNotSet') {
      if ('value' in leaf) return fail({ path: `${prefix}value`, message: `"${op}" takes no value` })
      return true
    }
    if (field.type === 'boolean' && op !== '=' && op !== '!=') {
      return fail({
        path: `${prefix}op`,
        message: `"${field.field}" is yes/no: use =, !=, isSet or isNotSet`,
        value: op,
      })
    }
    // Ordering text depends on the database's collation: allowed only on digit codes, where every engine agrees.
    const isOrdering = op === '<' || op === '<=' || op === '>' || op === '>='
    if (isOrdering && field.type === 'text' && field.field !== 'postcode' && field.field !== 'inseeCode') {
      return fail({
        path: `${prefix}op`,
        message: `"${field.field}" is text: use =, !=, in, notIn, isSet or isNotSet`,
        value: op,
      })
    }
    if ((op === 'in' || op === 'notIn') && field.type === 'date') {
      return fail({
        path: `${prefix}op`,
        message: `"${field.field}" is a date: compare it with =, <, <=, >, >=`,
        value: op,
      })
    }
    const checkOne = (value: unknown, valuePath: string) => {
      const ok =
        field.type === 'number'
          ? typeof value === 'number' && Number.isFinite(value)
          : field.type === 'boolean'
            ? typeof value === 'boolean'
            : field.type === 'date'
              ? typeof value === 'string' && DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))
              : field.type === 'enum'
                ? typeof value === 'string' && field.values!.includes(value)
                : typeof value === 'string' && value.length <= 200
      if (!ok) {
        const expected =
          field.type === 'enum'
            ? `one of ${field.values!.join(', ')}`
            : field.type === 'date'
              ? 'a date YYYY-MM-DD'
              : `a ${field.type}`
        issues.push({ path: valuePath, message: `"${field.field}" expects ${expected}`, value })
      }
    }
    if (op === 'in' || op === 'notIn') {
      if (!Array.isArray(leaf.value) || leaf.value.length === 0 || leaf.value.length > 500) {
        return fail({
          path: `${prefix}value`,
          message: `"${op}" needs a list of 1 to 500 values`,
          value: leaf.value,
        })
      }
      for (const [index, value] of leaf.value.entries()) checkOne(value, `${prefix}value[${index}]`)
      return true
    }
    if (!('value' in leaf)) return fail({ path: `${prefix}value`, message: `"${op}" needs a value` })
    checkOne(leaf.value, `${prefix}value`)
    return true
  }
  visit(input, '', 0)
  if (nodes > MAX_NODES) issues.push({ path: '', message: `a rule has at most ${MAX_NODES} nodes` })
  if (issues.length) throw new RuleError(issues)
  return input as Rule
}

/** The date `years` whole years before `today` (YYYY-MM-DD); 29 February falls back to 28 February. */
export function yearsBefore(today: string, years: number): string {
  const [y, m, d] = today.split('-').map(Number)
  const year = y - years
  const isLeap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  const day = m === 2 && d === 29 && !isLeap ? 28 : d
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

type Column = `household.${keyof HouseholdTable}`
const COLUMN: Record<string, Column> = {
  age: 'household.birthDate',
  oldestAge: 'household.oldestBirthDate',
  livesAlone: 'household.livesAlone',
  occupants: 'household.occupants',
  supportProgramme: 'household.supportProgramme',
  housingBenefit: 'household.housingBenefit',
  arrears: 'household.arrearsCents',
  postcode: 'household.postcode',
  inseeCode: 'household.inseeCode',
  city: 'household.city',
  floor: 'household.floor',
  hasLift: 'household.hasLift',
  worksProgramme: 'household.worksProgramme',
  leaseStart: 'household.leaseStart',
  fragilityLevel: 'household.fragilityLevel',
  lastContactedAt: 'household.lastContactedAt',
}

type Eb = ExpressionBuilder<Database, 'household'>

// Literal truths rather than bound booleans: better-sqlite3 cannot bind JavaScript booleans.
const ALWAYS = sql<SqlBool>`1 = 1`
const NEVER = sql<SqlBool>`1 = 0`

/**
 * Turns an age condition into a birth-date range: age ≥ N ⇔ born on or before today − N years; age ≤ N ⇔ born after
 * today − (N + 1) years. Returns [operator, date] pairs, all of which must hold.
 */
function ageToBirthDate(op: Operator, age: number, today: string): Array<[string, string]> {
  const whole = Math.floor(age)
  const bornBy = (years: number) => yearsBefore(today, years) // age ≥ years ⇔ birthDate ≤ bornBy(years)
  switch (op) {
    case '>=':
      return [['<=', bornBy(Math.ceil(age))]]
    case '>':
      return [['<=', bornBy(whole + 1)]]
    case '<=':
      return [['>', bornBy(whole + 1)]]
    case '<':
      return [['>', bornBy(Math.ceil(age))]]
    case '=':
      return Number.isInteger(age)
        ? [
            ['<=', bornBy(age)],
            ['>', bornBy(age + 1)],
          ]
        : [['<', '0000-00-00']]
    default:
      throw new Error(`age does not support ${op} here`)
  }
}

function compileLeaf(eb: Eb, leaf: Leaf, today: string): Expression<SqlBool> {
  const field = TARGETING_FIELDS.find((candidate) => candidate.field === leaf.field)!
  if (leaf.field === 'agency') {
    const agencyCode = eb.selectFrom('agency').select('agency.code').whereRef('agency.id', '=', 'household.agencyId')
    if (leaf.op === 'isSet') return eb('household.agencyId', 'is not', null)
    if (leaf.op === 'isNotSet') return eb('household.agencyId', 'is', null)
    const values = Array.isArray(leaf.value) ? (leaf.value as string[]) : [leaf.value as string]
    const inList = eb.exists(
      eb
        .selectFrom('agency')
        .select('agency.id')
        .whereRef('agency.id', '=', 'household.agencyId')
        .where('agency.code', 'in', values),
    )
    if (leaf.op === '=' || leaf.op === 'in') return inList
    if (leaf.op === '!=' || leaf.op === 'notIn')
      return eb.and([eb('household.agencyId', 'is not', null), eb.not(inList)])
    return eb.and([eb('household.agencyId', 'is not', null), eb(agencyCode, leaf.op as '<', leaf.value as string)])
  }
  const column = COLUMN[leaf.field]
  if (leaf.op === 'isSet') return eb(column, 'is not', null)
  if (leaf.op === 'isNotSet') return eb(column, 'is', null)
  const known = eb(column, 'is not', null)
  if (leaf.field === 'age' || leaf.field === 'oldestAge') {
    if (leaf.op === 'in' || leaf.op === 'notIn') {
      const each = (leaf.value as number[]).map((age) =>
        eb.and(ageToBirthDate('=', age, today).map(([op, date]) => eb(column, op as '<', date))),
      )
      return eb.and([known, leaf.op === 'in' ? eb.or(each) : eb.not(eb.or(each))])
    }
    if (leaf.op === '!=') {
      return eb.and([
        known,
        eb.not(
          eb.and(ageToBirthDate('=', leaf.value as number, today).map(([op, date]) => eb(column, op as '<', date))),
        ),
      ])
    }
    return eb.and([
      known,
      ...ageToBirthDate(leaf.op, leaf.value as number, today).map(([op, date]) => eb(column, op as '<', date)),
    ])
  }
  const toSql = (value: unknown): unknown => {
    if (field.type === 'boolean') return value ? 1 : 0
    if (leaf.field === 'arrears') return Math.round((value as number) * 100)
    return value
  }
  if (leaf.field === 'fragilityLevel' && ['<', '<=', '>', '>='].includes(leaf.op)) {
    const rank = FRAGILITY_LEVELS.indexOf(leaf.value as (typeof FRAGILITY_LEVELS)[number])
    const allowed = FRAGILITY_LEVELS.filter((_, index) =>
      leaf.op === '>='
        ? index >= rank
        : leaf.op === '>'
          ? index > rank
          : leaf.op === '<='
            ? index <= rank
            : index < rank,
    )
    return allowed.length ? eb.and([known, eb(column, 'in', allowed)]) : NEVER
  }
  if (leaf.field === 'lastContactedAt' && leaf.op !== 'in' && leaf.op !== 'notIn') {
    // Timestamps against a calendar day: before a day means before its first instant; after a day, from the next.
    const day = leaf.value as string
    const bound = leaf.op === '<' || leaf.op === '>=' ? `${day}T00:00:00.000Z` : `${addDays(day, 1)}T00:00:00.000Z`
    if (leaf.op === '=') return eb.and([known, eb(column, '>=', `${day}T00:00:00.000Z`), eb(column, '<', bound)])
    if (leaf.op === '!=')
      return eb.and([known, eb.or([eb(column, '<', `${day}T00:00:00.000Z`), eb(column, '>=', bound)])])
    const op = leaf.op === '<=' ? '<' : leaf.op === '>' ? '>=' : leaf.op
    return eb.and([known, eb(column, op as '<', bound)])
  }
  if (leaf.op === 'in' || leaf.op === 'notIn') {
    const values = (leaf.value as unknown[]).map(toSql)
    return eb.and([known, eb(column, leaf.op === 'in' ? 'in' : 'not in', values as string[])])
  }
  const op = leaf.op === '!=' ? '<>' : leaf.op
  return eb.and([known, eb(column, op as '=', toSql(leaf.value) as string)])
}

/** Compiles a validated rule into a filter over `household` (joined agency codes through a subquery). */
export function compileRule(rule: Rule, today: string) {
  const compile = (eb: Eb, node: Rule): Expression<SqlBool> => {
    if ('all' in node) return node.all.length ? eb.and(node.all.map((child) => compile(eb, child))) : ALWAYS
    if ('any' in node) return node.any.length ? eb.or(node.any.map((child) => compile(eb, child))) : NEVER
    if ('not' in node) return eb.not(compile(eb, node.not))
    return compileLeaf(eb, node, today)
  }
  return (eb: Eb) => compile(eb, rule)
}

export type TargetableHousehold = Selectable<HouseholdTable> & { agencyCode: string | null }

/** The value a field has for a household, in the rule's own units (euros, whole years, booleans). */
export function fieldValue(household: TargetableHousehold, field: string, today: string): unknown {
  switch (field) {
    case 'age':
      return ageOn(household.birthDate, today)
    case 'oldestAge':
      return ageOn(household.oldestBirthDate, today)
    case 'arrears':
      return household.arrearsCents === null ? null : household.arrearsCents / 100
    case 'agency':
      return household.agencyCode
    case 'livesAlone':
    case 'supportProgramme':
    case 'housingBenefit':
    case 'hasLift': {
      const raw = household[field as keyof HouseholdTable] as number | null
      return raw === null ? null : raw === 1
    }
    case 'lastContactedAt':
      return household.lastContactedAt
    default:
      return household[field as keyof HouseholdTable] ?? null
  }
}

function compare(actual: unknown, op: Operator, expected: unknown, field: string): boolean {
  if (actual === null || actual === undefined) return false
  if (field === 'fragilityLevel' && ['<', '<=', '>', '>='].includes(op)) {
    const a = FRAGILITY_LEVELS.indexOf(actual as never)
    const b = FRAGILITY_LEVELS.indexOf(expected as never)
    return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b
  }
  if (field === 'lastContactedAt') {
    const day = (actual as string).slice(0, 10)
    return compare(day, op, expected, 'date')
  }
  if (field === 'arrears') {
    const a = Math.round((actual as number) * 100)
    const toCents = (value: unknown) => Math.round((value as number) * 100)
    if (op === 'in' || op === 'notIn') {
      const hit = (expected as number[]).some((value) => toCents(value) === a)
      return op === 'in' ? hit : !hit
    }
    return compare(a, op, toCents(expected), 'number')
  }
  switch (op) {
    case '=':
      return actual === expected
    case '!=':
      return actual !== expected
    case '<':
      return (actual as number) < (expected as number)
    case '<=':
      return (actual as number) <= (expected as number)
    case '>':
      return (actual as number) > (expected as number)
    case '>=':
      return (actual as number) >= (expected as number)
    case 'in':
      return (expected as unknown[]).includes(actual)
    case 'notIn':
      return !(expected as unknown[]).includes(actual)
    default:
      return false
  }
}

/** Evaluates a rule on one household in memory, with exactly the SQL's semantics. */
export function evaluateRule(rule: Rule, household: TargetableHousehold, today: string): boolean {
  if ('all' in rule) return rule.all.every((child) => evaluateRule(child, household, today))
  if ('any' in rule) return rule.any.some((child) => evaluateRule(child, household, today))
  if ('not' in rule) return !evaluateRule(rule.not, household, today)
  const actual = fieldValue(household, rule.field, today)
  if (rule.op === 'isSet') return actual !== null && actual !== undefined
  if (rule.op === 'isNotSet') return actual === null || actual === undefined
  if (
    (rule.field === 'age' || rule.field === 'oldestAge') &&
    typeof rule.value === 'number' &&
    !Number.isInteger(rule.value)
  ) {
    // Whole years against a fractional bound: compare as the SQL does (age ≥ 74.5 ⇔ age ≥ 75).
    if (actual === null) return false
    if (rule.op === '=') return false
    if (rule.op === '!=') return true
  }
  return compare(actual, rule.op, rule.value, rule.field)
}

export interface Explanation {
  holds: boolean
  text: { fr: string; en: string }
  children?: Explanation[]
}

/** Why a household matches or not: each condition with the household's actual value, for the manager's eyes. */
export function explainRule(rule: Rule, household: TargetableHousehold, today: string): Explanation {
  const holds = evaluateRule(rule, household, today)
  if ('all' in rule || 'any' in rule) {
    const isAll = 'all' in rule
    const children = (isAll ? (rule as { all: Rule[] }).all : (rule as { any: Rule[] }).any).map((child) =>
      explainRule(child, household, today),
    )
    return {
      holds,
      text: isAll
        ? { fr: 'Toutes les conditions', en: 'All conditions' }
        : { fr: 'Au moins une condition', en: 'At least one condition' },
      children,
    }
  }
  if ('not' in rule)
    return { holds, text: { fr: 'Sauf', en: 'Except' }, children: [explainRule(rule.not, household, today)] }
  const field = TARGETING_FIELDS.find((candidate) => candidate.field === rule.field)!
  const actual = fieldValue(household, rule.field, today)
  const shown = actual === null || actual === undefined ? '—' : String(actual)
  const expected =
    rule.value === undefined ? '' : ` ${Array.isArray(rule.value) ? rule.value.join(', ') : String(rule.value)}`
  const mark = holds ? '✓' : '✗'
  return {
    holds,
    text: {
      fr: `${field.label.fr} : ${shown} ${rule.op}${expected} ${mark}`,
      en: `${field.label.en}: ${shown} ${rule.op}${expected} ${mark}`,
    },
  }
}
