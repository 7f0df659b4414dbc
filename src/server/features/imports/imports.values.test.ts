import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  parseAmountCents,
  parseCivilityCell,
  parseFrenchDate,
  parseInteger,
  parsePostcode,
  parseYesNo,
} from './imports.values.js'

const today = new Date('2026-11-26T12:00:00Z')
const date = (raw: string) => parseFrenchDate(raw, today)
const value = <T>(parsed: { ok: true; value: T } | { ok: false; message: string }) => {
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.message)
  return parsed.value
}

describe('dates', () => {
  it('reads dates as landlords write them', () => {
    for (const raw of ['12/03/1948', '12-03-1948', '12.03.1948', '1948-03-12', '12/3/1948', ' 12/03/1948 ', '12/03/48'])
      assert.deepEqual(date(raw), { ok: true, value: '1948-03-12' }, raw)
    assert.deepEqual(date('12/03/1948 00:00'), { ok: true, value: '1948-03-12' }, 'a date-time from Excel')
    assert.deepEqual(date('1948-03-12T00:00:00.000Z'), { ok: true, value: '1948-03-12' })
    assert.deepEqual(date('1948/03/12'), { ok: true, value: '1948-03-12' })
    assert.deepEqual(date('12 mars 1948'), { ok: true, value: '1948-03-12' })
    assert.deepEqual(date('1er Février 1950'), { ok: true, value: '1950-02-01' })
    assert.deepEqual(date('14 juil. 1940'), { ok: true, value: '1940-07-14' })
  })

  it('reads two-digit years as the latest year with those digits that is not in the future', () => {
    assert.deepEqual(date('12/03/26'), { ok: true, value: '2026-03-12' })
    assert.deepEqual(date('31/12/26'), { ok: true, value: '2026-12-31' }, 'the year decides, not the day')
    assert.deepEqual(date('01/01/27'), { ok: true, value: '1927-01-01' })
    assert.deepEqual(date('01/01/00'), { ok: true, value: '2000-01-01' })
    assert.deepEqual(date('01/01/99'), { ok: true, value: '1999-01-01' })
    assert.deepEqual(parseFrenchDate('01/01/00', new Date('2099-06-01T00:00:00Z')), { ok: true, value: '2000-01-01' })
    assert.deepEqual(parseFrenchDate('01/01/99', new Date('2100-06-01T00:00:00Z')), { ok: true, value: '2099-01-01' })
  })

  it('reads Excel serial day numbers (5 digits), the time of day ignored', () => {
    assert.deepEqual(date('25569'), { ok: true, value: '1970-01-01' })
    assert.deepEqual(date('45000'), { ok: true, value: '2023-03-15' })
    assert.deepEqual(date('45000.75'), { ok: true, value: '2023-03-15' })
    assert.deepEqual(date('17604'), { ok: true, value: '1948-03-12' })
  })

  it('refuses dates that do not exist', () => {
    assert.deepEqual(date('31/02/1950'), { ok: false, message: 'this date does not exist' })
    assert.deepEqual(date('29/02/2023'), { ok: false, message: 'this date does not exist' })
    assert.deepEqual(date('29/02/1900'), { ok: false, message: 'this date does not exist' })
    assert.deepEqual(date('29/02/2000'), { ok: true, value: '2000-02-29' })
    assert.deepEqual(date('29/02/2024'), { ok: true, value: '2024-02-29' })
    assert.deepEqual(date('31/04/1960'), { ok: false, message: 'this date does not exist' })
    assert.deepEqual(date('12/13/1948'), { ok: false, message: 'this date does not exist' })
    assert.deepEqual(date('00/03/1948'), { ok: false, message: 'this date does not exist' })
  })

  it('refuses what is not a date, a year alone and years out of range', () => {
    for (const raw of ['hier', '', '12/03', '12/03-1948', '12//1948', '1948-3', '31 lundi 1950'])
      assert.deepEqual(date(raw), { ok: false, message: 'not a date (expected DD/MM/YYYY)' }, raw)
    assert.deepEqual(date('1948'), { ok: false, message: 'a year alone is not a date (expected DD/MM/YYYY)' })
    assert.deepEqual(date('01/01/1879'), { ok: false, message: 'the year is out of range' })
    assert.deepEqual(date('01/01/2032'), { ok: false, message: 'the year is out of range' })
    assert.deepEqual(date('01/01/1880'), { ok: true, value: '1880-01-01' })
    assert.deepEqual(date('99999'), { ok: false, message: 'the year is out of range' })
  })

  it('round-trips every real date written DD/MM/YYYY, D/M/YYYY, with dashes or dots (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1880-01-01T00:00:00Z'), max: new Date('2031-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom('/', '-', '.'),
        fc.boolean(),
        (when, separator, isPadded) => {
          const iso = when.toISOString().slice(0, 10)
          const [year, month, day] = iso.split('-')
          const strip = (text: string) => (isPadded ? text : String(Number(text)))
          assert.deepEqual(date([strip(day), strip(month), year].join(separator)), { ok: true, value: iso })
        },
      ),
      { numRuns: 500 },
    )
  })

  it('refuses every day past the end of its month (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1880, max: 2031 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
        const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
        for (let day = last + 1; day <= 31; day++) {
          const parsed = date(`${day}/${month}/${year}`)
          assert.equal(parsed.ok, false, `${day}/${month}/${year}`)
        }
        assert.equal(date(`${last}/${month}/${year}`).ok, true)
      }),
    )
  })
})

