import { CompiledQuery, type RawBuilder, sql } from 'kysely'
import type { Db } from './database.js'
import type { Database } from './schema.js'

const snake = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)
const texts = new Map<string, string>()
const MAX_ROWS = 128

/**
 * Inserts many rows with one plain multi-row statement per slice. Kysely builds a syntax tree for every value, which
 * for an import of 200,000 households costs more time and memory than the database work itself; this path builds
 * the SQL text once per shape and binds values directly. Values are always bound parameters.
 */
export async function bulkInsert<T extends keyof Database & string>(
  db: Db,
  table: T,
  rows: ReadonlyArray<Database[T]>,
) {
  if (rows.length === 0) return
  const columns = Object.keys(rows[0] as object) as (keyof Database[T] & string)[]
  // SQLite binds at most 32,766 values per statement; PostgreSQL 65,535. Beyond ~100 rows a statement gains little, and its prepared form weighs more.
  const perStatement = Math.max(1, Math.min(MAX_ROWS, Math.floor(30_000 / columns.length)))
  for (let start = 0; start < rows.length; ) {
    // Full statements, then the rest in powers of two: a handful of statement shapes per table, so the prepared
    // statements cached by the driver stay few (a cached statement of thousands of parameters weighs about a megabyte).
    const remaining = rows.length - start
    const size = remaining >= perStatement ? perStatement : 2 ** Math.floor(Math.log2(remaining))
    const slice = rows.slice(start, start + size)
    start += size
    const key = `${db.engine}:${table}:${columns.join(',')}:${slice.length}`
    let text = texts.get(key)
    if (!text) {
      let index = 0
      const tuple = () => `(${columns.map(() => (db.engine === 'postgres' ? `$${++index}` : '?')).join(', ')})`
      text = `insert into "${snake(table)}" (${columns.map((column) => `"${snake(column)}"`).join(', ')}) values ${slice.map(tuple).join(', ')}`
      if (texts.size > 200) texts.clear()
      texts.set(key, text)
    }
    const parameters: unknown[] = new Array(slice.length * columns.length)
    let position = 0
    for (const row of slice)
      for (const column of columns) parameters[position++] = (row as unknown as Record<string, unknown>)[column] ?? null
    await db.executeQuery(CompiledQuery.raw(text, parameters))
  }
}

/**
 * A list of text values as ONE bound parameter, whatever its length, for `where(column, 'in', valuesIn(db, list))`:
 * a JSON array read by `json_each` on SQLite, a text[] on PostgreSQL. One statement text for every list, so the driver
 * prepares it once; an `in (?, ?, …)` list gives a new statement, prepared and cached, for every length.
 */
export function valuesIn(db: Db, values: readonly string[]): RawBuilder<string> {
  return db.engine === 'postgres'
    ? sql<string>`(select unnest(${values}::text[]))`
    : sql<string>`(select value from json_each(${JSON.stringify(values)}))`
}
