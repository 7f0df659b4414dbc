import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { codeNames, pickerOptions, withCurrent } from './targeting-values.js'

const VALUES = {
  agencies: [{ code: 'NANCY', name: 'Agence de Nancy', households: 4 }],
  communes: [
    { inseeCode: '54329', name: 'Lunéville', postcode: '54300', households: 1 },
    { inseeCode: '54395', name: 'Nancy', postcode: '54000', households: 2 },
    { inseeCode: '57463', name: 'Metz', postcode: null, households: 1 },
  ],
}

describe('the targeting builder’s pickers', () => {
  it('offer agencies by name and code, communes by name, INSEE code and postcode, and the commune names', () => {
    const options = pickerOptions(VALUES)
    assert.deepEqual(options.agency, [{ value: 'NANCY', label: 'Agence de Nancy (NANCY)' }])
    assert.deepEqual(options.inseeCode, [
      { value: '54329', label: 'Lunéville — 54329 (54300)' },
      { value: '54395', label: 'Nancy — 54395 (54000)' },
      { value: '57463', label: 'Metz — 57463' },
    ])
    assert.deepEqual(
      options.city?.map((option) => option.value),
      ['Lunéville', 'Metz', 'Nancy'],
    )
    assert.deepEqual(pickerOptions(undefined), {}, 'no values yet: free text')
  })

  it('keep a rule’s value the data no longer has, and name codes for the explanation', () => {
    assert.deepEqual(withCurrent([{ value: 'NANCY', label: 'Agence de Nancy (NANCY)' }], ['NANCY', 'GONE']), [
      { value: 'NANCY', label: 'Agence de Nancy (NANCY)' },
      { value: 'GONE', label: 'GONE' },
    ])
    assert.equal(codeNames(VALUES).inseeCode?.get('54395'), 'Nancy')
  })
})
