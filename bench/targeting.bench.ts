// npm run bench:targeting — on 1,000,000 generated households: a typical targeting preview (age ≥ 75 and lives alone,
// or support programme) and the activation of a 100,000-target campaign, on SQLite and PostgreSQL. Prints figures
// and the query plans relied on; asserts nothing about time.
import { sql } from 'kysely'
import type { Db } from '../src/server/db/database.js'
import { countMatchingHouseholds, listMatchingHouseholds } from '../src/server/features/campaigns/campaigns.queries.js'
import { changeCampaignStatus, createCampaign } from '../src/server/features/campaigns/campaigns.service.js'
import { compileRule, validateRule } from '../src/server/features/campaigns/targeting.js'
import { DEMO_ORGANIZATIONS, generateHouseholds } from '../src/server/features/demo/demo.generator.js'
import { demoHouseholdRows } from '../src/server/features/demo/demo.service.js'
import { parisToday } from '../src/shared/dates.js'
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
  let batch: ReturnType<typeof demoHouseholdRows>['household'][] = []
  let done = 0
  const flush = async () => {
    if (!batch.length) return
    const rows = batch
    batch = []
    await db.transaction().execute(async (tx) => {
      for (let start = 0; start < rows.length; start += 500)
        await tx
          .insertInto('household')
          .values(rows.slice(start, start + 500))
          .execute()
    })
    done += rows.length
    if (done % 200_000 === 0) process.stdout.write(`${done / 1000}k… `)
  }
  for (const household of generateHouseholds(DEMO_ORGANIZATIONS[0], HOUSEHOLDS, { seed: 7 })) {
    batch.push(demoHouseholdRows(household, organizationId, null, now).household)
    if (batch.length >= 5000) await flush()
  }
  await flush()
  console.log(`seeded ${HOUSEHOLDS} households in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

async function timed<T>(runs: number, work: () => Promise<T>) {
  const times: number[] = []
  let result: T | undefined
  for (let run = 0; run < runs; run++) {
    const start = performance.now()
    result = await work()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return { result: result as T, median: percentile(times, 50), max: times.at(-1)! }
}

async function plan(db: Db, organizationId: string) {
  const compiled = db
    .selectFrom('household')
    .where('household.organizationId', '=', organizationId)
    .where('household.status', '=', 'active')
    .where('household.objectionAt', 'is', null)
    .where((eb) => compileRule(TYPICAL, parisToday())(eb))
    .select((eb) => eb.fn.countAll().as('n'))
    .compile()
  const prefix = db.engine === 'postgres' ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'
  const rows = await sql
    .raw(`${prefix} ${compiled.sql}`)
    .execute(db)
    .catch(() => null)
  if (!rows) {
    // Parameters are positional; re-run through the driver with them bound.
    const bound = await db.executeQuery({ ...compiled, sql: `${prefix} ${compiled.sql}` } as never)
    return (bound as { rows: Record<string, unknown>[] }).rows
  }
  return rows.rows as Record<string, unknown>[]
}

for (const engine of benchEngines()) {
  console.log(`\n=== ${engine} ===`)
  const { db } = await freshBenchDatabase('targeting', engine)
  const organization = await makeOrganization(db, { code: 'BENCH' })
  const manager = await makeUser(db, 'manager', { organizationId: organization.id })
  await seed(db, organization.id)
  if (engine === 'postgres') await sql`ANALYZE`.execute(db)
  else await sql`ANALYZE`.execute(db)
  const today = parisToday()
  const count = await timed(5, () => countMatchingHouseholds(db, organization.id, compileRule(TYPICAL, today)))
  const sample = await timed(5, () => listMatchingHouseholds(db, organization.id, compileRule(TYPICAL, today), 20))
  console.log(`preview count: ${count.result} households, median ${formatMs(count.median)}, max ${formatMs(count.max)}`)
  console.log(`preview sample of 20: median ${formatMs(sample.median)}, max ${formatMs(sample.max)}`)
  console.log('plan:')
  for (const row of await plan(db, organization.id)) console.log(`  ${Object.values(row).join(' ')}`)

  // Activation: a campaign of about 100,000 targets (age ≥ 70 among the generated million).
  const targeting = validateRule({ field: 'age', op: '>=', value: 74 })
  const campaign = await createCampaign(db, {
    organizationId: organization.id,
    createdBy: manager.id,
    name: 'Bench',
    type: 'crisis_check',
    targeting,
  })
  const started = performance.now()
  const sync = await changeCampaignStatus(db, campaign, 'activate', targeting)
  console.log(`activation: ${sync?.added} targets queued in ${formatMs(performance.now() - started)}`)
  await db.destroy()
}
