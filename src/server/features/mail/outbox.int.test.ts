import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createTestDatabase, testEngine } from '../../../../test/database.js'
import { startSmtpServer } from '../../../../test/smtp.js'
import { createDb } from '../../db/database.js'
import { queueEmails } from './outbox.queries.js'
import { backoffSeconds, createTransport, deliverDueEmails } from './outbox.worker.js'

const FROM = 'Allervers <no-reply@allervers.localhost>'
const mail = (n: number) => ({
  recipient: `person${n}@ccas.example`,
  subject: 'Allervers : une orientation vous est adressée',
  body: `lien ${n}`,
})

describe('mail outbox', () => {
  it('delivers queued mail to a real SMTP server once, and marks it sent', async (t) => {
    const database = await createTestDatabase()
    const smtp = await startSmtpServer()
    t.after(async () => {
      await smtp.stop()
      await database.destroy()
    })
    await queueEmails(database.db, [mail(1), mail(2), mail(3)], new Date().toISOString())
    const transport = createTransport(smtp.url)
    const result = await deliverDueEmails(database.db, transport, FROM)
    assert.deepEqual(result, { claimed: 3, sent: 3, failed: 0 })
    assert.deepEqual(smtp.received.map((m) => m.to[0]).sort(), [
      'person1@ccas.example',
      'person2@ccas.example',
      'person3@ccas.example',
    ])
    // French typography: a no-break space (C2 A0 in UTF-8) before the colon.
    assert.match(smtp.received[0].raw, /Subject: =\?UTF-8\?Q\?Allervers=C2=A0=3A_une_orientation/)
    const again = await deliverDueEmails(database.db, transport, FROM)
    assert.equal(again.claimed, 0, 'nothing is sent twice')
    const rows = await database.db.selectFrom('outboxEmail').selectAll().execute()
    assert.ok(rows.every((row) => row.status === 'sent' && row.sentAt))
  })

  it('gives French mail its typographic spaces and leaves an English one as written', async (t) => {
    const database = await createTestDatabase()
    t.after(() => database.destroy())
    await queueEmails(
      database.db,
      [
        { recipient: 'fr@ccas.example', subject: 'Allervers : vu ?', body: 'Cliquez sur « Ouvrir » ; merci !' },
        { recipient: 'en@ccas.example', language: 'en', subject: 'Allervers : seen ?', body: 'Click « Open »' },
      ],
      new Date().toISOString(),
    )
    const rows = await database.db.selectFrom('outboxEmail').select(['recipient', 'subject', 'body']).execute()
    const byRecipient = new Map(rows.map((row) => [row.recipient, row]))
    assert.deepEqual(byRecipient.get('fr@ccas.example'), {
      recipient: 'fr@ccas.example',
      subject: 'Allervers\u00a0: vu\u202f?',
      body: 'Cliquez sur «\u00a0Ouvrir\u00a0»\u202f; merci\u202f!',
    })
    assert.deepEqual(byRecipient.get('en@ccas.example'), {
      recipient: 'en@ccas.example',
      subject: 'Allervers : seen ?',
      body: 'Click « Open »',
    })
  })

  it('keeps mail while the SMTP server is down, retries with backoff, and delivers when it comes back', async (t) => {
    const database = await createTestDatabase()
    const smtp = await startSmtpServer()
    t.after(async () => {
      await smtp.stop().catch(() => {})
      await database.destroy()
    })
    await smtp.stop()
    await queueEmails(database.db, [mail(7)], new Date().toISOString())
    const transport = createTransport(smtp.url)
    const down = await deliverDueEmails(database.db, transport, FROM)
    assert.deepEqual(down, { claimed: 1, sent: 0, failed: 1 })
    let row = await database.db.selectFrom('outboxEmail').selectAll().executeTakeFirstOrThrow()
    assert.equal(row.status, 'pending')
    assert.equal(row.attempts, 1)
    assert.ok(Date.parse(row.nextAttemptAt) > Date.now() + 20_000, 'retried later, not at once')
    assert.match(row.lastError ?? '', /ECONNREFUSED|connect/i)
    assert.equal((await deliverDueEmails(database.db, transport, FROM)).claimed, 0, 'not due before its backoff')

    await smtp.start()
    const later = new Date(Date.now() + backoffSeconds(1) * 1000 + 1000)
    const back = await deliverDueEmails(database.db, createTransport(smtp.url), FROM, later)
    assert.deepEqual(back, { claimed: 1, sent: 1, failed: 0 })
    row = await database.db.selectFrom('outboxEmail').selectAll().executeTakeFirstOrThrow()
    assert.equal(row.status, 'sent')
    assert.equal(smtp.received.length, 1)
  })

  it('never sends one mail twice when two workers on two connections deliver at once (PostgreSQL)', {
    skip: testEngine() !== 'postgres' && 'PostgreSQL only: SQLite serves one instance',
  }, async (t) => {
    const database = await createTestDatabase()
    const other = createDb(database.url, { poolSize: 5 })
    const smtp = await startSmtpServer()
    t.after(async () => {
      await smtp.stop()
      await other.destroy()
      await database.destroy()
    })
    await queueEmails(
      database.db,
      Array.from({ length: 60 }, (_, n) => mail(n)),
      new Date().toISOString(),
    )
    const transport = createTransport(smtp.url)
    const workers = [database.db, other, database.db, other].map(async (db) => {
      let total = 0
      for (;;) {
        const result = await deliverDueEmails(db, transport, FROM, new Date(), 5)
        total += result.sent
        if (result.claimed === 0) return total
      }
    })
    const sent = (await Promise.all(workers)).reduce((a, b) => a + b, 0)
    assert.equal(sent, 60)
    assert.equal(smtp.received.length, 60)
    assert.equal(new Set(smtp.received.map((m) => m.to[0])).size, 60, 'each mail received exactly once')
  })
})
