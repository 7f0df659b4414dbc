import { sql } from 'kysely'
import type { Db } from '../src/server/db/database.js'

async function tablesOf(db: Db): Promise<string[]> {
  const tables = await db.introspection.getTables()
  return tables.map((table) => table.name).filter((name) => !name.startsWith('kysely_'))
}

/**
 * Every cell of every table holding one of the words (lower case; the search ignores case): `table.column` (column as
 * the driver names it) → the words found.
 */
export async function findWords(db: Db, words: readonly string[]) {
  const found = new Map<string, string[]>()
  for (const table of await tablesOf(db)) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        if (value === null || value === undefined) continue
        const text = (typeof value === 'string' ? value : JSON.stringify(value)).toLowerCase()
        const hits = words.filter((word) => text.includes(word))
        if (!hits.length) continue
        const key = `${table}.${column}`
        found.set(key, [...new Set([...(found.get(key) ?? []), ...hits])].sort())
      }
    }
  }
  return found
}
