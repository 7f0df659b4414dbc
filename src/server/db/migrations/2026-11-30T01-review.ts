import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen in time: never import application code here.

const FOLDS: Array<[string, string]> = [
  ['À', 'a'],
  ['Â', 'a'],
  ['Ä', 'a'],
  ['Á', 'a'],
  ['à', 'a'],
  ['â', 'a'],
  ['ä', 'a'],
  ['á', 'a'],
  ['É', 'e'],
  ['È', 'e'],
  ['Ê', 'e'],
  ['Ë', 'e'],
  ['é', 'e'],
  ['è', 'e'],
  ['ê', 'e'],
  ['ë', 'e'],
  ['Î', 'i'],
  ['Ï', 'i'],
  ['î', 'i'],
  ['ï', 'i'],
  ['Ô', 'o'],
  ['Ö', 'o'],
  ['ô', 'o'],
  ['ö', 'o'],
  ['Ù', 'u'],
  ['Û', 'u'],
  ['Ü', 'u'],
  ['ù', 'u'],
  ['û', 'u'],
  ['ü', 'u'],
  ['Ç', 'c'],
  ['ç', 'c'],
  ['Ÿ', 'y'],
  ['ÿ', 'y'],
  ['Œ', 'oe'],
  ['œ', 'oe'],
  ['Æ', 'ae'],
  ['æ', 'ae'],
  [' ', ''],
  ['-', ''],
  ["'", ''],
  ['’', ''],
  [',', ''],
  ['.', ''],
]

/**
 * The same text on both engines: accents folded by nested replace() (SQLite's lower() only knows ASCII), then
 * lower-cased, spaces and punctuation removed. "12, Rue de l'Église" and "12 rue de l eglise" give the same key.
 */
function normalised(column: string): string {
  let expression = column
  for (const [from, to] of FOLDS) expression = `replace(${expression}, '${from.replace("'", "''")}', '${to}')`
  return `lower(${expression})`
}

/**
 * The key under which the network review counts a home once across organisations: postcode, first address line and
 * leaseholder's last name, normalised. A household missing its postcode or address keeps its own id as key (never
 * merged on a guess).
 */
export const DEDUPE_KEY_EXPRESSION = `case when postcode is null or address_line1 is null or trim(address_line1) = '' then 'id:' || id else ${normalised('postcode')} || '|' || ${normalised('address_line1')} || '|' || ${normalised('last_name')} end`

export async function up(db: Kysely<any>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter
  await db.schema
    .createTable('caller_feedback')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaign.id'))
    .addColumn('caller_id', 'text', (c) => c.notNull().references('user.id'))
    .addColumn('meaningful', 'integer', (c) => c.notNull())
    .addColumn('useful', 'integer', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('debrief_requested', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('debrief_handled_by', 'text', (c) => c.references('user.id'))
    .addColumn('debrief_handled_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('caller_feedback_org_idx')
    .on('caller_feedback')
    .columns(['organization_id', 'created_at'])
    .execute()
  await db.schema
    .createIndex('caller_feedback_campaign_idx')
    .on('caller_feedback')
    .columns(['campaign_id', 'created_at'])
    .execute()

  // The network review's once-per-home key, kept by the database itself whatever writes the household.
  await sql
    .raw(
      `alter table household add column dedupe_key text generated always as (${DEDUPE_KEY_EXPRESSION}) ${isPostgres ? 'stored' : 'virtual'}`,
    )
    .execute(db)
  // The network review finds the homes known to several organisations by grouping this index.
  await db.schema
    .createIndex('household_dedupe_idx')
    .on('household')
    .columns(['dedupe_key', 'organization_id'])
    .execute()

  // Calls of organisations (or of one campaign) in a period: covering for counts by hour and disposition,
  // households attempted and reached, callers and durations.
  await db.schema
    .createIndex('call_stats_org_idx')
    .on('call')
    .columns(['organization_id', 'created_at', 'disposition', 'household_id', 'caller_id', 'duration_seconds'])
    .execute()
  await db.schema
    .createIndex('call_stats_campaign_idx')
    .on('call')
    .columns(['campaign_id', 'created_at', 'disposition', 'household_id', 'caller_id', 'duration_seconds'])
    .execute()
  // Completed calls only (a quarter of them): the latest fragility level per household.
  await db.schema
    .createIndex('call_completed_idx')
    .on('call')
    .columns(['organization_id', 'created_at', 'household_id', 'fragility_level'])
    .where(sql.ref('disposition'), '=', sql.lit('completed'))
    .execute()
  // Targets of the campaigns in scope, covering the status (targeted, unreachable).
  await db.schema
    .createIndex('campaign_target_stats_idx')
    .on('campaign_target')
    .columns(['campaign_id', 'removed_at', 'household_id', 'status'])
    .execute()
  // Referrals sent by organisations in a period.
  await db.schema
    .createIndex('referral_stats_idx')
    .on('referral')
    .columns(['sender_organization_id', 'created_at'])
    .execute()
  await db.schema.createIndex('referral_call_idx').on('referral').column('call_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of [
    'referral_call_idx',
    'referral_stats_idx',
    'campaign_target_stats_idx',
    'call_stats_campaign_idx',
    'call_completed_idx',
    'call_stats_org_idx',
    'household_dedupe_idx',
  ]) {
    await db.schema.dropIndex(index).execute()
  }
  await db.schema.alterTable('household').dropColumn('dedupe_key').execute()
  await db.schema.dropTable('caller_feedback').execute()
}
