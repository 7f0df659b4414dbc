/**
 * Validation of targeting rules from outside (a request body, a stored campaign): every problem named by its path, its
 * reason and the offending value, against the catalogue of `src/shared/targeting-fields.ts`.
 */
import { isCalendarDay } from '../../../shared/clock.js'
import {
  type Condition,
  OPERATORS,
  type Operator,
  type Rule,
  TARGETING_FIELD_NAMES,
  TARGETING_FIELD_SPECS,
  type TargetingFieldName,
} from '../../../shared/targeting-fields.js'

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

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/
const POSTCODE = /^\d{5}$/
const INSEE_CODE = /^(\d{5}|2[AB]\d{3})$/

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
  const spec = TARGETING_FIELD_SPECS[field]
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
    const spec = TARGETING_FIELD_SPECS[name]
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
