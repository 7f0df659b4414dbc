/**
 * Targeting rules evaluated in memory on one household, with exactly the SQL filter's semantics (both read the plans of
 * `targeting.plan.ts`; a property test holds them to the same answers on both engines).
 */
import type { Selectable } from 'kysely'
import { ageOn } from '../../../shared/clock.js'
import type { Condition, Rule, TargetingFieldName } from '../../../shared/targeting-fields.js'
import type { HouseholdTable } from '../../db/schema.js'
import { assertDay, planCondition, type Scalar, SOURCES, type Source, type Test } from './targeting.plan.js'

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

export function conditionHolds(condition: Condition, household: TargetableHousehold, today: string): boolean {
  const plan = planCondition(condition, today)
  const actual = sourceValue(household, plan.source)
  if (plan.test === 'known') return actual !== null
  if (plan.test === 'unknown') return actual === null
  return actual !== null && testHolds(actual, plan.test)
}

export function evaluate(rule: Rule, household: TargetableHousehold, today: string): boolean {
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
