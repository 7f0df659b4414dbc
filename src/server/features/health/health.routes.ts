import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { healthContract } from '../../../shared/contracts/health.js'
import { listPendingMigrations } from '../../db/migrate.js'
import { AppError } from '../../http/errors.js'
import { VERSION } from '../../version.js'
import { isDatabaseReachable } from './health.queries.js'

/** A database that has not answered in this long is unreachable for a probe (a load balancer's own timeout is short). */
const PROBE_TIMEOUT_MS = 2000

function within<T>(work: Promise<T>, milliseconds: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), milliseconds)
  })
  return Promise.race([work, late]).finally(() => clearTimeout(timer))
}

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Both probes: the database answers within the bound (a recent answer counts while every connection is busy).
  const probeDatabase = () => within(isDatabaseReachable(app.db, PROBE_TIMEOUT_MS), PROBE_TIMEOUT_MS, false)

  app.route({
    ...healthContract.read,
    config: { access: 'health.read' },
    handler: async () => {
      if (!(await probeDatabase())) {
        throw new AppError('SERVICE_UNAVAILABLE', 'The database does not answer')
      }
      return { status: 'ok' as const, database: app.db.engine, version: VERSION }
    },
  })

  // Once the schema is this version's it stays so (migrations are never undone): asked until then, not after.
  let isSchemaCurrent = false
  app.route({
    ...healthContract.ready,
    config: { access: 'health.read' },
    handler: async () => {
      const isReachable = await probeDatabase()
      let pendingMigrations: string[] = []
      let migrations: 'current' | 'pending' | 'unknown' = 'unknown'
      if (isSchemaCurrent) migrations = 'current'
      else if (isReachable) {
        const pending = await within(
          listPendingMigrations(app.db).catch(() => null),
          PROBE_TIMEOUT_MS,
          null,
        )
        if (pending) {
          pendingMigrations = pending
          migrations = pending.length ? 'pending' : 'current'
          isSchemaCurrent = pending.length === 0
        }
      }
      const workers = app.workers.snapshot()
      const missing = [
        ...(isReachable ? [] : ['database unreachable']),
        ...(migrations === 'pending' ? [`migrations pending: ${pendingMigrations.join(', ')}`] : []),
        ...(migrations === 'unknown' && isReachable ? ['migrations could not be read'] : []),
        ...Object.entries(workers)
          .filter(([, state]) => state.status !== 'alive')
          .map(([name, state]) => `worker ${name} ${state.status}`),
      ]
      if (missing.length || migrations !== 'current') {
        throw new AppError('SERVICE_UNAVAILABLE', `Not ready: ${missing.join('; ')}`, {
          database: isReachable ? 'reachable' : 'unreachable',
          migrations,
          pendingMigrations,
          workers,
          missing,
        })
      }
      return { status: 'ready' as const, database: app.db.engine, migrations, workers }
    },
  })
}
