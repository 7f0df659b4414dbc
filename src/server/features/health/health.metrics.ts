/**
 * GET /metrics in Prometheus' text format, for the operators' monitoring (docs/deploying.md "Monitoring"). Outside
 * /api: no session, no access action of the policy; a bearer token of its own (METRICS_TOKEN), compared in constant
 * time, and 404 when none is configured (the route is then as absent as any other).
 *
 * Two kinds of series. Those of this process (request latencies, claims, outcomes, workers, its PostgreSQL pool,
 * Node's own) are summed across instances. Those read from the database at each scrape (queues, outbox, imports,
 * purges, rollup lag) are the same on every instance: take their max(), or scrape them from one.
 *
 * No series carries a tenant's data: routes are URL patterns (`/api/households/:id`, never an id or a query), campaign
 * labels are ids.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Counter, collectDefaultMetrics, Gauge, type GaugeConfiguration, Histogram, Registry } from 'prom-client'
import { callingContract } from '../../../shared/contracts/calling.js'
import type { Config } from '../../config.js'
import { type Db, ownLongReadsOpen } from '../../db/database.js'
import { nowTimestamp, type Timestamp } from '../../db/time.js'
import { AppError } from '../../http/errors.js'
import type { WorkerRegistry } from '../../workers.js'
import { claimCopyCounts } from '../calling/calling.cache.js'
import { chainedClaims } from '../calling/calling.routes.js'
import { countPendingCalls } from '../stats/stats.queries.js'
import {
  countQueuesOfActiveCampaigns,
  isDatabaseReachable,
  listImportsFinishedSince,
  listPurgesFinishedSince,
  summarizeOutbox,
} from './health.queries.js'

/** Calls not yet counted beyond this are reported as this many (the count stops there). */
const ROLLUP_LAG_CAP = 1_000_000

/**
 * How long a scrape waits for the database series: past it, it answers without them (`allervers_database_up` 0), so
 * that a pool whose connections are all busy, the moment one looks at the metrics, does not also lose the scrape
 * (Prometheus gives up after 10 s by default).
 */
export const DATABASE_SCRAPE_TIMEOUT_MS = 5000

const CLAIM_ROUTE = `/api${callingContract.claim.url}`
const OUTCOME_ROUTE = `/api${callingContract.outcome.url}`

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

/** Whether the request carries `Authorization: Bearer <token>`; both sides hashed first, so lengths never differ. */
function carriesToken(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization ?? ''
  const given = /^Bearer +(\S+)\s*$/i.exec(header)?.[1] ?? ''
  return timingSafeEqual(sha256(given), sha256(token)) && given.length > 0
}

/**
 * A cursor over runs (imports, purges) that observes each finished one once: the last finish time seen, and the ids
 * seen at that very time (a later read takes runs finished at or after it).
 */
function finishedRunsCursor() {
  let since: Timestamp | null = null
  let seenAtSince = new Set<string>()
  return {
    since: () => since,
    /** Whether `run` was not seen yet; it is then counted as seen. Runs come oldest first. */
    isNew(run: { id: string; finishedAt: Timestamp }): boolean {
      if (run.finishedAt === since && seenAtSince.has(run.id)) return false
      if (run.finishedAt !== since) seenAtSince = new Set()
      since = run.finishedAt
      seenAtSince.add(run.id)
      return true
    },
  }
}

const secondsBetween = (start: Timestamp, end: Timestamp) => Math.max(0, (Date.parse(end) - Date.parse(start)) / 1000)

