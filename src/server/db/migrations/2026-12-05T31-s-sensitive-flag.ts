import type { Kysely } from 'kysely'

// Frozen in time: never import application code here.
// Free text that stays factual (issue 15): when a note, summary, reason or typed answer holding words of the special
// categories (health, offences, religion, origin, sexual life, politics) is saved anyway, one row per category is
// written in the same transaction: where, which category, when, who, for which household and organisation. Never the
// text, nor the words found: the DPO counts and follows up; the text stays where it was written (and is purged there).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sensitive_flag')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // The organisation that holds the household's file (whose DPO answers for it).
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('household_id', 'text', (c) => c.notNull().references('household.id'))
    // call_note, call_answer, referral_summary, referral_override_reason, referral_note, objection_note,
    // objection_withdrawal.
    .addColumn('source', 'text', (c) => c.notNull())
    // The call, referral or referral event the text belongs to (none for a household's objection).
    .addColumn('source_id', 'text')
    // health, offence, religion, origin, sexual_life, political.
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('author_user_id', 'text', (c) => c.notNull().references('user.id'))
    // The organisation the writer acted for (a partner's social worker writes in a referral of the landlord's tenant).
    .addColumn('author_organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('sensitive_flag_organization_idx')
    .on('sensitive_flag')
    .columns(['organization_id', 'created_at'])
    .execute()
  await db.schema.createIndex('sensitive_flag_household_idx').on('sensitive_flag').column('household_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sensitive_flag').execute()
}
