import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * WAL checkpoints in a worker thread, off the request path. SQLite's automatic checkpoint runs inside the COMMIT that
 * crosses the threshold: it copies the WAL's pages into the database file and fsyncs it, and better-sqlite3 being
 * synchronous, the event loop stood still meanwhile (tens of ms, every few grouped commits under load: the p99 of
 * claims and outcomes). Here a second connection, on its own thread, checkpoints every `intervalMs` in PASSIVE mode:
 * it never takes the writer's lock, so the app's transactions go on while pages are copied and synced.
 *
 * The WAL starts over from its beginning only when a writer finds every frame already copied; under constant writes
 * a checkpoint is often overtaken by a commit, so the worker checkpoints again at once (a few times at most) while
 * frames remain: each round has less to copy, and one soon ends with nothing left. The app's connection keeps an
 * automatic checkpoint as a backstop with a high threshold (`wal_autocheckpoint` set by the caller) in case this
 * thread cannot keep up or dies. See docs/decisions.md.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file, { fileMustExist: true })
db.pragma('synchronous = NORMAL')
let stopped = false
function checkpoint() {
  if (stopped) return
  try {
    for (let round = 0; round < workerData.rounds; round++) {
      const [state] = db.pragma('wal_checkpoint(PASSIVE)')
      // log: frames in the WAL; checkpointed: frames copied; -1 when not in WAL mode.
      if (state.busy || state.log <= 0 || state.checkpointed >= state.log) break
    }
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) })
  }
  timer = setTimeout(checkpoint, workerData.intervalMs)
}
let timer = setTimeout(checkpoint, workerData.intervalMs)
parentPort.on('message', (message) => {
  if (message !== 'stop') return
  stopped = true
  clearTimeout(timer)
  db.close()
  parentPort.close()
})
`

export interface Checkpointer {
  /** Stops the thread; the connection it holds is closed. */
  stop(): void
}

export function startCheckpointer(file: string, options: { intervalMs?: number; rounds?: number } = {}): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver, file, intervalMs: options.intervalMs ?? 25, rounds: options.rounds ?? 1 },
  })
  // Never what keeps a process alive (tests, CLI commands): the app's connection checkpoints on close anyway.
  worker.unref()
  worker.on('message', (message: { error?: string }) => {
    if (message?.error) process.emitWarning(`WAL checkpoint failed: ${message.error}`)
  })
  worker.on('error', (error) => process.emitWarning(`WAL checkpointer stopped: ${error.message}`))
  let isStopped = false
  return {
    stop() {
      if (isStopped) return
      isStopped = true
      worker.postMessage('stop')
    },
  }
}
