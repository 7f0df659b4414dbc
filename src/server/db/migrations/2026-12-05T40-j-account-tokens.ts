import type { Kysely } from 'kysely'

// Frozen in time: never import application code here.
// Links sent by mail to set one's password: an invitation (a new account) or a password reset. Only the SHA-256 of
// the link's token is kept, so a leaked table opens no account; a token is used once, within its lifetime.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('account_token')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('user.id'))
    // 'invitation' or 'password_reset'.
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    // The administrator who invited (null for a reset asked by the person).
    .addColumn('created_by', 'text')
    .execute()
  await db.schema.createIndex('account_token_user_idx').on('account_token').columns(['user_id', 'purpose']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('account_token').execute()
}
