import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeOrganization, makeUser } from '../../../../test/factories.js'
import { multipart, waitForImport } from '../../../../test/fixtures/imports/http.js'

const fixture = (name: string) => join(import.meta.dirname, '../../../../test/fixtures/imports', name)

describe('imports over HTTP', () => {
  it('previews a file, runs the import in the background, reports it and serves the rejected rows', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db, { code: 'TDL-IMPORT' })
    const headers = await loginAs(await makeUser(db, 'manager', { organizationId: organization.id }))
    const file = { name: 'locataires.csv', content: readFileSync(fixture('tenants-cp1252.csv')) }
    const preview = await app.inject({
      method: 'POST',
      url: '/api/imports/preview',
      ...multipart({}, file),
      headers: { ...headers, ...multipart({}, file).headers },
    })
    assert.equal(preview.statusCode, 200)
    const body = preview.json()
    assert.deepEqual([body.format, body.encoding, body.separator, body.rowCount], ['csv', 'windows-1252', ';', 8])
    assert.equal(body.mapping[0], 'externalRef')

    const start = multipart({
      uploadId: body.uploadId,
      organization: 'TDL-IMPORT',
      mapping: JSON.stringify(body.mapping),
      saveMappingAs: 'Export GIM',
    })
    const started = await app.inject({
      method: 'POST',
      url: '/api/imports',
      payload: start.payload,
      headers: { ...headers, ...start.headers },
    })
    assert.equal(started.statusCode, 202)
    const done = await waitForImport(app, started.json().import.id, headers)
    assert.equal(done.status, 'done')
    assert.deepEqual(done.report.households, { created: 4, updated: 0, unchanged: 0, left: 0 })
    assert.equal(done.report.rejected.length, 2)
    // The stored report keeps the headers and whole rejected rows for the CSV; the answer names neither.
    assert.deepEqual([done.report.headers, done.report.rejectedRows], [undefined, undefined])
    assert.ok(done.createdAt && done.finishedAt)

    const rejected = await app.inject({ url: `/api/imports/${done.id}/rejected.csv`, headers })
    assert.equal(rejected.statusCode, 200)
    assert.ok(rejected.body.startsWith('\uFEFFLigne;Motif;N° locataire;Nom'))
    assert.match(rejected.body, /\r\n7;no household reference;;Sans;/)
    const mappings = await app.inject({ url: '/api/import-mappings?organization=TDL-IMPORT', headers })
    assert.equal(mappings.json().items[0].name, 'Export GIM')
  })

  it('refuses an unreadable file with 422 and the reason, and a caller with 403', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const headers = await loginAs(await makeUser(db, 'manager', { organizationId: organization.id }))
    const broken = multipart({}, { name: 'casse.csv', content: readFileSync(fixture('broken-quote.csv')) })
    const refused = await app.inject({
      method: 'POST',
      url: '/api/imports/preview',
      payload: broken.payload,
      headers: { ...headers, ...broken.headers },
    })
    assert.equal(refused.statusCode, 422)
    assert.match(refused.json().error.message, /^Line 2: a quote/)
    const caller = await loginAs(await makeUser(db, 'caller', { organizationId: organization.id }))
    const forbidden = await app.inject({
      method: 'POST',
      url: '/api/imports/preview',
      payload: broken.payload,
      headers: { ...caller, ...broken.headers },
    })
    assert.equal(forbidden.statusCode, 403)
  })

  it('checks the form against the contract: an upload id that is not one, or an unknown part, is refused', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db, { code: 'TDL-FORM' })
    const headers = await loginAs(await makeUser(db, 'manager', { organizationId: organization.id }))
    const post = (fields: Record<string, string>) => {
      const form = multipart(fields)
      return app.inject({
        method: 'POST',
        url: '/api/imports',
        payload: form.payload,
        headers: { ...headers, ...form.headers },
      })
    }
    const outside = await post({ uploadId: '../../../etc/passwd-0000000000000000000', organization: 'TDL-FORM' })
    assert.equal(outside.statusCode, 400)
    assert.equal(outside.json().error.details[0].field, 'uploadId')
    const unknown = await post({ uploadId: randomUUID(), organization: 'TDL-FORM', colour: 'blue' })
    assert.equal(unknown.statusCode, 400)
    assert.equal(unknown.json().error.details[0].field, 'colour')
    const gone = await post({ uploadId: randomUUID(), organization: 'TDL-FORM' })
    assert.equal(gone.statusCode, 404)
  })
})
