import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { ageOn, parisDayStart } from '../../../shared/clock.js'
import { household, leaf, matches, SAMPLE_VALUES, TODAY } from './targeting.fixtures.js'
import {
  compileRule,
  evaluateRule,
  type Operator,
  type Rule,
  TARGETING_FIELDS,
  validateRule,
  yearsBefore,
} from './targeting.js'

describe('ages', () => {
  const age = (op: Operator, value: unknown) => leaf('age', op, value)
  it('counts a birthday reached today, not tomorrow', () => {
    assert.equal(matches(age('>=', 75), { birthDate: '1951-11-26' }), true)
    assert.equal(matches(age('>=', 75), { birthDate: '1951-11-27' }), false)
    assert.equal(matches(age('=', 74), { birthDate: '1951-11-27' }), true)
    assert.equal(matches(age('=', 75), { birthDate: '1950-11-27' }), true)
    assert.equal(matches(age('=', 75), { birthDate: '1950-11-26' }), false)
  })

  it('applies each operator at the boundaries', () => {
    const born75 = { birthDate: '1951-11-26' } // 75 today
    const expectations: Array<[Operator, unknown, boolean]> = [
      ['=', 75, true],
      ['!=', 75, false],
      ['!=', 74, true],
      ['<', 75, false],
      ['<', 76, true],
      ['<=', 75, true],
      ['<=', 74, false],
      ['>', 75, false],
      ['>', 74, true],
      ['>=', 75, true],
      ['>=', 76, false],
      ['in', [70, 75], true],
      ['in', [74, 76], false],
      ['notIn', [74, 76], true],
      ['notIn', [75], false],
    ]
    for (const [op, value, expected] of expectations) {
      assert.equal(matches(age(op, value), born75), expected, `75 ${op} ${JSON.stringify(value)}`)
    }
  })

  it('makes someone born on 29 February a year older on 1 March in non-leap years', () => {
    const leapling = { birthDate: '2024-02-29' }
    assert.equal(yearsBefore('2027-02-28', 3), '2024-02-28')
    assert.equal(yearsBefore('2028-02-29', 1), '2027-02-28')
    assert.equal(yearsBefore('2028-02-29', 4), '2024-02-29')
    assert.equal(matches(age('=', 2), leapling, '2027-02-28'), true)
    assert.equal(matches(age('>=', 3), leapling, '2027-02-28'), false)
    assert.equal(matches(age('>=', 3), leapling, '2027-03-01'), true)
    assert.equal(matches(age('=', 3), leapling, '2028-02-28'), true)
    assert.equal(matches(age('=', 4), leapling, '2028-02-29'), true)
    // Someone born on 28 February 2027 is one year old on 29 February 2028 (and already on the 28th).
    assert.equal(matches(age('=', 1), { birthDate: '2027-02-28' }, '2028-02-28'), true)
    assert.equal(matches(age('=', 1), { birthDate: '2027-03-01' }, '2028-02-29'), false)
  })

  it('agrees with ageOn for any birth date, day, operator and age, birthdays and 29 February included', () => {
    const day = fc.oneof(
      fc
        .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true })
        .map((date) => date.toISOString().slice(0, 10)),
      fc
        .tuple(fc.integer({ min: 1900, max: 2100 }), fc.constantFrom('02-28', '02-29', '03-01'))
        .map(([year, monthDay]) => `${year}-${monthDay}`)
        .filter((date) => !Number.isNaN(Date.parse(date)) && new Date(date).toISOString().startsWith(date)),
    )
    // Half the cases sit on a birthday, the day before or the day after: where an off-by-one would show.
    const birthAndDay = fc.oneof(
      fc.tuple(day, day).filter(([birthDate, today]) => birthDate <= today),
      fc.tuple(day, fc.integer({ min: 0, max: 120 }), fc.integer({ min: -1, max: 1 })).map(([today, years, shift]) => {
        const [y, m, d] = today.split('-').map(Number)
        return [new Date(Date.UTC(y - years, m - 1, d + shift)).toISOString().slice(0, 10), today] as const
      }),
    )
    const compare: Record<string, (a: number, b: number) => boolean> = {
      '=': (a, b) => a === b,
      '!=': (a, b) => a !== b,
      '<': (a, b) => a < b,
      '<=': (a, b) => a <= b,
      '>': (a, b) => a > b,
      '>=': (a, b) => a >= b,
    }
    fc.assert(
      fc.property(
        birthAndDay,
        fc.constantFrom('=', '!=', '<', '<=', '>', '>='),
        fc.integer({ min: -1, max: 1 }),
        ([birthDate, today], op, delta) => {
          fc.pre(birthDate <= today)
          const actual = ageOn(birthDate, today)!
          const years = Math.min(150, Math.max(0, actual + delta))
          const rule: Rule = { field: 'oldestAge', op: op as Operator, value: years }
          assert.equal(
            evaluateRule(rule, household({ oldestBirthDate: birthDate }), today),
            compare[op](actual, years),
            `${birthDate} on ${today}: ${actual} ${op} ${years}`,
          )
        },
      ),
      { numRuns: 5000, seed: 75 },
    )
  })
})

