/**
 * The background workers of one running server (mail outbox, review rollups) and their heartbeats: each runs its
 * work every few seconds through `runEvery`, which notes when the timer last fired and how long the current round
 * has run. GET /api/ready and /metrics read that state; the graceful shutdown stops the workers and waits for a
 * round in progress, so that the database is never closed under it.
 */

/** What the readiness check says of one worker. */
export type WorkerStatus = 'alive' | 'stalled' | 'stopped'

export interface WorkerState {
  status: WorkerStatus
  /** When the worker last started or finished a round (ISO), null before its first. */
  lastBeatAt: string | null
  /** The round in progress has run this many seconds (0 when idle). */
  busySeconds: number
}

export interface WorkerOptions {
  intervalMs: number
  /** A round running longer than this is stuck (a hung connection), not busy: the worker is then `stalled`. */
  maxRoundMs: number
  onError?: (error: unknown) => void
}

interface Worker extends WorkerOptions {
  startedAt: number
  firedAt: number | null
  lastBeat: number | null
  roundStartedAt: number | null
  stopped: boolean
}

/** The timer may fire late under load: it is considered dead after missing this many intervals (and a margin). */
const MISSED_INTERVALS = 3
const MARGIN_MS = 5000

export class WorkerRegistry {
  readonly #workers = new Map<string, Worker>()
  readonly #stops = new Set<() => Promise<void>>()

  /**
   * Runs `round` every `intervalMs`, one round at a time (a timer that fires while a round runs is skipped). Returns
   * a stop function that aborts the round's signal (a long round ends at its next safe point) and resolves once the
   * round in progress, if any, has finished.
   */
  runEvery(name: string, options: WorkerOptions, round: (signal: AbortSignal) => Promise<void>): () => Promise<void> {
    if (this.#workers.has(name)) throw new Error(`a worker named "${name}" already runs`)
    const worker: Worker = {
      ...options,
      startedAt: Date.now(),
      firedAt: null,
      lastBeat: null,
      roundStartedAt: null,
      stopped: false,
    }
    this.#workers.set(name, worker)
    let running: Promise<void> | undefined
    const stopping = new AbortController()
    const timer = setInterval(() => {
      worker.firedAt = Date.now()
      if (running) return
      worker.roundStartedAt = worker.lastBeat = Date.now()
      running = round(stopping.signal)
        .catch((error: unknown) => options.onError?.(error))
        .finally(() => {
          worker.roundStartedAt = null
          worker.lastBeat = Date.now()
          running = undefined
        })
    }, options.intervalMs)
    // The HTTP server keeps the process alive; a worker alone (a script, a test) must not.
    timer.unref()
    const stop = async () => {
      clearInterval(timer)
      stopping.abort()
      worker.stopped = true
      this.#stops.delete(stop)
      await running
    }
    this.#stops.add(stop)
    return stop
  }

  /** Stops every worker still running and waits for their rounds in progress. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#stops].map((stop) => stop()))
  }

  /** Each worker's state now, by name. */
  snapshot(now = Date.now()): Record<string, WorkerState> {
    const states: Record<string, WorkerState> = {}
    for (const [name, worker] of this.#workers) {
      const busyMs = worker.roundStartedAt === null ? 0 : now - worker.roundStartedAt
      const lastTick = worker.firedAt ?? worker.startedAt
      const isLate = now - lastTick > MISSED_INTERVALS * worker.intervalMs + MARGIN_MS
      const status: WorkerStatus = worker.stopped
        ? 'stopped'
        : isLate || busyMs > worker.maxRoundMs
          ? 'stalled'
          : 'alive'
      states[name] = {
        status,
        lastBeatAt: worker.lastBeat === null ? null : new Date(worker.lastBeat).toISOString(),
        busySeconds: Math.floor(busyMs / 1000),
      }
    }
    return states
  }
}
