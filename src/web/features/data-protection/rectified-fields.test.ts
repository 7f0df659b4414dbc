import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import i18n from '../../i18n/index.js'
import { rectifiedFieldsSentence } from './rectified-fields.js'

describe('rectified fields as a sentence', () => {
  it('says them in the form’s order, joined as a sentence, whatever order they came in', () => {
    const fr = i18n.getFixedT('fr')
    const en = i18n.getFixedT('en')
    // As the server sorts them (alphabetically), and as the form lists them.
    assert.equal(rectifiedFieldsSentence(fr, 'fr', ['birthDate', 'lastName']), 'Nom et Date de naissance')
    assert.equal(rectifiedFieldsSentence(fr, 'fr', ['lastName', 'birthDate']), 'Nom et Date de naissance')
    assert.equal(
      rectifiedFieldsSentence(fr, 'fr', ['birthDate', 'firstName', 'lastName']),
      'Nom, Prénom et Date de naissance',
    )
    assert.equal(rectifiedFieldsSentence(en, 'en', ['birthDate', 'lastName']), 'Last name and Date of birth')
    assert.equal(rectifiedFieldsSentence(fr, 'fr', ['lastName']), 'Nom')
    assert.equal(rectifiedFieldsSentence(fr, 'fr', ['shoeSize', 'lastName']), 'Nom et shoeSize', 'unknown last')
  })
})