describe('operators in memory', () => {
  it('compares numbers, and euros on cents', () => {
    const two = { occupants: 2 }
    const cases: Array<[Operator, unknown, boolean]> = [
      ['=', 2, true],
      ['!=', 2, false],
      ['<', 3, true],
      ['<=', 1, false],
      ['>', 1, true],
      ['>=', 3, false],
      ['in', [1, 2], true],
      ['notIn', [1, 2], false],
    ]
    for (const [op, value, expected] of cases) assert.equal(matches(leaf('occupants', op, value), two), expected, op)
    const owed = { arrearsCents: 50_001 }
    assert.equal(matches(leaf('arrears', '>', 500), owed), true)
    assert.equal(matches(leaf('arrears', '=', 500.01), owed), true)
    assert.equal(matches(leaf('arrears', 'in', [0.1, 500.01]), owed), true)
    assert.equal(matches(leaf('arrears', '<=', 500), owed), false)
    assert.equal(matches(leaf('arrears', '>', 0), { arrearsCents: 0 }), false)
    assert.equal(matches(leaf('arrears', '<', 0), { arrearsCents: -1250 }), true)
    assert.equal(matches(leaf('floor', '>=', 3), { floor: 3 }), true)
    assert.equal(matches(leaf('floor', '<', 0), { floor: -1 }), true)
  })

  it('compares yes/no fields to 0/1', () => {
    assert.equal(matches(leaf('livesAlone', '=', true), { livesAlone: 1 }), true)
    assert.equal(matches(leaf('livesAlone', '=', false), { livesAlone: 0 }), true)
    assert.equal(matches(leaf('livesAlone', '!=', true), { livesAlone: 0 }), true)
    assert.equal(matches(leaf('livesAlone', '!=', true), { livesAlone: 1 }), false)
    assert.equal(matches(leaf('hasLift', 'isSet'), { hasLift: 0 }), true)
    assert.equal(matches(leaf('hasLift', 'isNotSet'), { hasLift: 0 }), false)
  })

  it('compares text exactly, agencies by code, and codes in order', () => {
    assert.equal(matches(leaf('city', '=', 'Metz'), { city: 'Metz' }), true)
    assert.equal(matches(leaf('city', '=', 'metz'), { city: 'Metz' }), false)
    assert.equal(matches(leaf('city', '!=', 'Nancy'), { city: 'Metz' }), true)
    assert.equal(matches(leaf('city', 'in', ['Nancy', 'Metz']), { city: 'Metz' }), true)
    assert.equal(matches(leaf('city', 'notIn', ['Nancy', 'Metz']), { city: 'Metz' }), false)
    assert.equal(matches(leaf('agency', '=', 'NANCY'), { agencyId: 'a1', agencyCode: 'NANCY' }), true)
    assert.equal(matches(leaf('agency', 'notIn', ['METZ']), { agencyId: 'a1', agencyCode: 'NANCY' }), true)
    assert.equal(matches(leaf('agency', 'isSet'), { agencyId: 'a1', agencyCode: 'NANCY' }), true)
    assert.equal(matches(leaf('postcode', '<', '55000'), { postcode: '54100' }), true)
    assert.equal(matches(leaf('postcode', '>=', '55000'), { postcode: '54100' }), false)
    assert.equal(matches(leaf('inseeCode', '>', '20000'), { inseeCode: '2A004' }), true)
    assert.equal(matches(leaf('worksProgramme', 'isSet'), { worksProgramme: 'Isolation Borny' }), true)
    assert.equal(matches(leaf('worksProgramme', 'isSet'), {}), false)
  })

  it('compares dates as days', () => {
    const lease = { leaseStart: '1998-09-01' }
    assert.equal(matches(leaf('leaseStart', '<', '2000-01-01'), lease), true)
    assert.equal(matches(leaf('leaseStart', '=', '1998-09-01'), lease), true)
    assert.equal(matches(leaf('leaseStart', '!=', '1998-09-01'), lease), false)
    assert.equal(matches(leaf('leaseStart', '<=', '1998-08-31'), lease), false)
    assert.equal(matches(leaf('leaseStart', '>', '1998-08-31'), lease), true)
    assert.equal(matches(leaf('leaseStart', '>=', '1998-09-02'), lease), false)
  })

  it('orders fragility levels none < watch < fragile < high_vulnerability', () => {
    const level = (fragilityLevel: string | null) => ({ fragilityLevel })
    const atLeastFragile = leaf('fragilityLevel', '>=', 'fragile')
    assert.equal(matches(atLeastFragile, level('fragile')), true)
    assert.equal(matches(atLeastFragile, level('high_vulnerability')), true)
    assert.equal(matches(atLeastFragile, level('watch')), false)
    assert.equal(matches(atLeastFragile, level(null)), false)
    assert.equal(matches(leaf('fragilityLevel', '<', 'watch'), level('none')), true)
    assert.equal(matches(leaf('fragilityLevel', '>', 'high_vulnerability'), level('high_vulnerability')), false)
    assert.equal(matches(leaf('fragilityLevel', '<=', 'watch'), level('watch')), true)
    // A level outside the list (old data) is only "different".
    assert.equal(matches(leaf('fragilityLevel', '>=', 'none'), level('legacy')), false)
    assert.equal(matches(leaf('fragilityLevel', '!=', 'none'), level('legacy')), true)
  })

  it('reads lastContactedAt against Europe/Paris days, winter and summer', () => {
    assert.equal(parisDayStart('2026-11-01'), '2026-10-31T23:00:00.000Z')
    assert.equal(parisDayStart('2026-07-01'), '2026-06-30T22:00:00.000Z')
    // 31 October 23:30 UTC is 1 November 00:30 in Paris.
    const justAfterMidnight = { lastContactedAt: '2026-10-31T23:30:00.000Z' }
    assert.equal(matches(leaf('lastContactedAt', '<', '2026-11-01'), justAfterMidnight), false)
    assert.equal(matches(leaf('lastContactedAt', '=', '2026-11-01'), justAfterMidnight), true)
    assert.equal(matches(leaf('lastContactedAt', '<=', '2026-10-31'), justAfterMidnight), false)
    assert.equal(matches(leaf('lastContactedAt', '>', '2026-10-31'), justAfterMidnight), true)
    assert.equal(matches(leaf('lastContactedAt', '>=', '2026-11-02'), justAfterMidnight), false)
    assert.equal(matches(leaf('lastContactedAt', '!=', '2026-11-01'), justAfterMidnight), false)
    const summer = { lastContactedAt: '2026-06-30T22:30:00.000Z' }
    assert.equal(matches(leaf('lastContactedAt', '=', '2026-07-01'), summer), true)
    assert.equal(matches(leaf('lastContactedAt', '=', '2026-06-30'), summer), false)
    // A timestamp compares to the instant.
    assert.equal(matches(leaf('lastContactedAt', '<', '2026-11-01T00:00:00Z'), justAfterMidnight), true)
    const notSince = validateRule({
      any: [
        { field: 'lastContactedAt', op: 'isNotSet' },
        { field: 'lastContactedAt', op: '<', value: '2026-09-01' },
      ],
    })
    assert.equal(evaluateRule(notSince, household(), TODAY), true)
    assert.equal(evaluateRule(notSince, household({ lastContactedAt: '2026-08-31T21:59:59.999Z' }), TODAY), true)
    assert.equal(evaluateRule(notSince, household({ lastContactedAt: '2026-08-31T22:00:00.000Z' }), TODAY), false)
  })

  it('treats an unknown value as failing every comparison, and `not` as plain negation', () => {
    const unknown = household()
    for (const field of TARGETING_FIELDS) {
      for (const op of field.operators) {
        if (op === 'isSet' || op === 'isNotSet') continue
        const sample = SAMPLE_VALUES[field.field]
        const rule = validateRule(leaf(field.field, op, op === 'in' || op === 'notIn' ? [sample] : sample))
        assert.equal(evaluateRule(rule, unknown, TODAY), false, `${field.field} ${op}`)
        assert.equal(evaluateRule({ not: rule }, unknown, TODAY), true, `not ${field.field} ${op}`)
      }
      assert.equal(evaluateRule({ field: field.field, op: 'isNotSet' }, unknown, TODAY), true, field.field)
      assert.equal(evaluateRule({ field: field.field, op: 'isSet' }, unknown, TODAY), false, field.field)
    }
    assert.equal(matches({ not: leaf('age', '>=', 75) }, { birthDate: '1990-01-01' }), true)
    assert.equal(matches({ not: leaf('age', '>=', 75) }, { birthDate: '1940-01-01' }), false)
    assert.equal(matches({ not: { not: leaf('age', '>=', 75) } }, {}), false)
  })

  it('matches everyone with {"all":[]} and no one with {"any":[]}', () => {
    assert.equal(evaluateRule({ all: [] }, household(), TODAY), true)
    assert.equal(evaluateRule({ any: [] }, household(), TODAY), false)
    assert.equal(evaluateRule({ not: { any: [] } }, household(), TODAY), true)
  })

  it('refuses a day that is not YYYY-MM-DD', () => {
    assert.throws(() => evaluateRule({ all: [] }, household(), '26/11/2026'), /today must be a date YYYY-MM-DD/)
    assert.throws(() => compileRule({ all: [] }, '2026-02-30'), /today must be a date YYYY-MM-DD/)
  })
})
