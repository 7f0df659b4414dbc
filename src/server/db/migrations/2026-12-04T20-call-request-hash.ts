import type { Kysely } from 'kysely'

// Frozen in time: never import application code here.
// An outcome's Idempotency-Key is bound to the request it first came with: `request_hash` holds a digest of that
// request (the assignment is `target_id`, the caller `caller_id`). The same key sent with anything else is refused
// instead of answered with the first call. Calls saved before this column have none: their key is checked against
// the caller and the assignment only. Nullable without a default: adding it rewrites no row on either engine.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('call').addColumn('request_hash', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('call').dropColumn('request_hash').execute()
}
