import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { checkAddress, communeKey, isKnownPostcode } from './imports.communes.js'

const found = (inseeCode: string, city: string, postcode: string, isCityMatched = true) => ({
  ok: true,
  inseeCode,
  city,
  postcode,
  isCityMatched,
})

describe('communes', () => {
  it('compares commune names without case, accents, hyphens, ST/STE abbreviations, S/ or CEDEX', () => {
    const saintDie = communeKey('Saint-Dié-des-Vosges')
    for (const written of [
      'ST DIE DES VOSGES',
      'st-dié-des-vosges',
      'Saint Die des Vosges CEDEX 1',
      'DIE DES VOSGES (ST)',
    ])
      assert.equal(communeKey(written), saintDie, written)
    assert.equal(communeKey('STE MARIE AUX MINES'), communeKey('Sainte-Marie-aux-Mines'))
    assert.equal(communeKey('NEUVILLERS S/ FAVE'), communeKey('Neuvillers-sur-Fave'))
    assert.equal(communeKey('VERNET (LE)'), communeKey('Le Vernet'))
    assert.notEqual(communeKey('Stenay'), communeKey('Saintenay'), 'ST is replaced as a word only')
  })

  it('finds the commune among those of the postcode and gives its INSEE code and official name', () => {
    assert.deepEqual(checkAddress('54000', 'NANCY'), found('54395', 'Nancy', '54000'))
    assert.deepEqual(checkAddress('88100', 'ST DIE DES VOSGES'), found('88413', 'Saint-Dié-des-Vosges', '88100'))
    assert.deepEqual(checkAddress('88100', 'NEUVILLERS S/ FAVE'), found('88326', 'Neuvillers-sur-Fave', '88100'))
    assert.deepEqual(checkAddress('68160', 'STE MARIE AUX MINES'), found('68298', 'Sainte-Marie-aux-Mines', '68160'))
    assert.deepEqual(checkAddress('03200', 'VERNET (LE)'), found('03306', 'Le Vernet', '03200'))
    assert.deepEqual(checkAddress('54 000', 'Nancy Cedex'), found('54395', 'Nancy', '54000'))
  })

  it('recognises a former commune merged into another (commune déléguée) by its old name', () => {
    assert.deepEqual(checkAddress('01300', 'Arbignieu'), found('01015', 'Arboys en Bugey', '01300'))
  })

  it('gives back the leading zero a spreadsheet dropped, when that makes a known postcode', () => {
    assert.deepEqual(checkAddress('4000', 'Digne-les-Bains'), found('04070', 'Digne-les-Bains', '04000'))
    assert.equal(isKnownPostcode('04000'), true)
    assert.equal(isKnownPostcode('4000'), false)
  })

  it('takes the only commune of a postcode when the name matches none, and says so', () => {
    assert.deepEqual(checkAddress('57000', 'Metzz'), found('57463', 'Metz', '57000', false))
    assert.deepEqual(checkAddress('57000', ''), found('57463', 'Metz', '57000', false))
  })

  it('explains an unknown postcode, a malformed one, and a name matching none of several communes', () => {
    assert.deepEqual(checkAddress('99999', 'Nulle-Part'), {
      ok: false,
      message: 'unknown postcode',
      column: 'postcode',
    })
    assert.deepEqual(checkAddress('9999', 'Nancy'), {
      ok: false,
      message: 'unknown postcode',
      column: 'postcode',
    })
    assert.deepEqual(checkAddress('NANCY', 'Nancy'), {
      ok: false,
      message: 'not a postcode (5 digits expected)',
      column: 'postcode',
    })
    assert.deepEqual(checkAddress('03200', 'Moulins'), {
      ok: false,
      message: 'no commune "Moulins" with postcode 03200',
      column: 'city',
    })
    const many = checkAddress('88100', 'Épinal')
    assert.match(
      (checkAddress('88100', '') as { message: string }).message,
      /^no commune given, and postcode 88100 has several \(Coinches, .*…\)$/,
    )
    assert.equal(many.ok, false)
    assert.equal(many.ok ? '' : many.message, 'no commune "Épinal" with postcode 88100')
    assert.deepEqual(checkAddress('03200', ''), {
      ok: false,
      message: 'no commune given, and postcode 03200 has several (Abrest, Le Vernet, Vichy)',
      column: 'city',
    })
  })
})
