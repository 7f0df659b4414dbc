import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { normalizePhone } from '../../../shared/phones.js'
import { autoMap, normalizeHeader } from './imports.columns.js'
import { checkAddress } from './imports.communes.js'
import { parseAmountCents, parseFrenchDate, parseInteger, parseYesNo } from './imports.values.js'

const today = new Date('2026-11-26T12:00:00Z')

describe('French values', () => {
  it('reads dates as landlords write them and refuses those that do not exist', () => {
    assert.deepEqual(parseFrenchDate('12/03/1948', today), { ok: true, value: '1948-03-12' })
    assert.deepEqual(parseFrenchDate('12-03-1948', today), { ok: true, value: '1948-03-12' })
    assert.deepEqual(parseFrenchDate('1948-03-12', today), { ok: true, value: '1948-03-12' })
    assert.deepEqual(parseFrenchDate('12/03/48', today), { ok: true, value: '1948-03-12' })
    assert.deepEqual(parseFrenchDate('12/03/26', today), { ok: true, value: '2026-03-12' })
    assert.deepEqual(parseFrenchDate('29/02/2024', today), { ok: true, value: '2024-02-29' })
    assert.deepEqual(parseFrenchDate('31/02/1950', today), { ok: false, message: 'this date does not exist' })
    assert.deepEqual(parseFrenchDate('29/02/2023', today), { ok: false, message: 'this date does not exist' })
    assert.equal(parseFrenchDate('hier', today).ok, false)
    assert.deepEqual(parseFrenchDate('45000', today), { ok: true, value: '2023-03-15' }, 'an Excel serial day')
    assert.deepEqual(parseFrenchDate('25569', today), { ok: true, value: '1970-01-01' })
  })

  it('round-trips every real date written DD/MM/YYYY (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2026-11-26T00:00:00Z'), noInvalidDate: true }),
        (date) => {
          const iso = date.toISOString().slice(0, 10)
          const [y, m, d] = iso.split('-')
          assert.deepEqual(parseFrenchDate(`${d}/${m}/${y}`, today), { ok: true, value: iso })
        },
      ),
    )
  })

  it('reads French amounts in cents, yes/no cells and floors', () => {
    assert.deepEqual(parseAmountCents('1 234,56 €'), { ok: true, value: 123456 })
    assert.deepEqual(parseAmountCents('1\u202f234,56\u00a0€'), { ok: true, value: 123456 })
    assert.deepEqual(parseAmountCents('1.234,56'), { ok: true, value: 123456 })
    assert.deepEqual(parseAmountCents('-12,5'), { ok: true, value: -1250 })
    assert.deepEqual(parseAmountCents('1234.56'), { ok: true, value: 123456 })
    assert.equal(parseAmountCents('abc').ok, false)
    for (const yes of ['oui', 'O', 'x', '1', 'Vrai']) assert.deepEqual(parseYesNo(yes), { ok: true, value: true }, yes)
    for (const no of ['non', 'n', '0', 'FAUX']) assert.deepEqual(parseYesNo(no), { ok: true, value: false }, no)
    assert.deepEqual(parseYesNo(''), { ok: true, value: null }, 'an empty cell is unknown, not no')
    assert.deepEqual(parseInteger('RDC', { isFloor: true }), { ok: true, value: 0 })
    assert.deepEqual(parseInteger('3e', { isFloor: true }), { ok: true, value: 3 })
  })
})

describe('phones', () => {
  it('gives the same E.164 for a mobile written any of the usual ways (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('6', '7'),
        fc.stringMatching(/^[0-9]{8}$/),
        fc.integer({ min: 0, max: 4 }),
        (first, rest, style) => {
          const digits = `0${first}${rest}`
          const valid = normalizePhone(digits)
          fc.pre(valid.isValid)
          const pairs = digits.match(/../g)!
          const written = [
            pairs.join(' '),
            pairs.join('.'),
            `+33 ${digits.slice(1)}`,
            `0033${digits.slice(1)}`,
            digits.slice(1),
          ][style]
          assert.equal(normalizePhone(written).e164, valid.e164, written)
        },
      ),
    )
  })
  it('never throws on any input', () => {
    fc.assert(fc.property(fc.string(), (text) => void normalizePhone(text)))
  })
})

describe('columns and communes', () => {
  it('maps headers whatever their case, accents, spaces and punctuation, and never maps a social-security number', () => {
    assert.equal(normalizeHeader('N° Locataire'), normalizeHeader('n locataire'))
    const { mapping, ignoredSensitive } = autoMap([
      'REFERENCE MENAGE',
      'Nom du titulaire',
      'Tél.',
      'Portable',
      'NIR',
      'Né(e) le',
    ])
    assert.deepEqual(mapping, ['externalRef', 'lastName', 'phones', 'phones', null, 'birthDate'])
    assert.deepEqual(ignoredSensitive, ['NIR'])
  })
  it('checks postcode and commune against the official data', () => {
    assert.deepEqual(checkAddress('54000', 'NANCY'), { ok: true, inseeCode: '54395', city: 'Nancy', postcode: '54000' })
    assert.deepEqual(checkAddress('88100', 'ST DIE DES VOSGES'), {
      ok: true,
      inseeCode: '88413',
      city: 'Saint-Dié-des-Vosges',
      postcode: '88100',
    })
    assert.equal(checkAddress('99999', 'Nulle-Part').ok, false)
  })
})
