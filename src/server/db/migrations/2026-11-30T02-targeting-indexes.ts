import type { Kysely } from 'kysely'

// Frozen in time: never import application code here.
// Targeting previews count the active households of one organisation that a rule selects. The typical rules (age,
// living alone, support programme) read only these columns, so the count is answered from the index alone, without
// visiting the table's rows: at 1,000,000 households a covering scan of the organisation's range instead of a scan of
// the table (see docs/decisions.md and `npm run bench:targeting` for the plans).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('household_targeting_idx')
    .on('household')
    .columns(['organization_id', 'status', 'lives_alone', 'support_programme', 'birth_date', 'objection_at'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('household_targeting_idx').execute()
}
