import { type Kysely, sql } from 'kysely'

// Frozen in time: never import application code here.
// « Mes rappels » (GET /api/calling/callbacks) reads the callbacks still to make of each active campaign, soonest
// first: a few rows among a campaign's targets. Only those are indexed (both engines take partial indexes). The
// predicate's columns lead the key after the campaign although every row holds the same values: SQLite's planner
// counts equality terms and otherwise takes campaign_target_due_idx (campaign_id, status), which visits every pending
// target of the campaign. The query names the predicate's literals (SQLite uses a partial index only for a WHERE that
// implies its own, compared as written).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('campaign_target_callback_idx')
    .on('campaign_target')
    .columns(['campaign_id', 'last_disposition', 'status', 'next_attempt_at'])
    .where(sql<boolean>`last_disposition = 'callback' and status in ('scheduled', 'pending')`)
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('campaign_target_callback_idx').execute()
}
