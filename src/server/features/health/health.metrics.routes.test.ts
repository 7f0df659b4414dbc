import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { buildTestApp } from '../../../../test/app.js'
import { testEngine } from '../../../../test/database.js'
import { makeCampaign, makeTarget, makeUser } from '../../../../test/factories.js'
import { ConfigError, loadConfig } from '../../config.js'
import { type Db, openLongReader } from '../../db/database.js'
import { queueEmails } from '../mail/outbox.queries.js'
import { runPurge } from '../retention/retention.service.js'
import { DATABASE_SCRAPE_TIMEOUT_MS } from './health.metrics.js'

const TOKEN = 'metrics-token-0123456789abcdef'
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/** The value of one series in a Prometheus text answer, or undefined when it is absent. */
function seriesValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

/**
 * PostgreSQL: every connection of the pool busy for `seconds`, and one query more waiting for one; resolves once they
 * are all taken, with the promise of their end (in an object: an async function's result is never a promise).
 */
async function occupyEveryConnection(db: Db, seconds: number) {
  const { max } = db.poolState!()
  const sleeping = Promise.all(Array.from({ length: max + 1 }, () => sql`select pg_sleep(${seconds})`.execute(db)))
  const deadline = Date.now() + 10_000
  while (db.poolState!().busy < max && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
  return { ended: sleeping }
}

describe('GET /metrics', () => {
  it('is absent (404, not the web app) when METRICS_TOKEN is not set', async (t) => {
    const { app } = await buildTestApp(t)
    const response = await app.inject({ url: '/metrics', headers: bearer(TOKEN) })
    assert.equal(response.statusCode, 404)
    assert.equal(response.json().error.code, 'NOT_FOUND')
  })

  it('asks for the bearer token: 401 without it or with a wrong one, 200 in Prometheus text with it', async (t) => {
    const { app } = await buildTestApp(t, { METRICS_TOKEN: TOKEN })
    for (const headers of [{}, bearer('wrong'), bearer(`${TOKEN}x`), { authorization: TOKEN }, bearer('')]) {
      const refused = await app.inject({ url: '/metrics', headers })
      assert.equal(refused.statusCode, 401, JSON.stringify(headers))
      assert.equal(refused.json().error.code, 'UNAUTHENTICATED')
      assert.match(String(refused.headers['www-authenticate']), /^Bearer/)
    }
    const response = await app.inject({ url: '/metrics', headers: bearer(TOKEN) })
    assert.equal(response.statusCode, 200, response.body)
    assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/)
    assert.equal(response.headers['cache-control'], 'no-store')
    assert.match(response.body, /^# HELP process_cpu_user_seconds_total/m, "Node's own series are there")
    assert.equal(seriesValue(response.body, 'allervers_database_up'), 1)
  })

  it('shows the PostgreSQL pool as the scrape found it: busy, idle, queries waiting, its size, exports on their own connection', async (t) => {
    const { app, db } = await buildTestApp(t, { METRICS_TOKEN: TOKEN })
    const scrape = async () => {
      const response = await app.inject({ url: '/metrics', headers: bearer(TOKEN) })
      assert.equal(response.statusCode, 200, response.body)
      return response.body
    }
    if (db.engine !== 'postgres') {
      assert.doesNotMatch(await scrape(), /allervers_database_(pool|long_reads)/, 'SQLite has no pool')
      return
    }
    // Every connection busy, and one query more, which waits: so does the scrape's own reading of the database.
    const { max } = db.poolState!()
    const { ended } = await occupyEveryConnection(db, 0.3)
    assert.deepEqual(db.poolState!(), { busy: max, idle: 0, waiting: 1, max })
    const saturated = await scrape()
    await ended
    assert.equal(seriesValue(saturated, 'allervers_database_pool_connections{state="busy"}'), max)
    assert.equal(seriesValue(saturated, 'allervers_database_pool_connections{state="idle"}'), 0)
    assert.equal(seriesValue(saturated, 'allervers_database_pool_waiting'), 1)
    assert.equal(seriesValue(saturated, 'allervers_database_pool_max'), max)
    assert.equal(seriesValue(saturated, 'allervers_database_long_reads_open'), 0)

    // An export streaming on a connection of its own is counted apart, until it ends.
    const long = openLongReader(db)
    const rows = long.reader
      .selectFrom(sql<{ g: number }>`generate_series(1, 10000)`.as('g'))
      .select(sql<number>`g`.as('g'))
      .stream(10)
    const iterator = rows[Symbol.asyncIterator]()
    assert.equal((await iterator.next()).value?.g, 1)
    const streaming = await scrape()
    assert.equal(seriesValue(streaming, 'allervers_database_long_reads_open'), 1)
    assert.equal(seriesValue(streaming, 'allervers_database_pool_waiting'), 0)
    const open =
      seriesValue(streaming, 'allervers_database_pool_connections{state="busy"}')! +
      seriesValue(streaming, 'allervers_database_pool_connections{state="idle"}')!
    assert.ok(open >= 1 && open <= max, `the pool's connections, never more than its size: ${open}`)
    await iterator.return?.()
    await long.close()
    assert.equal(seriesValue(await scrape(), 'allervers_database_long_reads_open'), 0)
  })

  it('answers without the database series when every connection stays busy, rather than lose the scrape', {
    skip: testEngine() !== 'postgres',
  }, async (t) => {
    const { app, db } = await buildTestApp(t, { METRICS_TOKEN: TOKEN })
    // A server that runs: started before the scrape is timed (starting compiles every route, about a second here).
    await app.ready()
    const { max } = db.poolState!()
    const seconds = DATABASE_SCRAPE_TIMEOUT_MS / 1000 + 1.5
    const { ended } = await occupyEveryConnection(db, seconds)
    const started = performance.now()
    const response = await app.inject({ url: '/metrics', headers: bearer(TOKEN) })
    const elapsed = performance.now() - started
    assert.equal(response.statusCode, 200, response.body)
    assert.ok(
      elapsed >= DATABASE_SCRAPE_TIMEOUT_MS - 50 && elapsed < DATABASE_SCRAPE_TIMEOUT_MS + 1200,
      `answered after the database's time was up: ${elapsed} ms`,
    )
    assert.equal(seriesValue(response.body, 'allervers_database_up'), 0)
    assert.equal(seriesValue(response.body, 'allervers_database_pool_waiting'), 1, 'what to look at is there')
    assert.equal(seriesValue(response.body, 'allervers_database_pool_connections{state="busy"}'), max)
    assert.doesNotMatch(response.body, /allervers_(outbox|rollup|queue)_/, 'no database series, not even a 0')
    await ended
    const after = (await app.inject({ url: '/metrics', headers: bearer(TOKEN) })).body
    assert.equal(seriesValue(after, 'allervers_database_up'), 1)
    assert.equal(seriesValue(after, 'allervers_outbox_pending'), 0)
    assert.equal(seriesValue(after, 'allervers_rollup_lag_calls'), 0)
  })

  it('refuses a METRICS_TOKEN too short to resist guessing', () => {
    assert.throws(() => loadConfig({ METRICS_TOKEN: 'short' }), ConfigError)
    assert.equal(loadConfig({ METRICS_TOKEN: ` ${TOKEN} ` }).metricsToken, TOKEN)
    assert.equal(loadConfig({}).metricsToken, null)
  })

  it('times requests by route pattern, never by raw URL, and counts claims and outcomes', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t, { METRICS_TOKEN: TOKEN })
    const campaign = await makeCampaign(db)
    await makeTarget(db, campaign)
    const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const headers = await loginAs(caller)
    const householdId = randomUUID()
    await app.inject({ url: `/api/households/${householdId}?q=Durand`, headers })
    const claim = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
    assert.equal(claim.statusCode, 200)
    const outcome = await app.inject({
      method: 'POST',
      url: `/api/assignments/${claim.json().assignment.id}/outcome`,
      headers: { ...headers, 'idempotency-key': `key-${randomUUID()}` },
      payload: { disposition: 'no_answer', notes: 'Personne au bout du fil.' },
    })
    assert.equal(outcome.statusCode, 201, outcome.body)
    const empty = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
    assert.equal(empty.statusCode, 204)
    await app.inject({ url: '/no-such-page/123' })

    const text = (await app.inject({ url: '/metrics', headers: bearer(TOKEN) })).body
    assert.ok(!text.includes(householdId) && !text.includes(campaign.id.concat('/')) && !text.includes('Durand'))
    assert.doesNotMatch(text, /route="[^"]*[0-9a-f]{8}-[0-9a-f]{4}-/, 'no id in a route label')
    assert.equal(
      seriesValue(
        text,
        'http_request_duration_seconds_count{method="GET",route="/api/households/:id",status_code="404"}',
      ),
      1,
    )
    assert.equal(
      seriesValue(
        text,
        'http_request_duration_seconds_count{method="POST",route="/api/campaigns/:id/claim",status_code="200"}',
      ),
      1,
    )
    assert.ok(
      seriesValue(text, 'http_request_duration_seconds_count{method="GET",route="unmatched",status_code="200"}'),
    )
    assert.equal(seriesValue(text, 'allervers_claims_total{result="assigned"}'), 1)
    assert.equal(seriesValue(text, 'allervers_claims_total{result="empty"}'), 1)
    assert.equal(seriesValue(text, 'allervers_outcomes_total{disposition="no_answer"}'), 1)
    // On PostgreSQL the outcome reached the instance that made the claim: written from its copy.
    assert.equal(
      seriesValue(text, 'allervers_outcome_claim_copies_total{result="used"}'),
      db.engine === 'postgres' ? 1 : 0,
    )
    assert.equal(seriesValue(text, 'allervers_outcome_claim_copies_total{result="refused"}'), 0)
    assert.equal(seriesValue(text, 'allervers_rollup_lag_calls'), 1, 'the call waits to be counted')
  })

  it('reads queues, the outbox and imports from the database at each scrape', async (t) => {
    const { app, db } = await buildTestApp(t, { METRICS_TOKEN: TOKEN })
    const active = await makeCampaign(db)
    const paused = await makeCampaign(db, { status: 'paused' })
    for (let index = 0; index < 3; index++) await makeTarget(db, active)
    const later = await makeTarget(db, active)
    await db
      .updateTable('campaignTarget')
      .set({ status: 'scheduled', nextAttemptAt: '2999-01-01T00:00:00.000Z' })
      .where('id', '=', later.id)
      .execute()
    await makeTarget(db, paused)
    const minuteAgo = new Date(Date.now() - 60_000).toISOString()
    await queueEmails(
      db,
      [{ recipient: 'a@example.org', subject: 'Nouvelle orientation', body: 'Voir le lien.' }],
      minuteAgo,
    )
    const organizationId = active.organizationId
    const run = (id: string, createdAt: string, finishedAt: string | null, status: string) =>
      db
        .insertInto('importRun')
        .values({
          id,
          organizationId,
          createdBy: null,
          fileName: 'locataires.csv',
          status,
          isSnapshot: 0,
          isDryRun: 0,
          rowsTotal: 10,
          rowsDone: 10,
          report: null,
          error: null,
          createdAt,
          finishedAt,
        })
        .execute()
    await run(randomUUID(), '2026-01-05T10:00:00.000Z', '2026-01-05T10:00:12.000Z', 'done')
    await run(randomUUID(), '2026-01-05T11:00:00.000Z', null, 'running')

    const scrape = async () => (await app.inject({ url: '/metrics', headers: bearer(TOKEN) })).body
    const first = await scrape()
    assert.equal(seriesValue(first, `allervers_queue_targets{campaign="${active.id}",state="due"}`), 3)
    assert.equal(seriesValue(first, `allervers_queue_targets{campaign="${active.id}",state="later"}`), 1)
    assert.equal(seriesValue(first, `allervers_queue_targets{campaign="${paused.id}",state="due"}`), undefined)
    assert.equal(seriesValue(first, 'allervers_outbox_pending'), 1)
    assert.ok((seriesValue(first, 'allervers_outbox_oldest_pending_age_seconds') ?? 0) >= 59)
    assert.equal(seriesValue(first, 'allervers_outbox_failed'), 0)
    assert.equal(seriesValue(first, 'allervers_import_duration_seconds_count{status="done"}'), 1)
    assert.equal(seriesValue(first, 'allervers_import_duration_seconds_sum{status="done"}'), 12)
    assert.equal(seriesValue(first, 'allervers_import_duration_seconds_bucket{le="15",status="done"}'), 1)

    // A second scrape observes only imports finished since: the one still running when first seen, now done.
    await db
      .updateTable('importRun')
      .set({ status: 'failed', finishedAt: '2026-01-05T11:02:00.000Z' })
      .where('status', '=', 'running')
      .execute()
    await db.updateTable('campaign').set({ status: 'closed' }).where('id', '=', active.id).execute()
    const second = await scrape()
    assert.equal(seriesValue(second, 'allervers_import_duration_seconds_count{status="done"}'), 1)
    assert.equal(seriesValue(second, 'allervers_import_duration_seconds_count{status="failed"}'), 1)
    assert.equal(seriesValue(second, 'allervers_import_duration_seconds_sum{status="failed"}'), 120)
    assert.equal(
      seriesValue(second, `allervers_queue_targets{campaign="${active.id}",state="due"}`),
      undefined,
      'a campaign no longer active leaves the gauge',
    )
  })

  it('times retention purges from purge_run, each once, by final status', async (t) => {
    const { app, db } = await buildTestApp(t, { METRICS_TOKEN: TOKEN })
    const scrape = async () => (await app.inject({ url: '/metrics', headers: bearer(TOKEN) })).body
    const empty = await scrape()
    assert.match(empty, /^# TYPE allervers_purge_duration_seconds histogram$/m)
    assert.equal(seriesValue(empty, 'allervers_purge_duration_seconds_count{status="done"}'), undefined)

    const defaults = loadConfig({}).retention
    const purged = await runPurge(db, { defaults, trigger: 'cli' })
    assert.equal(purged.status, 'done')
    await db
      .insertInto('purgeRun')
      .values({
        id: randomUUID(),
        organizationId: null,
        trigger: 'worker',
        asOf: '2026-01-05',
        dryRun: 0,
        startedAt: '2026-01-05T02:00:00.000Z',
        finishedAt: '2026-01-05T02:00:45.000Z',
        status: 'failed',
        report: null,
        error: 'the disk was full',
      })
      .execute()
    const first = await scrape()
    assert.equal(seriesValue(first, 'allervers_purge_duration_seconds_count{status="done"}'), 1)
    assert.ok((seriesValue(first, 'allervers_purge_duration_seconds_sum{status="done"}') ?? -1) >= 0)
    assert.equal(seriesValue(first, 'allervers_purge_duration_seconds_count{status="failed"}'), 1)
    assert.equal(seriesValue(first, 'allervers_purge_duration_seconds_sum{status="failed"}'), 45)
    assert.equal(seriesValue(first, 'allervers_purge_duration_seconds_bucket{le="30",status="failed"}'), 0)
    assert.equal(seriesValue(first, 'allervers_purge_duration_seconds_bucket{le="60",status="failed"}'), 1)

    // A second purge: counted once more; the runs already seen are not counted again.
    assert.equal((await runPurge(db, { defaults, trigger: 'cli', dryRun: true })).status, 'done')
    const second = await scrape()
    assert.equal(seriesValue(second, 'allervers_purge_duration_seconds_count{status="done"}'), 2)
    assert.equal(seriesValue(second, 'allervers_purge_duration_seconds_count{status="failed"}'), 1)
    assert.equal(seriesValue(second, 'allervers_import_duration_seconds_count{status="done"}'), undefined)
  })
})
