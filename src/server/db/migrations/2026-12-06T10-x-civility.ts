import type { Kysely } from 'kysely'

// Frozen in time: never import application code here.
// The leaseholder's civility from the landlord's file ('M' or 'Mme'; null when the file gives none), so the call
// script greets « Bonjour Madame Schmitt » rather than « Bonjour Monique Schmitt ».
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('household').addColumn('civility', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('household').dropColumn('civility').execute()
}
