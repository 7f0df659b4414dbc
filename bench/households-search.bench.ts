// npm run bench:households-search — the household list's search on 100,000 generated households (members and phones
// included), on SQLite and PostgreSQL: a name, the same name without its accent, "Prénom Nom", "nom prénom", a phone
// typed "+33 3 83 …", a reference, filters, and the pages of a filtered list, as GET /api/households runs them
// (searchHouseholds: the page and its total). Prints p50/p95 per query and the plans of the slowest; asserts nothing
// about time. `--engine=sqlite|postgres` runs one engine; BENCH_HOUSEHOLDS changes the size; BENCH_RUNS the repeats.
import { readFileSync } from 'node:fs'
import { type Compilable, CompiledQuery, sql } from 'kysely'
import { bulkInsert } from '../src/server/db/bulk.js'
import { type Db, inTransaction } from '../src/server/db/database.js'
import { DEMO_ORGANIZATIONS, generateHouseholds } from '../src/server/features/demo/demo.generator.js'
import { demoHouseholdRows } from '../src/server/features/demo/demo.service.js'
import { type HouseholdSearch, searchHouseholds } from '../src/server/features/households/households.queries.js'
import { createAgency } from '../src/server/features/organizations/organizations.queries.js'
import { makeOrganization } from '../test/factories.js'
import { benchEngines, formatMs, freshBenchDatabase, percentile } from './support/bench-db.js'

const HOUSEHOLDS = Number(process.env.BENCH_HOUSEHOLDS ?? 100_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 30)
const PAGE = 50

type Rows = ReturnType<typeof demoHouseholdRows>

