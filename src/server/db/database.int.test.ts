import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import pg from 'pg'
import { createTestDatabase, postgresAdminUrl, testEngine } from '../../../test/database.js'

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
})
