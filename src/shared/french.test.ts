import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { floorLabel, formatPhone } from './french.js'

describe('floors as people write them', () => {
  it('says « rez-de-chaussée », « 1er », « 2e » and « sous-sol » in French', () => {
    assert.equal(floorLabel(0, 'fr'), 'Rez-de-chaussée')
    assert.equal(floorLabel(1, 'fr'), '1er étage')
    assert.equal(floorLabel(2, 'fr'), '2e étage')
    assert.equal(floorLabel(11, 'fr'), '11e étage')
    assert.equal(floorLabel(-1, 'fr'), 'Sous-sol')
    assert.equal(floorLabel(-2, 'fr'), '2e sous-sol')
    assert.equal(floorLabel(3), '3e étage')
  })

  it('says "ground floor", "1st", "2nd", "3rd", "11th" and "basement" in English', () => {
    assert.equal(floorLabel(0, 'en'), 'Ground floor')
    assert.equal(floorLabel(1, 'en'), '1st floor')
    assert.equal(floorLabel(2, 'en-GB'), '2nd floor')
    assert.equal(floorLabel(3, 'en'), '3rd floor')
    assert.equal(floorLabel(4, 'en'), '4th floor')
    assert.equal(floorLabel(11, 'en'), '11th floor')
    assert.equal(floorLabel(12, 'en'), '12th floor')
    assert.equal(floorLabel(21, 'en'), '21st floor')
    assert.equal(floorLabel(-1, 'en'), 'Basement')
    assert.equal(floorLabel(-2, 'en'), 'Basement 2')
  })
})

describe('phone numbers as people dial them', () => {
  it('writes French numbers in national form, by pairs', () => {
    assert.equal(formatPhone('+33383624692'), '03 83 62 46 92')
    assert.equal(formatPhone('+33612345678'), '06 12 34 56 78')
  })

  it('writes foreign and overseas numbers in international form', () => {
    assert.equal(formatPhone('+262262123456'), '+262 262 12 34 56')
    assert.equal(formatPhone('+32470123456'), '+32 470 12 34 56')
  })

  it('leaves what is not a number as it was', () => {
    assert.equal(formatPhone('pas de numéro'), 'pas de numéro')
    assert.equal(formatPhone(''), '')
  })
})
