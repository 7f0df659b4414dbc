import type { Kysely } from 'kysely'

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('referral')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('household.id'))
    .addColumn('call_id', 'text', (c) => c.references('call.id'))
    .addColumn('sender_organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('sender_user_id', 'text', (c) => c.notNull().references('user.id'))
    .addColumn('recipient_organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('recipient_team', 'text')
    .addColumn('assignee_id', 'text', (c) => c.references('user.id'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('urgency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('consent_given', 'integer', (c) => c.notNull())
    .addColumn('consent_recorded_at', 'text')
    .addColumn('override_reason', 'text')
    .addColumn('outcome', 'text')
    .addColumn('due_accept_by', 'text', (c) => c.notNull())
    .addColumn('due_resolve_by', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('overdue_notified_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('referral_recipient_idx')
    .on('referral')
    .columns(['recipient_organization_id', 'status'])
    .execute()
  await db.schema
    .createIndex('referral_sender_idx')
    .on('referral')
    .columns(['sender_organization_id', 'status'])
    .execute()
  await db.schema.createIndex('referral_household_idx').on('referral').column('household_id').execute()

  await db.schema
    .createTable('referral_event')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('referral_id', 'text', (c) => c.notNull().references('referral.id'))
    .addColumn('actor_user_id', 'text', (c) => c.notNull())
    .addColumn('actor_organization_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('referral_event_referral_idx')
    .on('referral_event')
    .columns(['referral_id', 'created_at'])
    .execute()

  // Transactional outbox: a row is written in the same transaction as the change it announces.
  await db.schema
    .createTable('outbox_email')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute()
  await db.schema
    .createIndex('outbox_email_due_idx')
    .on('outbox_email')
    .columns(['status', 'next_attempt_at'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['outbox_email', 'referral_event', 'referral']) await db.schema.dropTable(table).execute()
}
