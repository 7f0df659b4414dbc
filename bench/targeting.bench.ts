// npm run bench:targeting — on 1,000,000 generated households: a typical targeting preview (age ≥ 75 and lives alone,
// or support programme) and the activation of a 100,000-target campaign, on SQLite and PostgreSQL. Prints figures
// and the query plans relied on; asserts nothing about time.
import { existsSync, readFileSync } from 'node:fs'
import { type Compilable, CompiledQuery, sql } from 'kysely'
import { bulkInsert } from '../src/server/db/bulk.js'
import { createDb, type Db, inTransaction } from '../src/server/db/database.js'
import { sortableId } from '../src/server/db/ids.js'
import { migrateToLatest } from '../src/server/db/migrate.js'
import type { HouseholdTable } from '../src/server/db/schema.js'
import { toCount } from '../src/server/db/time.js'
import {
  countMatchingHouseholds,
  listTopPriority,
  matchingHouseholds,
} from '../src/server/features/campaigns/campaigns.queries.js'
import { changeCampaignStatus, createCampaign } from '../src/server/features/campaigns/campaigns.service.js'
import { prioritySql } from '../src/server/features/campaigns/priority.sql.js'
import { compileRule, validateRule } from '../src/server/features/campaigns/targeting.js'
import { DEMO_ORGANIZATIONS, generateHouseholds } from '../src/server/features/demo/demo.generator.js'
import { demoHouseholdRows } from '../src/server/features/demo/demo.service.js'
import { parisToday } from '../src/shared/clock.js'
import { makeOrganization, makeUser } from '../test/factories.js'
import { benchEngines, formatMs, freshBenchDatabase, percentile } from './support/bench-db.js'

const HOUSEHOLDS = Number(process.env.BENCH_HOUSEHOLDS ?? 1_000_000)
const TYPICAL = validateRule({
  any: [
    {
      all: [
        { field: 'age', op: '>=', value: 75 },
        { field: 'livesAlone', op: '=', value: true },
      ],
    },
    { field: 'supportProgramme', op: '=', value: true },
  ],
})

