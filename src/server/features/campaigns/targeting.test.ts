import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { HouseholdTable } from '../../db/schema.js'
import { computePriority, validatePriorityWeights } from './priority.js'
import {
  evaluateRule,
  explainRule,
  type Rule,
  RuleError,
  type TargetableHousehold,
  validateRule,
  yearsBefore,
} from './targeting.js'

function household(fields: Partial<HouseholdTable> & { agencyCode?: string | null } = {}): TargetableHousehold {
  return {
    id: 'h1',
    organizationId: 'o1',
    agencyId: null,
    agencyCode: null,
    externalRef: 'R1',
    lastName: 'Martin',
    firstName: 'Jeanne',
    birthDate: null,
    oldestBirthDate: null,
    email: null,
    addressLine1: null,
    addressLine2: null,
    postcode: null,
    city: null,
    inseeCode: null,
    floor: null,
    hasLift: null,
    occupants: null,
    livesAlone: null,
    leaseStart: null,
    arrearsCents: null,
    housingBenefit: null,
    supportProgramme: null,
    worksProgramme: null,
    status: 'active',
    leftAt: null,
    objectionAt: null,
    objectionChannel: null,
    objectionRecordedBy: null,
    objectionNote: null,
    fragilityLevel: null,
    lastContactedAt: null,
    lastImportId: null,
    importSignature: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...fields,
  }
}

function issuesOf(input: unknown) {
  try {
    validateRule(input)
    return []
  } catch (error) {
    assert.ok(error instanceof RuleError)
    return error.details.map((detail) => `${detail.path}: ${detail.message}`)
  }
}

describe('validateRule', () => {
  it('accepts the contract’s node shapes and every documented field', () => {
    assert.deepEqual(issuesOf({ all: [] }), [])
    assert.deepEqual(
      issuesOf({
        any: [
          {
            all: [
              { field: 'age', op: '>=', value: 75 },
              { field: 'livesAlone', op: '=', value: true },
            ],
          },
          { not: { field: 'supportProgramme', op: '=', value: false } },
          { field: 'agency', op: 'in', value: ['NANCY', 'METZ'] },
          { field: 'fragilityLevel', op: '>=', value: 'fragile' },
          { field: 'lastContactedAt', op: 'isNotSet' },
          { field: 'leaseStart', op: '<', value: '2000-01-01' },
          { field: 'postcode', op: '>=', value: '54000' },
        ],
      }),
      [],
    )
  })

  it('names the path, the unknown field or operator and the bad value', () => {
    assert.deepEqual(
      issuesOf({
        all: [
          { field: 'age', op: '>=', value: 75 },
          { field: 'agee', op: '=', value: 3 },
        ],
      }),
      [
        'all[1].field: unknown field "agee"; known fields: age, oldestAge, livesAlone, occupants, supportProgramme, housingBenefit, arrears, agency, postcode, inseeCode, city, floor, hasLift, worksProgramme, leaseStart, fragilityLevel, lastContactedAt',
      ],
    )
    assert.deepEqual(issuesOf({ field: 'age', op: 'between', value: 3 }), [
      'op: unknown operator "between"; known: =, !=, <, <=, >, >=, in, notIn, isSet, isNotSet',
    ])
    assert.deepEqual(issuesOf({ field: 'age', op: '>=', value: '75' }), ['value: "age" expects a number'])
    assert.deepEqual(issuesOf({ field: 'livesAlone', op: '>', value: true }), [
      'op: "livesAlone" is yes/no: use =, !=, isSet or isNotSet',
    ])
    assert.deepEqual(issuesOf({ field: 'city', op: '<', value: 'Metz' }), [
      'op: "city" is text: use =, !=, in, notIn, isSet or isNotSet',
    ])
    assert.deepEqual(issuesOf({ field: 'agency', op: 'in', value: [] }), [
      'value: "in" needs a list of 1 to 500 values',
    ])
    assert.deepEqual(issuesOf({ field: 'agency', op: 'isSet', value: 'x' }), ['value: "isSet" takes no value'])
    assert.deepEqual(issuesOf({ field: 'fragilityLevel', op: '=', value: 'very' }), [
      'value: "fragilityLevel" expects one of none, watch, fragile, high_vulnerability',
    ])
    assert.deepEqual(issuesOf({ field: 'leaseStart', op: '<', value: '31/02/2000' }), [
      'value: "leaseStart" expects a date YYYY-MM-DD',
    ])
    assert.deepEqual(issuesOf({ all: [], any: [] }), [': "all" stands alone in its node; found all, any'])
    assert.deepEqual(issuesOf('everyone'), [': expected {"all":[…]}, {"any":[…]}, {"not":…} or {"field","op","value"}'])
  })

  it('limits depth and size', () => {
    let deep: unknown = { field: 'age', op: '>=', value: 1 }
    for (let level = 0; level < 12; level++) deep = { not: deep }
    assert.match(issuesOf(deep)[0], /at most 10 levels/)
    const wide = { any: Array.from({ length: 250 }, () => ({ field: 'age', op: '>=', value: 1 })) }
    assert.match(issuesOf(wide).at(-1)!, /at most 200 nodes/)
  })
})

