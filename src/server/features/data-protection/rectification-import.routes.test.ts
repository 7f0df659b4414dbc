/**
 * A rectification at the tenant's request (GDPR art. 16) survives the next imports of the landlord's file: a field the
 * file still gives otherwise keeps its rectified value everywhere it lives, with a warning naming the line and the
 * column; once the file gives the rectified value, the field is no longer marked; erasure clears the mark.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeOrganization, makeUser } from '../../../../test/factories.js'
import { RECTIFIED_KEPT } from '../../../shared/import-fields.js'
import type { Db } from '../../db/database.js'
import { autoMap, checkMapping } from '../imports/imports.columns.js'
import { openTable } from '../imports/imports.reader.js'
import { runImport } from '../imports/imports.service.js'

const HEADER = 'Référence;Nom;Prénom;Date de naissance;Téléphone;Code postal;Ville'

/** The landlord's file: the leaseholder on line 2, another occupant on line 3. */
function tenants(leaseholder: { lastName: string; birthDate: string; phone: string }) {
  return [
    HEADER,
    `H-0042;${leaseholder.lastName};Odette;${leaseholder.birthDate};${leaseholder.phone};54000;Nancy`,
    'H-0042;Lefèvre;Émile;05/05/1950;;54000;Nancy',
    'H-0043;Martin;Jeanne;01/01/1945;03 83 11 11 11;54000;Nancy',
  ].join('\n')
}
const OLD = { lastName: 'Lefèvre', birthDate: '11/02/1938', phone: '03 83 00 00 00' }

