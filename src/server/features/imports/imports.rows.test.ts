import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import type { Mapping } from '../../../shared/import-fields.js'
import { normalizePhone } from '../../../shared/phones.js'
import { autoMap } from './imports.columns.js'
import { openTable } from './imports.reader.js'
import {
  type InterpretedRow,
  interpretRow,
  isLeaseholderRole,
  normalizeImportedPhone,
  phonesInCell,
  type RejectedRow,
} from './imports.rows.js'

const fixture = (name: string) => join(import.meta.dirname, '../../../../test/fixtures/imports', name)
const today = new Date('2026-11-26T12:00:00Z')

function interpretAll(headers: string[], cells: string[], mapping: Mapping = autoMap(headers).mapping) {
  return interpretRow(cells, mapping, headers, 2, today)
}

function accepted(result: InterpretedRow | RejectedRow): InterpretedRow {
  assert.equal(result.kind, 'row', result.kind === 'rejected' ? result.reason : '')
  return result as InterpretedRow
}

describe('interpreting rows', () => {
  it('reads the Windows-1252 fixture: usable rows imported with warnings, unusable ones rejected with the reason', async () => {
    const table = await openTable(fixture('tenants-cp1252.csv'))
    const { mapping } = autoMap(table.headers)
    const results: Array<InterpretedRow | RejectedRow> = []
    for await (const row of table.rows()) results.push(interpretRow(row.cells, mapping, table.headers, row.line, today))
    assert.deepEqual(
      results.map((result) => [result.line, result.kind === 'row' ? result.externalRef : result.reason]),
      [
        [2, 'L001'],
        [3, 'L002'],
        [4, 'L003'],
        [6, 'L003'],
        [7, 'no household reference'],
        [8, 'no name'],
        [9, 'L006'],
      ],
    )
    const [lefevre, boeuf, odette, emile, , , garcon] = results as InterpretedRow[]
    assert.deepEqual(lefevre.member, {
      lastName: 'Lefèvre',
      firstName: 'Françoise',
      birthDate: '1948-03-12',
      role: 'Titulaire',
    })
    assert.equal(lefevre.isLeaseholder, true)
    assert.deepEqual(lefevre.household, {
      civility: null,
      email: null,
      addressLine1: '12 rue Jeanne d’Arc',
      addressLine2: null,
      postcode: '54000',
      city: 'Nancy',
      inseeCode: '54395',
      agency: 'Nancy',
      occupants: null,
      floor: 3,
      hasLift: false,
      leaseStart: null,
      arrearsCents: 123456,
      housingBenefit: true,
      supportProgramme: true,
      worksProgramme: null,
      objection: null,
    })
    assert.deepEqual(
      lefevre.phones.map((phone) => [phone.e164, phone.kind]),
      [
        ['+33383123456', 'landline'],
        ['+33612345678', 'mobile'],
      ],
    )
    assert.deepEqual(lefevre.warnings, [])
    assert.equal(boeuf.member.birthDate, null, 'an impossible date is never guessed')
    assert.deepEqual(boeuf.warnings, [
      {
        line: 3,
        column: 'Date de naissance',
        value: '31/02/1950',
        message: 'this date does not exist',
      },
    ])
    assert.equal(boeuf.household.floor, 0, 'RDC')
    assert.deepEqual(
      odette.phones.map((phone) => phone.e164),
      ['+33612345678', '+33612345679'],
    )
    assert.equal(odette.household.addressLine1, 'Bâtiment B,\nappartement 12')
    assert.equal(odette.household.arrearsCents, -1250)
    assert.equal(odette.household.objection, false)
    assert.deepEqual([emile.isLeaseholder, emile.member.role, emile.externalRef], [false, 'Conjoint', 'L003'])
    assert.deepEqual(garcon.warnings, [
      { line: 9, column: 'Portable', value: '12345', message: 'not a valid phone number; kept as written' },
      { line: 9, column: 'Code postal', value: '99999', message: 'unknown postcode' },
      { line: 9, column: 'Solde', value: 'abc', message: 'not an amount' },
      { line: 9, column: 'APL', value: 'peut-être', message: 'expected oui or non' },
    ])
    assert.deepEqual(
      garcon.phones.map((phone) => [phone.raw, phone.e164]),
      [
        ['3 87 12 34 56', '+33387123456'],
        ['12345', null],
      ],
      'an invalid number is kept as written',
    )
    assert.deepEqual(
      [garcon.household.postcode, garcon.household.city, garcon.household.inseeCode],
      ['99999', 'Nulle-Part', null],
    )
    assert.equal(garcon.member.birthDate, '1940-07-14')
  })

  it('reads the workbook’s date and number cells', async () => {
    const table = await openTable(fixture('tenants.xlsx'))
    const { mapping } = autoMap(table.headers)
    const rows: InterpretedRow[] = []
    for await (const row of table.rows()) rows.push(accepted(interpretRow(row.cells, mapping, table.headers, row.line)))
    assert.deepEqual(
      rows.map((row) => [
        row.member.birthDate,
        row.household.arrearsCents,
        row.phones[0].e164,
        row.household.inseeCode,
      ]),
      [
        ['1941-05-08', 12050, '+33612345678', '57463'],
        ['1990-01-31', 0, '+33612345678', '54395'],
      ],
    )
  })

  it('rejects a row only when it is empty, has no reference or no name', () => {
    const headers = ['Référence', 'Nom', 'Téléphone']
    const reason = (cells: string[]) => (interpretAll(headers, cells) as RejectedRow).reason
    assert.equal(reason(['', '', '']), 'empty row')
    assert.equal(reason([' ', '', ' ']), 'empty row')
    assert.equal(reason(['', 'Durand', '0612345678']), 'no household reference')
    assert.equal(reason(['R1', '  ', '0612345678']), 'no name')
    assert.equal(reason(['R1']), 'no name', 'a short row')
    const rejected = interpretAll(headers, ['', 'Durand', 'x']) as RejectedRow
    assert.deepEqual(rejected.cells, ['', 'Durand', 'x'], 'the row is kept whole for the rejected-rows file')
    assert.equal(accepted(interpretAll(headers, ['R1', 'Durand', 'n’importe quoi'])).externalRef, 'R1')
  })

  it('imports what is usable and warns, with the column’s header, about each value it could not read', () => {
    const headers = [
      'Matricule',
      'Nom',
      'Né(e) le',
      'Courriel',
      'CP',
      'Ville',
      'Nb occupants',
      'Étage',
      'Ascenseur',
      'Date d’entrée',
      'Dette',
      'Suivi social',
      'Réhabilitation',
      'Ne pas appeler',
    ]
    const row = accepted(
      interpretAll(headers, [
        'R1',
        'Durand',
        '12/12/2026',
        'durand@',
        '57000',
        'Metzz',
        '0',
        '250',
        'peut-être',
        '31/06/2020',
        '12 euros 50',
        'NC',
        'Cœur de Ville',
        'OUI',
      ]),
    )
    assert.deepEqual(
      row.warnings.map(({ column, value, message }) => [column, value, message]),
      [
        ['Né(e) le', '12/12/2026', 'a birth date in the future'],
        ['Ville', 'Metzz', 'not the commune of postcode 57000; recorded as Metz'],
        ['Courriel', 'durand@', 'not an email address; kept as written'],
        ['Nb occupants', '0', 'number of occupants out of range (1 to 30)'],
        ['Étage', '250', 'floor out of range (-5 to 100)'],
        ['Ascenseur', 'peut-être', 'expected oui or non'],
        ['Date d’entrée', '31/06/2020', 'this date does not exist'],
        ['Dette', '12 euros 50', 'not an amount'],
      ],
    )
    assert.equal(
      row.warnings.every((warning) => warning.line === 2),
      true,
    )
    assert.deepEqual(row.member.birthDate, null)
    assert.deepEqual(
      [row.household.email, row.household.city, row.household.inseeCode, row.household.supportProgramme],
      ['durand@', 'Metz', '57463', null],
    )
    assert.equal(row.household.worksProgramme, 'Cœur de Ville', 'a programme named in the cell')
    assert.equal(row.household.objection, true)
    const several = accepted(interpretAll(['Référence', 'Nom', 'CP', 'Ville'], ['R1', 'Durand', '03200', 'Moulins']))
    assert.deepEqual(several.warnings, [
      {
        line: 2,
        column: 'Ville',
        value: 'Moulins',
        message: 'no commune "Moulins" with postcode 03200',
      },
    ])
    assert.deepEqual([several.household.postcode, several.household.city], ['03200', 'Moulins'], 'kept as written')
    const ticked = accepted(interpretAll(['Référence', 'Nom', 'Réhabilitation'], ['R1', 'Durand', 'x']))
    assert.equal(ticked.household.worksProgramme, 'oui', 'a ticked yes/no column says there is a programme')
  })

  it('tells leaseholders from other occupants by their role', () => {
    for (const role of [
      'Titulaire',
      'TITULAIRE DU BAIL',
      'Locataire',
      'locataire principal',
      'Cotitulaire',
      'co-titulaire',
      'Colocataire',
      'Signataire',
      'Chef de famille',
    ])
      assert.equal(isLeaseholderRole(role), true, role)
    for (const role of [
      'Conjoint',
      'conjointe',
      'Épouse',
      'Enfant',
      'fils',
      'Occupant',
      'Hébergé',
      'Sous-locataire',
      'Non titulaire',
      'Ascendant',
    ])
      assert.equal(isLeaseholderRole(role), false, role)
    for (const role of ['Mme', 'M.', '?']) assert.equal(isLeaseholderRole(role), null, role)
  })
})

