/**
 * Targeting rules compiled to SQL: a pure module that builds Kysely expressions, run by the queries of
 * `campaigns.queries.ts` and `planning.queries.ts`. Plain comparisons of columns with bound values, so that indexes
 * serve them on SQLite and PostgreSQL alike; the in-memory evaluator (`targeting.evaluation.ts`) reads the same plans
 * and gives the same answers.
 */
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely'
import type { Rule } from '../../../shared/targeting-fields.js'
import type { Database, HouseholdTable } from '../../db/schema.js'
import { assertDay, planCondition, type Source, type Test } from './targeting.plan.js'

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
 * The rule plus what every campaign target must be: in the organisation, still a tenant (`status = 'active'`),
 * without an objection to calls and not erased by retention.
 */
export function compileTargetFilter(rule: Rule, today: string, organizationId: string): TargetingFilter {
  const filter = compileRule(rule, today)
  return (eb) =>
    eb.and([
      eb('household.organizationId', '=', organizationId),
      eb('household.status', '=', 'active'),
      eb('household.objectionAt', 'is', null),
      eb('household.erasedAt', 'is', null),
      filter(eb),
    ])
}