async function setUp(t: Parameters<typeof buildTestApp>[0]) {
  const testApp = await buildTestApp(t)
  const { db, loginAs } = testApp
  const landlord = await makeOrganization(db, { name: 'Habitat Lorrain' })
  const manager = await makeUser(db, 'manager', { organizationId: landlord.id })
  const headers = await loginAs(manager)
  const dir = mkdtempSync(join(tmpdir(), 'rectified-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  let files = 0
  const importText = async (text: string, options: { dryRun?: boolean } = {}) => {
    const path = join(dir, `locataires-${++files}.csv`)
    writeFileSync(path, text)
    const table = await openTable(path)
    const { mapping } = autoMap(table.headers)
    checkMapping(mapping, table.headers)
    return runImport(db, {
      importId: randomUUID(),
      organizationId: landlord.id,
      actorUserId: manager.id,
      table,
      mapping,
      snapshot: false,
      dryRun: Boolean(options.dryRun),
    })
  }
  const first = await importText(tenants(OLD))
  assert.deepEqual(first.households, { created: 2, updated: 0, unchanged: 0, left: 0 })
  const household = await db
    .selectFrom('household')
    .selectAll()
    .where('externalRef', '=', 'H-0042')
    .executeTakeFirstOrThrow()
  assert.equal(household.oldestBirthDate, '1938-02-11')
  const search = async (q: string) => {
    const response = await testApp.app.inject({ url: `/api/households?${new URLSearchParams({ q })}`, headers })
    assert.equal(response.statusCode, 200, response.body)
    return response.json().items.map((item: { id: string }) => item.id)
  }
  const rectify = async (changes: Record<string, string | null>) => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/rectification`,
      headers,
      payload: { changes },
    })
    assert.equal(response.statusCode, 200, response.body)
    return response.json()
  }
  return { ...testApp, db, landlord, manager, headers, household, importText, search, rectify }
}

async function stateOf(db: Db, householdId: string) {
  const household = await db
    .selectFrom('household')
    .select(['lastName', 'firstName', 'birthDate', 'oldestBirthDate', 'searchName', 'rectifiedFields'])
    .where('id', '=', householdId)
    .executeTakeFirstOrThrow()
  const members = await db
    .selectFrom('member')
    .select(['lastName', 'firstName', 'birthDate', 'isLeaseholder'])
    .where('householdId', '=', householdId)
    .orderBy('position')
    .execute()
  const phones = await db
    .selectFrom('phone')
    .select('e164')
    .where('householdId', '=', householdId)
    .orderBy('position')
    .execute()
  return { household, members, phones: phones.map((phone) => phone.e164) }
}

describe('a rectification survives the landlord’s next imports', () => {
  it('a file that changes the phone and still holds the old name and birth date keeps the rectified ones everywhere, with a warning per field', async (t) => {
    const { db, household, importText, search, rectify } = await setUp(t)
    const rectified = await rectify({ lastName: 'Lefébure', birthDate: '1938-03-11' })
    assert.deepEqual(rectified.fields, ['birthDate', 'lastName'])
    assert.equal((await stateOf(db, household.id)).household.rectifiedFields, '["birthDate","lastName"]')

    const report = await importText(tenants({ ...OLD, phone: '06 12 34 56 78' }))
    assert.deepEqual(report.households, { created: 0, updated: 1, unchanged: 1, left: 0 })
    const after = await stateOf(db, household.id)
    assert.deepEqual(after.phones, ['+33612345678'], 'the file’s other changes are taken')
    assert.equal(after.household.lastName, 'Lefébure')
    assert.equal(after.household.birthDate, '1938-03-11')
    assert.equal(after.household.oldestBirthDate, '1938-03-11', 'derived from the rectified birth date, not the file’s')
    assert.equal(after.household.rectifiedFields, '["birthDate","lastName"]', 'still marked')
    assert.deepEqual(after.members, [
      { lastName: 'Lefébure', firstName: 'Odette', birthDate: '1938-03-11', isLeaseholder: 1 },
      { lastName: 'Lefèvre', firstName: 'Émile', birthDate: '1950-05-05', isLeaseholder: 0 },
    ])
    assert.deepEqual(await search('odette lefebure'), [household.id])
    assert.deepEqual(await search('odette lefevre'), [], 'the old name is not what the search finds')

    const kept = report.warnings.filter((warning) => warning.message === RECTIFIED_KEPT)
    assert.deepEqual(
      kept.map(({ line, column, value }) => ({ line, column, value })),
      [
        { line: 2, column: 'Nom', value: 'Lefèvre' },
        { line: 2, column: 'Date de naissance', value: '11/02/1938' },
      ],
      'the file’s cells, as other warnings show them; the rectified values are not in the report',
    )
    assert.ok(!JSON.stringify(report.warnings).includes('Lefébure'))
    assert.equal(report.warningsTotal, report.warnings.length)
    const audit = await db
      .selectFrom('auditEvent')
      .select('details')
      .where('action', '=', 'household.import_update')
      .where('entityId', '=', household.id)
      .executeTakeFirstOrThrow()
    assert.deepEqual(JSON.parse(audit.details ?? '{}').keptRectified, ['lastName', 'birthDate'], 'field names only')

    // The same file again: the row is unchanged, and nothing is rewritten or warned.
    const again = await importText(tenants({ ...OLD, phone: '06 12 34 56 78' }))
    assert.deepEqual(again.households, { created: 0, updated: 0, unchanged: 2, left: 0 })
    assert.deepEqual(again.warnings, [])
    assert.deepEqual(await stateOf(db, household.id), after)
  })

  it('a file corrected at the source clears the mark of each field it now gives as rectified; a dry run changes nothing', async (t) => {
    const { db, household, importText, rectify } = await setUp(t)
    await rectify({ lastName: 'Lefébure', birthDate: '1938-03-11' })

    const dry = await importText(tenants({ ...OLD, lastName: 'Lefébure' }), { dryRun: true })
    assert.deepEqual(
      dry.warnings.map((warning) => [warning.column, warning.message]),
      [['Date de naissance', RECTIFIED_KEPT]],
      'the dry run reports what the import would keep',
    )
    assert.equal((await stateOf(db, household.id)).household.rectifiedFields, '["birthDate","lastName"]')

    // The name corrected, the birth date not yet: only the name's mark goes.
    const named = await importText(tenants({ ...OLD, lastName: 'Lefébure' }))
    assert.deepEqual(named.households, { created: 0, updated: 1, unchanged: 1, left: 0 })
    let state = await stateOf(db, household.id)
    assert.equal(state.household.rectifiedFields, '["birthDate"]')
    assert.equal(state.household.lastName, 'Lefébure')
    assert.equal(state.household.birthDate, '1938-03-11')
    const audits = await db
      .selectFrom('auditEvent')
      .select('details')
      .where('action', '=', 'household.import_update')
      .where('entityId', '=', household.id)
      .execute()
    assert.deepEqual(
      audits.map((audit) => {
        const { keptRectified, rectificationCleared } = JSON.parse(audit.details ?? '{}')
        return { keptRectified, rectificationCleared }
      }),
      [{ keptRectified: ['birthDate'], rectificationCleared: ['lastName'] }],
    )

    // Once the name is no longer marked, the file rules it again.
    const renamed = await importText(tenants({ ...OLD, lastName: 'Lefébvre' }))
    assert.ok(!renamed.warnings.some((warning) => warning.column === 'Nom'))
    state = await stateOf(db, household.id)
    assert.equal(state.household.lastName, 'Lefébvre')
    assert.equal(state.members[0]?.lastName, 'Lefébvre')

    // The birth date corrected too: nothing is marked any more.
    const dated = await importText(tenants({ ...OLD, lastName: 'Lefébvre', birthDate: '11/03/1938' }))
    assert.deepEqual(dated.warnings, [])
    state = await stateOf(db, household.id)
    assert.equal(state.household.rectifiedFields, null)
    assert.equal(state.household.birthDate, '1938-03-11')
  })

  it('a file without the rectified field’s column keeps its value and its mark, without a warning', async (t) => {
    const { db, household, importText, rectify } = await setUp(t)
    await rectify({ firstName: 'Odile', lastName: 'Lefébure' })
    const report = await importText(
      ['Référence;Nom;Téléphone', 'H-0042;Lefèvre;06 12 34 56 78', 'H-0042;Lefèvre;', 'H-0043;Martin;'].join('\n'),
    )
    assert.deepEqual(
      report.warnings.map((warning) => [warning.line, warning.column, warning.message]),
      [[2, 'Nom', RECTIFIED_KEPT]],
    )
    const state = await stateOf(db, household.id)
    assert.equal(state.household.firstName, 'Odile')
    assert.equal(state.household.lastName, 'Lefébure')
    assert.equal(state.household.searchName?.includes('odile lefebure'), true)
    assert.equal(state.household.rectifiedFields, '["firstName","lastName"]')
    assert.deepEqual(state.members[0], { lastName: 'Lefébure', firstName: 'Odile', birthDate: null, isLeaseholder: 1 })
  })

  it('erasure clears the mark with the household’s other personal fields', async (t) => {
    const { app, db, headers, household, rectify } = await setUp(t)
    await rectify({ lastName: 'Lefébure' })
    assert.equal((await stateOf(db, household.id)).household.rectifiedFields, '["lastName"]')
    const erased = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/erasure`,
      headers,
      payload: {},
    })
    assert.equal(erased.statusCode, 200, erased.body)
    const state = await stateOf(db, household.id)
    assert.equal(state.household.lastName, '')
    assert.equal(state.household.rectifiedFields, null)
  })
})
