import type { Kysely } from 'kysely'

// Frozen in time: never import application code here.
// The household's fields rectified at the tenant's request (GDPR art. 16), as a JSON array of field names (null when
// none): the next import of the landlord's file keeps their rectified values instead of the file's. Blanked with the
// household's other personal fields at erasure.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('household').addColumn('rectified_fields', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('household').dropColumn('rectified_fields').execute()
}
