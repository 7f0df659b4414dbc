import type { Kysely } from 'kysely'

// Frozen in time: never import application code here.
// The suggestions a questionnaire's detection rules gave during a call and whether the caller followed each
// (JSON: [{ kind, value, urgency?, followed }]); null when there were none. Nullable without a default: adding it
// rewrites no row on either engine.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('call').addColumn('suggestions', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('call').dropColumn('suggestions').execute()
}
