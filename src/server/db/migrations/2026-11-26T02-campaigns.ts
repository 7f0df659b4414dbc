import type { Kysely } from 'kysely'

// Frozen in time: never import application code here. JSON is stored as text; booleans 0/1; timestamps ISO UTC text.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('campaign')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
    .addColumn('targeting', 'text', (c) => c.notNull())
    .addColumn('priority_weights', 'text')
    .addColumn('calling_hours', 'text', (c) => c.notNull())
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('retry_delays', 'text', (c) => c.notNull())
    .addColumn('frequency_cap', 'text', (c) => c.notNull())
    .addColumn('script', 'text', (c) => c.notNull())
    .addColumn('faq', 'text', (c) => c.notNull())
    .addColumn('questionnaire_version_id', 'text')
    .addColumn('callers_restricted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text', (c) => c.notNull().references('user.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('activated_at', 'text')
    .addColumn('closed_at', 'text')
    .execute()
  await db.schema.createIndex('campaign_org_status_idx').on('campaign').columns(['organization_id', 'status']).execute()

  await db.schema
    .createTable('questionnaire_version')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaign.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('questionnaire_version_unique', ['campaign_id', 'version'])
    .execute()

  await db.schema
    .createTable('campaign_target')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaign.id'))
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('household_id', 'text', (c) => c.notNull().references('household.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('priority_reasons', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('held_by', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('last_disposition', 'text')
    .addColumn('last_called_at', 'text')
    .addColumn('phone_position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('preferred_caller_id', 'text')
    .addColumn('follow_up_interval_days', 'integer')
    .addColumn('follow_up_until', 'text')
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('campaign_target_unique', ['campaign_id', 'household_id'])
    .execute()
  // Serves the claim: ORDER BY priority DESC, next_attempt_at within one campaign's pending targets.
  await db.schema
    .createIndex('campaign_target_claim_idx')
    .on('campaign_target')
    .columns(['campaign_id', 'status', 'priority desc', 'next_attempt_at'])
    .execute()
  // Serves the promotion of scheduled targets whose time has come (status = 'scheduled' AND next_attempt_at <= now).
  await db.schema
    .createIndex('campaign_target_due_idx')
    .on('campaign_target')
    .columns(['campaign_id', 'status', 'next_attempt_at'])
    .execute()
  await db.schema.createIndex('campaign_target_household_idx').on('campaign_target').column('household_id').execute()

  await db.schema
    .createTable('campaign_caller')
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaign.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('user.id'))
    .addPrimaryKeyConstraint('campaign_caller_pk', ['campaign_id', 'user_id'])
    .execute()

  await db.schema
    .createTable('call')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaign.id'))
    .addColumn('target_id', 'text', (c) => c.notNull().references('campaign_target.id'))
    .addColumn('household_id', 'text', (c) => c.notNull().references('household.id'))
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('caller_id', 'text', (c) => c.notNull().references('user.id'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('disposition', 'text', (c) => c.notNull())
    .addColumn('phone_e164', 'text')
    .addColumn('questionnaire_version_id', 'text')
    .addColumn('answers', 'text')
    .addColumn('scores', 'text')
    .addColumn('needs', 'text')
    .addColumn('fragility_level', 'text')
    .addColumn('notes', 'text')
    .addColumn('callback_at', 'text')
    .addColumn('duration_seconds', 'integer')
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('call_idempotency_unique', ['caller_id', 'idempotency_key'])
    .execute()
  await db.schema.createIndex('call_household_idx').on('call').columns(['household_id', 'created_at']).execute()
  await db.schema.createIndex('call_campaign_idx').on('call').columns(['campaign_id', 'created_at']).execute()

  // One holder per household across all campaigns: a claim inserts here; a second claim on the same household fails.
  await db.schema
    .createTable('household_hold')
    .addColumn('household_id', 'text', (c) => c.primaryKey().references('household.id'))
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('caller_id', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'household_hold',
    'call',
    'campaign_caller',
    'campaign_target',
    'questionnaire_version',
    'campaign',
  ]) {
    await db.schema.dropTable(table).execute()
  }
}
