/**
 * Hand-written SQL for the hot paths (claims and outcomes, bulk inserts), and the one statement cache behind it.
 *
 * Building a Kysely query costs more than SQLite takes to run a small one, and an import builds a syntax tree for
 * every value: these paths write their SQL once, as text, and bind values directly. Texts use `?` placeholders;
 * on PostgreSQL they become `$1…`, converted once per text. Rows still go through Kysely's plugins (CamelCasePlugin),
 * so they come back in camelCase like every other query.
 *
 * The cache has two levels, both bounded (the oldest entry is dropped first):
 * - a statement's text for each engine, by key (`statementText`): the PostgreSQL spelling of a `?` text, or a text
 *   built from a shape (a bulk insert's table, columns and row count);
 * - on a SQLite connection, the prepared statement of each text (`withStatementCache`, installed by `createDb`):
 *   better-sqlite3's prepare is a real cost, and Kysely prepares every query anew.
 * On PostgreSQL every text sent through `rawQuery` is a named prepared statement on each pooled connection
 * (`usePreparedStatements`, installed by `createDb`): parsed and planned once per connection instead of once per
 * request, which was more of the server's CPU than running them (docs/decisions.md).
 */
import { createHash } from 'node:crypto'
import type SQLite from 'better-sqlite3'
import { CompiledQuery } from 'kysely'
import type pg from 'pg'
import type { Db, Engine } from './database.js'

const TEXT_LIMIT = 1000
const PREPARED_LIMIT = 500

// One map per engine: a key is looked up as it is, never concatenated with the engine's name (hashing a new
// string of a kilobyte on every statement would cost more than the lookup saves).
const texts: Record<Engine, Map<string, string>> = { sqlite: new Map(), postgres: new Map() }

/** The statement text for `key` on this engine, built once by `build`. */
export function statementText(engine: Engine, key: string, build: () => string): string {
  const cache = texts[engine]
  let text = cache.get(key)
  if (text === undefined) {
    text = build()
    if (cache.size >= TEXT_LIMIT) cache.delete(cache.keys().next().value!)
    cache.set(key, text)
  }
  return text
}

/** A text with `?` placeholders as this engine spells it: unchanged for SQLite, `$1…` for PostgreSQL. */
function spelledFor(engine: Engine, text: string): string {
  if (engine !== 'postgres') return text
  return statementText(engine, text, () => {
    let index = 0
    return text.replace(/\?/g, () => `$${++index}`)
  })
}

/** `?, ?, ?` for a list of `count` values. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ')
}

/** A `?` text and its values, ready for `db.executeQuery`. The values array is kept as is (frozen, not copied). */
export function rawQuery(db: Db, text: string, parameters: unknown[]): CompiledQuery {
  const spelled = spelledFor(db.engine, text)
  if (db.engine === 'postgres') preparedNameOf(spelled)
  return CompiledQuery.raw(spelled, parameters)
}

// PostgreSQL texts prepared on every connection, by name. A name is the text's digest: the same on every connection
// and every instance, and never given to another text. Bounded: past the limit, new texts run unprepared.
const preparedNames = new Map<string, string>()
const PREPARED_NAMES_LIMIT = 200

function preparedNameOf(text: string): string | undefined {
  let name = preparedNames.get(text)
  if (name === undefined && preparedNames.size < PREPARED_NAMES_LIMIT) {
    name = `allervers_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`
    preparedNames.set(text, name)
  }
  return name
}

/**
 * Makes a PostgreSQL connection send the texts of `rawQuery` as named prepared statements: node-postgres parses a
 * name once per connection and then only binds and executes it, and PostgreSQL keeps its plan (a generic one once
 * it is no worse than the custom ones). Other queries (Kysely's) go through unchanged.
 *
 * A migration that adds a column to a table a prepared `*` reads makes PostgreSQL refuse the statement ("cached plan
 * must not change result type"): the statement is then dropped from the connection and run once unprepared (which
 * succeeds outside a transaction; inside one, the transaction has already failed and its caller sees the error).
 */
export function usePreparedStatements(client: pg.ClientBase) {
  const query = client.query
  const send = (text: string, values: unknown[], name: string | undefined) =>
    (query as (config: pg.QueryConfig) => Promise<pg.QueryResult>).call(
      client,
      name ? { name, text, values } : { text, values },
    )
  client.query = function (this: pg.ClientBase, ...args: unknown[]) {
    const [text, values, callback] = args
    const name = typeof text === 'string' && Array.isArray(values) && callback === undefined && preparedNames.get(text)
    if (!name) return (query as (...args: unknown[]) => unknown).apply(client, args)
    return send(text as string, values as unknown[], name).catch(async (error: { code?: string; message?: string }) => {
      if (error?.code !== '0A000' || !/cached plan must not change result type/.test(error.message ?? '')) throw error
      // Inside a failed transaction the statement cannot be dropped yet: the next use outside one will.
      await (query as (text: string) => Promise<unknown>).call(client, `deallocate "${name}"`).catch(() => {
        throw error
      })
      const parsed = (client as unknown as { connection?: { parsedStatements?: Record<string, string> } }).connection
        ?.parsedStatements
      if (parsed) delete parsed[name]
      return send(text as string, values as unknown[], undefined)
    })
  } as typeof client.query
}

/** Runs a `?` text and returns its rows. */
export async function rawRows<Row>(db: Db, text: string, parameters: unknown[]): Promise<Row[]> {
  return (await db.executeQuery<Row>(rawQuery(db, text, parameters))).rows
}

/** Runs a `?` text for its effect. */
export async function rawExecute(db: Db, text: string, parameters: unknown[]): Promise<void> {
  await db.executeQuery(rawQuery(db, text, parameters))
}

/**
 * A better-sqlite3 connection as Kysely's SQLite dialect sees it, whose `prepare` reuses the prepared statement of
 * a text seen before. `onClose` runs before the connection closes.
 */
export function withStatementCache(sqlite: SQLite.Database, onClose?: () => void, limit = PREPARED_LIMIT) {
  const cache = new Map<string, SQLite.Statement>()
  return {
    close: () => {
      onClose?.()
      sqlite.close()
    },
    prepare(sqlText: string) {
      let statement = cache.get(sqlText)
      // A statement still iterating (a streamed export) cannot run again until it is done: give a fresh one.
      if (statement?.busy) return sqlite.prepare(sqlText)
      if (!statement) {
        statement = sqlite.prepare(sqlText)
        if (cache.size >= limit) cache.delete(cache.keys().next().value!)
        cache.set(sqlText, statement)
      }
      return statement
    },
  }
}
