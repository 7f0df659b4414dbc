import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import pg from 'pg'
import { createTestDatabase, postgresAdminUrl, testEngine } from '../../../test/database.js'
import { createDb, MAX_OWN_LONG_READS, openLongReader } from './database.js'

describe('database handle', () => {
  it('outlives a PostgreSQL connection ended by the server while idle in the pool', {
    skip: testEngine() !== 'postgres',
  }, async (t) => {
    const { db, url, destroy } = await createTestDatabase()
    t.after(destroy)
    const name = new URL(url).pathname.slice(1)
    // A connection is opened, used, and left idle in the pool.
    await sql`select 1`.execute(db)
    const admin = new pg.Client({ connectionString: postgresAdminUrl() })
    await admin.connect()
    t.after(() => admin.end())
    const warned = new Promise<Error>((resolve) => process.once('warning', resolve))
    const ended = await admin.query(
      'select pg_terminate_backend(pid) as "ended" from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [name],
    )
    assert.ok(ended.rows.length > 0, 'an idle connection of the pool was ended')
    // Without a listener on the pool, this error would have ended the process.
    assert.match((await warned).message, /PostgreSQL connection lost/)
    const [row] = (await sql<{ n: number }>`select 2 as "n"`.execute(db)).rows
    assert.equal(row.n, 2, 'the next query opens another connection')
  })
  it('streams a long read on PostgreSQL through a connection of its own, never one the calls share', {
    skip: testEngine() !== 'postgres',
  }, async (t) => {
    const { url, destroy } = await createTestDatabase()
    t.after(destroy)
    // One connection for everything else: a long read taking it would leave every other query waiting.
    const db = createDb(url, { poolSize: 1 })
    t.after(() => db.destroy())
    const long = openLongReader(db)
    assert.notEqual(long.reader, db)
    const rows = long.reader
      .selectFrom(sql<{ g: number }>`generate_series(1, 100000)`.as('g'))
      .select(sql<number>`g`.as('g'))
      .stream(100)
    const iterator = rows[Symbol.asyncIterator]()
    const first = await iterator.next()
    assert.equal(first.value?.g, 1, 'the read has begun and holds its cursor')
    const answered = await Promise.race([
      sql<{ n: number }>`select 3 as "n"`.execute(db).then((result) => result.rows[0]?.n),
      new Promise((resolve) => setTimeout(() => resolve('waited'), 3000)),
    ])
    assert.equal(answered, 3, 'the pool’s only connection stays free while the read streams')
    // At most MAX_OWN_LONG_READS at once open their own; the next takes the pool's like any query.
    const others = Array.from({ length: MAX_OWN_LONG_READS - 1 }, () => openLongReader(db))
    assert.ok(others.every((other) => other.reader !== db))
    const beyond = openLongReader(db)
    assert.equal(beyond.reader, db)
    await beyond.close()
    // The read stops (as when the browser leaves a download), which gives its connection back, then closes.
    await iterator.return?.()
    await long.close()
    await long.close()
    for (const other of others) await other.close()
    // Closed (twice for the first: counted once): the next long read has its own connection again.
    const again = openLongReader(db)
    assert.notEqual(again.reader, db)
    await again.close()
  })
})
