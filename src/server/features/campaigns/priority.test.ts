import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  computePriority,
  DEFAULT_PRIORITY_WEIGHTS,
  type PriorityKey,
  priorityCriteria,
  validatePriorityWeights,
} from './priority.js'
import { household, TODAY } from './targeting.fixtures.js'
import { evaluateRule, validateRule } from './targeting.js'

describe('computePriority', () => {
  const keysOf = (result: { reasons: { key: PriorityKey }[] }) => result.reasons.map((reason) => reason.key)

  it('documents its default weights', () => {
    const keys = DEFAULT_PRIORITY_WEIGHTS.map((weight) => weight.key)
    assert.equal(new Set(keys).size, keys.length)
    for (const weight of DEFAULT_PRIORITY_WEIGHTS) {
      assert.ok(Number.isInteger(weight.points) && weight.points >= 0 && weight.points <= 100, weight.key)
      assert.ok(weight.label.fr && weight.label.en, weight.key)
    }
    assert.deepEqual(Object.fromEntries(DEFAULT_PRIORITY_WEIGHTS.map((weight) => [weight.key, weight.points])), {
      age85: 30,
      age75: 20,
      age70: 10,
      livesAlone: 20,
      supportProgramme: 15,
      highVulnerability: 30,
      fragile: 20,
      watch: 10,
      arrears: 10,
      arrearsOver500: 15,
      highFloorNoLift: 5,
      noRecentContact: 5,
    })
  })

  it('adds the default points with their reasons, and caps at 100', () => {
    const frail = household({
      birthDate: '1935-01-01',
      livesAlone: 1,
      supportProgramme: 1,
      fragilityLevel: 'high_vulnerability',
      arrearsCents: 80_000,
      floor: 4,
      hasLift: 0,
    })
    const result = computePriority(frail, TODAY)
    assert.equal(result.score, 100)
    assert.deepEqual(
      result.reasons.map((reason) => [reason.key, reason.points]),
      [
        ['age85', 30],
        ['livesAlone', 20],
        ['supportProgramme', 15],
        ['highVulnerability', 30],
        ['arrearsOver500', 15],
        ['highFloorNoLift', 5],
        ['noRecentContact', 5],
      ],
    )
    assert.deepEqual(result.reasons[0].label, {
      fr: '85 ans ou plus (occupant le plus âgé)',
      en: 'Aged 85 or more (oldest occupant)',
    })
    const young = household({ birthDate: '1990-01-01', lastContactedAt: '2026-11-01T10:00:00.000Z' })
    assert.deepEqual(computePriority(young, TODAY), { score: 0, reasons: [] })
    assert.equal(computePriority(household({ birthDate: '1950-06-01', livesAlone: 1 }), TODAY).score, 20 + 20 + 5)
  })

  it('takes one tier per criterion, at the exact boundaries', () => {
    const tierOf = (birthDate: string) =>
      keysOf(computePriority(household({ birthDate, lastContactedAt: '2026-11-20T00:00:00.000Z' }), TODAY))
    assert.deepEqual(tierOf('1941-11-26'), ['age85'])
    assert.deepEqual(tierOf('1941-11-27'), ['age75'])
    assert.deepEqual(tierOf('1951-11-26'), ['age75'])
    assert.deepEqual(tierOf('1951-11-27'), ['age70'])
    assert.deepEqual(tierOf('1956-11-26'), ['age70'])
    assert.deepEqual(tierOf('1956-11-27'), [])
    const arrears = (arrearsCents: number | null) =>
      keysOf(computePriority(household({ arrearsCents, lastContactedAt: '2026-11-20T00:00:00.000Z' }), TODAY))
    assert.deepEqual(arrears(null), [])
    assert.deepEqual(arrears(0), [])
    assert.deepEqual(arrears(1), ['arrears'])
    assert.deepEqual(arrears(50_000), ['arrears'])
    assert.deepEqual(arrears(50_001), ['arrearsOver500'])
    const level = (fragilityLevel: string) =>
      keysOf(computePriority(household({ fragilityLevel, lastContactedAt: '2026-11-20T00:00:00.000Z' }), TODAY))
    assert.deepEqual(level('high_vulnerability'), ['highVulnerability'])
    assert.deepEqual(level('fragile'), ['fragile'])
    assert.deepEqual(level('watch'), ['watch'])
    assert.deepEqual(level('none'), [])
  })

  it('uses the oldest occupant’s age, a known lack of lift, and the same 90-day bound as the rules', () => {
    const couple = household({
      birthDate: '1960-01-01',
      oldestBirthDate: '1938-05-01',
      lastContactedAt: '2026-11-20T00:00:00.000Z',
    })
    assert.deepEqual(keysOf(computePriority(couple, TODAY)), ['age85'])
    const recent = '2026-11-20T00:00:00.000Z'
    assert.equal(
      priorityCriteria(household({ floor: 3, hasLift: 0, lastContactedAt: recent }), TODAY).highFloorNoLift,
      true,
    )
    assert.equal(
      priorityCriteria(household({ floor: 3, hasLift: null, lastContactedAt: recent }), TODAY).highFloorNoLift,
      false,
    )
    assert.equal(
      priorityCriteria(household({ floor: 2, hasLift: 0, lastContactedAt: recent }), TODAY).highFloorNoLift,
      false,
    )
    // 90 days before 26 November 2026 is 28 August; that Paris day starts at 27 August 22:00 UTC.
    const notSince = validateRule({
      any: [
        { field: 'lastContactedAt', op: 'isNotSet' },
        { field: 'lastContactedAt', op: '<', value: '2026-08-28' },
      ],
    })
    for (const lastContactedAt of [null, '2026-08-27T21:59:59.999Z', '2026-08-27T22:00:00.000Z', recent]) {
      const someone = household({ lastContactedAt })
      assert.equal(
        priorityCriteria(someone, TODAY).noRecentContact,
        evaluateRule(notSince, someone, TODAY),
        String(lastContactedAt),
      )
    }
    assert.equal(
      priorityCriteria(household({ lastContactedAt: '2026-08-27T21:59:59.999Z' }), TODAY).noRecentContact,
      true,
    )
    assert.equal(
      priorityCriteria(household({ lastContactedAt: '2026-08-27T22:00:00.000Z' }), TODAY).noRecentContact,
      false,
    )
  })

  it('applies a manager’s overrides: new points, 0 to turn a criterion off, still capped', () => {
    const senior = household({ birthDate: '1938-05-01', livesAlone: 1 })
    assert.equal(computePriority(senior, TODAY).score, 30 + 20 + 5)
    const overridden = computePriority(senior, TODAY, { age85: 50, noRecentContact: 0 })
    assert.equal(overridden.score, 70)
    assert.deepEqual(
      overridden.reasons.map((reason) => [reason.key, reason.points]),
      [
        ['age85', 50],
        ['livesAlone', 20],
      ],
    )
    assert.equal(computePriority(senior, TODAY, { age85: 100, livesAlone: 100 }).score, 100)
    assert.equal(computePriority(senior, TODAY, null).score, 55)
  })

  it('validates overrides, naming the bad key', () => {
    assert.deepEqual(validatePriorityWeights({ age85: 50, livesAlone: 0 }), [])
    assert.deepEqual(validatePriorityWeights({ ageOver90: 10, livesAlone: 150, watch: 2.5, fragile: '10' }), [
      {
        field: 'priorityWeights.ageOver90',
        message: `unknown priority weight "ageOver90"; known weights: ${DEFAULT_PRIORITY_WEIGHTS.map((w) => w.key).join(', ')}`,
        value: 10,
      },
      {
        field: 'priorityWeights.livesAlone',
        message: 'priority weight "livesAlone" must be a whole number of points from 0 to 100, got 150',
        value: 150,
      },
      {
        field: 'priorityWeights.watch',
        message: 'priority weight "watch" must be a whole number of points from 0 to 100, got 2.5',
        value: 2.5,
      },
      {
        field: 'priorityWeights.fragile',
        message: 'priority weight "fragile" must be a whole number of points from 0 to 100, got "10"',
        value: '10',
      },
    ])
    assert.deepEqual(validatePriorityWeights([1, 2]), [
      {
        field: 'priorityWeights',
        message: 'expected an object of points by key, e.g. {"livesAlone": 25}',
        value: [1, 2],
      },
    ])
  })
})
