import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { createDb, type Db, type Engine } from '../src/server/db/database.js'
import { migrateToLatest } from '../src/server/db/migrate.js'

/** Which engine this test run uses: `TEST_DATABASE=postgres` selects PostgreSQL, anything else SQLite. */
export function testEngine(): Engine {
  return process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite'
}

export function postgresAdminUrl(): string {
  return process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
}

export interface TestDatabase {
  db: Db
  url: string
  engine: Engine
  /** Closes the handle and drops the database (PostgreSQL) or lets it vanish (in-memory SQLite). */
  destroy(): Promise<void>
}

/**
 * A fresh, migrated database for one test file: in-memory SQLite, or a new PostgreSQL database dropped afterwards.
 * `file` asks for an on-disk SQLite database instead (for tests that open it from two handles).
 */
export async function createTestDatabase(options: { sqliteFile?: string } = {}): Promise<TestDatabase> {
  if (testEngine() === 'postgres') {
    const name = `allervers_test_${process.pid}_${randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: postgresAdminUrl() })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name}`)
    await admin.end()
    const url = new URL(postgresAdminUrl())
    url.pathname = `/${name}`
    const db = createDb(url.toString(), { poolSize: 20 })
    await migrateToLatest(db)
    return {
      db,
      url: url.toString(),
      engine: 'postgres',
      async destroy() {
        await db.destroy()
        const cleanup = new pg.Client({ connectionString: postgresAdminUrl() })
        await cleanup.connect()
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await cleanup.end()
      },
    }
  }
  const url = options.sqliteFile ? `sqlite:${options.sqliteFile}` : 'sqlite::memory:'
  const db = createDb(url)
  await migrateToLatest(db)
  return { db, url, engine: 'sqlite', destroy: () => db.destroy() }
}
