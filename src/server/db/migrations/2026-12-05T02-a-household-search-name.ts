import { type Kysely, sql } from 'kysely'

// Frozen in time: never import application code here.
// The household search ignores case, accents and the order of the names: `search_name` holds the names folded
// (lower case, no accents, punctuation as spaces) in both orders, "nom prénom | prénom nom" (sorted by it,
// the list is in the order of last names), written with the names
// by every write (imports, demo, fixtures: `householdSearchName`, src/shared/households.ts). Existing households are
// filled here, 500 at a time, with the same folding as the application's at the time of writing.
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

function searchName(lastName: string, firstName: string | null): string {
  const last = fold(lastName)
  const first = firstName ? fold(firstName) : ''
  return first ? `${last} ${first} | ${first} ${last}` : last
}

const BATCH = 500

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('household').addColumn('search_name', 'text').execute()
  let after = ''
  for (;;) {
    const rows: Array<{ id: string; last_name: string; first_name: string | null }> = await db
      .selectFrom('household')
      .select(['id', 'last_name', 'first_name'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute()
    if (rows.length === 0) break
    const values = sql.join(rows.map((row) => sql`(${row.id}, ${searchName(row.last_name, row.first_name)})`))
    // UPDATE … FROM (VALUES …): one statement per batch on both engines (SQLite 3.33 and later).
    await sql`update household set search_name = v.name from (values ${values}) as v(id, name) where household.id = v.id`.execute(
      db,
    )
    after = rows[rows.length - 1].id
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('household').dropColumn('search_name').execute()
}
