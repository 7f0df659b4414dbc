import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen in time: never import application code here.
// Every session opened through a provider gets its sso_session row, not only those with a refresh token: the row now
// also keeps the provider's own session id (`sid` in the ID token), so that the provider's back-channel logout ends the
// sessions of the provider session that ended (docs/decisions.md « Back-channel logout »). The refresh token becomes
// optional; SQLite cannot drop a NOT NULL, so the table is built again under its name, rows and index included.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sso_session_next')
    .addColumn('session_id', 'text', (c) => c.primaryKey().references('session.id').onDelete('cascade'))
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('provider_session_id', 'text')
    .addColumn('refresh_token_encrypted', 'text')
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .execute()
  await sql`insert into sso_session_next (session_id, organization_id, subject, refresh_token_encrypted, checked_at)
    select session_id, organization_id, subject, refresh_token_encrypted, checked_at from sso_session`.execute(db)
  await db.schema.dropTable('sso_session').execute()
  await db.schema.alterTable('sso_session_next').renameTo('sso_session').execute()
  await renameConstraints(db, 'sso_session_next')
  await db.schema.createIndex('sso_session_checked_idx').on('sso_session').column('checked_at').execute()
  await db.schema
    .createIndex('sso_session_provider_session_idx')
    .on('sso_session')
    .columns(['organization_id', 'provider_session_id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sso_session_previous')
    .addColumn('session_id', 'text', (c) => c.primaryKey().references('session.id').onDelete('cascade'))
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('refresh_token_encrypted', 'text', (c) => c.notNull())
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .execute()
  await sql`insert into sso_session_previous (session_id, organization_id, subject, refresh_token_encrypted, checked_at)
    select session_id, organization_id, subject, refresh_token_encrypted, checked_at from sso_session
    where refresh_token_encrypted is not null`.execute(db)
  await db.schema.dropTable('sso_session').execute()
  await db.schema.alterTable('sso_session_previous').renameTo('sso_session').execute()
  await renameConstraints(db, 'sso_session_previous')
  await db.schema.createIndex('sso_session_checked_idx').on('sso_session').column('checked_at').execute()
}

/** PostgreSQL named the constraints after the table they were made on: given the names the table had, as before. */
async function renameConstraints(db: Kysely<any>, builtAs: string) {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
  for (const suffix of ['pkey', 'session_id_fkey', 'organization_id_fkey']) {
    await sql`alter table sso_session rename constraint ${sql.id(`${builtAs}_${suffix}`)} to ${sql.id(`sso_session_${suffix}`)}`.execute(
      db,
    )
  }
}
