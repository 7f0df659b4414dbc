import type { Kysely } from 'kysely'

// Frozen in time: never import application code here.
// Single sign-on with OpenID Connect, per organisation: the provider's settings (the client secret encrypted), the
// people's identities at the provider, and sign-ins under way (state, nonce and PKCE verifier, used once).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('organization_sso')
    .addColumn('organization_id', 'text', (c) => c.primaryKey().references('organization.id'))
    .addColumn('is_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    // AES-256-GCM under SSO_SECRET_KEY: a copy of the database does not hand out the client's secret.
    .addColumn('client_secret_encrypted', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('groups_claim', 'text', (c) => c.notNull())
    // JSON: [{ "group": "…", "role": "…" }, …], the first line matching one of the person's groups wins.
    .addColumn('role_mapping', 'text', (c) => c.notNull())
    // 'first_sign_in' or 'invitation_only'.
    .addColumn('provisioning', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute()

  await db.schema
    .createTable('sso_identity')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id'))
    // The provider's `sub` for this person: stable, unlike an email address.
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('user.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_sign_in_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('sso_identity_subject_unique', ['organization_id', 'subject'])
    .execute()
  await db.schema.createIndex('sso_identity_user_idx').on('sso_identity').column('user_id').execute()

  await db.schema
    .createTable('sso_attempt')
    // SHA-256 of the token held by the browser's cookie during the round trip to the provider.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('sso_attempt_expires_idx').on('sso_attempt').column('expires_at').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sso_attempt').execute()
  await db.schema.dropTable('sso_identity').execute()
  await db.schema.dropTable('organization_sso').execute()
}
