// One app instance for benchmarks, in its own process so the load generator does not steal its CPU.
import { loadConfig } from '../../src/server/config.js'
import { startServer } from '../../src/server/main.js'

const server = await startServer(loadConfig({ ...process.env, LOG_LEVEL: 'silent' }))
process.send?.({ ready: true, url: server.url })

// Exit cleanly on SIGTERM so a CPU profile (BENCH_PROFILE=1) is written.
process.once('SIGTERM', () => server.close().then(() => process.exit(0)))

// Asked for its CPU time, the instance answers: the bench reports server CPU per cycle, steadier than wall time on a
// shared machine.
process.on('message', (message: { cpu?: boolean }) => {
  if (message?.cpu) process.send?.({ cpu: process.cpuUsage() })
})
