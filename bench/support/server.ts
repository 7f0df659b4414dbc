// One app instance for benchmarks, in its own process so the load generator does not steal its CPU.
import { writeFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import pg from 'pg'
import { loadConfig } from '../../src/server/config.js'
import { startServer } from '../../src/server/main.js'

// Where a request's time goes on PostgreSQL (bench:calling prints it): how many statements this instance sent, how
// long they took from the driver's send to its answer (the server's work, the network, and this process's event
// loop before it read the answer), and how long a request waited for a connection of the pool.
const counters = { queries: 0, queryMs: 0, connects: 0, connectWaitMs: 0 }
// BENCH_CAPTURE=<file>: each distinct statement text and the values it was first sent with, written at exit (to
// EXPLAIN them by hand).
const captured = process.env.BENCH_CAPTURE ? new Map<string, unknown>() : undefined
process.once('exit', () => {
  if (captured) writeFileSync(`${process.env.BENCH_CAPTURE}.${process.pid}.json`, JSON.stringify([...captured]))
})
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (captured) {
    // A text, or a prepared statement's config (raw.ts's hot-path statements).
    const config = args[0] as string | { text?: string; values?: unknown[] }
    const text = typeof config === 'string' ? config : config?.text
    if (text !== undefined && !captured.has(text))
      captured.set(text, typeof config === 'string' ? args[1] : config.values)
  }
  const result = query.apply(this, args)
  if (result && typeof (result as Promise<unknown>).then === 'function') {
    counters.queries++
    const start = performance.now()
    ;(result as Promise<unknown>).then(
      () => {
        counters.queryMs += performance.now() - start
      },
      () => {},
    )
  }
  return result
} as typeof pg.Client.prototype.query
const connect = pg.Pool.prototype.connect as (...args: unknown[]) => unknown
pg.Pool.prototype.connect = function (this: pg.Pool, ...args: unknown[]) {
  const result = connect.apply(this, args)
  if (args.length === 0 && result && typeof (result as Promise<unknown>).then === 'function') {
    counters.connects++
    const start = performance.now()
    ;(result as Promise<unknown>).then(
      () => {
        counters.connectWaitMs += performance.now() - start
      },
      () => {},
    )
  }
  return result
} as typeof pg.Pool.prototype.connect
const loopDelay = monitorEventLoopDelay({ resolution: 10 })
loopDelay.enable()

const server = await startServer(loadConfig({ MFA_REQUIRED_ROLES: 'none', ...process.env, LOG_LEVEL: 'silent' }))
process.send?.({ ready: true, url: server.url })

// Exit cleanly on SIGTERM so a CPU profile (BENCH_PROFILE=1) is written.
process.once('SIGTERM', () => server.close().then(() => process.exit(0)))

// Asked for its CPU time, the instance answers: the bench reports server CPU per cycle, steadier than wall time on a
// shared machine. With it, the counters above and the event loop's delay since the last question.
process.on('message', (message: { cpu?: boolean }) => {
  if (!message?.cpu) return
  process.send?.({
    cpu: process.cpuUsage(),
    counters: { ...counters },
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    loopDelayMeanMs: loopDelay.mean / 1e6,
  })
  loopDelay.reset()
})
