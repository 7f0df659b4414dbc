import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { TARGETING_FIELD_NAMES, TARGETING_FIELDS } from './targeting-fields.js'

describe('TARGETING_FIELDS', () => {
  it('documents every field with a type, French and English labels and meaning, and its operators', () => {
    assert.deepEqual(
      TARGETING_FIELDS.map((field) => field.field),
      [...TARGETING_FIELD_NAMES],
    )
    for (const field of TARGETING_FIELDS) {
      assert.ok(field.label.fr && field.label.en && field.description.fr && field.description.en, field.field)
      assert.ok(['number', 'boolean', 'text', 'date', 'enum'].includes(field.type), field.field)
      assert.ok(field.operators.includes('isSet') && field.operators.includes('isNotSet'), field.field)
    }
    const booleans = TARGETING_FIELDS.filter((field) => field.type === 'boolean').map((field) => field.field)
    assert.deepEqual(booleans, ['livesAlone', 'supportProgramme', 'housingBenefit', 'hasLift'])
    for (const name of booleans) {
      assert.deepEqual(TARGETING_FIELDS.find((field) => field.field === name)!.operators, [
        '=',
        '!=',
        'isSet',
        'isNotSet',
      ])
    }
  })
})
