import type { Kysely } from 'kysely'

// Frozen in time: never import application code here.
// « Votre journée » is counted by the server: a caller's calls of the day become an index range instead of a scan of
// every call.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('call_caller_day_idx').on('call').columns(['caller_id', 'created_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('call_caller_day_idx').execute()
}