async function seed(db: Db, organizationId: string, agencyIds: string[]) {
  const started = Date.now()
  const now = new Date().toISOString()
  let batch: Rows[] = []
  const flush = async () => {
    if (!batch.length) return
    const rows = batch
    batch = []
    await inTransaction(db, async (tx) => {
      await bulkInsert(
        tx,
        'household',
        rows.map((row) => row.household),
      )
      await bulkInsert(
        tx,
        'member',
        rows.flatMap((row) => row.members),
      )
      await bulkInsert(
        tx,
        'phone',
        rows.flatMap((row) => row.phones),
      )
    })
  }
  let index = 0
  for (const household of generateHouseholds(DEMO_ORGANIZATIONS[0], HOUSEHOLDS, { seed: 13 })) {
    batch.push(demoHouseholdRows(household, organizationId, agencyIds[index++ % agencyIds.length] ?? null, now))
    if (batch.length >= 5_000) await flush()
  }
  await flush()
  console.log(`seeded ${HOUSEHOLDS} households in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

/** The engine's plan for a query, with its parameters bound. */
async function plan(db: Db, query: Compilable) {
  const compiled = query.compile()
  const prefix = db.engine === 'postgres' ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'
  const result = await db.executeQuery<Record<string, unknown>>(
    CompiledQuery.raw(`${prefix} ${compiled.sql}`, [...compiled.parameters]),
  )
  return result.rows.map((row) => (db.engine === 'postgres' ? String(Object.values(row)[0]) : String(row.detail)))
}

async function measure(db: Db, search: HouseholdSearch & { limit: number; offset: number }) {
  await searchHouseholds(db, search) // warm
  const times: number[] = []
  let total = 0
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now()
    total = (await searchHouseholds(db, search)).total
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return { total, p50: percentile(times, 50), p95: percentile(times, 95) }
}

for (const engine of benchEngines()) {
  console.log(`\n=== ${engine} ===`)
  const { db } = await freshBenchDatabase('households_search', engine)
  const organization = await makeOrganization(db, { code: 'BENCH' })
  const agencies = [
    await createAgency(db, { organizationId: organization.id, code: 'NANCY', name: 'Agence de Nancy' }),
    await createAgency(db, { organizationId: organization.id, code: 'LUNEVILLE', name: 'Agence de Lunéville' }),
    await createAgency(db, { organizationId: organization.id, code: 'VERDUN', name: 'Agence de Verdun' }),
  ]
  if (engine === 'sqlite') await sql`pragma cache_size = -262144`.execute(db)
  await seed(
    db,
    organization.id,
    agencies.map((agency) => agency.id),
  )
  if (engine === 'sqlite') await sql`pragma cache_size = -2000`.execute(db)
  if (engine === 'postgres') await sql`VACUUM ANALYZE`.execute(db)
  else await sql`ANALYZE`.execute(db)

  // Real values from the seeded data: a Lefèvre with a first name, and a phone in the 03 83 area.
  const named = await db
    .selectFrom('household')
    .select(['lastName', 'firstName', 'externalRef'])
    .where('lastName', '=', 'Lefèvre')
    .where('firstName', 'is not', null)
    .orderBy('externalRef')
    .executeTakeFirstOrThrow()
  const phone = await db
    .selectFrom('phone')
    .select('e164')
    .where('e164', 'like', '+3338%')
    .orderBy('e164')
    .executeTakeFirstOrThrow()
  const digits = phone.e164!.slice(3)
  const spaced = `+33 ${digits[0]} ${digits.slice(1).match(/\d{2}/g)!.join(' ')}`
  const base = { organizationIds: [organization.id], limit: PAGE, offset: 0, sort: 'name' as const }
  const cases: Array<[string, HouseholdSearch & { limit: number; offset: number }]> = [
    ['first page, no search (name order)', base],
    ['name "Lefèvre"', { ...base, q: 'Lefèvre' }],
    ['name without accent "lefevre"', { ...base, q: 'lefevre' }],
    [`"Prénom Nom" (${named.firstName} ${named.lastName})`, { ...base, q: `${named.firstName} ${named.lastName}` }],
    ['"nom prénom" folded', { ...base, q: `lefevre ${named.firstName!.toLowerCase()}` }],
    [`phone "${spaced}"`, { ...base, q: spaced }],
    ['phone start "+33 3 83"', { ...base, q: '+33 3 83' }],
    ['reference', { ...base, q: named.externalRef }],
    ['"lefevre" + agency + active', { ...base, q: 'lefevre', agency: 'NANCY', status: 'active' }],
    ['fragility unknown + active, page 1', { ...base, fragility: 'unknown', status: 'active' }],
    ['fragility unknown + active, page 100', { ...base, fragility: 'unknown', status: 'active', offset: 99 * PAGE }],
    ['agency, sorted by age desc, page 20', { ...base, agency: 'VERDUN', sort: '-age', offset: 19 * PAGE }],
    ['not in a running campaign, page 1', { ...base, inCampaign: false }],
    ['"martin" sorted by last contact', { ...base, q: 'martin', sort: '-lastContact' }],
  ]
  console.log(`load average: ${readFileSync('/proc/loadavg', 'utf8').trim()}`)
  console.log(`${RUNS} runs each, the page (${PAGE} rows) and its total as GET /api/households answers them`)
  for (const [label, search] of cases) {
    const figures = await measure(db, search)
    console.log(
      `${label.padEnd(48)} total ${String(figures.total).padStart(6)}  p50 ${formatMs(figures.p50).padStart(9)}  p95 ${formatMs(figures.p95).padStart(9)}`,
    )
  }
  const plans = await plan(
    db,
    db
      .selectFrom('household')
      .select('household.id')
      .where('household.organizationId', '=', organization.id)
      .where(sql<boolean>`household.search_name like ${'%lefevre%'} escape '\\'`)
      .orderBy('household.searchName')
      .limit(PAGE),
  )
  console.log('plan of a name search (the page):')
  for (const line of plans) console.log(`  ${line}`)
  console.log(`load average: ${readFileSync('/proc/loadavg', 'utf8').trim()}`)
  await db.destroy()
}