describe('phones', () => {
  it('reads one number written with slashes, and splits a cell holding several', () => {
    assert.deepEqual(
      phonesInCell('06/12/34/56/78').map((phone) => phone.e164),
      ['+33612345678'],
    )
    assert.deepEqual(
      phonesInCell('06 12 34 56 78 / 03 83 12 34 56').map((phone) => phone.e164),
      ['+33612345678', '+33383123456'],
    )
    assert.deepEqual(
      phonesInCell('06 12 34 56 78 ou 0383123456').map((phone) => phone.e164),
      ['+33612345678', '+33383123456'],
    )
    assert.deepEqual(
      phonesInCell('06 12 34 56 78 - 12').map((phone) => [phone.raw, phone.isValid]),
      [
        ['06 12 34 56 78', true],
        ['12', false],
      ],
    )
    assert.deepEqual(
      phonesInCell('pas de téléphone').map((phone) => [phone.raw, phone.isValid]),
      [['pas de téléphone', false]],
    )
  })

  it('keeps a number once when two columns repeat it, and warns about each invalid one', () => {
    const row = accepted(
      interpretAll(
        ['Référence', 'Nom', 'Téléphone', 'Portable', 'Tél 2'],
        ['R1', 'Durand', '06 12 34 56 78', '+33612345678', 'inconnu'],
      ),
    )
    assert.deepEqual(
      row.phones.map((phone) => phone.raw),
      ['06 12 34 56 78', 'inconnu'],
    )
    assert.deepEqual(row.warnings, [
      { line: 2, column: 'Tél 2', value: 'inconnu', message: 'not a valid phone number; kept as written' },
    ])
  })

  it('reads the overseas departments’ numbers, dialled like the mainland’s', () => {
    assert.deepEqual(normalizePhone('0262 12 34 56'), {
      raw: '0262 12 34 56',
      e164: '+262262123456',
      kind: 'landline',
      isValid: true,
    })
    assert.equal(normalizePhone('0692 12 34 56').e164, '+262692123456')
    assert.equal(normalizePhone('0590 12 34 56').e164, '+590590123456')
    assert.equal(normalizePhone('0696 12 34 56').e164, '+596696123456')
    assert.equal(normalizeImportedPhone('0262 12 34 56').e164, '+262262123456')
  })

  it('gives the same answers as normalizePhone, number ranges remembered or not (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9][0-9]{8}$/), fc.integer({ min: 0, max: 6 }), (national, style) => {
        const pairs = `0${national}`.match(/../g)!
        const written = [
          pairs.join(' '),
          pairs.join('.'),
          `+33 ${national}`,
          `0033${national}`,
          national,
          `0${national}`,
          pairs.join('-'),
        ][style]
        assert.deepEqual(normalizeImportedPhone(written), normalizePhone(written), written)
      }),
      { numRuns: 2000 },
    )
  })

  it('gives the same E.164 for a French mobile written any of the usual ways (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('6', '7'), fc.stringMatching(/^[0-9]{8}$/), (first, rest) => {
        const national = `${first}${rest}`
        // Valid as a French number (0690… would be a Guadeloupe mobile written the French way).
        const reference = normalizePhone(`+33${national}`)
        fc.pre(reference.isValid)
        assert.equal(reference.kind, 'mobile')
        const pairs = `0${national}`.match(/../g)!
        for (const written of [
          pairs.join(' '),
          pairs.join('.'),
          `+33 ${national[0]} ${national.slice(1).match(/../g)!.join(' ')}`,
          `0033${national}`,
          national,
          `+33 (0)${national}`,
          ` ${pairs.join('-')} `,
        ]) {
          assert.equal(normalizeImportedPhone(written).e164, reference.e164, written)
          assert.equal(normalizePhone(written).e164, reference.e164, written)
        }
      }),
      { numRuns: 500 },
    )
  })

  it('never throws, whatever the cell holds (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.stringMatching(/^[0-9 +.()/-]{0,20}$/)),
        (text) => {
          normalizePhone(text)
          normalizeImportedPhone(text)
          phonesInCell(text)
        },
      ),
      { numRuns: 2000 },
    )
  })
})

