import { type Kysely, sql } from 'kysely'

// Frozen in time: never import application code here.
// The review's rollups (docs/decisions.md "Review figures from rollups"): counts per scope, figure and Europe/Paris
// day, kept up to date from the calls not yet counted (call.stats_pending = 1), so that a review of the whole network
// reads a few thousand rows instead of every call.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('call')
    .addColumn('stats_pending', 'integer', (c) => c.notNull().defaultTo(1))
    .execute()
  await db.schema
    .createIndex('call_stats_pending_idx')
    .on('call')
    .columns(['household_id', 'id'])
    .where(sql.ref('stats_pending'), '=', sql.lit(1))
    .execute()
  await db.schema
    .createTable('stats_rollup')
    // scope, figure, days: "o:<organisation id>|attempted|2026-10-01|2026-10-03".
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('day_from', 'text', (c) => c.notNull())
    .addColumn('day_to', 'text', (c) => c.notNull())
    // JSON object: key → count.
    .addColumn('counts', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('stats_rollup_scope_idx')
    .on('stats_rollup')
    .columns(['scope', 'metric', 'day_from'])
    .execute()
  await db.schema
    .createTable('stats_household')
    .addColumn('household_id', 'text', (c) => c.primaryKey())
    // The home key and agency the household's calls were last counted under.
    .addColumn('home_key', 'text', (c) => c.notNull())
    .addColumn('agency_id', 'text')
    .execute()
  await db.schema.createIndex('stats_household_home_idx').on('stats_household').columns(['home_key']).execute()
  // The rollups' worker looks at the households updated lately for a changed home or agency.
  await db.schema.createIndex('household_updated_idx').on('household').columns(['updated_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('household_updated_idx').execute()
  await db.schema.dropTable('stats_household').execute()
  await db.schema.dropTable('stats_rollup').execute()
  await db.schema.dropIndex('call_stats_pending_idx').execute()
  await db.schema.alterTable('call').dropColumn('stats_pending').execute()
}
