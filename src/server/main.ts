import type { FastifyInstance } from 'fastify'
import type { DestinationStream } from 'pino'
import { buildApp } from './app.js'
import type { Config } from './config.js'
import { createDb, type Db } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { createTransport, startOutboxWorker } from './features/mail/outbox.worker.js'
import { notifyOverdueReferrals } from './features/referrals/referrals.service.js'
import { startPurgeWorker } from './features/retention/retention.worker.js'
import { startSsoRecheckWorker } from './features/sso/sso.recheck.js'
import { startRollupWorker } from './features/stats/stats.refresh.js'
import { WorkerRegistry } from './workers.js'

export interface RunningServer {
  app: FastifyInstance
  db: Db
  url: string
  workers: WorkerRegistry
  /** Stops accepting, lets requests in flight finish (within the grace), stops the workers, closes the database. */
  close(): Promise<void>
}

export interface StartOptions {
  db?: Db
  handleSignals?: boolean
  /** How long requests in flight, then the workers' rounds, may take to finish on shutdown (default 10 s each). */
  shutdownGraceMs?: number
  logStream?: DestinationStream
}

const SHUTDOWN_GRACE_MS = 10_000

/** Resolves when `work` does or after `milliseconds`, whichever comes first; says which. */
async function within(work: Promise<unknown>, milliseconds: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), milliseconds)
  })
  try {
    return await Promise.race([work.then(() => true), late])
  } finally {
    clearTimeout(timer)
  }
}

/** config → database → migrations → app → listen, with a graceful shutdown on SIGTERM/SIGINT. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const db = options.db ?? createDb(config.databaseUrl, { poolSize: config.databasePoolSize })
  await migrateToLatest(db)
  const workers = new WorkerRegistry()
  const app = await buildApp({ config, db, workers, logStream: options.logStream })
  const address = await app.listen({ port: config.port, host: config.host })
  const url = address.replace('://127.0.0.1', '://localhost')
  // Mail leaves through the outbox; without SMTP_URL it waits in the database until one is configured.
  if (config.smtpUrl) {
    startOutboxWorker(workers, db, createTransport(config.smtpUrl), config.mailFrom, 5000, async () => {
      await notifyOverdueReferrals(db, config.publicUrl)
    })
  } else {
    app.log.warn('SMTP_URL is not set: notifications are queued but not sent')
  }
  if (config.mfa.isDevelopmentKey) {
    app.log.warn(
      'MFA_ENCRYPTION_KEY is not set: second factors are encrypted with the development key, which is no secret',
    )
  }
  // The review's rollups count new calls every 30 s (a review also counts what is left before answering).
  startRollupWorker(workers, db, {
    intervalMs: config.statsRefreshSeconds * 1000,
    onError: (error) => app.log.error({ err: error }, 'review rollups: refresh failed'),
  })
  // Retention: once a day, what is past its period is erased (features/retention); one instance at a time.
  if (config.retention.purgeEnabled) {
    startPurgeWorker(workers, db, config.retention, {
      onError: (error) => app.log.error({ err: error }, 'retention: purge failed'),
      onPurged: (outcome) => {
        if (outcome.status === 'done') app.log.info({ runId: outcome.runId, ...outcome.report }, 'retention: purged')
      },
    })
  }
  // Single sign-on: each minute, sessions not checked for SSO_RECHECK_MINUTES are checked with their provider.
  startSsoRecheckWorker(workers, db, config, {
    log: app.log,
    onError: (error) => app.log.error({ err: error }, 'single sign-on: re-check failed'),
  })

  const graceMs = options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      // Fastify stops accepting connections, answers 503 to new requests on open ones and waits for those in flight.
      // A kept-alive connection whose request has been answered is idle: closed at once rather than after its
      // keep-alive timeout. Past the grace, the connections still open are cut.
      const sweep = setInterval(() => app.server.closeIdleConnections(), 50)
      const cut = setTimeout(() => {
        app.log.warn({ graceMs }, 'shutdown: requests still in flight after the grace, closing their connections')
        app.server.closeAllConnections()
      }, graceMs)
      try {
        await app.close()
      } finally {
        clearInterval(sweep)
        clearTimeout(cut)
      }
      // A worker's round ends at its next safe point; one that does not within the grace is cut by the database's
      // closing (its transaction rolls back: a refresh or a delivery that fails changes nothing).
      if (!(await within(workers.stopAll(), graceMs))) {
        app.log.warn({ graceMs }, 'shutdown: a worker round still runs after the grace, closing the database under it')
      }
      await db.destroy()
      app.log.info('shutdown complete')
    })()
    return closing
  }
  if (options.handleSignals ?? true) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      // Once: a second signal ends the process at once (the default action).
      process.once(signal, () => {
        app.log.info({ signal }, 'shutting down')
        close().then(
          () => process.exit(0),
          () => process.exit(1),
        )
      })
    }
  }
  return { app, db, url, workers, close }
}