describe('ages', () => {
  const today = '2026-11-26'
  const rule = (op: string, value: number): Rule => ({ field: 'age', op: op as '>=', value })
  it('counts a birthday reached today, not tomorrow', () => {
    assert.equal(evaluateRule(rule('>=', 75), household({ birthDate: '1951-11-26' }), today), true)
    assert.equal(evaluateRule(rule('>=', 75), household({ birthDate: '1951-11-27' }), today), false)
    assert.equal(evaluateRule(rule('=', 74), household({ birthDate: '1951-11-27' }), today), true)
  })
  it('makes a person born on 29 February a year older on 1 March in other years', () => {
    assert.equal(yearsBefore('2027-02-28', 3), '2024-02-28')
    assert.equal(evaluateRule(rule('>=', 3), household({ birthDate: '2024-02-29' }), '2027-02-28'), false)
    assert.equal(evaluateRule(rule('>=', 3), household({ birthDate: '2024-02-29' }), '2027-03-01'), true)
    assert.equal(evaluateRule(rule('>=', 4), household({ birthDate: '2024-02-29' }), '2028-02-29'), true)
  })
  it('never matches an unknown age, but `not` of it does', () => {
    assert.equal(evaluateRule(rule('>=', 0), household(), today), false)
    assert.equal(evaluateRule({ not: rule('>=', 75) }, household(), today), true)
  })
})

describe('explainRule', () => {
  it('says which condition held, with the household’s value', () => {
    const explanation = explainRule(
      {
        all: [
          { field: 'age', op: '>=', value: 75 },
          { field: 'livesAlone', op: '=', value: true },
        ],
      },
      household({ birthDate: '1940-01-01', livesAlone: 0 }),
      '2026-11-26',
    )
    assert.equal(explanation.holds, false)
    assert.deepEqual(
      explanation.children?.map((child) => child.text.fr),
      ['Âge du titulaire du bail : 86 >= 75 ✓', 'Vit seul·e : false = true ✗'],
    )
  })
})

describe('computePriority', () => {
  const today = '2026-11-26'
  it('adds the documented default weights and caps at 100', () => {
    const frail = household({
      birthDate: '1935-01-01',
      livesAlone: 1,
      supportProgramme: 1,
      fragilityLevel: 'high_vulnerability',
      arrearsCents: 80_000,
    })
    const result = computePriority(frail, today)
    assert.equal(result.score, 100)
    assert.deepEqual(
      result.reasons.map((reason) => reason.key),
      ['age85', 'livesAlone', 'supportProgramme', 'highVulnerability', 'arrears', 'arrearsOver500', 'noRecentContact'],
    )
    const young = computePriority(
      household({ birthDate: '1990-01-01', lastContactedAt: '2026-11-01T10:00:00.000Z' }),
      today,
    )
    assert.deepEqual(young, { score: 0, reasons: [] })
  })
  it('uses the oldest occupant’s age and a manager’s overrides', () => {
    const couple = household({
      birthDate: '1960-01-01',
      oldestBirthDate: '1938-05-01',
      lastContactedAt: '2026-11-20T00:00:00.000Z',
    })
    assert.equal(computePriority(couple, today).score, 30)
    assert.equal(computePriority(couple, today, { age85: 50 }).score, 50)
    assert.deepEqual(validatePriorityWeights({ age85: 50, livesAlone: 0 }), [])
    assert.deepEqual(
      validatePriorityWeights({ ageOver90: 10, livesAlone: 150 }).map((p) => p.field),
      ['priorityWeights.ageOver90', 'priorityWeights.livesAlone'],
    )
  })
})
