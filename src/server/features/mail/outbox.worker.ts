import nodemailer, { type Transporter } from 'nodemailer'
import type { Db } from '../../db/database.js'
import { inTransaction } from '../../db/database.js'
import { addMinutes, nowTimestamp, toTimestamp } from '../../db/time.js'
import type { WorkerRegistry } from '../../workers.js'
import * as outbox from './outbox.queries.js'

export const MAX_ATTEMPTS = 20

/** 30 s, 1 min, 2 min … capped at one hour: a failing SMTP server delays mail, never loses it. */
export function backoffSeconds(attempts: number): number {
  return Math.min(3600, 30 * 2 ** Math.max(0, attempts - 1))
}

export function createTransport(smtpUrl: string): Transporter {
  return nodemailer.createTransport(smtpUrl)
}

/**
 * Sends the mails that are due, once each. Each mail is locked for a minute before sending; a crash after sending but
 * before marking it sent can, at worst, send it again after the lock — never two workers at the same time.
 */
export async function deliverDueEmails(db: Db, transport: Transporter, from: string, now = new Date(), limit = 20) {
  const nowText = toTimestamp(now)
  const claimed = await inTransaction(db, (tx) => outbox.claimDueEmails(tx, nowText, addMinutes(nowText, 1), limit))
  let sent = 0
  let failed = 0
  for (const email of claimed) {
    try {
      await transport.sendMail({ from, to: email.recipient, subject: email.subject, text: email.body })
      await outbox.markSent(db, email.id, nowTimestamp())
      sent++
    } catch (error) {
      const attempts = email.attempts + 1
      await outbox.markFailedAttempt(db, email.id, {
        attempts,
        nextAttemptAt: addMinutes(nowText, backoffSeconds(attempts) / 60),
        // The SMTP server's own words, short: never the mail's content.
        lastError: (error instanceof Error ? error.message : String(error)).slice(0, 300),
        gaveUp: attempts >= MAX_ATTEMPTS,
      })
      failed++
    }
  }
  return { claimed: claimed.length, sent, failed }
}

/**
 * Runs the delivery loop every few seconds until stopped (the stop waits for a round in progress); several app
 * instances may each run one. A round may wait on a slow SMTP server (nodemailer's socket timeout is 10 minutes): it
 * is taken for stuck after 15.
 */
export function startOutboxWorker(
  workers: WorkerRegistry,
  db: Db,
  transport: Transporter,
  from: string,
  intervalMs = 5000,
  onTick?: () => Promise<void>,
) {
  return workers.runEvery('outbox', { intervalMs, maxRoundMs: 15 * 60_000 }, async () => {
    try {
      await onTick?.()
      await deliverDueEmails(db, transport, from)
    } catch {
      // The next round tries again; errors of single mails are recorded on their rows.
    }
  })
}
