// npm run bench:calling — simulated callers over HTTP, each looping claim → outcome, at 50 and 200 concurrent callers.
// SQLite with one app instance; PostgreSQL with two app instances on one database (BENCH_INSTANCES). Checks that no
// target was claimed twice and none was lost. Prints figures, and on PostgreSQL where the time went (pg-stats.ts);
// asserts nothing about time.
import { type ChildProcess, fork } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import http from 'node:http'
import { sql } from 'kysely'
import pg from 'pg'
import { makeCampaign, makeOrganization, makeUser } from '../test/factories.js'
import { type BenchEngine, benchEngines, formatMs, freshBenchDatabase, percentile } from './support/bench-db.js'
import { seedTargets } from './support/calling-seed.js'
import { startPgStats } from './support/pg-stats.js'
import { RawConnection } from './support/raw-http.js'

const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000
// The first seconds run before the server's code is optimised (and all callers claim at once): they are run, and
// checked, but their latencies and cycles are not counted. A server runs for hours.
const WARMUP_MS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2) * 1000
const CONCURRENCY = (process.env.BENCH_CALLERS ?? '50,200').split(',').map(Number)
// App instances on one PostgreSQL database (SQLite serves one instance).
const POSTGRES_INSTANCES = Number(process.env.BENCH_INSTANCES ?? 2)
// BENCH_RATE=300 (or a list, 150,250,350): paced mode. The callers offer that aggregate rate of cycles instead of
// looping with no pause (real callers spend minutes on a call): each caller starts its cycles at intended times of a
// Poisson process of rate BENCH_RATE / callers, open-loop style. A slow answer does not push the next intended
// start back (no coordinated omission): a caller running late starts at once, and latencies are also measured from
// the intended start, so the time spent waiting to start is counted.
const RATES = process.env.BENCH_RATE ? process.env.BENCH_RATE.split(',').map(Number) : [undefined]
// BENCH_RAMP_SECONDS=8 (paced): the offered rate grows linearly from 5% to BENCH_RATE over the first seconds of the
// warm-up, as callers arrive through a morning, instead of 200 callers starting at once on servers just started
// (whose first seconds, before V8 optimises and each pooled connection plans its statements, leave a backlog that a
// rate close to capacity takes many seconds to drain). 0 (the default): the whole rate from the first second.
const RAMP_MS = Number(process.env.BENCH_RAMP_SECONDS ?? 0) * 1000
// BENCH_TIMELINE=1: each second's cycles and request p99, to tell a steady tail from stalls (a pause, a checkpoint).
const TIMELINE = Boolean(process.env.BENCH_TIMELINE)
// BENCH_SQL='drop index …; …': statements run on the seeded database before the servers start, to try a schema
// change (an index less, a foreign key less) without a migration. An experiment: the figures say what it was.
const EXPERIMENT_SQL = process.env.BENCH_SQL
// BENCH_VACUUM_SECONDS=5 (PostgreSQL): VACUUM the queue's tables every 5 s from one more connection, as an autovacuum
// tuned for them would. Each outcome leaves a dead version of its target and of the household's hold; their index
// entries stay at the head of the claim's index until a VACUUM, and the claim walks over them. Its CPU is counted with
// the backends'. The bench says whether the server's own autovacuum is on.
const VACUUM_SECONDS = Number(process.env.BENCH_VACUUM_SECONDS ?? 0)
// BENCH_CHAINED=1: each caller works as the calling screen does with « Enchaîner » on: one claim to start, then
// each cycle is ONE request, the outcome with `?next=claim`, whose answer holds the next household. 0 (the
// default): each cycle is two requests, claim then outcome, as with « Appeler le suivant » pressed each time.
const CHAINED = process.env.BENCH_CHAINED === '1'

interface InstanceCounters {
  queries: number
  queryMs: number
  connects: number
  connectWaitMs: number
}
interface InstanceReport {
  cpu: number
  counters: InstanceCounters
  loopDelayP99Ms: number
  loopDelayMeanMs: number
}

