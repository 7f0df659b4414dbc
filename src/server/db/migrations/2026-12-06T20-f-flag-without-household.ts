import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen in time: never import application code here.
// A caller's end-of-session comment is free text about their session, not about a household, and may still hold words
// of the special categories: its flag names no household. `sensitive_flag.household_id` becomes nullable. SQLite
// cannot drop a NOT NULL: the table is built again with the same columns, rows and indexes (nothing references it).
const COLUMNS =
  'id, organization_id, household_id, source, source_id, category, author_user_id, author_organization_id, created_at'

async function rebuild(db: Kysely<any>, householdRequired: boolean) {
  await db.schema
    .createTable('sensitive_flag_rebuilt')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('household_id', 'text', (c) =>
      householdRequired ? c.notNull().references('household.id') : c.references('household.id'),
    )
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text')
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('author_user_id', 'text', (c) => c.notNull().references('user.id'))
    .addColumn('author_organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await sql
    .raw(
      `insert into sensitive_flag_rebuilt (${COLUMNS}) select ${COLUMNS} from sensitive_flag${householdRequired ? ' where household_id is not null' : ''}`,
    )
    .execute(db)
  await db.schema.dropTable('sensitive_flag').execute()
  await db.schema.alterTable('sensitive_flag_rebuilt').renameTo('sensitive_flag').execute()
  await db.schema
    .createIndex('sensitive_flag_organization_idx')
    .on('sensitive_flag')
    .columns(['organization_id', 'created_at'])
    .execute()
  await db.schema.createIndex('sensitive_flag_household_idx').on('sensitive_flag').column('household_id').execute()
}

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table sensitive_flag alter column household_id drop not null`.execute(db)
  } else {
    await rebuild(db, false)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`delete from sensitive_flag where household_id is null`.execute(db)
    await sql`alter table sensitive_flag alter column household_id set not null`.execute(db)
  } else {
    await rebuild(db, true)
  }
}
