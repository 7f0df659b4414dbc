import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { addressedName, civilityWord, parseCivility } from './households.js'

describe('civilities', () => {
  it('addresses the leaseholder by civility and name, a couple as « Monsieur et Madame »', () => {
    const household = { firstName: 'Odile', lastName: 'Schmitt' }
    assert.equal(addressedName({ ...household, civility: 'Mme' }), 'Madame Schmitt')
    assert.equal(addressedName({ ...household, civility: 'M' }), 'Monsieur Schmitt')
    assert.equal(addressedName({ ...household, civility: 'M et Mme' }), 'Monsieur et Madame Schmitt')
    assert.equal(addressedName({ ...household, civility: null }), 'Odile Schmitt', 'no civility is ever guessed')
    assert.equal(civilityWord('M et Mme'), 'Monsieur et Madame')
    assert.equal(civilityWord('Dr'), null)
  })

  it('reads a couple’s civility however the file spells it, and nothing looser', () => {
    for (const text of ['M. et Mme', 'M. ET MME.', 'M.et Mme', 'M & Mme', 'M./Mme', 'Madame et Monsieur'])
      assert.equal(parseCivility(text), 'M et Mme', text)
    for (const text of ['M. et', 'et Mme', 'M. et Mme et M.', 'Mme & Mme'])
      assert.equal(parseCivility(text), undefined, text)
  })
})
