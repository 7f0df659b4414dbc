import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { createTestDatabase } from '../../../test/database.js'
import { inTransaction } from './database.js'
import { rawExecute, rawRows } from './raw.js'

describe('hot-path SQL (raw.ts)', () => {
  it('runs the same text many times at once, with other values, and answers each with its own rows', async (t) => {
    const { db, destroy } = await createTestDatabase()
    t.after(destroy)
    await sql`create table raw_probe (id integer primary key, label text not null)`.execute(db)
    for (let id = 1; id <= 40; id++)
      await rawExecute(db, 'insert into raw_probe (id, label) values (?, ?)', [id, `n${id}`])
    // More requests than pooled connections: each connection prepares the text once and reuses it.
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        rawRows<{ label: string }>(db, 'select label from raw_probe where id = ?', [(index % 40) + 1]),
      ),
    )
    assert.deepEqual(
      answers.map((rows) => rows.map((row) => row.label)),
      Array.from({ length: 200 }, (_, index) => [`n${(index % 40) + 1}`]),
    )
    if (db.engine === 'postgres') {
      const [prepared] = await rawRows<{ count: number }>(
        db,
        "select count(*)::integer as count from pg_prepared_statements where name like 'allervers\\_%'",
        [],
      )
      // This very statement is prepared on the connection that ran it.
      assert.ok(prepared.count >= 1)
    }
  })

  it('still answers a prepared `*` after a column was added to its table (a migration by another instance)', async (t) => {
    const { db, destroy } = await createTestDatabase()
    t.after(destroy)
    await sql`create table raw_probe (id integer primary key, label text not null)`.execute(db)
    await rawExecute(db, 'insert into raw_probe (id, label) values (?, ?)', [1, 'one'])
    const read = () => rawRows<Record<string, unknown>>(db, 'select * from raw_probe where id = ?', [1])
    // Enough times on every connection for PostgreSQL to keep a generic plan.
    for (let round = 0; round < 8; round++) await Promise.all(Array.from({ length: 25 }, read))
    await sql`alter table raw_probe add column note text`.execute(db)
    const after = await Promise.all(Array.from({ length: 25 }, read))
    for (const rows of after) assert.deepEqual(rows, [{ id: 1, label: 'one', note: null }])
    // Inside a transaction the first read of the changed table may fail (the transaction is then lost, and the
    // caller sees the error); the next one outside a transaction works again.
    await sql`alter table raw_probe add column other text`.execute(db)
    await inTransaction(db, (tx) => rawRows(tx, 'select * from raw_probe where id = ?', [1])).catch(() => {})
    const again = await Promise.all(Array.from({ length: 25 }, read))
    for (const rows of again) assert.deepEqual(rows, [{ id: 1, label: 'one', note: null, other: null }])
  })
})
