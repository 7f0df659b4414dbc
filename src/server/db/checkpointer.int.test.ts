import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import { createDb } from './database.js'

describe('WAL checkpoints off the request path', () => {
  it('copies committed pages into the database file from its own thread, the app connection never checkpointing', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'allervers-checkpoint-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const file = join(dir, 'app.sqlite')
    const db = createDb(`sqlite:${file}`)
    t.after(() => db.destroy())
    await sql`create table "blob" ("id" integer primary key, "body" text not null)`.execute(db)
    const sizeBefore = statSync(file).size
    // ~4 MB in one transaction: far below the app connection's own checkpoint threshold (~64 MB of WAL), so only the
    // checkpointer can move these pages into the database file.
    await db.transaction().execute(async (tx) => {
      for (let index = 0; index < 1000; index++) {
        await sql`insert into "blob" ("body") values (${'x'.repeat(4000)})`.execute(tx)
      }
    })
    const autocheckpoint = await sql<{ walAutocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db)
    assert.ok(Object.values(autocheckpoint.rows[0])[0] >= 16_000, 'the app connection checkpoints only as a backstop')
    let size = statSync(file).size
    for (let waited = 0; waited < 10_000 && size < sizeBefore + 4_000_000; waited += 50) {
      await sleep(50)
      size = statSync(file).size
    }
    assert.ok(size >= sizeBefore + 4_000_000, `database file ${size} bytes: the WAL was not checkpointed`)
    const [row] = (await sql<{ n: number }>`select count(*) as "n" from "blob"`.execute(db)).rows
    assert.equal(row.n, 1000)
  })
})
