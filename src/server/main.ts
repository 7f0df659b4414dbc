import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import type { Config } from './config.js'
import { createDb, type Db } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'

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
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
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
