import type { Kysely } from 'kysely'

// Frozen in time: never import application code here.
// When a caller took the household they hold (`status` = 'held'): a renewal moves `lease_until` on, never this, so
// supervision can tell a household held for two hours from one taken a minute ago and offer to release it. Targets
// held before this column have none (they count as held since their last change). Nullable without a default: adding
// it rewrites no row on either engine.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaign_target').addColumn('held_at', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaign_target').dropColumn('held_at').execute()
}