describe('amounts', () => {
  it('reads French amounts in cents', () => {
    const cases: Array<[string, number]> = [
      ['1 234,56 €', 123456],
      ['1\u202f234,56\u00a0€', 123456],
      ['1\u00a0234,56', 123456],
      ['1.234,56', 123456],
      ['1,234.56', 123456],
      ['1234.56', 123456],
      ['1234,5', 123450],
      ['-12,5', -1250],
      ['−12,50 €', -1250],
      ['(12,50)', -1250],
      ['12,50-', -1250],
      ['+7', 700],
      ['0', 0],
      ['-0,00', 0],
      ['1.234', 123400],
      ['1.234.567', 123456700],
      ['12 EUR', 1200],
      ['12 euros', 1200],
      ['€ 12', 1200],
      ['0,005', 1],
      ['0,004', 0],
      ['1,005', 101],
      ['-1,005', -101],
      ['1234,567', 123457],
    ]
    for (const [raw, cents] of cases) assert.deepEqual(parseAmountCents(raw), { ok: true, value: cents }, raw)
  })

  it('refuses what is not an amount', () => {
    for (const raw of ['abc', '12,5,3', '1.2.3', '€', '-', '12 34 abc', '1,2.3,4'])
      assert.equal(parseAmountCents(raw).ok, false, raw)
    assert.deepEqual(parseAmountCents(''), { ok: false, message: 'empty' })
    assert.deepEqual(parseAmountCents('12345678901234'), { ok: false, message: 'the amount is too large' })
  })

  it('reads back any amount written the French way (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000_00, max: 10_000_000_00 }), (cents) => {
        const euros = Math.trunc(Math.abs(cents) / 100)
        const grouped = String(euros).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f')
        const written = `${cents < 0 ? '-' : ''}${grouped},${String(Math.abs(cents) % 100).padStart(2, '0')} €`
        assert.deepEqual(parseAmountCents(written), { ok: true, value: cents }, written)
      }),
    )
  })
})

describe('yes / no', () => {
  it('reads oui/non, o/n, x, 1/0, vrai/faux, yes/no whatever the case and accents', () => {
    for (const yes of ['oui', 'OUI', 'Oui.', 'O', 'x', 'X', '1', 'Vrai', 'VRAI', 'yes', 'true', '✓'])
      assert.deepEqual(parseYesNo(yes), { ok: true, value: true }, yes)
    for (const no of ['non', 'NON', 'n', 'N', '0', 'faux', 'FAUX', 'no', 'false'])
      assert.deepEqual(parseYesNo(no), { ok: true, value: false }, no)
  })

  it('reads an empty cell, and the usual "not known" marks, as unknown (null), never as no', () => {
    for (const unknown of ['', '  ', '?', '-', 'NC', 'N/A', 'Non renseigné', 'inconnu'])
      assert.deepEqual(parseYesNo(unknown), { ok: true, value: null }, unknown)
    assert.deepEqual(parseYesNo('peut-être'), { ok: false, message: 'expected oui or non' })
  })
})

