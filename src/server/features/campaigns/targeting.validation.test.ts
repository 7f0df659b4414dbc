import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { leaf, SAMPLE_VALUES } from './targeting.fixtures.js'
import { RuleError, type RuleIssue, TARGETING_FIELD_NAMES, TARGETING_FIELDS, validateRule } from './targeting.js'

function issuesOf(input: unknown): RuleIssue[] {
  try {
    validateRule(input)
    return []
  } catch (error) {
    assert.ok(error instanceof RuleError, String(error))
    return error.details
  }
}

const KNOWN_FIELDS = TARGETING_FIELD_NAMES.join(', ')
const KNOWN_OPERATORS = '=, !=, <, <=, >, >=, in, notIn, isSet, isNotSet'

describe('validateRule', () => {
  it('accepts every field with every operator it allows, and {"all":[]} / {"any":[]}', () => {
    assert.deepEqual(validateRule({ all: [] }), { all: [] })
    assert.deepEqual(validateRule({ any: [] }), { any: [] })
    for (const field of TARGETING_FIELDS) {
      for (const op of field.operators) {
        const sample = SAMPLE_VALUES[field.field]
        const value =
          op === 'isSet' || op === 'isNotSet' ? undefined : op === 'in' || op === 'notIn' ? [sample] : sample
        assert.deepEqual(issuesOf(leaf(field.field, op, value)), [], `${field.field} ${op}`)
      }
    }
  })

  it('returns a clean copy and normalises timestamps to UTC', () => {
    const input = {
      all: [
        { field: 'lastContactedAt', op: '<', value: '2026-11-01T10:00:00+01:00' },
        { field: 'inseeCode', op: 'in', value: ['2A004', '54395'] },
      ],
    }
    const rule = validateRule(input)
    assert.notEqual(rule, input)
    assert.deepEqual(rule, {
      all: [
        { field: 'lastContactedAt', op: '<', value: '2026-11-01T09:00:00.000Z' },
        { field: 'inseeCode', op: 'in', value: ['2A004', '54395'] },
      ],
    })
  })

  it('names the path, the problem and the value of each mistake', () => {
    const cases: Array<[unknown, RuleIssue[]]> = [
      [
        {
          all: [
            { field: 'age', op: '>=', value: 75 },
            { field: 'agee', op: '=', value: 3 },
          ],
        },
        [{ path: 'all[1].field', message: `unknown field "agee"; known fields: ${KNOWN_FIELDS}`, value: 'agee' }],
      ],
      [{ op: '=', value: 3 }, [{ path: 'field', message: `missing field; known fields: ${KNOWN_FIELDS}` }]],
      [
        { any: [{ not: { field: 'age', op: 'between', value: 3 } }] },
        [
          {
            path: 'any[0].not.op',
            message: `unknown operator "between"; known operators: ${KNOWN_OPERATORS}`,
            value: 'between',
          },
        ],
      ],
      [{ field: 'age', value: 3 }, [{ path: 'op', message: `missing operator; known operators: ${KNOWN_OPERATORS}` }]],
      [
        { field: 'livesAlone', op: '>', value: true },
        [
          {
            path: 'op',
            message: 'operator ">" does not apply to "livesAlone" (boolean); use =, !=, isSet, isNotSet',
            value: '>',
          },
        ],
      ],
      [
        { field: 'livesAlone', op: 'in', value: [true] },
        [
          {
            path: 'op',
            message: 'operator "in" does not apply to "livesAlone" (boolean); use =, !=, isSet, isNotSet',
            value: 'in',
          },
        ],
      ],
      [
        { field: 'city', op: '<', value: 'Metz' },
        [
          {
            path: 'op',
            message: 'operator "<" does not apply to "city" (text); use =, !=, in, notIn, isSet, isNotSet',
            value: '<',
          },
        ],
      ],
      [
        { field: 'leaseStart', op: 'in', value: ['2000-01-01'] },
        [
          {
            path: 'op',
            message: 'operator "in" does not apply to "leaseStart" (date); use =, !=, <, <=, >, >=, isSet, isNotSet',
            value: 'in',
          },
        ],
      ],
      [
        { field: 'age', op: '>=', value: '75' },
        [{ path: 'value', message: '"age" expects a whole number of years from 0 to 150', value: '75' }],
      ],
      [
        { field: 'age', op: '>=', value: 74.5 },
        [{ path: 'value', message: '"age" expects a whole number of years from 0 to 150', value: 74.5 }],
      ],
      [
        { field: 'oldestAge', op: '<', value: 151 },
        [{ path: 'value', message: '"oldestAge" expects a whole number of years from 0 to 150', value: 151 }],
      ],
      [
        { field: 'arrears', op: '>', value: 10.005 },
        [
          {
            path: 'value',
            message: '"arrears" expects an amount in euros with at most 2 decimals, from -10000000 to 10000000',
            value: 10.005,
          },
        ],
      ],
      [
        { field: 'supportProgramme', op: '=', value: 1 },
        [{ path: 'value', message: '"supportProgramme" expects true or false', value: 1 }],
      ],
      [
        { field: 'fragilityLevel', op: '>=', value: 'very' },
        [
          {
            path: 'value',
            message: '"fragilityLevel" expects one of none, watch, fragile, high_vulnerability',
            value: 'very',
          },
        ],
      ],
      [
        { field: 'leaseStart', op: '<', value: '2023-02-29' },
        [{ path: 'value', message: '"leaseStart" expects a date YYYY-MM-DD', value: '2023-02-29' }],
      ],
      [
        { field: 'leaseStart', op: '<', value: '31/12/2000' },
        [{ path: 'value', message: '"leaseStart" expects a date YYYY-MM-DD', value: '31/12/2000' }],
      ],
      [
        { field: 'lastContactedAt', op: '<', value: 'yesterday' },
        [
          {
            path: 'value',
            message: '"lastContactedAt" expects a date YYYY-MM-DD (a Paris day) or an ISO timestamp',
            value: 'yesterday',
          },
        ],
      ],
      [
        { field: 'postcode', op: '>=', value: '5400' },
        [{ path: 'value', message: '"postcode" expects a 5-digit postcode such as "54000"', value: '5400' }],
      ],
      [
        { field: 'city', op: '=', value: '' },
        [{ path: 'value', message: '"city" expects a text of 1 to 200 characters', value: '' }],
      ],
      [
        { field: 'agency', op: 'in', value: [] },
        [{ path: 'value', message: '"in" needs a list of 1 to 500 values', value: [] }],
      ],
      [
        { field: 'agency', op: 'notIn', value: 'NANCY' },
        [{ path: 'value', message: '"notIn" needs a list of 1 to 500 values', value: 'NANCY' }],
      ],
      [
        { field: 'occupants', op: 'notIn', value: [1, 2.5, 'x'] },
        [
          { path: 'value[1]', message: '"occupants" expects a whole number from 0 to 99', value: 2.5 },
          { path: 'value[2]', message: '"occupants" expects a whole number from 0 to 99', value: 'x' },
        ],
      ],
      [
        { field: 'agency', op: '=', value: ['NANCY'] },
        [{ path: 'value', message: '"=" compares to one value; use "in" or "notIn" for a list', value: ['NANCY'] }],
      ],
      [
        { field: 'worksProgramme', op: 'isSet', value: 'x' },
        [{ path: 'value', message: '"isSet" takes no value', value: 'x' }],
      ],
      [{ field: 'floor', op: '>=' }, [{ path: 'value', message: '">=" needs a value: a whole number from -5 to 200' }]],
      [
        { field: 'age', op: '>=', value: 75, label: 'seniors' },
        [{ path: 'label', message: 'unknown key "label"; a condition has field, op and value' }],
      ],
      [{ all: [], any: [] }, [{ path: '', message: '"all" stands alone in its node; found all, any' }]],
      [{ all: {} }, [{ path: 'all', message: '"all" expects a list of rules', value: {} }]],
      [
        'everyone',
        [
          {
            path: '',
            message: 'expected {"all":[…]}, {"any":[…]}, {"not":…} or {"field":…,"op":…,"value":…}',
            value: 'everyone',
          },
        ],
      ],
      [
        { not: null },
        [
          {
            path: 'not',
            message: 'expected {"all":[…]}, {"any":[…]}, {"not":…} or {"field":…,"op":…,"value":…}',
            value: null,
          },
        ],
      ],
    ]
    for (const [input, expected] of cases) assert.deepEqual(issuesOf(input), expected, JSON.stringify(input))
  })

  it('reports every mistake at once, and its message lists the paths', () => {
    try {
      validateRule({ any: [{ field: 'agee', op: '=', value: 1 }, { not: { field: 'age', op: '>=', value: -1 } }] })
      assert.fail('expected a RuleError')
    } catch (error) {
      assert.ok(error instanceof RuleError)
      assert.deepEqual(
        error.details.map((detail) => detail.path),
        ['any[0].field', 'any[1].not.value'],
      )
      assert.match(error.message, /^any\[0\]\.field: unknown field "agee".*; any\[1\]\.not\.value: "age" expects/)
    }
  })

  it('allows 10 levels and 200 nodes, no more', () => {
    const nested = (levels: number) => {
      let rule: unknown = { field: 'age', op: '>=', value: 1 }
      for (let level = 1; level < levels; level++) rule = { not: rule }
      return rule
    }
    assert.deepEqual(issuesOf(nested(10)), [])
    assert.deepEqual(issuesOf(nested(11)), [
      { path: 'not.not.not.not.not.not.not.not.not.not', message: 'rules nest at most 10 levels deep' },
    ])
    const wide = (leaves: number) => ({
      any: Array.from({ length: leaves }, () => ({ field: 'age', op: '>=', value: 1 })),
    })
    assert.deepEqual(issuesOf(wide(199)), [])
    assert.deepEqual(issuesOf(wide(200)), [{ path: '', message: 'a rule has at most 200 nodes' }])
    assert.deepEqual(issuesOf(wide(100_000)), [{ path: '', message: 'a rule has at most 200 nodes' }])
  })
})
