import type { Kysely } from 'kysely'

// Frozen in time: never import application code here.
// The register of tenants' requests about their data (access, rectification, erasure, objection): when each came,
// its one-month deadline, who handled it and how. The household's reference is copied so that the register still
// reads after the household's identity is erased; no foreign key on the household for the same reason.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('data_request')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('household_id', 'text', (c) => c.notNull())
    .addColumn('household_ref', 'text', (c) => c.notNull())
    // access, rectification, erasure, objection
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text')
    // Paris days, YYYY-MM-DD: the deadline is one month after the request was received.
    .addColumn('received_on', 'text', (c) => c.notNull())
    .addColumn('due_on', 'text', (c) => c.notNull())
    // open, closed
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull().references('user.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('handled_by', 'text', (c) => c.references('user.id'))
    .addColumn('handled_at', 'text')
    // answered, rectified, erased, objection_recorded, refused
    .addColumn('outcome', 'text')
    // How it was answered, in a sentence (never copied to the audit log).
    .addColumn('response', 'text')
    // JSON: identifiers and field names only (the fields rectified, the reason of a refusal).
    .addColumn('details', 'text')
    .execute()
  await db.schema
    .createIndex('data_request_organization_status_idx')
    .on('data_request')
    .columns(['organization_id', 'status', 'due_on'])
    .execute()
  await db.schema.createIndex('data_request_household_idx').on('data_request').column('household_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('data_request').execute()
}
