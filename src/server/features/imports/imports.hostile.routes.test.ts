// Issue 12: imports cannot hurt the service. Hostile workbooks and files are refused with 422 naming the limit they
// crossed, read in a worker while the server keeps answering its health checks; uploads stay private, bound to who
// made them, and are deleted once imported, refused, cut short or abandoned; the rejected rows never carry a formula.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it, type TestContext } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeOrganization, makeUser, type TestUser } from '../../../../test/factories.js'
import {
  hostileFiles,
  repeatedDeflate,
  STRINGS_END,
  STRINGS_START,
  workbook,
} from '../../../../test/fixtures/imports/hostile.js'
import { multipart, waitForImport } from '../../../../test/fixtures/imports/http.js'
import { upsertMembership } from '../users/users.queries.js'

const fixture = (name: string) => join(import.meta.dirname, '../../../../test/fixtures/imports', name)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A test app whose uploads go to a folder of its own (so that the test can see it empty). */
async function hostileApp(t: TestContext, env: NodeJS.ProcessEnv = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'allervers-uploads-test-'))
  t.after(() => rmSync(dataDir, { recursive: true, force: true }))
  const test = await buildTestApp(t, { DATA_DIR: dataDir, ...env })
  const organization = await makeOrganization(test.db, { code: `HOST-${randomUUID().slice(0, 8)}` })
  const manager = await makeUser(test.db, 'manager', { organizationId: organization.id })
  const headers = await test.loginAs(manager)
  const uploadsFolder = join(dataDir, 'uploads')
  const post = (url: string, fields: Record<string, string>, file?: { name: string; content: Buffer }) => {
    const form = multipart(fields, file)
    return test.app.inject({ method: 'POST', url, payload: form.payload, headers: { ...headers, ...form.headers } })
  }
  return { ...test, organization, manager, headers, uploadsFolder, post }
}

/**
 * Runs `work` while asking /api/health every 50 ms: each answer's time is measured (the server's own thread must stay
 * free while a worker reads the file).
 */
async function whileWatchingHealth<T>(app: Awaited<ReturnType<typeof buildTestApp>>['app'], work: () => Promise<T>) {
  let done = false
  const timings: number[] = []
  const watching = (async () => {
    while (!done) {
      const started = performance.now()
      const health = await app.inject({ url: '/api/health' })
      timings.push(performance.now() - started)
      assert.equal(health.statusCode, 200)
      await sleep(50)
    }
  })()
  try {
    return { result: await work(), timings }
  } finally {
    done = true
    await watching
  }
}

async function waitUntilEmpty(folder: string) {
  for (let tries = 0; tries < 100 && readdirSync(folder).length > 0; tries++) await sleep(50)
  return readdirSync(folder)
}