describe('no row disappears (property)', () => {
  it('interprets or rejects every data row of random files, and rejects exactly those without reference or name', async () => {
    const cell = fc.oneof(
      fc.constant(''),
      fc.constant(' '),
      fc.string({ maxLength: 10 }),
      fc.constantFrom('06 12 34 56 78', '31/02/1950', '1 234,56 €', 'oui', 'Bâtiment B,\nappartement 12', 'dit "Jo"'),
    )
    const reference = fc.oneof(fc.constant(''), fc.constant('  '), fc.stringMatching(/^[A-Z][0-9]{1,4}$/))
    const row = fc.tuple(reference, cell, cell, cell, cell)
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 30 }),
        fc.constantFrom(';', ',', '\t'),
        async (rows, separator) => {
          // Blank lines are not rows; every other line is one.
          fc.pre(rows.some((cells) => cells.some((value) => value.trim() !== '')))
          const quote = (value: string) =>
            /[;,\t"\r\n]/.test(value) || value === '' ? `"${value.replace(/"/g, '""')}"` : value
          const header = ['Référence', 'Nom', 'Téléphone', 'Date de naissance', 'Solde'].join(separator)
          const text = [header, ...rows.map((cells) => cells.map(quote).join(separator))].join('\r\n')
          const table = await openTable({ buffer: Buffer.from(text) })
          const { mapping } = autoMap(table.headers)
          let read = 0
          let imported = 0
          const rejected: number[] = []
          let previousLine = 1
          for await (const tableRow of table.rows()) {
            read++
            assert.ok(tableRow.line > previousLine, 'lines go forward')
            previousLine = tableRow.line
            const result = interpretRow(tableRow.cells, mapping, table.headers, tableRow.line, today)
            if (result.kind === 'row') imported++
            else rejected.push(read - 1)
          }
          assert.equal(read, rows.length, 'every row is read')
          assert.equal(imported + rejected.length, rows.length, 'every row is imported or rejected')
          const unusable = rows.flatMap((cells, index) => (cells[0].trim() && cells[1].trim() ? [] : [index]))
          assert.deepEqual(rejected, unusable)
        },
      ),
      { numRuns: 200 },
    )
  })
})
