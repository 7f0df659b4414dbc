import type { Kysely } from 'kysely'

// Frozen in time: never import application code here.
// The register of tenants' requests about their data keeps each closed request as proof it was handled, for a period
// of its own (RETENTION_REQUESTS_MONTHS, 60 by default); an organisation may set another, like its other periods.
// Null: the server's default. Open requests are never deleted.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('organization').addColumn('retention_requests_months', 'integer').execute()
  await db.schema
    .createIndex('data_request_handled_idx')
    .on('data_request')
    .columns(['organization_id', 'handled_at'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('data_request_handled_idx').execute()
  await db.schema.alterTable('organization').dropColumn('retention_requests_months').execute()
}
