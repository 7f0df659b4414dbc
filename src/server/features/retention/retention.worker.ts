import type { RetentionSettings } from '../../config.js'
import type { Db } from '../../db/database.js'
import type { WorkerRegistry } from '../../workers.js'
import { runPurge } from './retention.service.js'

/**
 * The daily purge inside the server: every PURGE_CHECK_SECONDS it looks whether today's purge of every organisation
 * has run, and runs it when not. Several instances share the work safely: on PostgreSQL the purge holds an advisory
 * lock (a second instance skips) and looks for today's run once it holds it, so each household is erased once.
 */
export function startPurgeWorker(
  workers: WorkerRegistry,
  db: Db,
  settings: RetentionSettings,
  options: {
    onError?: (error: unknown) => void
    onPurged?: (outcome: Awaited<ReturnType<typeof runPurge>>) => void
  } = {},
) {
  return workers.runEvery(
    'purge',
    { intervalMs: settings.purgeCheckSeconds * 1000, maxRoundMs: 60 * 60_000, onError: options.onError },
    async () => {
      const outcome = await runPurge(db, { defaults: settings, trigger: 'worker', oncePerDay: true })
      options.onPurged?.(outcome)
    },
  )
}