/**
 * CPU time (user + system, µs) an app instance has used so far, its statement and pool counters, and its event
 * loop's delay since the last report.
 */
function reportOf(child: ChildProcess): Promise<InstanceReport> {
  return new Promise((resolve) => {
    const listener = (message: Omit<InstanceReport, 'cpu'> & { cpu?: { user: number; system: number } }) => {
      if (!message?.cpu) return
      child.off('message', listener)
      resolve({ ...message, cpu: message.cpu.user + message.cpu.system })
    }
    child.on('message', listener)
    child.send({ cpu: true })
  })
}

/** The 1-minute load average: the machine is shared, and the figures mean little without it. */
function loadAverage() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ')[0]
}

async function startInstance(url: string, port: number): Promise<{ child: ChildProcess; base: string }> {
  const child = fork('bench/support/server.ts', [], {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=.bench/profile'] : []),
    ],
    // Every caller signs in at once from 127.0.0.1: each sign-in is counted against the address until its password
    // is checked, and 200 at once are more than the address's default allowance.
    env: {
      LOGIN_ADDRESS_MAX_FAILURES: '100000',
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve())
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
  })
  return { child, base: `http://127.0.0.1:${port}` }
}

// The load generator shares the machine's two cores with the server. Its cycles go through RawConnection
// (support/raw-http.ts): a third of node:http's CPU per cycle. BENCH_CLIENT=node: through node:http, as before 6
// December (the sign-ins always do). Plain node:http over kept-alive sockets itself costs a fraction of fetch.
const NODE_CLIENT = process.env.BENCH_CLIENT === 'node'
const agents = new Map<string, http.Agent>()
function agentFor(base: string) {
  let agent = agents.get(base)
  if (!agent) {
    agent = new http.Agent({ keepAlive: true, maxSockets: 1000 })
    agents.set(base, agent)
  }
  return agent
}

interface Answer {
  status: number
  body: string
  setCookie?: string[]
}

function request(base: string, path: string, headers: http.OutgoingHttpHeaders, body?: string): Promise<Answer> {
  const url = new URL(path, base)
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent: agentFor(base),
        headers:
          body === undefined
            ? { ...headers, 'content-length': 0 }
            : { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          text += chunk
        })
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: text, setCookie: response.headers['set-cookie'] }),
        )
        response.on('error', reject)
      },
    )
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

