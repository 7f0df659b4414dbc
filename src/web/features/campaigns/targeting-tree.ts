/**
 * The targeting builder's model: the API's rule JSON (all/any/not over conditions, see shared/targeting-fields.ts)
 * as an editable tree of groups and conditions, each with an id to key and edit it by, and back. Negation is a flag
 * on a node ("ne remplit pas"), not a node of its own. The root is always a group: a rule whose top is a lone
 * condition or a negation is wrapped, and unwrapped on the way back, so every rule comes back as it went in.
 * Pure: no React, no request.
 */
import {
  type Condition,
  type ConditionValue,
  findTargetingField,
  LIST_OPERATORS,
  type Operator,
  PRESENCE_OPERATORS,
  type Rule,
  type TargetingFieldName,
} from '../../../shared/targeting-fields.js'

export type Combinator = 'all' | 'any'

export interface GroupNode {
  kind: 'group'
  id: string
  combinator: Combinator
  negated: boolean
  children: TreeNode[]
  /** Set on a root made to hold a rule whose top was not a plain group; removed again by toRule. */
  wrapped?: boolean
}

export interface ConditionNode {
  kind: 'condition'
  id: string
  negated: boolean
  field: TargetingFieldName
  op: Operator
  value?: ConditionValue
}

export type TreeNode = GroupNode | ConditionNode

let counter = 0
const nextId = () => `n${++counter}`

function nodeOf(rule: Rule): TreeNode {
  if ('not' in rule) {
    const inner = nodeOf(rule.not)
    // A double negation keeps its meaning: the inner one goes into a group of its own.
    if (inner.negated) return { kind: 'group', id: nextId(), combinator: 'all', negated: true, children: [inner] }
    return { ...inner, negated: true }
  }
  if ('all' in rule || 'any' in rule) {
    const combinator: Combinator = 'all' in rule ? 'all' : 'any'
    const children = 'all' in rule ? rule.all : rule.any
    return { kind: 'group', id: nextId(), combinator, negated: false, children: children.map(nodeOf) }
  }
  const condition: ConditionNode = { kind: 'condition', id: nextId(), negated: false, field: rule.field, op: rule.op }
  if (rule.value !== undefined) condition.value = rule.value
  return condition
}

/** The editable tree of a rule; its root is always a group. */
export function toTree(rule: Rule): GroupNode {
  const node = nodeOf(rule)
  if (node.kind === 'group' && !node.negated) return node
  return { kind: 'group', id: nextId(), combinator: 'all', negated: false, children: [node], wrapped: true }
}

function ruleOf(node: TreeNode): Rule {
  let rule: Rule
  if (node.kind === 'group') {
    const children = node.children.map(ruleOf)
    rule = node.combinator === 'all' ? { all: children } : { any: children }
  } else {
    const condition: Condition = { field: node.field, op: node.op }
    if (!isPresenceOperator(node.op) && node.value !== undefined) condition.value = node.value
    rule = condition
  }
  return node.negated ? { not: rule } : rule
}

/** The API's rule of a tree. */
export function toRule(root: GroupNode): Rule {
  if (root.wrapped && !root.negated && root.combinator === 'all' && root.children.length === 1) {
    return ruleOf(root.children[0]!)
  }
  return ruleOf(root)
}

export const isListOperator = (op: Operator) => (LIST_OPERATORS as readonly Operator[]).includes(op)
export const isPresenceOperator = (op: Operator) => (PRESENCE_OPERATORS as readonly Operator[]).includes(op)

/** A new condition on a field, with its first operator and a value of the right shape to start from. */
export function newCondition(field: TargetingFieldName): ConditionNode {
  const spec = findTargetingField(field)!
  const op = spec.operators[0]!
  return { kind: 'condition', id: nextId(), negated: false, field, op, value: defaultValue(field, op) }
}

export function newGroup(combinator: Combinator): GroupNode {
  return { kind: 'group', id: nextId(), combinator, negated: false, children: [] }
}

/** A starting value for a field and operator: none for isSet/isNotSet, an empty list for in/notIn. */
export function defaultValue(field: TargetingFieldName, op: Operator): ConditionValue | undefined {
  if (isPresenceOperator(op)) return undefined
  if (isListOperator(op)) return []
  const spec = findTargetingField(field)!
  if (spec.type === 'boolean') return true
  if (spec.type === 'number') return spec.minimum ?? 0
  if (spec.type === 'enum') return spec.values?.[0]
  return undefined
}

/** The condition with another operator: its value kept when its shape still fits, otherwise a fresh one. */
export function withOperator(node: ConditionNode, op: Operator): ConditionNode {
  const fits = !isPresenceOperator(op) && isListOperator(op) === isListOperator(node.op) && !isPresenceOperator(node.op)
  return { ...node, op, value: fits ? node.value : defaultValue(node.field, op) }
}

/** The tree with the node of that id replaced (or removed when `replacement` is null). */
export function replaceNode(root: GroupNode, id: string, replacement: TreeNode | null): GroupNode {
  const visit = (node: TreeNode): TreeNode | null => {
    if (node.id === id) return replacement
    if (node.kind !== 'group') return node
    const children = node.children.map(visit).filter((child): child is TreeNode => child !== null)
    return { ...node, children }
  }
  return (visit(root) as GroupNode | null) ?? { ...root, children: [] }
}

/** "2026-07-14" → "14/07/2026"; anything else as it is. */
export function isoToFrenchDate(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value)
  return match ? `${match[3]}/${match[2]}/${match[1]}` : value
}

/** "14/07/2026" (or 14-7-2026, 14.07.2026) → "2026-07-14"; null when it is no whole date. */
export function frenchToIsoDate(value: string): string | null {
  const match = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(value)
  if (!match) return null
  const [, d, m, y] = match
  const iso = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`
  const date = new Date(`${iso}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso ? iso : null
}

/** Whether a parsed JSON value has the shape of a rule the builder can show (the server still judges values). */
export function canOpen(value: unknown, depth = 0): value is Rule {
  if (depth > 20 || typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const rule = value as Record<string, unknown>
  if ('all' in rule) return Array.isArray(rule.all) && rule.all.every((child) => canOpen(child, depth + 1))
  if ('any' in rule) return Array.isArray(rule.any) && rule.any.every((child) => canOpen(child, depth + 1))
  if ('not' in rule) return canOpen(rule.not, depth + 1)
  const field = typeof rule.field === 'string' ? findTargetingField(rule.field) : undefined
  return Boolean(field?.operators.includes(rule.op as Operator))
}
