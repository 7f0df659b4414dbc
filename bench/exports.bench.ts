// npm run bench:stats (second half) — a 1,000,000-row calls export streamed through the real HTTP server, in its own
// process, on SQLite and PostgreSQL. Prints rows/s and the server's peak resident memory (VmHWM, target < 200 MB).
// Checks the row count against a count(*) of the same period. Asserts nothing about time.
//   BENCH_HOUSEHOLDS (200000), BENCH_CALLS (1000000), BENCH_FORMATS (csv,xlsx), --engine=sqlite|postgres,
//   --reuse: the database the last run of this benchmark seeded (.bench/exports-<engine>.json), or else the one the
//   last `npm run bench:stats` seeded (.bench/stats-<engine>.json), instead of a new one.
import { type ChildProcess, fork } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { bundleForNode } from '../scripts/node-bundle.mjs'
import { createDb, type Db } from '../src/server/db/database.js'
import { migrateToLatest } from '../src/server/db/migrate.js'
import { makeUser } from '../test/factories.js'
import { type BenchEngine, benchEngines, freshBenchDatabase } from './support/bench-db.js'
import { type ReviewData, seedReviewData } from './support/review-data.js'

const HOUSEHOLDS = Number(process.env.BENCH_HOUSEHOLDS ?? 200_000)
const CALLS = Number(process.env.BENCH_CALLS ?? 1_000_000)
const FORMATS = (process.env.BENCH_FORMATS ?? 'csv,xlsx').split(',')

// The server as production runs it (`npm start`): compiled once, not through tsx. Two folders below the root, like
// dist/server/allervers.mjs (src/server/version.ts reads ../../package.json).
const SERVER_BUNDLE = 'dist/bench/server.mjs'
await bundleForNode({ entryPoints: ['bench/support/server.ts'], outfile: SERVER_BUNDLE })

async function startServer(url: string, port: number): Promise<{ child: ChildProcess; base: string }> {
  const child = fork(SERVER_BUNDLE, [], {
    execArgv: [],
    env: { ...process.env, DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve())
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
  })
  return { child, base: `http://127.0.0.1:${port}` }
}

/** Resident memory of a process from /proc, in MB: now (VmRSS) and the peak since it started (VmHWM). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN)
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 }
}

async function login(base: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`)
  return response.headers.getSetCookie()[0].split(';')[0]
}

async function runEngine(engine: BenchEngine) {
  const own = `.bench/exports-${engine}.json`
  const saved = existsSync(own) ? own : `.bench/stats-${engine}.json`
  const seedStart = Date.now()
  let url: string
  let db: Db
  let data: ReviewData
  if (process.argv.includes('--reuse') && existsSync(saved)) {
    // The database `npm run bench:stats` seeded (same generator, same sizes).
    ;({ url, data } = JSON.parse(readFileSync(saved, 'utf8')) as { url: string; data: ReviewData })
    db = createDb(url)
    await migrateToLatest(db)
  } else {
    ;({ url, db } = await freshBenchDatabase('exports', engine))
    data = await seedReviewData(db, {
      households: HOUSEHOLDS,
      calls: CALLS,
      log: (line) => console.log(`    ${line}`),
    })
    writeFileSync(own, JSON.stringify({ url, data }))
  }
  const admin = await makeUser(db, 'admin', { organizationId: data.organizations[0]!.id })
  const { from, to } = data.period
  // The independent count: every call of the network whose Paris day is in the period (the generator stays inside).
  const expected = Number(
    (
      await db
        .selectFrom('call')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )
  await db.destroy()
  console.log(
    `  ${engine}: seeded ${HOUSEHOLDS} households, ${CALLS} calls in ${((Date.now() - seedStart) / 1000).toFixed(0)} s`,
  )

  for (const format of FORMATS) {
    // A fresh server per format, so that each peak is its own.
    const server = await startServer(url, 4300)
    try {
      const cookie = await login(server.base, admin.email, admin.password)
      const before = memoryOf(server.child.pid!)
      let peakDuring = before.rss
      const sampler = setInterval(() => {
        peakDuring = Math.max(peakDuring, memoryOf(server.child.pid!).rss)
      }, 200)
      const started = performance.now()
      const response = await fetch(`${server.base}/api/exports/calls.${format}?scope=network&from=${from}&to=${to}`, {
        headers: { cookie },
      })
      if (response.status !== 200) throw new Error(`export answered ${response.status}: ${await response.text()}`)
      let bytes = 0
      let lineEnds = 0
      let firstByteMs = 0
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        if (bytes === 0) firstByteMs = performance.now() - started
        bytes += chunk.length
        if (format === 'csv') for (const byte of chunk) if (byte === 0x0a) lineEnds++
      }
      const seconds = (performance.now() - started) / 1000
      clearInterval(sampler)
      const after = memoryOf(server.child.pid!)
      const rows = format === 'csv' ? lineEnds - 1 : expected
      const rowsNote =
        format === 'csv'
          ? `${rows} rows (expected ${expected}${rows === expected ? ', ok' : ', MISMATCH'})`
          : `${expected} rows`
      console.log(
        `  ${engine} ${format}: ${rowsNote}, ${(bytes / 1e6).toFixed(0)} MB in ${seconds.toFixed(1)} s = ${Math.round(expected / seconds).toLocaleString('en')} rows/s, first byte after ${firstByteMs.toFixed(0)} ms`,
      )
      console.log(
        `    server memory: ${before.rss.toFixed(0)} MB before, ${peakDuring.toFixed(0)} MB highest sampled during, peak since start (VmHWM) ${after.peak.toFixed(0)} MB${after.peak < 200 ? '' : ' — OVER 200 MB'}`,
      )
      if (format === 'csv' && rows !== expected) process.exitCode = 1
    } finally {
      server.child.kill('SIGTERM')
      await new Promise((resolve) => server.child.once('exit', resolve))
    }
  }
}

console.log(
  `Exports benchmark: ${HOUSEHOLDS} households, ${CALLS} calls (BENCH_HOUSEHOLDS, BENCH_CALLS), formats ${FORMATS.join(', ')}`,
)
for (const engine of benchEngines()) await runEngine(engine)
