import { type Kysely, PostgresAdapter, sql } from 'kysely'
import { DEDUPE_KEY_EXPRESSION } from './2026-11-30T01-review.js'

// Frozen in time: never import application code here (the review migration it reads is frozen too).
// Retention (docs/decisions.md "Erasure in place", "A frozen home key"): a household's identity and free texts are
// blanked in place once its retention runs out, its coded facts stay. The review counts a home once under its dedupe
// key, computed from postcode, address and name — all erased: the key an erased household was counted under is kept
// in `kept_home_key`, and the generated `dedupe_key` now reads it first, so no review figure moves with a purge.
export async function up(db: Kysely<any>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter
  await db.schema.alterTable('household').addColumn('kept_home_key', 'text').execute()
  await db.schema.alterTable('household').addColumn('birth_year', 'integer').execute()
  await db.schema.alterTable('household').addColumn('erased_at', 'text').execute()
  await db.schema.alterTable('member').addColumn('birth_year', 'integer').execute()

  // A generated column's expression cannot be altered: dropped (with its index) and added again, same values.
  await db.schema.dropIndex('household_dedupe_idx').execute()
  await db.schema.alterTable('household').dropColumn('dedupe_key').execute()
  await sql
    .raw(
      `alter table household add column dedupe_key text generated always as (coalesce(kept_home_key, ${DEDUPE_KEY_EXPRESSION})) ${isPostgres ? 'stored' : 'virtual'}`,
    )
    .execute(db)
  await db.schema
    .createIndex('household_dedupe_idx')
    .on('household')
    .columns(['dedupe_key', 'organization_id'])
    .execute()

  // Retention periods per organisation, in months; null: the server's defaults (RETENTION_*_MONTHS).
  await db.schema.alterTable('organization').addColumn('retention_contact_months', 'integer').execute()
  await db.schema.alterTable('organization').addColumn('retention_left_months', 'integer').execute()
  await db.schema.alterTable('organization').addColumn('retention_audit_months', 'integer').execute()

  await db.schema
    .createTable('purge_run')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // null: every organisation.
    .addColumn('organization_id', 'text', (c) => c.references('organization.id'))
    // `worker`, `cli`.
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    // `running`, `done`, `failed`.
    .addColumn('status', 'text', (c) => c.notNull())
    // JSON: the counts (`allervers purge --json`).
    .addColumn('report', 'text')
    .addColumn('error', 'text')
    .execute()
  await db.schema.createIndex('purge_run_started_idx').on('purge_run').column('started_at').execute()
  await db.schema
    .createIndex('household_erased_idx')
    .on('household')
    .columns(['organization_id', 'erased_at'])
    .execute()
  // Audit entries past their retention are deleted by age.
  await db.schema.createIndex('audit_event_at_idx').on('audit_event').column('at').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter
  for (const index of ['audit_event_at_idx', 'household_erased_idx']) {
    await db.schema.dropIndex(index).execute()
  }
  await db.schema.dropTable('purge_run').execute()
  for (const column of ['retention_audit_months', 'retention_left_months', 'retention_contact_months']) {
    await db.schema.alterTable('organization').dropColumn(column).execute()
  }
  await db.schema.dropIndex('household_dedupe_idx').execute()
  await db.schema.alterTable('household').dropColumn('dedupe_key').execute()
  await sql
    .raw(
      `alter table household add column dedupe_key text generated always as (${DEDUPE_KEY_EXPRESSION}) ${isPostgres ? 'stored' : 'virtual'}`,
    )
    .execute(db)
  await db.schema
    .createIndex('household_dedupe_idx')
    .on('household')
    .columns(['dedupe_key', 'organization_id'])
    .execute()
  await db.schema.alterTable('member').dropColumn('birth_year').execute()
  for (const column of ['erased_at', 'birth_year', 'kept_home_key']) {
    await db.schema.alterTable('household').dropColumn(column).execute()
  }
}