/** The series read from the database at each scrape, and the cursors over finished imports and purges. */
function databaseSeries(registry: Registry, db: Db) {
  const databaseUp = new Gauge({
    name: 'allervers_database_up',
    help: `Whether the database answered the scrape within ${DATABASE_SCRAPE_TIMEOUT_MS / 1000} s (1) or not (0); the series below are then absent`,
    registers: [registry],
  })
  // While the database does not answer, its series are taken out of the registry: absent, never a 0 that would read
  // as "no mail waiting" (a gauge without labels that is only reset still says 0).
  const gauges: { name: string; gauge: Gauge }[] = []
  const databaseGauge = <T extends string>(configuration: GaugeConfiguration<T>) => {
    const gauge = new Gauge({ ...configuration, registers: [registry] })
    gauges.push({ name: configuration.name, gauge })
    return gauge
  }
  const queue = databaseGauge({
    name: 'allervers_queue_targets',
    help: 'Targets of each active campaign: due now, scheduled for later, held by a caller',
    labelNames: ['campaign', 'state'] as const,
  })
  const outboxPending = databaseGauge({ name: 'allervers_outbox_pending', help: 'Mails waiting in the outbox' })
  const outboxOldest = databaseGauge({
    name: 'allervers_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest mail waiting in the outbox (0 when none waits)',
  })
  const outboxFailed = databaseGauge({
    name: 'allervers_outbox_failed',
    help: 'Mails given up on after every attempt (kept in the outbox)',
  })
  const rollupLag = databaseGauge({
    name: 'allervers_rollup_lag_calls',
    help: `Calls not yet counted into the review's rollups (capped at ${ROLLUP_LAG_CAP})`,
  })
  const imports = new Histogram({
    name: 'allervers_import_duration_seconds',
    help: 'Duration of finished tenant imports (web or command line), by final status',
    labelNames: ['status'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800],
    registers: [registry],
  })
  const purges = new Histogram({
    name: 'allervers_purge_duration_seconds',
    help: 'Duration of finished retention purges (worker or command line, dry runs included), by final status',
    labelNames: ['status'] as const,
    buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800],
    registers: [registry],
  })
  const finishedImports = finishedRunsCursor()
  const finishedPurges = finishedRunsCursor()

  const markDown = () => {
    databaseUp.set(0)
    for (const { name, gauge } of gauges) {
      gauge.reset()
      if (registry.getSingleMetric(name)) registry.removeSingleMetric(name)
    }
  }
  const markUp = () => {
    databaseUp.set(1)
    for (const { name, gauge } of gauges) if (!registry.getSingleMetric(name)) registry.registerMetric(gauge)
  }

  async function read() {
    if (!(await isDatabaseReachable(db))) {
      markDown()
      return
    }
    markUp()
    const now = nowTimestamp()
    queue.reset()
    for (const row of await countQueuesOfActiveCampaigns(db, now)) {
      queue.set({ campaign: row.campaignId, state: row.state }, row.targets)
    }
    const outbox = await summarizeOutbox(db)
    outboxPending.set(outbox.pending)
    outboxFailed.set(outbox.failed)
    outboxOldest.set(
      outbox.oldestPendingAt ? Math.max(0, (Date.parse(now) - Date.parse(outbox.oldestPendingAt)) / 1000) : 0,
    )
    rollupLag.set(Math.min(ROLLUP_LAG_CAP, await countPendingCalls(db, ROLLUP_LAG_CAP)))
    for (const run of await listImportsFinishedSince(db, finishedImports.since())) {
      if (finishedImports.isNew(run))
        imports.observe({ status: run.status }, secondsBetween(run.createdAt, run.finishedAt))
    }
    for (const run of await listPurgesFinishedSince(db, finishedPurges.since())) {
      if (finishedPurges.isNew(run))
        purges.observe({ status: run.status }, secondsBetween(run.startedAt, run.finishedAt))
    }
  }

  // One read at a time: a scrape that arrives while the last one's read still waits on the database waits for that
  // read (the cursors of imports and purges are advanced by one reader only).
  let reading: Promise<void> | undefined
  return async function readWithin(timeoutMs: number) {
    reading ??= read().finally(() => {
      reading = undefined
    })
    let timer: NodeJS.Timeout | undefined
    const isRead = await Promise.race([
      reading.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs)
      }),
    ]).finally(() => clearTimeout(timer))
    if (!isRead) markDown()
  }
}

/**
 * PostgreSQL: this instance's connections, as the scrape found them on arrival (the scrape's own reads of the database
 * then wait like any query when every connection is busy). Queries waiting for a connection mean the pool is short
 * for the load (DATABASE_POOL_SIZE, docs/deploying.md); exports that stream on a connection of their own are counted
 * apart. Returns what takes that picture.
 */
