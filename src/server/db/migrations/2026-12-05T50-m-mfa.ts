import type { Kysely } from 'kysely'

// Frozen in time: never import application code here.
// A second factor (TOTP) per account: the secret encrypted with AES-256-GCM under MFA_ENCRYPTION_KEY, when it was
// confirmed (null while enrolment is under way), and the last 30-second step a code was accepted for, so the same code
// is never accepted twice. Recovery codes are kept as the SHA-256 of codes of 80 random bits, used once each. A
// sign-in whose password was right but whose second factor is still to come holds a challenge: the SHA-256 of a
// short-lived cookie's token.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('user_mfa')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('user.id'))
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('enabled_at', 'text')
    .addColumn('last_used_step', 'integer')
    .execute()
  await db.schema
    .createTable('mfa_recovery_code')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('user.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute()
  await db.schema.createIndex('mfa_recovery_code_user_idx').on('mfa_recovery_code').column('user_id').execute()
  await db.schema
    .createTable('mfa_challenge')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('user.id'))
    // 'verify' (the account has a second factor) or 'enrol' (its role requires one and it has none yet).
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema.createIndex('mfa_challenge_user_idx').on('mfa_challenge').column('user_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mfa_challenge').execute()
  await db.schema.dropTable('mfa_recovery_code').execute()
  await db.schema.dropTable('user_mfa').execute()
}
