import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import iconv from 'iconv-lite'
import { createTestDatabase } from '../../../../test/database.js'
import { makeOrganization } from '../../../../test/factories.js'
import type { Db } from '../../db/database.js'
import { autoMap, checkMapping } from './imports.columns.js'
import { FileRefusedError, openTable } from './imports.reader.js'
import { runImport } from './imports.service.js'

const fixture = (name: string) => join(import.meta.dirname, '../../../../test/fixtures/imports', name)

async function importFile(
  db: Db,
  organizationId: string,
  path: string,
  options: { snapshot?: boolean; dryRun?: boolean; chunkRows?: number } = {},
) {
  const table = await openTable(path)
  const { mapping } = autoMap(table.headers)
  checkMapping(mapping, table.headers)
  return runImport(db, {
    importId: randomUUID(),
    organizationId,
    actorUserId: null,
    table,
    mapping,
    snapshot: Boolean(options.snapshot),
    dryRun: Boolean(options.dryRun),
    chunkRows: options.chunkRows,
  })
}

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const database = await createTestDatabase()
  t.after(() => database.destroy())
  const organization = await makeOrganization(database.db)
  return { db: database.db, organization }
}

describe('reading landlords’ files', () => {
  it('detects encoding, separator and format, and numbers rows by the file’s own lines', async () => {
    const cp1252 = await openTable(fixture('tenants-cp1252.csv'))
    assert.deepEqual([cp1252.format, cp1252.encoding, cp1252.separator], ['csv', 'windows-1252', ';'])
    assert.equal(cp1252.headers[1], 'Nom')
    const lines = []
    for await (const row of cp1252.rows()) lines.push([row.line, row.cells[0], row.cells[1]])
    assert.deepEqual(lines, [
      [2, 'L001', 'Lefèvre'],
      [3, 'L002', 'Bœuf'],
      [4, 'L003', 'Muller'],
      [6, 'L003', 'Muller'],
      [7, '', 'Sans'],
      [8, 'L005', ''],
      [9, 'L006', 'Garçon'],
    ])
    const bom = await openTable(fixture('tenants-utf8-bom.csv'))
    assert.deepEqual([bom.encoding, bom.separator, bom.headers[0]], ['utf-8', ',', 'Référence'])
    const tsv = await openTable(fixture('tenants-utf8.tsv'))
    assert.deepEqual([tsv.encoding, tsv.separator], ['utf-8', '\t'])
    const xlsx = await openTable(fixture('tenants.xlsx'))
    assert.equal(xlsx.format, 'xlsx')
    assert.deepEqual(xlsx.preview[0].cells.slice(0, 4), ['X1', 'Schmitt', 'Jeanne', '08/05/1941'])
  })

  it('refuses unreadable files before anything is written, saying what and where', async () => {
    const cases: Array<[string, RegExp]> = [
      ['broken-quote.csv', /^Line 2: a quote \(".*never closed/],
      ['binary.png', /not a text table nor an Excel workbook/],
      ['empty.csv', /The file is empty/],
      ['header-only.csv', /header line but no data rows/],
    ]
    for (const [name, message] of cases) {
      await assert.rejects(
        openTable(fixture(name)),
        (error: Error) => error instanceof FileRefusedError && message.test(error.message),
        name,
      )
    }
    const noReference = await openTable(fixture('no-reference.csv'))
    assert.throws(
      () => checkMapping(autoMap(noReference.headers).mapping, noReference.headers),
      /No column for the household reference/,
    )
  })
})

describe('importing households', () => {
  it('imports every row or lists it as rejected, groups occupants by reference, and warns with line, column and value', async (t) => {
    const { db, organization } = await setup(t)
    const report = await importFile(db, organization.id, fixture('tenants-cp1252.csv'))
    assert.equal(report.rows, 7)
    assert.deepEqual(report.households, { created: 4, updated: 0, unchanged: 0, left: 0 })
    assert.deepEqual(report.rejected, [
      { line: 7, reason: 'no household reference' },
      { line: 8, reason: 'no name' },
    ])
    assert.ok(report.warnings.some((w) => w.line === 3 && w.column === 'Date de naissance' && w.value === '31/02/1950'))
    const muller = await db
      .selectFrom('household')
      .selectAll()
      .where('externalRef', '=', 'L003')
      .executeTakeFirstOrThrow()
    const members = await db
      .selectFrom('member')
      .selectAll()
      .where('householdId', '=', muller.id)
      .orderBy('position')
      .execute()
    assert.deepEqual(
      members.map((m) => [m.firstName, m.isLeaseholder]),
      [
        ['Odette', 1],
        ['Émile', 0],
      ],
    )
    assert.equal(muller.occupants, 2)
    assert.equal(muller.livesAlone, 0)
    assert.equal(muller.addressLine1, 'Bâtiment B,\nappartement 12')
    const lefevre = await db
      .selectFrom('household')
      .selectAll()
      .where('externalRef', '=', 'L001')
      .executeTakeFirstOrThrow()
    assert.equal(lefevre.arrearsCents, 123456)
    assert.equal(lefevre.inseeCode, '54395')
    assert.equal(lefevre.supportProgramme, 1)
    const phones = await db
      .selectFrom('phone')
      .select(['e164', 'kind'])
      .where('householdId', '=', lefevre.id)
      .orderBy('position')
      .execute()
    assert.deepEqual(phones, [
      { e164: '+33383123456', kind: 'landline' },
      { e164: '+33612345678', kind: 'mobile' },
    ])
    const boeuf = await db
      .selectFrom('household')
      .selectAll()
      .where('externalRef', '=', 'L002')
      .executeTakeFirstOrThrow()
    assert.equal(boeuf.birthDate, null, 'an impossible date is not guessed')
    assert.equal(boeuf.floor, 0, 'RDC is the ground floor')
  })

  it('changes nothing when the same file is imported again, and updates a changed household with a trace', async (t) => {
    const { db, organization } = await setup(t)
    await importFile(db, organization.id, fixture('tenants-cp1252.csv'))
    const again = await importFile(db, organization.id, fixture('tenants-cp1252.csv'))
    assert.deepEqual(again.households, { created: 0, updated: 0, unchanged: 4, left: 0 })
    const dir = mkdtempSync(join(tmpdir(), 'import-'))
    const changed = join(dir, 'changed.csv')
    writeFileSync(changed, iconv.encode('Référence;Nom;Solde\nL001;Lefèvre;0\nL002;Bœuf;0\n', 'windows-1252'))
    const update = await importFile(db, organization.id, changed)
    assert.deepEqual(update.households, { created: 0, updated: 2, unchanged: 0, left: 0 })
    const traces = await db
      .selectFrom('auditEvent')
      .select('action')
      .where('action', '=', 'household.import_update')
      .execute()
    assert.equal(traces.length, 2)
  })

  it('writes a household whose rows fall in several chunks once, and a re-run changes none of it', async (t) => {
    const { db, organization } = await setup(t)
    const other = await makeOrganization(db)
    const dir = mkdtempSync(join(tmpdir(), 'import-'))
    const path = join(dir, 'spread.csv')
    // C1's occupants are far apart (rows 1, 4 and 7) so that 2-row chunks put them in three chunks; C2's are adjacent.
    const lines = [
      'Référence;Nom;Prénom;Téléphone',
      'C1;Martin;Anne;06 12 34 56 78',
      'C2;Petit;Luc;03 83 12 34 56',
      'C2;Petit;Zoé;06 11 22 33 44',
      'C1;Martin;Paul;07 81 23 45 67',
      'C3;Roux;Eva;',
      'C4;Blanc;Léa;',
      'C1;Martin;Jade;06 98 76 54 32',
    ]
    writeFileSync(path, lines.join('\n'))
    const occupants = async (organizationId: string) =>
      db
        .selectFrom('member')
        .innerJoin('household', 'household.id', 'member.householdId')
        .select(['household.externalRef', 'member.firstName'])
        .where('member.organizationId', '=', organizationId)
        .orderBy('household.externalRef')
        .orderBy('member.position')
        .execute()
    const phones = async (organizationId: string) =>
      db
        .selectFrom('phone')
        .innerJoin('household', 'household.id', 'phone.householdId')
        .select(['household.externalRef', 'phone.e164'])
        .where('phone.organizationId', '=', organizationId)
        .orderBy('household.externalRef')
        .orderBy('phone.position')
        .execute()
    const expected = [
      { externalRef: 'C1', firstName: 'Anne' },
      { externalRef: 'C1', firstName: 'Paul' },
      { externalRef: 'C1', firstName: 'Jade' },
      { externalRef: 'C2', firstName: 'Luc' },
      { externalRef: 'C2', firstName: 'Zoé' },
      { externalRef: 'C3', firstName: 'Eva' },
      { externalRef: 'C4', firstName: 'Léa' },
    ]
    const expectedPhones = [
      { externalRef: 'C1', e164: '+33612345678' },
      { externalRef: 'C1', e164: '+33781234567' },
      { externalRef: 'C1', e164: '+33698765432' },
      { externalRef: 'C2', e164: '+33383123456' },
      { externalRef: 'C2', e164: '+33611223344' },
    ]
    const first = await importFile(db, organization.id, path, { chunkRows: 2 })
    assert.deepEqual(first.households, { created: 4, updated: 0, unchanged: 0, left: 0 })
    assert.deepEqual(await occupants(organization.id), expected)
    assert.deepEqual(await phones(organization.id), expectedPhones)
    // The same file in one chunk gives the same households.
    await importFile(db, other.id, path)
    assert.deepEqual(await occupants(other.id), expected)
    assert.deepEqual(await phones(other.id), expectedPhones)
    // Run again in small chunks: nothing doubles, nothing is lost.
    const again = await importFile(db, organization.id, path, { chunkRows: 2, snapshot: true })
    assert.deepEqual(again.households, { created: 0, updated: 0, unchanged: 4, left: 0 })
    assert.deepEqual(await occupants(organization.id), expected)
    assert.deepEqual(await phones(organization.id), expectedPhones)
  })

  it('marks households absent from a snapshot as left, never deletes them, and brings them back when they reappear', async (t) => {
    const { db, organization } = await setup(t)
    await importFile(db, organization.id, fixture('tenants-cp1252.csv'))
    const dir = mkdtempSync(join(tmpdir(), 'import-'))
    const partial = join(dir, 'partial.csv')
    writeFileSync(partial, 'Référence;Nom\nL001;Lefèvre\n')
    const snapshot = await importFile(db, organization.id, partial, { snapshot: true })
    assert.equal(snapshot.households.left, 3)
    const statuses = await db.selectFrom('household').select(['externalRef', 'status']).orderBy('externalRef').execute()
    assert.deepEqual(
      statuses.map((s) => s.status),
      ['active', 'left', 'left', 'left'],
    )
    const back = await importFile(db, organization.id, fixture('tenants-cp1252.csv'), { snapshot: true })
    assert.equal(back.households.left, 0)
    assert.ok((await db.selectFrom('household').select('status').execute()).every((h) => h.status === 'active'))
  })

  it('imports the leaseholder’s civility; any other value is a warning naming line, column and value, and is not saved', async (t) => {
    const { db, organization } = await setup(t)
    const dir = mkdtempSync(join(tmpdir(), 'import-'))
    const file = join(dir, 'civility.csv')
    writeFileSync(
      file,
      iconv.encode(
        [
          'Référence;Civilité;Nom;Prénom;Lien',
          'C1;Mme;Schmitt;Monique;titulaire',
          'C2;M.;Kieffer;Paul;titulaire',
          'C3;madame;Weber;Anne;titulaire',
          'C4;Mlle;Roth;Léa;titulaire',
          'C5;Monsieur;Klein;Marc;titulaire',
          'C6;M;Bauer;Luc;titulaire',
          'C7;Dr;Meyer;Jean;titulaire',
          'C8;;Muller;Odile;titulaire',
          'C8;M.;Muller;Émile;conjoint',
        ].join('\r\n'),
        'windows-1252',
      ),
    )
    const report = await importFile(db, organization.id, file)
    assert.deepEqual(report.households, { created: 8, updated: 0, unchanged: 0, left: 0 })
    assert.deepEqual(report.rejected, [])
    assert.deepEqual(report.warnings, [
      { line: 8, column: 'Civilité', value: 'Dr', message: 'expected M., Monsieur, Mme, Madame or M. et Mme' },
    ])
    const rows = await db.selectFrom('household').select(['externalRef', 'civility']).orderBy('externalRef').execute()
    assert.deepEqual(
      rows.map((row) => [row.externalRef, row.civility]),
      [
        ['C1', 'Mme'],
        ['C2', 'M'],
        ['C3', 'Mme'],
        ['C4', 'Mme'],
        ['C5', 'M'],
        ['C6', 'M'],
        ['C7', null],
        // The spouse's « M. » is not the leaseholder's civility.
        ['C8', null],
      ],
    )
    // The same file again changes nothing; a civility corrected in the file updates the household.
    const again = await importFile(db, organization.id, file)
    assert.deepEqual(again.households, { created: 0, updated: 0, unchanged: 8, left: 0 })
    const corrected = join(dir, 'corrected.csv')
    writeFileSync(corrected, 'Référence;Civilité;Nom;Prénom\nC7;Monsieur;Meyer;Jean\n')
    const update = await importFile(db, organization.id, corrected)
    assert.deepEqual(update.households, { created: 0, updated: 1, unchanged: 0, left: 0 })
    const meyer = await db.selectFrom('household').select('civility').where('externalRef', '=', 'C7').executeTakeFirst()
    assert.equal(meyer?.civility, 'M')
  })

  it('records an objection from the file and never clears one', async (t) => {
    const { db, organization } = await setup(t)
    const dir = mkdtempSync(join(tmpdir(), 'import-'))
    const withObjection = join(dir, 'objection.csv')
    writeFileSync(withObjection, 'Référence;Nom;Opposition\nO1;Durand;oui\n')
    await importFile(db, organization.id, withObjection)
    const first = await db.selectFrom('household').selectAll().executeTakeFirstOrThrow()
    assert.ok(first.objectionAt)
    assert.equal(first.objectionChannel, 'import')
    const cleared = join(dir, 'cleared.csv')
    writeFileSync(cleared, 'Référence;Nom;Opposition\nO1;Durand;non\n')
    await importFile(db, organization.id, cleared)
    const after = await db.selectFrom('household').selectAll().executeTakeFirstOrThrow()
    assert.equal(after.objectionAt, first.objectionAt, 'an import never clears an objection')
  })

  it('writes nothing in a dry run, and converges when an interrupted import is run again', async (t) => {
    const { db, organization } = await setup(t)
    const dry = await importFile(db, organization.id, fixture('tenants-cp1252.csv'), { dryRun: true })
    assert.equal(dry.households.created, 4)
    assert.equal((await db.selectFrom('household').select('id').execute()).length, 0)
    // An import that stopped half-way: some households written, some not. Running the file again converges.
    const dir = mkdtempSync(join(tmpdir(), 'import-'))
    const half = join(dir, 'half.csv')
    writeFileSync(half, iconv.encode('N° locataire;Nom;Prénom\nL001;Lefèvre;Françoise\n', 'windows-1252'))
    await importFile(db, organization.id, half)
    await importFile(db, organization.id, fixture('tenants-cp1252.csv'))
    const full = await importFile(db, organization.id, fixture('tenants-cp1252.csv'))
    assert.deepEqual(full.households, { created: 0, updated: 0, unchanged: 4, left: 0 })
    assert.equal((await db.selectFrom('household').select('id').execute()).length, 4)
  })

  it('imports or rejects every row of random files, none disappears (property)', async (t) => {
    const { db, organization } = await setup(t)
    const dir = mkdtempSync(join(tmpdir(), 'import-prop-'))
    const cell = fc.oneof(
      fc.constant(''),
      fc.string({ maxLength: 12 }).map((s) => s.replace(/[;"\r\n]/g, ' ')),
      fc.constantFrom('06 12 34 56 78', '31/02/1950', '1 234,56 €', 'oui'),
    )
    const row = fc.tuple(fc.oneof(fc.constant(''), fc.stringMatching(/^[A-Z][0-9]{1,3}$/)), cell, cell, cell)
    let run = 0
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 40 }), async (rows) => {
        const path = join(dir, `p${run++}.csv`)
        writeFileSync(path, ['Référence;Nom;Téléphone;Date de naissance', ...rows.map((r) => r.join(';'))].join('\n'))
        const report = await importFile(db, organization.id, path, { dryRun: true })
        assert.equal(report.rows, rows.length, 'every line is read')
        const rejected = report.rejected.length
        const usable = rows.filter((r) => r[0].trim() && r[1].trim()).length
        assert.equal(rejected, rows.length - usable, 'rejected exactly the rows without reference or name')
        assert.ok(report.rejected.every((r) => r.line >= 2 && r.line <= rows.length + 1))
      }),
      { numRuns: 40, seed: 99 },
    )
  })
})
