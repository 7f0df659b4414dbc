/**
 * Targeting rules: JSON trees of all/any/not over conditions on household data. This is the module's front door; its
 * parts are small enough to read whole:
 * - `src/shared/targeting-fields.ts`: the catalogue of fields, types, operators and meanings, and the rule's shape;
 * - `targeting.validation.ts`: a rule from outside checked and cleaned (`validateRule`, `RuleError`);
 * - `targeting.plan.ts`: one plan per condition (which value it reads, which test), shared by the two below;
 * - `targeting.sql.ts`: a rule compiled to a SQL filter, values always bound (`compileRule`, `compileTargetFilter`);
 * - `targeting.evaluation.ts` and `targeting.explanation.ts`: a rule evaluated on one household in memory, and why.
 * Both engines and the in-memory evaluator give the same answers (a property test holds them to it).
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
export {
  type Condition,
  type ConditionValue,
  type FieldType,
  OPERATORS,
  type Operator,
  type Rule,
  TARGETING_FIELD_NAMES,
  TARGETING_FIELDS,
  type TargetingField,
  type TargetingFieldName,
} from '../../../shared/targeting-fields.js'
export { evaluateRule, fieldValue, type TargetableHousehold } from './targeting.evaluation.js'
export { type Explanation, explainRule } from './targeting.explanation.js'
export { yearsBefore } from './targeting.plan.js'
export { compileRule, compileTargetFilter, type TargetingFilter } from './targeting.sql.js'
export { MAX_RULE_DEPTH, MAX_RULE_NODES, RuleError, type RuleIssue, validateRule } from './targeting.validation.js'
