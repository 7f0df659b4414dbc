import { CompiledQuery } from 'kysely'
import type { Db } from './database.js'
import type { Database } from './schema.js'

const snake = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)
const texts = new Map<string, string>()

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
  // SQLite binds at most 32,766 values per statement; PostgreSQL 65,535.
  const perStatement = Math.max(1, Math.floor(30_000 / columns.length))
  for (let start = 0; start < rows.length; start += perStatement) {
    const slice = rows.slice(start, start + perStatement)
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
