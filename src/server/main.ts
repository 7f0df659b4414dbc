import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import type { Config } from './config.js'
import { createDb, type Db } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { createTransport, startOutboxWorker } from './features/mail/outbox.worker.js'
import { notifyOverdueReferrals } from './features/referrals/referrals.service.js'
import { startRollupWorker } from './features/stats/stats.refresh.js'

export interface RunningServer {
  app: FastifyInstance
  db: Db
  url: string
  close(): Promise<void>
}

/** config → database → migrations → app → listen, with a graceful shutdown on SIGTERM/SIGINT. */
export async function startServer(config: Config, options: { db?: Db; handleSignals?: boolean } = {}) {
  const db = options.db ?? createDb(config.databaseUrl)
  await migrateToLatest(db)
  const app = await buildApp({ config, db })
  const address = await app.listen({ port: config.port, host: config.host })
  const url = address.replace('://127.0.0.1', '://localhost')
  // Mail leaves through the outbox; without SMTP_URL it waits in the database until one is configured.
  const stopWorker = config.smtpUrl
    ? startOutboxWorker(db, createTransport(config.smtpUrl), config.mailFrom, 5000, async () => {
        await notifyOverdueReferrals(db, config.publicUrl)
      })
    : () => {}
  if (!config.smtpUrl) app.log.warn('SMTP_URL is not set: notifications are queued but not sent')
  // The review's rollups count new calls every 30 s (a review also counts what is left before answering).
  const stopRollups = startRollupWorker(db, {
    intervalMs: config.statsRefreshSeconds * 1000,
    onError: (error) => app.log.error({ err: error }, 'review rollups: refresh failed'),
  })
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      stopWorker()
      stopRollups()
      await app.close()
      await db.destroy()
    })()
    return closing
  }
  if (options.handleSignals ?? true) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        app.log.info({ signal }, 'shutting down')
        close().then(
          () => process.exit(0),
          () => process.exit(1),
        )
      })
    }
  }
  return { app, db, url, close } satisfies RunningServer
}
