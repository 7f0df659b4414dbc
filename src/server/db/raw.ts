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
 */
import type SQLite from 'better-sqlite3'
import { CompiledQuery } from 'kysely'
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
  return CompiledQuery.raw(spelledFor(db.engine, text), parameters)
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
