import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import SQLite from 'better-sqlite3'
import { CamelCasePlugin, Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import Cursor from 'pg-cursor'
import { startCheckpointer } from './checkpointer.js'
import { usePreparedStatements, withStatementCache } from './raw.js'
import type { Database } from './schema.js'

export type Engine = 'sqlite' | 'postgres'

/** The application's handle on the database: a typed Kysely instance that also knows which engine it talks to. */
export type Db = Kysely<Database> & {
  readonly engine: Engine
  /** The SQLite file behind this handle (absent in memory and on PostgreSQL): long reads open their own connection. */
  readonly sqliteFile?: string
  /** The PostgreSQL server behind this handle: the change listener (broadcast.ts) opens its own connection there. */
  readonly postgresUrl?: string
  /** PostgreSQL: what this handle's pool holds right now (GET /metrics). */
  readonly poolState?: () => PoolState
  /** PostgreSQL: when (`Date.now()`) a query of this handle's pool last got its answer; 0 before the first. */
  readonly lastAnsweredAt?: () => number
}

/** A PostgreSQL pool at one moment: its connections busy and idle, the queries waiting for one, and its size. */
export interface PoolState {
  busy: number
  idle: number
  waiting: number
  max: number
}

// PostgreSQL returns bigint (int8) as a string; arrears in cents fit comfortably in a JS number.
pg.types.setTypeParser(20, (value) => Number(value))

export function engineOf(databaseUrl: string): Engine {
  return /^postgres(ql)?:\/\//.test(databaseUrl) ? 'postgres' : 'sqlite'
}

export function sqlitePathOf(databaseUrl: string): string {
  const path = databaseUrl.replace(/^sqlite:(\/\/)?/, '')
  return path === ':memory:' ? path : resolve(path)
}

export interface CreateDbOptions {
  /** PostgreSQL pool size; several app instances each hold their own pool. */
  poolSize?: number
}

/** Opens the database named by a DATABASE_URL: a SQLite file (WAL) or a PostgreSQL server. */
export function createDb(databaseUrl: string, options: CreateDbOptions = {}): Db {
  const engine = engineOf(databaseUrl)
  let kysely: Kysely<Database>
  let sqliteFile: string | undefined
  let poolState: (() => PoolState) | undefined
  let lastAnsweredAt: (() => number) | undefined
  if (engine === 'postgres') {
    const max = options.poolSize ?? 10
    const pool = new pg.Pool({ connectionString: databaseUrl, max })
    poolState = () => ({
      busy: pool.totalCount - pool.idleCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max,
    })
    // A connection the server ends while it sits idle in the pool (restart, administrator, a dropped test database)
    // is an 'error' on the pool, which crashed the process without a listener. The pool has already let that
    // connection go; the next query opens another.
    pool.on('error', (error) => process.emitWarning(`PostgreSQL connection lost: ${error.message}`))
    // The hot paths' statements (raw.ts) are prepared once per connection. Each answer is noted: while every
    // connection is busy, a readiness probe knows from it that the server answers without waiting for one.
    let answeredAt = 0
    lastAnsweredAt = () => answeredAt
    pool.on('connect', (client) => {
      usePreparedStatements(client)
      noteAnswers(client, () => {
        answeredAt = Date.now()
      })
    })
    // `cursor` lets Kysely's `.stream()` read a large export in batches instead of loading every row.
    kysely = new Kysely<Database>({
      dialect: new PostgresDialect({ pool, cursor: Cursor }),
      plugins: [new CamelCasePlugin()],
    })
  } else {
    const path = sqlitePathOf(databaseUrl)
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true })
      sqliteFile = path
    }
    const sqlite = new SQLite(path)
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('synchronous = NORMAL')
    sqlite.pragma('foreign_keys = ON')
    sqlite.pragma('busy_timeout = 5000')
    // 64 MB of page cache instead of 2 MB: a grouped commit of many claims and outcomes dirties more pages than the
    // default holds, and spilling them mid-transaction cost more than the memory (docs/decisions.md).
    sqlite.pragma('cache_size = -65536')
    // A file's WAL is checkpointed by a worker thread (checkpointer.ts), off the request path; the connection's own
    // checkpoint is a backstop at ~64 MB. In memory there is no WAL: ~16 MB as before.
    sqlite.pragma(`wal_autocheckpoint = ${sqliteFile ? 16_000 : 4000}`)
    const checkpointer = sqliteFile ? startCheckpointer(sqliteFile) : undefined
    kysely = new Kysely<Database>({
      // Prepared statements are reused by text (raw.ts): claims and outcomes run the same few over and over.
      dialect: new SqliteDialect({ database: withStatementCache(sqlite, () => checkpointer?.stop()) }),
      plugins: [new CamelCasePlugin()],
    })
  }
  const postgresUrl = engine === 'postgres' ? databaseUrl : undefined
  return Object.assign(kysely, { engine, sqliteFile, postgresUrl, poolState, lastAnsweredAt }) as Db
}

