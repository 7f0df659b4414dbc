/**
 * One plan per condition, read by both the SQL compiler (`targeting.sql.ts`) and the in-memory evaluator
 * (`targeting.evaluation.ts`), so that they cannot drift: which household value a condition reads, and the test of
 * that value once known (ages become birth-date bounds, Paris days become instants, fragility levels a list, euros
 * cents).
 */
import { FRAGILITY_LEVELS } from '../../../shared/campaigns.js'
import { addDays, isCalendarDay, parisDayStart } from '../../../shared/clock.js'
import type { Condition, Operator, TargetingFieldName } from '../../../shared/targeting-fields.js'
import type { HouseholdTable } from '../../db/schema.js'

/** The household value a condition reads: a household column, or the code of its agency. */
export type Source = keyof HouseholdTable | 'agencyCode'
export type Scalar = string | number
export type Test =
  | { kind: 'constant'; holds: boolean }
  | { kind: 'compare'; op: '=' | '<>' | '<' | '<=' | '>' | '>='; value: Scalar }
  | { kind: 'in'; values: Scalar[]; negated: boolean }
  | { kind: 'and' | 'or'; tests: Test[] }
export interface Plan {
  source: Source
  /** `known`/`unknown` test the value for null; a Test applies to a known value only. */
  test: Test | 'known' | 'unknown'
}

export const SOURCES: Record<TargetingFieldName, Source> = {
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

export function assertDay(today: string) {
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
  const end = parisDayStart(addDays(day, 1))
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

export function planCondition(condition: Condition, today: string): Plan {
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
