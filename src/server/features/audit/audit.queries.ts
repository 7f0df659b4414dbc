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

/** Appends to the audit log. The application never updates or deletes an audit row. */
export async function recordAuditEvent(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('auditEvent')
    .values({
      at: nowTimestamp(),
      actorUserId: entry.actorUserId,
      actorEmail: entry.actorEmail ?? null,
      organizationId: entry.organizationId ?? null,
      action: entry.action,
      entityType: entry.entityType ?? null,
      entityId: entry.entityId ?? null,
      ip: entry.ip ?? null,
      details: entry.details ? JSON.stringify(entry.details) : null,
    })
    .execute()
}

export async function listAuditEvents(db: Db, filter: { entityType?: string; entityId?: string; limit: number }) {
  let query = db.selectFrom('auditEvent').selectAll().orderBy('id', 'desc').limit(filter.limit)
  if (filter.entityType) query = query.where('entityType', '=', filter.entityType)
  if (filter.entityId) query = query.where('entityId', '=', filter.entityId)
  return query.execute()
}