async function seed(db: Db, organizationId: string) {
  const started = Date.now()
  const now = new Date().toISOString()
  let batch: HouseholdTable[] = []
  let done = 0
  const flush = async () => {
    if (!batch.length) return
    const rows = batch
    batch = []
    await inTransaction(db, (tx) => bulkInsert(tx, 'household', rows))
    done += rows.length
    if (done % 200_000 === 0) process.stdout.write(`${done / 1000}k… `)
  }
  for (const household of generateHouseholds(DEMO_ORGANIZATIONS[0], HOUSEHOLDS, { seed: 7 })) {
    // Time-ordered ids, as the import writes them: the seeding appends to the primary-key index.
    batch.push({ ...demoHouseholdRows(household, organizationId, null, now).household, id: sortableId() })
    if (batch.length >= 10_000) await flush()
  }
  await flush()
  console.log(`seeded ${HOUSEHOLDS} households in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

async function timed<T>(runs: number, work: () => Promise<T>) {
  const times: number[] = []
  const cpuTimes: number[] = []
  let result: T | undefined
  for (let run = 0; run < runs; run++) {
    const start = performance.now()
    const cpu = process.cpuUsage()
    result = await work()
    times.push(performance.now() - start)
    const used = process.cpuUsage(cpu)
    cpuTimes.push((used.user + used.system) / 1000)
  }
  times.sort((a, b) => a - b)
  cpuTimes.sort((a, b) => a - b)
  // This process's CPU: on SQLite the query's own work, unaffected by waiting for a core on a shared machine.
  return { result: result as T, median: percentile(times, 50), max: times.at(-1)!, cpu: percentile(cpuTimes, 50) }
}

/** The engine's plan for a query, with its parameters bound (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL). */
async function plan(db: Db, query: Compilable) {
  const compiled = query.compile()
  const prefix = db.engine === 'postgres' ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'
  const result = await db.executeQuery<Record<string, unknown>>(
    CompiledQuery.raw(`${prefix} ${compiled.sql}`, [...compiled.parameters]),
  )
  return result.rows.map((row) =>
    db.engine === 'postgres'
      ? String(Object.values(row)[0])
      : `${'  '.repeat(Number(row.parent) ? 1 : 0)}${row.detail}`,
  )
}

function printPlan(title: string, lines: string[]) {
  console.log(`plan of the ${title}:`)
  for (const line of lines) console.log(`  ${line}`)
}

async function openSeeded(engine: 'sqlite' | 'postgres') {
  const admin = new URL(process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
  admin.pathname = '/allervers_bench_targeting'
  if (engine === 'sqlite' && !existsSync('.bench/targeting.sqlite')) return null
  const db = createDb(engine === 'sqlite' ? 'sqlite:.bench/targeting.sqlite' : admin.toString())
  try {
    await migrateToLatest(db)
    const organization = await db.selectFrom('organization').selectAll().where('code', '=', 'BENCH').executeTakeFirst()
    const households = organization
      ? toCount(
          (
            await db
              .selectFrom('household')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirst()
          )?.n,
        )
      : 0
    if (organization && households >= HOUSEHOLDS) return { db, organization, households }
  } catch {
    // No such database yet: seed one.
  }
  await db.destroy()
  return null
}

for (const engine of benchEngines()) {
  console.log(`\n=== ${engine} ===`)
  // --reuse: the households seeded by an earlier run (a million take minutes to write), when they are there.
  const reused = process.argv.includes('--reuse') ? await openSeeded(engine) : null
  const { db } = reused ?? (await freshBenchDatabase('targeting', engine))
  const organization = reused?.organization ?? (await makeOrganization(db, { code: 'BENCH' }))
  const manager = await makeUser(db, 'manager', { organizationId: organization.id })
  if (reused) {
    console.log(`reusing ${reused.households} seeded households`)
  } else {
    // Seeding only: a large page cache for a million inserts (the measured queries run with the default again).
    if (engine === 'sqlite') await sql`pragma cache_size = -262144`.execute(db)
    await seed(db, organization.id)
    if (engine === 'sqlite') await sql`pragma cache_size = -2000`.execute(db)
  }
  // Statistics as the database would have them after a day of use (PostgreSQL's autovacuum; an ANALYZE on SQLite).
  if (engine === 'postgres') await sql`VACUUM ANALYZE household`.execute(db)
  else await sql`ANALYZE`.execute(db)
  console.log(`load average: ${readFileSync('/proc/loadavg', 'utf8').trim()}`)
  const today = parisToday()
  const filter = compileRule(TYPICAL, today)
  const count = await timed(5, () => countMatchingHouseholds(db, organization.id, filter))
  const sample = await timed(5, () => listTopPriority(db, organization.id, filter, { today, limit: 20 }))
  console.log(
    `preview count: ${count.result} households, median ${formatMs(count.median)}, max ${formatMs(count.max)}, process CPU median ${formatMs(count.cpu)}`,
  )
  console.log(
    `preview sample (top 20 by priority): median ${formatMs(sample.median)}, max ${formatMs(sample.max)}, process CPU median ${formatMs(sample.cpu)}`,
  )
  printPlan(
    'count',
    await plan(
      db,
      matchingHouseholds(db, organization.id, filter).select((eb) => eb.fn.countAll().as('count')),
    ),
  )
  printPlan(
    'sample',
    await plan(
      db,
      matchingHouseholds(db, organization.id, filter)
        .select(['household.id', prioritySql(today).as('priority')])
        .orderBy(prioritySql(today), 'desc')
        .orderBy('household.externalRef')
        .limit(20),
    ),
  )

  // Activation: a campaign of about 100,000 targets (age ≥ 82: 106,437 of the generated million, seed 7).
  const targeting = validateRule({ field: 'age', op: '>=', value: 82 })
  const campaign = await createCampaign(db, {
    organizationId: organization.id,
    createdBy: manager.id,
    name: 'Bench',
    type: 'crisis_check',
    targeting,
  })
  const started = performance.now()
  const cpu = process.cpuUsage()
  const sync = await changeCampaignStatus(db, campaign, 'activate', targeting)
  const used = process.cpuUsage(cpu)
  console.log(
    `activation: ${sync?.added} targets queued in ${formatMs(performance.now() - started)}, process CPU ${formatMs((used.user + used.system) / 1000)}`,
  )
  printPlan(
    'activation’s selection',
    await plan(
      db,
      matchingHouseholds(db, organization.id, compileRule(targeting, today)).select([
        'household.id',
        'household.birthDate',
      ]),
    ),
  )
  console.log(`load average: ${readFileSync('/proc/loadavg', 'utf8').trim()}`)
  await db.destroy()
}