/** Calls `onAnswer` each time a query of this connection resolves (a cursor, not a promise, is left alone). */
function noteAnswers(client: pg.ClientBase, onAnswer: () => void) {
  const query = client.query
  client.query = function (this: pg.ClientBase, ...args: unknown[]) {
    const result = (query as (...args: unknown[]) => unknown).apply(this, args)
    if (result instanceof Promise) result.then(onAnswer, () => {})
    return result
  } as typeof client.query
}

/** Long reads of one process on PostgreSQL, each on a connection of its own (openLongReader). */
let longReadsInFlight = 0
/** Beyond this many at once, a long read takes a connection of the pool like any query. */
export const MAX_OWN_LONG_READS = 2

/** How many long reads of this process hold a PostgreSQL connection of their own right now (GET /metrics). */
export function ownLongReadsOpen(): number {
  return longReadsInFlight
}

/**
 * A handle for one long read (a streamed export), which holds its connection until the last row. It never holds one of
 * the connections the calls share: Kysely's SQLite driver has one connection behind a mutex, and PostgreSQL's pool is
 * sized for short statements (DATABASE_POOL_SIZE), so a download of a million rows would stall the calls or leave them
 * a connection short. A SQLite file therefore gets its own read-only connection for the read (WAL lets it read a
 * consistent snapshot while others write), and PostgreSQL a connection of its own, opened for the read and closed
 * after it, up to MAX_OWN_LONG_READS at once per process (then the pool's). In-memory SQLite (tests) cannot be opened
 * twice and uses the app's handle. Close it when the read is over.
 */
export function openLongReader(db: Db): { reader: Db; close(): Promise<void> } {
  if (db.engine === 'postgres' && db.postgresUrl && longReadsInFlight < MAX_OWN_LONG_READS) {
    longReadsInFlight++
    // A handle like the app's, on a pool of one connection that connects at the read's first query.
    const reader = createDb(db.postgresUrl, { poolSize: 1 })
    let isClosed = false
    return {
      reader,
      close: async () => {
        if (isClosed) return
        isClosed = true
        longReadsInFlight--
        await reader.destroy()
      },
    }
  }
  if (db.engine !== 'sqlite' || !db.sqliteFile) return { reader: db, close: async () => {} }
  const sqlite = new SQLite(db.sqliteFile, { readonly: true, fileMustExist: true })
  sqlite.pragma('busy_timeout = 5000')
  const kysely = new Kysely<Database>({
    dialect: new SqliteDialect({ database: sqlite }),
    plugins: [new CamelCasePlugin()],
  })
  const reader = Object.assign(kysely, { engine: 'sqlite' as const, sqliteFile: db.sqliteFile }) as Db
  return { reader, close: () => kysely.destroy() }
}

/** Runs `work` in one transaction; the handle it receives is a Db like any other, so queries accept either. */
export async function inTransaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => work(Object.assign(trx, { engine: db.engine }) as unknown as Db))
}
