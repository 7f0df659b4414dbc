import type { Kysely } from 'kysely'

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('import_run')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('created_by', 'text')
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('is_snapshot', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_dry_run', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('report', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute()
  await db.schema
    .createTable('import_mapping')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('columns', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('import_mapping_name_unique', ['organization_id', 'name'])
    .execute()
  // The last import run that saw the household: a snapshot marks the others as left.
  await db.schema.alterTable('household').addColumn('last_import_id', 'text').execute()
  // What the last import wrote, condensed: an unchanged row is recognised without comparing every field.
  await db.schema.alterTable('household').addColumn('import_signature', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('household').dropColumn('import_signature').execute()
  await db.schema.alterTable('household').dropColumn('last_import_id').execute()
  await db.schema.dropTable('import_mapping').execute()
  await db.schema.dropTable('import_run').execute()
}
