import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import { buildTestApp } from '../../../../test/app.js'
import { assertMatchesContract } from '../../../../test/contract.js'
import { createTestDatabase, testEngine } from '../../../../test/database.js'
import { healthContract } from '../../../shared/contracts/health.js'
import { buildApp } from '../../app.js'
import { loadConfig } from '../../config.js'
import { createDb } from '../../db/database.js'
import { WorkerRegistry } from '../../workers.js'

const config = () => loadConfig({ LOG_LEVEL: 'silent', WEB_ROOT: 'dist/web' })

/** A round that runs until the worker is stopped. */
const untilStopped = (signal: AbortSignal) =>
  new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()))

describe('GET /api/ready', () => {
  it('answers 200 when the database answers, its schema is current and every worker is alive', async (t) => {
    const database = await createTestDatabase()
    const workers = new WorkerRegistry()
    const app = await buildApp({ config: config(), db: database.db, logger: false, workers })
    workers.runEvery('rollups', { intervalMs: 20, maxRoundMs: 60_000 }, async () => {})
    t.after(async () => {
      await workers.stopAll()
      await app.close()
      await database.destroy()
    })
    await new Promise((resolve) => setTimeout(resolve, 60))
    const response = await app.inject({ url: '/api/ready' })
    assert.equal(response.statusCode, 200, response.body)
    assertMatchesContract(healthContract.ready, response)
    const body = response.json()
    assert.deepEqual([body.status, body.database, body.migrations], ['ready', testEngine(), 'current'])
    assert.equal(body.workers.rollups.status, 'alive')
    assert.ok(body.workers.rollups.lastBeatAt, 'the worker has beaten')
    assert.equal(response.headers['cache-control'], 'no-store')
  })

  it('answers 503 naming a stalled worker and a stopped one', async (t) => {
    const database = await createTestDatabase()
    const workers = new WorkerRegistry()
    const app = await buildApp({ config: config(), db: database.db, logger: false, workers })
    // The outbox's round hangs (a dead SMTP connection) longer than its bound; the rollups were stopped.
    workers.runEvery('outbox', { intervalMs: 10, maxRoundMs: 30 }, untilStopped)
    const stopRollups = workers.runEvery('rollups', { intervalMs: 10, maxRoundMs: 60_000 }, async () => {})
    t.after(async () => {
      await workers.stopAll()
      await app.close()
      await database.destroy()
    })
    await stopRollups()
    await new Promise((resolve) => setTimeout(resolve, 100))
    const response = await app.inject({ url: '/api/ready' })
    assert.equal(response.statusCode, 503, response.body)
    assertMatchesContract(healthContract.ready, response)
    const { error } = response.json()
    assert.equal(error.code, 'SERVICE_UNAVAILABLE')
    assert.deepEqual(error.details.missing, ['worker outbox stalled', 'worker rollups stopped'])
    assert.equal(error.details.database, 'reachable')
    assert.equal(error.details.migrations, 'current')
    assert.ok(error.details.workers.outbox.busySeconds >= 0)
    assert.match(error.message, /^Not ready: worker outbox stalled; worker rollups stopped$/)
  })

  it('answers 503 while a migration of this version has not run, and 200 once it has', async (t) => {
    const { app, db } = await buildTestApp(t)
    const [last] = await db
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .orderBy('name' as never, 'desc')
      .limit(1)
      .execute()
    const name = (last as { name: string }).name
    await db
      .deleteFrom('kysely_migration' as never)
      .where('name' as never, '=', name as never)
      .execute()
    const pending = await app.inject({ url: '/api/ready' })
    assert.equal(pending.statusCode, 503)
    assert.equal(pending.json().error.details.migrations, 'pending')
    assert.deepEqual(pending.json().error.details.pendingMigrations, [name])
    assert.deepEqual(pending.json().error.details.missing, [`migrations pending: ${name}`])

    await db
      .insertInto('kysely_migration' as never)
      .values({ name, timestamp: new Date().toISOString() } as never)
      .execute()
    const current = await app.inject({ url: '/api/ready' })
    assert.equal(current.statusCode, 200, current.body)
    assert.deepEqual(current.json().workers, {}, 'an app without workers (tests, the CLI) waits for none')
  })

  it('stays ready while every pooled connection is busy with work the database answers, and not once answers stop; health too', {
    skip: testEngine() !== 'postgres' && 'a PostgreSQL pool',
  }, async (t) => {
    const database = await createTestDatabase()
    const db = createDb(database.url, { poolSize: 2 })
    const app = await buildApp({ config: config(), db, logger: false })
    let release = () => {}
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    t.after(async () => {
      release()
      await app.close()
      await db.destroy()
      await database.destroy()
    })
    assert.equal((await app.inject({ url: '/api/ready' })).statusCode, 200, 'ready with idle connections')
    // Two long pieces of work take both connections, each after an answer.
    const holders = Array.from({ length: 2 }, () =>
      db.connection().execute(async (connection) => {
        await sql`select 1`.execute(connection)
        await released
      }),
    )
    while (db.poolState!().busy < 2 || db.poolState!().idle > 0) await sleep(10)
    const started = Date.now()
    const busy = await app.inject({ url: '/api/ready' })
    assert.equal(busy.statusCode, 200, busy.body)
    assert.ok(Date.now() - started < 1000, `answered without waiting for a connection (${Date.now() - started} ms)`)
    // No answer for longer than the probe's window: it waits for a connection, and gives up.
    await sleep(2100)
    const silent = await app.inject({ url: '/api/ready' })
    assert.equal(silent.statusCode, 503, silent.body)
    assert.deepEqual(silent.json().error.details.missing, ['database unreachable'])
    // The liveness check is bounded the same way: a 503 after 2 s, not a request left hanging.
    const waited = Date.now()
    assert.equal((await app.inject({ url: '/api/health' })).statusCode, 503)
    assert.ok(Date.now() - waited < 3000, `answered within the probe's bound (${Date.now() - waited} ms)`)
    release()
    await Promise.all(holders)
    assert.equal((await app.inject({ url: '/api/ready' })).statusCode, 200, 'ready again once a connection is free')
  })

  it('answers 503 when the database does not answer, while /api/health says the same', async (t) => {
    const database = await createTestDatabase()
    const app = await buildApp({ config: config(), db: database.db, logger: false })
    t.after(async () => {
      await app.close()
      await database.destroy().catch(() => {})
    })
    await database.db.destroy()
    const response = await app.inject({ url: '/api/ready' })
    assert.equal(response.statusCode, 503, response.body)
    const { details } = response.json().error
    assert.deepEqual(
      [details.database, details.migrations, details.missing],
      ['unreachable', 'unknown', ['database unreachable']],
    )
    assert.equal((await app.inject({ url: '/api/health' })).statusCode, 503)
  })
})
