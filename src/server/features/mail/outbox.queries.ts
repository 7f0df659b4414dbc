import { randomUUID } from 'node:crypto'
import { frenchTypography } from '../../../shared/french.js'
import type { Db } from '../../db/database.js'
import type { Timestamp } from '../../db/time.js'

export interface QueuedEmail {
  recipient: string
  subject: string
  body: string
  /** The recipient's language; French (the default) gets its typographic spaces here, the one door of mail. */
  language?: string | null
}

function typeset(email: QueuedEmail): { subject: string; body: string } {
  if (email.language === 'en') return { subject: email.subject, body: email.body }
  return { subject: frenchTypography(email.subject), body: frenchTypography(email.body) }
}

/** Queues mail in the caller's transaction: the change and its notification are saved together or not at all. */
export async function queueEmails(db: Db, emails: QueuedEmail[], now: Timestamp) {
  if (emails.length === 0) return
  await db
    .insertInto('outboxEmail')
    .values(
      emails.map((email) => ({
        id: randomUUID(),
        recipient: email.recipient,
        ...typeset(email),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        lockedUntil: null,
        lastError: null,
        createdAt: now,
        sentAt: null,
      })),
    )
    .execute()
}

/**
 * Takes up to `limit` due mails for this worker until `lockUntil`. On PostgreSQL rows another worker is taking are
 * skipped (FOR UPDATE SKIP LOCKED), so two workers never send the same mail; SQLite serialises writers.
 */
export async function claimDueEmails(db: Db, now: Timestamp, lockUntil: Timestamp, limit: number) {
  let due = db
    .selectFrom('outboxEmail')
    .select('id')
    .where('status', '=', 'pending')
    .where('nextAttemptAt', '<=', now)
    .where((eb) => eb.or([eb('lockedUntil', 'is', null), eb('lockedUntil', '<=', now)]))
    .orderBy('nextAttemptAt')
    .limit(limit)
  if (db.engine === 'postgres') due = due.forUpdate().skipLocked()
  return db.updateTable('outboxEmail').set({ lockedUntil: lockUntil }).where('id', 'in', due).returningAll().execute()
}

export async function markSent(db: Db, id: string, now: Timestamp) {
  await db
    .updateTable('outboxEmail')
    .set({ status: 'sent', sentAt: now, lockedUntil: null, lastError: null })
    .where('id', '=', id)
    .execute()
}

export async function markFailedAttempt(
  db: Db,
  id: string,
  change: { attempts: number; nextAttemptAt: Timestamp; lastError: string; gaveUp: boolean },
) {
  await db
    .updateTable('outboxEmail')
    .set({
      attempts: change.attempts,
      nextAttemptAt: change.nextAttemptAt,
      lastError: change.lastError,
      lockedUntil: null,
      status: change.gaveUp ? 'failed' : 'pending',
    })
    .where('id', '=', id)
    .execute()
}