function poolSeries(registry: Registry, poolState: NonNullable<Db['poolState']>) {
  let state = { ...poolState(), longReads: ownLongReadsOpen() }
  new Gauge({
    name: 'allervers_database_pool_connections',
    help: "Connections of this instance's PostgreSQL pool: busy running a query or a transaction, or idle",
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.set({ state: 'busy' }, state.busy)
      this.set({ state: 'idle' }, state.idle)
    },
  })
  new Gauge({
    name: 'allervers_database_pool_waiting',
    help: 'Queries of this instance waiting for a connection of its PostgreSQL pool, every one being busy',
    registers: [registry],
    collect() {
      this.set(state.waiting)
    },
  })
  new Gauge({
    name: 'allervers_database_pool_max',
    help: "Size of this instance's PostgreSQL pool (DATABASE_POOL_SIZE)",
    registers: [registry],
    collect() {
      this.set(state.max)
    },
  })
  new Gauge({
    name: 'allervers_database_long_reads_open',
    help: 'Exports of this instance streaming on a PostgreSQL connection of their own, outside the pool',
    registers: [registry],
    collect() {
      this.set(state.longReads)
    },
  })
  return () => {
    state = { ...poolState(), longReads: ownLongReadsOpen() }
  }
}

/**
 * Adds GET /metrics and, when METRICS_TOKEN is set, the request hook that times every answer by route pattern and
 * counts claims and outcomes. Call it on the root instance before the routes are registered.
 */
export function installMetrics(app: FastifyInstance, options: { config: Config; db: Db; workers: WorkerRegistry }) {
  const token = options.config.metricsToken
  if (!token) {
    app.get('/metrics', { schema: { hide: true } }, async (request) => {
      throw new AppError('NOT_FOUND', `No route ${request.method} /metrics`)
    })
    return
  }
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern (never the raw URL)',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  })
  const claims = new Counter({
    name: 'allervers_claims_total',
    help: 'Claims answered: a household assigned, or nothing due (empty)',
    labelNames: ['result'] as const,
    registers: [registry],
  })
  const outcomes = new Counter({
    name: 'allervers_outcomes_total',
    help: 'Calls recorded (an idempotent replay is not counted again), by disposition',
    labelNames: ['disposition'] as const,
    registers: [registry],
  })
  new Counter({
    name: 'allervers_outcome_claim_copies_total',
    help: 'PostgreSQL outcomes that reached the instance which made the claim: written from its copy (used), or read again because a value had changed since (refused)',
    labelNames: ['result'] as const,
    registers: [registry],
    collect() {
      this.reset()
      this.inc({ result: 'used' }, claimCopyCounts.used)
      this.inc({ result: 'refused' }, claimCopyCounts.refused)
    },
  })
  new Gauge({
    name: 'allervers_worker_up',
    help: 'Whether each background worker of this instance is alive (1) or stalled or stopped (0)',
    labelNames: ['worker'] as const,
    registers: [registry],
    collect() {
      this.reset()
      for (const [worker, state] of Object.entries(options.workers.snapshot())) {
        this.set({ worker }, state.status === 'alive' ? 1 : 0)
      }
    },
  })
  const notePool = options.db.poolState ? poolSeries(registry, options.db.poolState) : () => {}
  const readDatabase = databaseSeries(registry, options.db)

  app.addHook('onResponse', async (request, reply) => {
    // A request that matched no route (a 404, the web app's pages) has no pattern: one label for all of them.
    const route = request.routeOptions.url ?? 'unmatched'
    latency.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000)
    if (request.method !== 'POST') return
    if (route === CLAIM_ROUTE && (reply.statusCode === 200 || reply.statusCode === 204)) {
      claims.inc({ result: reply.statusCode === 200 ? 'assigned' : 'empty' })
    } else if (route === OUTCOME_ROUTE) {
      if (reply.statusCode === 201) {
        const disposition = (request.body as { disposition?: unknown } | undefined)?.disposition
        outcomes.inc({ disposition: typeof disposition === 'string' ? disposition : 'unknown' })
      }
      // « Enchaîner »: the next household claimed in the same request.
      const chained = chainedClaims.get(request)
      if (chained) claims.inc({ result: chained })
    }
  })

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!carriesToken(request, token)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"')
      throw new AppError('UNAUTHENTICATED', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>')
    }
    notePool()
    await readDatabase(DATABASE_SCRAPE_TIMEOUT_MS)
    reply.header('cache-control', 'no-store').type(registry.contentType)
    return registry.metrics()
  })
}
