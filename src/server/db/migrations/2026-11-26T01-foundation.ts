import { type Kysely, PostgresAdapter } from 'kysely'

// Frozen in time: never import application code here. Booleans are integers (0/1), timestamps ISO UTC text.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('network')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('organization')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('network_id', 'text', (c) => c.notNull().references('network.id'))
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('on_call_contact', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('agency')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('insee_code', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('agency_org_code_unique', ['organization_id', 'code'])
    .execute()

  await db.schema
    .createTable('user')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('fr'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_login_at', 'text')
    .execute()

  await db.schema
    .createTable('membership')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('user.id'))
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('membership_user_org_unique', ['user_id', 'organization_id'])
    .execute()
  await db.schema.createIndex('membership_org_idx').on('membership').columns(['organization_id', 'role']).execute()

  await db.schema
    .createTable('session')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('user.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute()
  await db.schema.createIndex('session_user_idx').on('session').column('user_id').execute()

  await db.schema
    .createTable('audit_event')
    .addColumn('id', 'integer', (c) =>
      db.getExecutor().adapter instanceof PostgresAdapter
        ? c.primaryKey().generatedByDefaultAsIdentity()
        : c.primaryKey().autoIncrement(),
    )
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('actor_email', 'text')
    .addColumn('organization_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text')
    .addColumn('entity_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('details', 'text')
    .execute()
  await db.schema.createIndex('audit_event_action_at_idx').on('audit_event').columns(['action', 'at']).execute()
  await db.schema
    .createIndex('audit_event_entity_idx')
    .on('audit_event')
    .columns(['entity_type', 'entity_id'])
    .execute()

  await db.schema
    .createTable('household')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('agency_id', 'text', (c) => c.references('agency.id'))
    .addColumn('external_ref', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text')
    .addColumn('birth_date', 'text')
    .addColumn('oldest_birth_date', 'text')
    .addColumn('email', 'text')
    .addColumn('address_line1', 'text')
    .addColumn('address_line2', 'text')
    .addColumn('postcode', 'text')
    .addColumn('city', 'text')
    .addColumn('insee_code', 'text')
    .addColumn('floor', 'integer')
    .addColumn('has_lift', 'integer')
    .addColumn('occupants', 'integer')
    .addColumn('lives_alone', 'integer')
    .addColumn('lease_start', 'text')
    .addColumn('arrears_cents', 'bigint')
    .addColumn('housing_benefit', 'integer')
    .addColumn('support_programme', 'integer')
    .addColumn('works_programme', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('left_at', 'text')
    .addColumn('objection_at', 'text')
    .addColumn('objection_channel', 'text')
    .addColumn('objection_recorded_by', 'text')
    .addColumn('objection_note', 'text')
    .addColumn('fragility_level', 'text')
    .addColumn('last_contacted_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('household_org_ref_unique', ['organization_id', 'external_ref'])
    .execute()
  await db.schema
    .createIndex('household_org_status_idx')
    .on('household')
    .columns(['organization_id', 'status'])
    .execute()
  await db.schema
    .createIndex('household_org_name_idx')
    .on('household')
    .columns(['organization_id', 'last_name'])
    .execute()

  await db.schema
    .createTable('member')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('household.id'))
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('is_leaseholder', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text')
    .addColumn('birth_date', 'text')
    .addColumn('role', 'text')
    .execute()
  await db.schema.createIndex('member_household_idx').on('member').column('household_id').execute()

  await db.schema
    .createTable('phone')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('household.id'))
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('member_id', 'text', (c) => c.references('member.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('e164', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('is_valid', 'integer', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('phone_household_idx').on('phone').column('household_id').execute()
  await db.schema.createIndex('phone_org_e164_idx').on('phone').columns(['organization_id', 'e164']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['phone', 'member', 'household', 'audit_event', 'session', 'membership', 'user', 'agency']) {
    await db.schema.dropTable(table).execute()
  }
  await db.schema.dropTable('organization').execute()
  await db.schema.dropTable('network').execute()
}
