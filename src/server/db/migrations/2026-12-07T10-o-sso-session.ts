import type { Kysely } from 'kysely'

// Frozen in time: never import application code here.
// What lets the server ask an organisation's provider, while a session it opened is in use, whether the person may
// still sign in: the refresh token the provider gave at that sign-in (AES-256-GCM under SSO_SECRET_KEY, the session's
// id as associated data), the person's `sub` there, and when the provider was last asked. Goes with its session.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sso_session')
    .addColumn('session_id', 'text', (c) => c.primaryKey().references('session.id').onDelete('cascade'))
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('refresh_token_encrypted', 'text', (c) => c.notNull())
    // Set when a worker claims the row (an UPDATE guarded by the old value): one instance uses a refresh token at a time.
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('sso_session_checked_idx').on('sso_session').column('checked_at').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sso_session').execute()
}