async function login(base: string, email: string, password: string): Promise<string> {
  const response = await request(
    base,
    '/api/auth/login',
    { 'content-type': 'application/json' },
    JSON.stringify({ email, password }),
  )
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.body}`)
  return response.setCookie![0].split(';')[0]
}

/** The assignment id is the first field the response schema writes: no need to parse the whole household. */
function assignmentIdOf(body: string): string {
  const marker = '{"assignment":{"id":"'
  if (!body.startsWith(marker)) return (JSON.parse(body) as { assignment: { id: string } }).assignment.id
  return body.slice(marker.length, body.indexOf('"', marker.length))
}

/** The next household's id in a chained outcome's answer, null when nothing is due, undefined when left out. */
function nextIdOf(body: string): string | null | undefined {
  const marker = '"next":{"assignment":{"id":"'
  const at = body.indexOf(marker)
  if (at >= 0) return body.slice(at + marker.length, body.indexOf('"', at + marker.length))
  if (body.includes('"next":{}')) return null
  return undefined
}

async function runScenario(engine: BenchEngine, callers: number, rate: number | undefined) {
  const instances = engine === 'postgres' ? POSTGRES_INSTANCES : 1
  const { url, db } = await freshBenchDatabase(`calling_${callers}`, engine)
  const organization = await makeOrganization(db)
  const campaign = await makeCampaign(db, {
    organizationId: organization.id,
    frequencyCap: { maxAttempts: 100, days: 7 },
  })
  // Enough for 2,000 cycles/s over the run; fewer (BENCH_TARGETS) seed faster on a busy machine.
  const targetCount = Number(process.env.BENCH_TARGETS ?? 40_000)
  process.stdout.write(`  seeding ${targetCount} targets… `)
  const seedStart = Date.now()
  // Insert households and targets in bulk through the factories' shape, batched for speed.
  await seedTargets(db, campaign, targetCount)
  console.log(`${((Date.now() - seedStart) / 1000).toFixed(1)} s`)
  const users = []
  for (let index = 0; index < callers; index++)
    users.push(await makeUser(db, 'caller', { organizationId: organization.id }))
  if (EXPERIMENT_SQL) {
    console.log(`  experiment (BENCH_SQL): ${EXPERIMENT_SQL}`)
    for (const statement of EXPERIMENT_SQL.split(';').filter((text) => text.trim()))
      await sql.raw(statement).execute(db)
  }
  await db.destroy()

  const servers = await Promise.all(Array.from({ length: instances }, (_, index) => startInstance(url, 4100 + index)))
  const pgStats = engine === 'postgres' ? await startPgStats(url, new URL(url).pathname.slice(1)) : undefined
  const vacuum = engine === 'postgres' ? await startVacuum(url) : undefined
  try {
    const cookies = await Promise.all(
      users.map((user, index) => login(servers[index % instances].base, user.email, user.password)),
    )
    const claimed = new Map<string, number>()
    const claimLatencies: number[] = []
    const outcomeLatencies: number[] = []
    const cycleLatencies: number[] = []
    // Paced mode: from each cycle's intended start (the wait to start included).
    const lateClaimLatencies: number[] = []
    const lateCycleLatencies: number[] = []
    let lateStarts = 0
    // Per second of the run (warm-up included): [cycles saved, request latencies].
    const timeline: { cycles: number; latencies: number[] }[] = []
    const runStart = performance.now()
    const secondOf = (at: number) => {
      const second = Math.floor((at - runStart) / 1000)
      while (timeline.length <= second) timeline.push({ cycles: 0, latencies: [] })
      return timeline[second]
    }
    let saved = 0
    let savedInWarmup = 0
    // Cycles finished while measuring, whenever they were meant to start: what the CPU and statements measured over
    // the same time were spent on (in an overloaded paced run, cycles meant to start in the warm-up finish inside it).
    let finished = 0
    let errors = 0
    let empty = 0
    let loadBefore = loadAverage()
    let generatorCpuBefore = process.cpuUsage()
    let reportsBefore = await Promise.all(servers.map((server) => reportOf(server.child)))
    let startedAt = Date.now()
    let isMeasuring = WARMUP_MS === 0
    let measuredFrom = performance.now()
    const deadline = Date.now() + WARMUP_MS + DURATION_MS
    const warmedUp = new Promise<void>((resolve) =>
      setTimeout(async () => {
        loadBefore = loadAverage()
        generatorCpuBefore = process.cpuUsage()
        reportsBefore = await Promise.all(servers.map((server) => reportOf(server.child)))
        await pgStats?.begin()
        startedAt = Date.now()
        measuredFrom = performance.now()
        isMeasuring = true
        resolve()
      }, WARMUP_MS),
    )
    const outcomeBody = JSON.stringify({ disposition: 'no_answer', durationSeconds: 30 })
    await Promise.all(
      cookies.map(async (cookie, index) => {
        const base = servers[index % instances].base
        const claimPath = `/api/campaigns/${campaign.id}/claim`
        const address = new URL(base)
        const raw = NODE_CLIENT ? undefined : new RawConnection(address.hostname, Number(address.port))
        const cookieLine = `cookie: ${cookie}\r\n`
        // Paced: this caller's share of the offered rate, first start spread over one mean interval.
        const meanInterval = rate ? (callers / rate) * 1000 : 0
        const deadlineAt = performance.now() + (deadline - Date.now())
        const rampFrom = performance.now()
        let intendedStart = rampFrom + (Math.random() * meanInterval) / (RAMP_MS ? 0.05 : 1)
        // Chained: the household the last outcome's answer handed out, to be called next.
        let held: string | null = null
        // Paced: no cycle starts after the deadline either, even one due before it (an overloaded run stops on time
        // instead of draining its backlog; the cycles it could not start are the offered-vs-achieved gap).
        while (rate ? intendedStart < deadlineAt && performance.now() < deadlineAt : Date.now() < deadline) {
          if (rate) {
            const wait = intendedStart - performance.now()
            if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
          }
          const cycleStart = performance.now()
          const scheduledStart = rate ? intendedStart : cycleStart
          // Exponential intervals: the callers together offer a Poisson stream of cycles at the rate (a growing
          // share of it during the ramp).
          const share = RAMP_MS ? Math.min(1, Math.max(0.05, (scheduledStart - rampFrom) / RAMP_MS)) : 1
          if (rate) intendedStart += (-Math.log(1 - Math.random()) * meanInterval) / share
          const isCounted = isMeasuring && scheduledStart >= measuredFrom
          if (isCounted && cycleStart - scheduledStart > 1) lateStarts++
          let assignmentId = held
          if (!assignmentId) {
            const claim = raw ? await raw.post(claimPath, cookieLine) : await request(base, claimPath, { cookie })
            const claimEnd = performance.now()
            if (TIMELINE) secondOf(claimEnd).latencies.push(claimEnd - cycleStart)
            if (isCounted) {
              claimLatencies.push(claimEnd - cycleStart)
              if (rate) lateClaimLatencies.push(claimEnd - scheduledStart)
            }
            if (claim.status === 204) {
              empty++
              break
            }
            if (claim.status !== 200) {
              errors++
              continue
            }
            assignmentId = assignmentIdOf(claim.body)
            claimed.set(assignmentId, (claimed.get(assignmentId) ?? 0) + 1)
          }
          const outcomeStart = performance.now()
          const outcomePath = `/api/assignments/${assignmentId}/outcome${CHAINED ? '?next=claim' : ''}`
          const outcome = raw
            ? await raw.post(
                outcomePath,
                `${cookieLine}content-type: application/json\r\nidempotency-key: ${randomUUID()}\r\n`,
                outcomeBody,
              )
            : await request(
                base,
                outcomePath,
                { cookie, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
                outcomeBody,
              )
          const end = performance.now()
          if (TIMELINE) {
            const second = secondOf(end)
            second.latencies.push(end - outcomeStart)
            if (outcome.status === 201) second.cycles++
          }
          if (isCounted) {
            outcomeLatencies.push(end - outcomeStart)
            cycleLatencies.push(end - cycleStart)
            if (rate) lateCycleLatencies.push(end - scheduledStart)
          }
          if (outcome.status === 201 && isMeasuring) finished++
          if (outcome.status !== 201) errors++
          else if (isCounted) saved++
          else savedInWarmup++
          held = null
          if (CHAINED && outcome.status === 201) {
            const next = nextIdOf(outcome.body)
            if (next === null) {
              empty++
              break
            }
            if (next === undefined) errors++
            else {
              held = next
              claimed.set(next, (claimed.get(next) ?? 0) + 1)
            }
          }
        }
        raw?.close()
      }),
    )
    await warmedUp
    const seconds = (Date.now() - startedAt) / 1000
    const generatorCpu = process.cpuUsage(generatorCpuBefore)
    const reportsAfter = await Promise.all(servers.map((server) => reportOf(server.child)))
    const postgres = await pgStats?.end()
    const serverCpu = reportsAfter.reduce((sum, report, index) => sum + report.cpu - reportsBefore[index].cpu, 0)
    const doubles = [...claimed.values()].filter((count) => count > 1).length
    const acknowledged = saved + savedInWarmup
    // The WAL's size as the run ends: checkpoints kept up with the writes when it stays small (tens of MB at most).
    const walFile = `${url.replace(/^sqlite:/, '')}-wal`
    const walSize = engine === 'sqlite' && existsSync(walFile) ? statSync(walFile).size : undefined
    const { db: check } = { db: (await import('../src/server/db/database.js')).createDb(url) }
    const calls = Number(
      (
        await check
          .selectFrom('call')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst()
      )?.n ?? 0,
    )
    const attempted = Number(
      (
        await check
          .selectFrom('campaignTarget')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('attempts', '=', 1)
          .where('status', 'in', ['pending', 'scheduled'])
          .executeTakeFirst()
      )?.n ?? 0,
    )
    const stillHeld = Number(
      (
        await check
          .selectFrom('campaignTarget')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('status', '=', 'held')
          .executeTakeFirst()
      )?.n ?? 0,
    )
    await check.destroy()
    for (const list of [claimLatencies, outcomeLatencies, cycleLatencies, lateClaimLatencies, lateCycleLatencies])
      list.sort((a, b) => a - b)
    const spread = (list: number[]) =>
      list.length === 0
        ? 'none in the measured seconds'
        : `p50 ${formatMs(percentile(list, 50))}, p95 ${formatMs(percentile(list, 95))}, p99 ${formatMs(percentile(list, 99))}`
    const paced = rate ? `, paced: offered ${rate} cycles/s, achieved ${(saved / seconds).toFixed(0)}` : ''
    console.log(
      `  ${engine}, ${instances} instance(s), ${callers} callers${paced}: ${saved} cycles in ${seconds.toFixed(1)} s = ${(saved / seconds).toFixed(0)} cycles/s after ${WARMUP_MS / 1000} s of warm-up (load average ${loadBefore} before, ${loadAverage()} after)`,
    )
    console.log(
      `    per cycle finished while measuring (${finished}): server CPU ${(serverCpu / 1000 / Math.max(finished, 1)).toFixed(2)} ms (${(serverCpu / 1e6 / seconds).toFixed(2)} cores busy); load generator ${((generatorCpu.user + generatorCpu.system) / 1000 / Math.max(finished, 1)).toFixed(2)} ms`,
    )
    if (engine === 'postgres') {
      const perCycle = (value: number) => (value / Math.max(finished, 1)).toFixed(2)
      for (const [index, report] of reportsAfter.entries()) {
        const before = reportsBefore[index]
        const queries = report.counters.queries - before.counters.queries
        const connects = report.counters.connects - before.counters.connects
        console.log(
          `    instance ${index + 1}: CPU ${((report.cpu - before.cpu) / 1e6 / seconds).toFixed(2)} cores, ${queries} statements (${(queries / seconds).toFixed(0)}/s), ${((report.counters.queryMs - before.counters.queryMs) / Math.max(queries, 1)).toFixed(1)} ms each from send to answer, ${((report.counters.connectWaitMs - before.counters.connectWaitMs) / Math.max(connects, 1)).toFixed(1)} ms waiting for a pooled connection; event loop delay mean ${report.loopDelayMeanMs.toFixed(1)} ms, p99 ${report.loopDelayP99Ms.toFixed(1)} ms`,
        )
      }
      const statements = reportsAfter.reduce(
        (sum, report, index) => sum + report.counters.queries - reportsBefore[index].counters.queries,
        0,
      )
      console.log(`    statements (round trips) per cycle ${perCycle(statements)}`)
    }
    if (postgres) {
      const perCycle = (value: number) => (value / Math.max(finished, 1)).toFixed(2)
      console.log(
        `    PostgreSQL: backends CPU ${perCycle(postgres.backendCpuMs)} ms per cycle (${(postgres.backendCpuMs / 1000 / seconds).toFixed(2)} cores, ${postgres.backends} backends), WAL writer/checkpointer/bgwriter ${(postgres.backgroundCpuMs / 1000 / seconds).toFixed(2)} cores; commits ${perCycle(postgres.commits)} per cycle, rollbacks ${postgres.rollbacks}; WAL (whole cluster) ${perCycle(postgres.walRecords)} records, ${(postgres.walBytes / Math.max(finished, 1) / 1024).toFixed(1)} kB, ${perCycle(postgres.walSyncs)} fsyncs per cycle (${postgres.walSyncs > 0 ? (postgres.walSyncMs / postgres.walSyncs).toFixed(2) : '-'} ms each where timed)`,
      )
      const total = [...postgres.waits.values()].reduce((sum, count) => sum + count, 0)
      const waits = [...postgres.waits.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([wait, count]) => `${wait} ${((count / total) * 100).toFixed(0)}%`)
        .join(', ')
      console.log(
        `    backends sampled ${postgres.samples} times, ${(total / Math.max(postgres.samples, 1)).toFixed(1)} at a time: ${waits}`,
      )
    }
    if (vacuum) console.log(`    ${await vacuum.describe()}`)
    if (walSize !== undefined) console.log(`    WAL at the end of the run ${(walSize / 1048576).toFixed(1)} MB`)
    console.log(
      `    claim   ${spread(claimLatencies)}${CHAINED ? " (only each caller's first: the others come with the outcome)" : ''}`,
    )
    console.log(
      `    outcome ${spread(outcomeLatencies)}${CHAINED ? ' (with ?next=claim: the next household in the answer)' : ''}`,
    )
    console.log(`    cycle   ${spread(cycleLatencies)}`)
    if (rate) {
      console.log(`    from the intended start (waiting to start included; ${lateStarts} cycles started late):`)
      console.log(`    claim   ${spread(lateClaimLatencies)}`)
      console.log(`    cycle   ${spread(lateCycleLatencies)}`)
    }
    if (TIMELINE)
      console.log(
        `    by second (cycles/request p99 ms): ${timeline
          .map(({ cycles, latencies }) => {
            latencies.sort((a, b) => a - b)
            return `${cycles}/${percentile(latencies, 99).toFixed(0)}`
          })
          .join(' ')}`,
      )
    console.log(
      `    checks (warm-up included): claimed twice ${doubles}, lost ${acknowledged - calls} (calls in database ${calls}, outcomes acknowledged ${acknowledged}), targets attempted once ${attempted}, still held ${stillHeld}, errors ${errors}, queue empty ${empty}`,
    )
    if (doubles > 0 || calls !== acknowledged || attempted !== acknowledged) {
      console.log('    CHECK FAILED')
      process.exitCode = 1
    }
  } finally {
    await vacuum?.stop()
    await pgStats?.close()
    for (const server of servers) server.child.kill('SIGTERM')
  }
}

/** BENCH_VACUUM_SECONDS: the queue's tables vacuumed on a timer; says what the server's autovacuum is. */
async function startVacuum(url: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const { rows } = await client.query<{ setting: string }>("select setting from pg_settings where name = 'autovacuum'")
  let runs = 0
  let ms = 0
  let running: Promise<unknown> = Promise.resolve()
  const timer =
    VACUUM_SECONDS > 0
      ? setInterval(() => {
          running = running.then(async () => {
            const start = performance.now()
            await client.query('vacuum campaign_target, household_hold')
            ms += performance.now() - start
            runs++
          })
        }, VACUUM_SECONDS * 1000)
      : undefined
  return {
    describe: async () =>
      `server autovacuum ${rows[0]?.setting ?? '?'}; ${VACUUM_SECONDS > 0 ? `campaign_target and household_hold vacuumed every ${VACUUM_SECONDS} s (BENCH_VACUUM_SECONDS): ${runs} runs, ${(ms / Math.max(runs, 1)).toFixed(0)} ms each` : 'no VACUUM by the bench (BENCH_VACUUM_SECONDS)'}`,
    stop: async () => {
      if (timer) clearInterval(timer)
      await running
      await client.end()
    },
  }
}

console.log(
  `Calling benchmark: ${DURATION_MS / 1000} s per scenario (BENCH_SECONDS) after ${WARMUP_MS / 1000} s of warm-up (BENCH_WARMUP_SECONDS), callers ${CONCURRENCY.join(', ')} (BENCH_CALLERS)${process.env.BENCH_RATE ? `, paced at ${process.env.BENCH_RATE} cycles/s (BENCH_RATE)` : ', no pause between cycles'}${CHAINED ? ', chained: one request per cycle (BENCH_CHAINED=1)' : ''}`,
)
for (const engine of benchEngines()) {
  for (const callers of CONCURRENCY) for (const rate of RATES) await runScenario(engine, callers, rate)
}
