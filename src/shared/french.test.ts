import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { floorLabel, formatPhone, frenchTypography, frenchTypographyOfTree } from './french.js'

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

describe('French typographic spaces', () => {
  const NARROW = '\u202f'
  const NBSP = '\u00a0'

  it('puts a narrow no-break space before ? ! ; and a no-break space before : and inside « »', () => {
    assert.equal(frenchTypography('Vous êtes sûr ?'), `Vous êtes sûr${NARROW}?`)
    assert.equal(frenchTypography('Attention ! Bien reçu ; merci'), `Attention${NARROW}! Bien reçu${NARROW}; merci`)
    assert.equal(frenchTypography('Motif : absent'), `Motif${NBSP}: absent`)
    assert.equal(frenchTypography('le mot « oui » suffit'), `le mot «${NBSP}oui${NBSP}» suffit`)
    assert.equal(frenchTypography('Quoi  ?!'), `Quoi${NARROW}?!`, 'several spaces become one')
  })

  it('leaves URLs, times, placeholders and marks without a space before them as they are', () => {
    for (const text of [
      'https://allervers.example/reset?token=abc;x=1',
      'Rappel à 14:30',
      '{{count}} ménages',
      '$t(units.households, {"count": {{n}} })',
      'C’est fini!',
      'Hello: world?',
    ])
      assert.equal(frenchTypography(text), text)
    assert.equal(frenchTypography('{{count}} ménages : {{names}} ?'), `{{count}} ménages${NBSP}: {{names}}${NARROW}?`)
  })

  it('leaves already correct text unchanged, so applying it twice is applying it once', () => {
    const correct = `Vous êtes sûr${NARROW}? Motif${NBSP}: «${NBSP}oui${NBSP}»`
    assert.equal(frenchTypography(correct), correct)
    for (const text of ['Sûr ? Oui !', 'a : b ; « c »', 'x  :  y', '']) {
      const once = frenchTypography(text)
      assert.equal(frenchTypography(once), once)
    }
  })

  it('goes through a tree of words, keys and shape unchanged', () => {
    assert.deepEqual(
      frenchTypographyOfTree({
        a: 'Sûr ?',
        b: { c: 'Motif : x', d_one: '{{count}} ligne', items: ['Un ; deux'] },
        n: 3,
      }),
      { a: `Sûr${NARROW}?`, b: { c: `Motif${NBSP}: x`, d_one: '{{count}} ligne', items: [`Un${NARROW}; deux`] }, n: 3 },
    )
  })
})
