import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CAMPAIGN_TEMPLATES } from '../../../server/features/campaigns/campaigns.templates.js'
import { validateRule } from '../../../server/features/campaigns/targeting.validation.js'
import type { Rule } from '../../../shared/targeting-fields.js'
import {
  frenchToIsoDate,
  isoToFrenchDate,
  newCondition,
  newGroup,
  replaceNode,
  toRule,
  toTree,
  withOperator,
} from './targeting-tree.js'

describe('the targeting tree', () => {
  it('opens every template’s rule and gives it back unchanged', () => {
    for (const template of CAMPAIGN_TEMPLATES) {
      const tree = toTree(template.targeting as Rule)
      assert.equal(tree.kind, 'group', template.type)
      assert.deepEqual(toRule(tree), template.targeting, template.type)
    }
  })

  it('reads the heat-wave rule as a nested group', () => {
    const heat = CAMPAIGN_TEMPLATES.find((template) => template.type === 'heat_wave')!
    const tree = toTree(heat.targeting as Rule)
    assert.equal(tree.combinator, 'any')
    assert.equal(tree.children.length, 2)
    const inner = tree.children[1]!
    assert.equal(inner.kind, 'group')
    assert.equal(inner.kind === 'group' && inner.combinator, 'all')
  })

  it('keeps negations, lists, presence tests and nesting of every shape the API accepts', () => {
    const rules: Rule[] = [
      { all: [] },
      { any: [] },
      { field: 'arrears', op: '>', value: 0 },
      { not: { field: 'livesAlone', op: '=', value: true } },
      { not: { all: [{ field: 'age', op: '>=', value: 75 }] } },
      { field: 'worksProgramme', op: 'isSet' },
      {
        all: [
          { field: 'agency', op: 'in', value: ['NORD', 'SUD'] },
          { field: 'floor', op: 'notIn', value: [0, 1] },
        ],
      },
      {
        any: [
          { all: [{ not: { any: [{ field: 'city', op: '=', value: 'Nancy' }] } }] },
          { field: 'fragilityLevel', op: '>=', value: 'fragile' },
          { field: 'leaseStart', op: '<', value: '2000-01-01' },
        ],
      },
    ]
    for (const rule of rules) {
      validateRule(rule) // a rule the API accepts
      assert.deepEqual(toRule(toTree(rule)), rule, JSON.stringify(rule))
    }
  })

  it('keeps a double negation’s meaning: the inner one in a group of its own', () => {
    const hasLift: Rule = { field: 'hasLift', op: '=', value: false }
    const back = toRule(toTree({ not: { not: hasLift } }))
    assert.deepEqual(back, { not: { all: [{ not: hasLift }] } })
    validateRule(back)
  })

  it('edits: adds, replaces and removes nodes by id; a new operator keeps a value of the same shape only', () => {
    const tree = toTree({ any: [{ field: 'age', op: '>=', value: 75 }] })
    const group = { ...newGroup('all'), children: [newCondition('hasLift')] }
    const added = { ...tree, children: [...tree.children, group] }
    assert.deepEqual(toRule(added), {
      any: [{ field: 'age', op: '>=', value: 75 }, { all: [{ field: 'hasLift', op: '=', value: true }] }],
    })
    const age = added.children[0]!
    assert.equal(age.kind, 'condition')
    if (age.kind !== 'condition') return
    assert.equal(withOperator(age, '<').value, 75)
    assert.deepEqual(withOperator(age, 'in').value, [])
    assert.equal(withOperator(age, 'isSet').value, undefined)
    const negated = replaceNode(added, age.id, { ...age, negated: true })
    assert.deepEqual((toRule(negated) as { any: Rule[] }).any[0], { not: { field: 'age', op: '>=', value: 75 } })
    assert.deepEqual(toRule(replaceNode(added, group.id, null)), { any: [{ field: 'age', op: '>=', value: 75 }] })
  })

  it('reads and writes French dates', () => {
    assert.equal(isoToFrenchDate('2026-07-14'), '14/07/2026')
    assert.equal(frenchToIsoDate('14/07/2026'), '2026-07-14')
    assert.equal(frenchToIsoDate('1/2/2026'), '2026-02-01')
    assert.equal(frenchToIsoDate('31/02/2026'), null)
    assert.equal(frenchToIsoDate('14/07'), null)
  })
})
