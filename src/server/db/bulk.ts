import { CompiledQuery, type RawBuilder, sql } from 'kysely'
import type { Db } from './database.js'
import { statementText } from './raw.js'
import type { Database } from './schema.js'

const snake = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)
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
  if (db.engine === 'postgres') {
    const types = await columnTypes(db, snake(table))
    if (columns.every((column) => types.has(snake(column)))) return insertByArrays(db, table, columns, rows, types)
  }
  // SQLite binds at most 32,766 values per statement; PostgreSQL 65,535. Beyond ~100 rows a statement gains little, and its prepared form weighs more.
  const perStatement = Math.max(1, Math.min(MAX_ROWS, Math.floor(30_000 / columns.length)))
  for (let start = 0; start < rows.length; ) {
    // Full statements, then the rest in powers of two: a handful of statement shapes per table, so the prepared
    // statements cached by the driver stay few (a cached statement of thousands of parameters weighs about a megabyte).
    const remaining = rows.length - start
    const size = remaining >= perStatement ? perStatement : 2 ** Math.floor(Math.log2(remaining))
    const slice = rows.slice(start, start + size)
    start += size
    const text = statementText(db.engine, `bulk:${table}:${columns.join(',')}:${slice.length}`, () => {
      let index = 0
      const tuple = () => `(${columns.map(() => (db.engine === 'postgres' ? `$${++index}` : '?')).join(', ')})`
      return `insert into "${snake(table)}" (${columns.map((column) => `"${snake(column)}"`).join(', ')}) values ${slice.map(tuple).join(', ')}`
    })
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

const PG_ARRAY_ROWS = 5000
const pgColumnTypes = new Map<string, Map<string, string>>()

/** A table's column types on PostgreSQL (read once per table), for the array casts of `insertByArrays`. */
async function columnTypes(db: Db, table: string): Promise<Map<string, string>> {
  let types = pgColumnTypes.get(table)
  if (!types) {
    const result = await db.executeQuery<Record<string, string>>(
      CompiledQuery.raw(
        'select column_name as name, data_type as type from information_schema.columns where table_schema = current_schema() and table_name = $1',
        [table],
      ),
    )
    types = new Map(
      result.rows
        // Enums and arrays have no plain `type[]` spelling: such a table keeps the multi-row statements.
        .filter((row) => row.type !== 'USER-DEFINED' && row.type !== 'ARRAY')
        .map((row) => [row.name, row.type]),
    )
    pgColumnTypes.set(table, types)
  }
  return types
}

/**
 * PostgreSQL: one statement per 5,000 rows, `insert … select * from unnest($1::text[], $2::integer[], …)`, one array
 * parameter per column. The statement text has as many parameters as the table has columns, whatever the row count,
 * so the server parses a few hundred bytes instead of thousands of placeholders.
 */
async function insertByArrays<T extends keyof Database & string>(
  db: Db,
  table: T,
  columns: (keyof Database[T] & string)[],
  rows: ReadonlyArray<Database[T]>,
  types: Map<string, string>,
) {
  const casts = columns.map((column, index) => `$${index + 1}::${types.get(snake(column))}[]`)
  const text = `insert into "${snake(table)}" (${columns.map((column) => `"${snake(column)}"`).join(', ')}) select * from unnest(${casts.join(', ')})`
  for (let start = 0; start < rows.length; start += PG_ARRAY_ROWS) {
    const slice = rows.slice(start, start + PG_ARRAY_ROWS)
    const parameters = columns.map((column) =>
      slice.map((row) => (row as unknown as Record<string, unknown>)[column] ?? null),
    )
    await db.executeQuery(CompiledQuery.raw(text, parameters))
  }
}
