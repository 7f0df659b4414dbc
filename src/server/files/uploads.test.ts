import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, it, type TestContext } from 'node:test'
import { UploadStore, UploadTooLargeError } from './uploads.js'

function store(t: TestContext, options = { maxBytes: 1024, maxAgeMs: 3600_000 }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'allervers-store-'))
  t.after(() => rmSync(dataDir, { recursive: true, force: true }))
  return new UploadStore(dataDir, options)
}

const owner = { userId: 'user-1', organizationId: 'org-1' }

describe('the upload folder', () => {
  it('is private, keeps each upload for its user and organisation only, and deletes it when asked', async (t) => {
    const uploads = store(t)
    await uploads.prepare()
    assert.equal(statSync(uploads.folder).mode & 0o777, 0o700)
    const upload = await uploads.receive(Readable.from([Buffer.from('Référence;Nom\n')]), 'x.csv', owner)
    for (const name of readdirSync(uploads.folder)) {
      assert.equal(statSync(join(uploads.folder, name)).mode & 0o777, 0o600, name)
    }
    assert.equal((await uploads.find(upload.id, owner))?.path, upload.path)
    assert.equal(await uploads.find(upload.id, { ...owner, userId: 'user-2' }), null)
    assert.equal(await uploads.find(upload.id, { ...owner, organizationId: 'org-2' }), null)
    assert.equal(await uploads.find('../../etc/passwd', owner), null)
    await uploads.remove(upload.id)
    assert.deepEqual(readdirSync(uploads.folder), [])
    assert.equal(await uploads.find(upload.id, owner), null)
  })

  it('binds an unbound upload to an organisation once it is known', async (t) => {
    const uploads = store(t)
    await uploads.prepare()
    const upload = await uploads.receive(Readable.from([Buffer.from('a;b\n')]), 'x.csv', {
      userId: 'user-1',
      organizationId: null,
    })
    assert.ok(await uploads.find(upload.id, { userId: 'user-1', organizationId: 'org-2' }))
    await uploads.bind(upload.id, 'org-1')
    assert.equal(await uploads.find(upload.id, { userId: 'user-1', organizationId: 'org-2' }), null)
    assert.ok(await uploads.find(upload.id, owner))
  })

  it('deletes what it received of a file that turns out too large, or that the sender stopped sending', async (t) => {
    const uploads = store(t)
    await uploads.prepare()
    const truncated = Object.assign(Readable.from([Buffer.alloc(1024)]), { truncated: true })
    await assert.rejects(uploads.receive(truncated, 'big.csv', owner), UploadTooLargeError)
    const broken = new Readable({
      read() {
        this.push(Buffer.alloc(100))
        this.destroy(new Error('aborted'))
      },
    })
    await assert.rejects(uploads.receive(broken, 'cut.csv', owner), /aborted/)
    assert.deepEqual(readdirSync(uploads.folder), [])
  })

  it('sweeps uploads older than allowed, those of stopped processes at start, and leftovers, never one in use', async (t) => {
    const uploads = store(t, { maxBytes: 1024, maxAgeMs: 60_000 })
    await uploads.prepare()
    const old = await uploads.receive(Readable.from([Buffer.from('a')]), 'old.csv', owner)
    const inUse = await uploads.receive(Readable.from([Buffer.from('b')]), 'busy.csv', owner)
    const fresh = await uploads.receive(Readable.from([Buffer.from('c')]), 'new.csv', owner)
    for (const id of [old.id, inUse.id]) {
      const description = join(uploads.folder, `${id}.json`)
      const text = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(description, 'utf8')))
      writeFileSync(description, JSON.stringify({ ...text, createdAt: Date.now() - 120_000 }))
    }
    uploads.claim(inUse.id)
    // A data file without its description, an hour old: a crash's leftover.
    writeFileSync(join(uploads.folder, 'leftover'), 'x')
    utimesSync(join(uploads.folder, 'leftover'), new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000))
    assert.equal(await uploads.sweep(), 2)
    assert.deepEqual(
      readdirSync(uploads.folder).sort(),
      [inUse.id, `${inUse.id}.json`, fresh.id, `${fresh.id}.json`].sort(),
    )

    await uploads.remove(inUse.id) // its import is over

    // At start, the uploads of a process that has ended go; those of a running one (this one) stay.
    const mine = await uploads.receive(Readable.from([Buffer.from('d')]), 'mine.csv', owner)
    const ended = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout)
    const description = join(uploads.folder, `${fresh.id}.json`)
    const text = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(description, 'utf8')))
    writeFileSync(description, JSON.stringify({ ...text, pid: ended }))
    const next = new UploadStore(join(uploads.folder, '..'), { maxBytes: 1024, maxAgeMs: 60_000 })
    await next.prepare()
    assert.deepEqual(readdirSync(uploads.folder).sort(), [mine.id, `${mine.id}.json`].sort())
  })
})
