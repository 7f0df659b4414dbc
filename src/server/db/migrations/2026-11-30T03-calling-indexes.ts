import { type Kysely, sql } from 'kysely'

// Frozen in time: never import application code here.
// Held targets only (at most one per caller at work): finding the caller's held target and the expired leases of a
// campaign becomes an index lookup instead of visiting every held row of the campaign on each claim.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('campaign_target_held_idx')
    .on('campaign_target')
    .columns(['campaign_id', 'held_by', 'lease_until'])
    .where(sql.ref('status'), '=', sql.lit('held'))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('campaign_target_held_idx').execute()
}
