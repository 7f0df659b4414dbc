import type { Kysely } from 'kysely'

// Frozen in time: never import application code here.
// An organisation may require its single sign-on (1): while its SSO is on, its memberships count only for accounts
// bound to its provider, so a password no longer opens its data (docs/decisions.md « Single sign-on required »).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('organization_sso')
    .addColumn('require_sso', 'integer', (column) => column.notNull().defaultTo(0))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('organization_sso').dropColumn('require_sso').execute()
}
