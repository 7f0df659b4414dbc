import { CompiledQuery } from 'kysely'
import type { Db } from '../../db/database.js'
import { nowTimestamp } from '../../db/time.js'

export interface AuditEntry {
  actorUserId: string | null
  actorEmail?: string | null
  organizationId?: string | null
  /** Dotted verb, e.g. `auth.login`, `household.read`, `household.update`. */
  action: string
  entityType?: string | null
  entityId?: string | null
  ip?: string | null
  /** Identifiers and field names only: never names, notes, phone numbers or passwords. */
  details?: Record<string, unknown> | null
}

const INSERT_AUDIT_EVENT = {
  sqlite:
    'insert into "audit_event" ("at", "actor_user_id", "actor_email", "organization_id", "action", "entity_type", "entity_id", "ip", "details") values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  postgres:
    'insert into "audit_event" ("at", "actor_user_id", "actor_email", "organization_id", "action", "entity_type", "entity_id", "ip", "details") values ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
}

/**
 * Appends to the audit log. The application never updates or deletes an audit row. The statement is written once
 * rather than built per call: every claim and every outcome writes one, and building it cost more than running it.
 */
export async function recordAuditEvent(db: Db, entry: AuditEntry): Promise<void> {
  await db.executeQuery(
    CompiledQuery.raw(INSERT_AUDIT_EVENT[db.engine], [
      nowTimestamp(),
      entry.actorUserId,
      entry.actorEmail ?? null,
      entry.organizationId ?? null,
      entry.action,
      entry.entityType ?? null,
      entry.entityId ?? null,
      entry.ip ?? null,
      entry.details ? JSON.stringify(entry.details) : null,
    ]),
  )
}
