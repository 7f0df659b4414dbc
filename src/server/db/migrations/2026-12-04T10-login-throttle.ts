import type { Kysely } from 'kysely'

// Frozen in time: never import application code here.
// Sign-in counters (docs/decisions.md "Sign-in throttling reserves each attempt in one statement"): one row per
// (account, address) pair, per address and per account, counting the attempts of the current window. An attempt is
// reserved by one INSERT … ON CONFLICT DO UPDATE before its password is checked, so concurrent attempts cannot all
// read "below the limit" and pass together, on either engine and across app instances.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('login_throttle')
    // "pair:<email>|<address>", "address:<address>" or "account:<email>".
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_started_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .execute()
  // Lapsed windows are deleted now and then.
  await db.schema.createIndex('login_throttle_window_idx').on('login_throttle').column('window_started_at').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('login_throttle').execute()
}