describe('hostile imports', () => {
  it('refuses each hostile workbook or file with 422 naming the limit, health stays fast, nothing is kept', async (t) => {
    const { app, db, post, uploadsFolder } = await hostileApp(t)
    const files = hostileFiles()
    for (const [name, file] of Object.entries(files)) {
      const { result: refused, timings } = await whileWatchingHealth(app, () =>
        post('/api/imports/preview', {}, { name: `${name}.xlsx`, content: file.content }),
      )
      assert.equal(refused.statusCode, 422, `${name}: ${refused.body}`)
      const { error } = refused.json()
      assert.equal(error.code, 'UNPROCESSABLE', name)
      assert.equal(error.details.field, 'file', name)
      if (file.limit) {
        assert.equal(error.details.limit, file.limit, `${name}: ${error.message}`)
        assert.ok(error.details.max > 0 && error.details.found > error.details.max, name)
        assert.match(error.details.setting, /^IMPORT_/, name)
      } else assert.equal(error.details.limit, undefined, `${name}: ${error.message}`)
      assert.ok(timings.length >= 1, name)
      assert.ok(
        timings.every((ms) => ms < 1000),
        `${name}: health answered in ${timings.map(Math.round).join(', ')} ms`,
      )
      assert.deepEqual(await waitUntilEmpty(uploadsFolder), [], `${name}: its upload is deleted`)
    }
    // The longest refusal (the row bomb, read up to its millionth row) had several health checks during it.
    const { timings } = await whileWatchingHealth(app, () =>
      post('/api/imports/preview', {}, { name: 'bomb.xlsx', content: files.rowBomb.content }),
    )
    assert.ok(timings.length >= 3, `${timings.length} health checks during the row bomb`)
    assert.ok(
      timings.every((ms) => ms < 1000),
      `health answered in ${timings.map(Math.round).join(', ')} ms`,
    )

    // The import itself reads through the worker too, with the same limits.
    const started = await post(
      '/api/imports',
      { organization: (await db.selectFrom('organization').select('code').executeTakeFirstOrThrow()).code },
      { name: 'far.xlsx', content: files.farRight.content },
    )
    assert.equal(started.statusCode, 422)
    assert.equal(started.json().error.details.limit, 'maxColumns')
    assert.deepEqual(await waitUntilEmpty(uploadsFolder), [])

    // The server lives on: a real file is read as before.
    const good = await post(
      '/api/imports/preview',
      {},
      { name: 'ok.csv', content: readFileSync(fixture('tenants-cp1252.csv')) },
    )
    assert.equal(good.statusCode, 200, good.body)
    assert.equal(good.json().rowCount, 8)
    // Refusals are audited with the limit, never the file's name.
    const refusals = await db.selectFrom('auditEvent').selectAll().where('action', '=', 'import.preview').execute()
    assert.ok(refusals.some((event) => JSON.parse(event.details ?? '{}').refused === 'maxColumns'))
    assert.ok(refusals.every((event) => !(event.details ?? '').includes('.xlsx')))
  })

  it('stops a reader that needs more time or memory than allowed, and the server goes on', async (t) => {
    const slow = await hostileApp(t, { IMPORT_READER_SECONDS: '1' })
    const late = await slow.post(
      '/api/imports/preview',
      {},
      { name: 'b.xlsx', content: hostileFiles().rowBomb.content },
    )
    assert.equal(late.statusCode, 422, late.body)
    assert.deepEqual(
      [late.json().error.details.limit, late.json().error.details.setting],
      ['seconds', 'IMPORT_READER_SECONDS'],
    )
    assert.match(late.json().error.message, /takes longer than the 1 s allowed/)

    // Four million two-letter texts in 32 MB of heap, with the count limit lifted: only the heap stops them.
    const small = await hostileApp(t, { IMPORT_READER_MEMORY_MB: '32', IMPORT_MAX_SHARED_STRINGS: '100000000' })
    const manyTexts = workbook(
      `<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row></sheetData></worksheet>`,
      { sharedStrings: repeatedDeflate(STRINGS_START, '<si><t>ab</t></si>'.repeat(40_000), 100, STRINGS_END) },
    )
    const heavy = await small.post('/api/imports/preview', {}, { name: 't.xlsx', content: manyTexts })
    assert.equal(heavy.statusCode, 422, heavy.body)
    assert.equal(heavy.json().error.details.limit, 'memoryMb')
    assert.match(heavy.json().error.message, /needs more than the 32 MB of memory allowed/)
    const good = await small.post(
      '/api/imports/preview',
      {},
      { name: 'ok.xlsx', content: readFileSync(fixture('tenants.xlsx')) },
    )
    assert.equal(good.statusCode, 200, good.body)
    assert.equal((await small.app.inject({ url: '/api/health' })).statusCode, 200)
  })

  it('refuses a cell limit and a row limit set lower by the administrator, for CSV too', async (t) => {
    const { post } = await hostileApp(t, { IMPORT_MAX_CELLS: '200', IMPORT_MAX_ROWS: '5' })
    const csv = readFileSync(fixture('tenants-cp1252.csv'))
    const rows = await post('/api/imports/preview', {}, { name: 'l.csv', content: csv })
    assert.equal(rows.statusCode, 422)
    assert.deepEqual(rows.json().error.details, {
      field: 'file',
      limit: 'maxRows',
      max: 5,
      found: 6,
      setting: 'IMPORT_MAX_ROWS',
    })
    const wide = Buffer.from(`${Array.from({ length: 150 }, (_, i) => `C${i}`).join(';')}\n${'x;'.repeat(149)}x\n`)
    const cells = await post('/api/imports/preview', {}, { name: 'w.csv', content: wide })
    assert.equal(cells.statusCode, 422)
    assert.equal(cells.json().error.details.limit, 'maxCells')
  })

  it('binds an upload to its user and organisation: anyone else, or another organisation, gets 404', async (t) => {
    const { app, db, post, organization, manager, uploadsFolder, loginAs } = await hostileApp(t)
    const other = await makeOrganization(db, { code: `OTHER-${randomUUID().slice(0, 8)}` })
    const csv = { name: 'l.csv', content: readFileSync(fixture('tenants-cp1252.csv')) }
    const preview = await post('/api/imports/preview', { organization: organization.code }, csv)
    assert.equal(preview.statusCode, 200, preview.body)
    const { uploadId } = preview.json()
    // Private: the folder is the server's alone, each file its owner's alone.
    assert.equal(statSync(uploadsFolder).mode & 0o777, 0o700)
    const files = readdirSync(uploadsFolder)
    assert.equal(files.length, 2) // the bytes, and who they belong to
    for (const name of files) assert.equal(statSync(join(uploadsFolder, name)).mode & 0o777, 0o600)

    const start = async (user: TestUser, organizationCode: string) => {
      const form = multipart({ uploadId, organization: organizationCode })
      return app.inject({
        method: 'POST',
        url: '/api/imports',
        payload: form.payload,
        headers: { ...(await loginAs(user)), ...form.headers },
      })
    }
    // The manager of another organisation cannot import it there.
    const stranger = await start(await makeUser(db, 'manager', { organizationId: other.id }), other.code)
    assert.equal(stranger.statusCode, 404, stranger.body)
    // Nor can its maker, once manager of the other organisation too, import it for that one.
    await upsertMembership(db, { userId: manager.id, organizationId: other.id, role: 'manager' })
    const elsewhere = await start(manager, other.code)
    assert.equal(elsewhere.statusCode, 404, elsewhere.body)
    // It is still there for its own organisation, and deleted once imported.
    const own = await start(manager, organization.code)
    assert.equal(own.statusCode, 202, own.body)
    const done = await waitForImport(app, own.json().import.id, await loginAs(manager))
    assert.equal(done.status, 'done')
    assert.deepEqual(await waitUntilEmpty(uploadsFolder), [])
    const again = await start(manager, organization.code)
    assert.equal(again.statusCode, 404)
  })

  it('deletes a file over the size limit, a file the client stopped sending, and uploads left by a stopped server', async (t) => {
    const { app, post, uploadsFolder, headers } = await hostileApp(t, { IMPORT_MAX_UPLOAD_MB: '1' })
    const big = await post('/api/imports/preview', {}, { name: 'big.csv', content: Buffer.alloc(1536 * 1024, 'a;b\n') })
    assert.equal(big.statusCode, 413)
    assert.deepEqual(
      [big.json().error.details.limit, big.json().error.details.max, big.json().error.details.setting],
      ['fileBytes', 1024 * 1024, 'IMPORT_MAX_UPLOAD_MB'],
    )
    assert.deepEqual(await waitUntilEmpty(uploadsFolder), [])

    // A client that goes away half-way through its upload.
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as { port: number }
    const form = multipart({}, { name: 'cut.csv', content: Buffer.alloc(512 * 1024, 'a;b\n') })
    await new Promise<void>((resolve) => {
      const request = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/imports/preview',
        headers: { ...headers, ...form.headers, 'content-length': String(form.payload.length) },
      })
      request.on('error', () => resolve())
      request.on('close', () => resolve())
      request.write(form.payload.subarray(0, 300 * 1024), () => {
        // Some of it is on disk by now: then the client is gone.
        setTimeout(() => request.destroy(), 200)
      })
    })
    assert.deepEqual(await waitUntilEmpty(uploadsFolder), [], 'the partial file is deleted')

    // Uploads of a server process that no longer runs are swept when the next one starts.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
    const pid = Number(gone.stdout)
    const id = randomUUID()
    writeFileSync(join(uploadsFolder, id), 'Référence;Nom\nR1;Durand\n')
    writeFileSync(
      join(uploadsFolder, `${id}.json`),
      JSON.stringify({ owner: { userId: 'u', organizationId: null }, fileName: 'x', pid, createdAt: Date.now() }),
    )
    const dataDir = join(uploadsFolder, '..')
    const next = await buildTestApp(t, { DATA_DIR: dataDir })
    assert.ok(next.app)
    assert.deepEqual(readdirSync(uploadsFolder), [])
  })

  it('writes the rejected rows with their formulas neutralised, and audits the preview and that download', async (t) => {
    const { app, db, post, organization, headers } = await hostileApp(t)
    const file = Buffer.from(
      [
        'Référence;Nom;Prénom;Note',
        'R1;Durand;Jean;rien',
        ';=HYPERLINK("http://evil.example/","Cliquez");@SUM(1+1);+33 6 12 34 56 78',
        '-R3;;Paul;-12,5',
      ].join('\r\n'),
    )
    const preview = await post('/api/imports/preview', {}, { name: 'Dupont Jean.csv', content: file })
    assert.equal(preview.statusCode, 200, preview.body)
    const events = await db.selectFrom('auditEvent').selectAll().where('action', '=', 'import.preview').execute()
    assert.equal(events.length, 1)
    assert.deepEqual(
      [events[0].entityType, events[0].entityId, events[0].organizationId],
      ['upload', preview.json().uploadId, organization.id],
    )
    assert.deepEqual(JSON.parse(events[0].details!), { format: 'csv', rows: 3, columns: 4 })

    const started = await post('/api/imports', {
      uploadId: preview.json().uploadId,
      organization: organization.code,
    })
    assert.equal(started.statusCode, 202, started.body)
    const done = await waitForImport(app, started.json().import.id, headers)
    assert.equal(done.report.rejected.length, 2)
    const rejected = await app.inject({ url: `/api/imports/${done.id}/rejected.csv`, headers })
    assert.equal(rejected.statusCode, 200)
    const lines = rejected.body.replace(/^\uFEFF/, '').split('\r\n')
    assert.equal(lines[0], 'Ligne;Motif;Référence;Nom;Prénom;Note')
    assert.equal(
      lines[1],
      `3;no household reference;;"'=HYPERLINK(""http://evil.example/"",""Cliquez"")";'@SUM(1+1);+33 6 12 34 56 78`,
    )
    assert.equal(lines[2], "4;no name;'-R3;;Paul;-12,5")
    const read = await db.selectFrom('auditEvent').selectAll().where('action', '=', 'import.rejected_read').execute()
    assert.equal(read.length, 1)
    assert.deepEqual([read[0].entityId, JSON.parse(read[0].details!)], [done.id, { rows: 2 }])
  })
})