describe('whole numbers and floors', () => {
  it('reads whole numbers', () => {
    assert.deepEqual(parseInteger('3'), { ok: true, value: 3 })
    assert.deepEqual(parseInteger(' 12 '), { ok: true, value: 12 })
    assert.deepEqual(parseInteger('3,0'), { ok: true, value: 3 })
    assert.deepEqual(parseInteger('-1'), { ok: true, value: -1 })
    for (const raw of ['3,5', 'trois', '3e', '', 'RDC']) assert.equal(parseInteger(raw).ok, false, raw)
  })

  it('reads floors as French buildings name them', () => {
    const floor = (raw: string) => value(parseInteger(raw, { isFloor: true }))
    for (const ground of ['RDC', 'rdc', 'Rez-de-chaussée', 'rez de chaussée', 'R', 'R+0', '0'])
      assert.equal(floor(ground), 0)
    assert.equal(floor('1er'), 1)
    assert.equal(floor('3e'), 3)
    assert.equal(floor('3ème'), 3)
    assert.equal(floor('3 ème étage'), 3)
    assert.equal(floor('3°'), 3)
    assert.equal(floor('R+4'), 4)
    assert.equal(floor('sous-sol'), -1)
    assert.deepEqual(parseInteger('grenier', { isFloor: true }), { ok: false, message: 'not a whole number' })
  })
})

describe('postcodes', () => {
  it('reads five digits, and gives a four-digit one its lost zero only when that makes a known postcode', () => {
    assert.deepEqual(parsePostcode('54000'), { ok: true, value: '54000' })
    assert.deepEqual(parsePostcode(' 54 000 '), { ok: true, value: '54000' })
    assert.deepEqual(parsePostcode('4000'), { ok: true, value: '04000' })
    assert.deepEqual(parsePostcode('1000'), { ok: true, value: '01000' })
    assert.deepEqual(parsePostcode('9999'), {
      ok: false,
      message: 'not a postcode: 4 digits, and 09999 is not a known postcode',
    })
    assert.deepEqual(parsePostcode('54035 CEDEX 1'), { ok: true, value: '54035' })
    for (const raw of ['540', '540000', 'Nancy', '']) assert.equal(parsePostcode(raw).ok, false, raw)
  })
})

describe('parseCivilityCell', () => {
  it('reads the civilities landlords write, case and final dot ignored', () => {
    for (const text of ['M.', 'M', 'm.', 'Monsieur', 'MONSIEUR', ' M. '])
      assert.deepEqual(parseCivilityCell(text), { ok: true, value: 'M' }, text)
    for (const text of ['Mme', 'Mme.', 'MME', 'Madame', 'Mlle', 'Mlle.'])
      assert.deepEqual(parseCivilityCell(text), { ok: true, value: 'Mme' }, text)
    for (const text of [
      'M. et Mme',
      'M et Mme',
      'M. ET MME',
      'Mr et Mme',
      'M. & Mme',
      'M./Mme',
      'Monsieur et Madame',
      'Mme et M.',
    ])
      assert.deepEqual(parseCivilityCell(text), { ok: true, value: 'M et Mme' }, text)
    assert.deepEqual(parseCivilityCell(''), { ok: true, value: null })
  })

  it('refuses anything else', () => {
    for (const text of ['Dr', 'Mmes', 'MM.', 'Me', 'M. et M.', 'x', 'toString', 'constructor', 'et'])
      assert.deepEqual(
        parseCivilityCell(text),
        { ok: false, message: 'expected M., Monsieur, Mme, Madame or M. et Mme' },
        text,
      )
  })
})
