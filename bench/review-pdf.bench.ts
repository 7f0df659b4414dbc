// npm run bench:review-pdf — how long the review's PDF takes: the renderer alone on the largest review the API allows
// (every day of a 1,100-day period, many recipients and comments), then the whole of GET /api/stats/review.pdf's
// work for the network (computeReview + render) on generated data. Target: a network review's PDF in < 5 s.
// Prints figures; asserts nothing about time.
//   --engine=sqlite|postgres (both by default); BENCH_HOUSEHOLDS (20000), BENCH_CALLS (100000);
//   reuses the database of `npm run bench:stats -- --reuse` when .bench/stats-<engine>.json exists (200k / 1M).
import { existsSync, readFileSync } from 'node:fs'
import { sql } from 'kysely'
import { createDb, type Db } from '../src/server/db/database.js'
import { migrateToLatest } from '../src/server/db/migrate.js'
import { fixtureReview } from '../src/server/features/stats/review.fixture.js'
import { renderReviewPdf } from '../src/server/features/stats/review.pdf.js'
import { refreshRollups } from '../src/server/features/stats/stats.refresh.js'
import { computeReview } from '../src/server/features/stats/stats.service.js'
import type { Membership } from '../src/server/http/auth.js'
import type { StatsReview } from '../src/shared/contracts/stats.js'
import { readStream } from '../test/pdf-text.js'
import { benchEngines, freshBenchDatabase } from './support/bench-db.js'
import { type ReviewData, seedReviewData } from './support/review-data.js'

const HOUSEHOLDS = Number(process.env.BENCH_HOUSEHOLDS ?? 20_000)
const CALLS = Number(process.env.BENCH_CALLS ?? 100_000)

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now()
  const value = await work()
  return { value, ms: performance.now() - started }
}

function largestReview(): StatsReview {
  const review = fixtureReview()
  const start = Date.parse('2024-01-01T00:00:00Z')
  review.period = { from: '2024-01-01', to: '2027-01-04' }
  review.calls.perDay = Array.from({ length: 1100 }, (_, index) => ({
    key: new Date(start + index * 86_400_000).toISOString().slice(0, 10),
    count: (index * 37) % 400,
  }))
  review.referrals.byRecipient = Array.from({ length: 60 }, (_, index) => ({
    key: `Partenaire ${index + 1} — Service social`,
    count: 100 - index,
  }))
  review.callers.feedback.comments = Array.from(
    { length: 300 },
    (_, index) => `Commentaire n° ${index + 1} : des échanges forts, une personne très isolée, l’envie de revenir.`,
  )
  return review
}

async function renderBench() {
  const review = largestReview()
  await readStream(await renderReviewPdf(review, 'fr')) // warm-up
  const { value: pdf, ms } = await timed(async () => readStream(await renderReviewPdf(review, 'fr')))
  console.log(
    `renderer alone, largest review (1,100 days, 60 recipients, 300 comments): ${ms.toFixed(0)} ms, ${(pdf.length / 1024).toFixed(0)} KiB`,
  )
}

async function adminOf(db: Db, organizationId: string, userId: string) {
  const organizations = await db
    .selectFrom('organization')
    .select(['id', 'code', 'name', 'type', 'networkId'])
    .where('id', '=', organizationId)
    .execute()
  const memberships: Membership[] = organizations.map((o) => ({
    organizationId: o.id,
    organizationCode: o.code,
    organizationName: o.name,
    organizationType: o.type,
    networkId: o.networkId,
    role: 'admin',
  }))
  return { userId, memberships }
}

async function networkBench(engine: 'sqlite' | 'postgres') {
  const saved = `.bench/stats-${engine}.json`
  let db: Db
  let data: ReviewData
  if (existsSync(saved)) {
    const previous = JSON.parse(readFileSync(saved, 'utf8')) as { url: string; data: ReviewData }
    db = createDb(previous.url)
    data = previous.data
  } else {
    const fresh = await freshBenchDatabase('review_pdf', engine)
    db = fresh.db
    const { value, ms } = await timed(() => seedReviewData(db, { households: HOUSEHOLDS, calls: CALLS }))
    data = value
    // What autovacuum would have done by then (as bench:stats does): statistics and the visibility map.
    if (engine === 'postgres') await sql`vacuum analyze`.execute(db)
    console.log(`  seeded in ${(ms / 1000).toFixed(1)} s`)
  }
  console.log(`\n=== ${engine}: ${data.counts.households} households, ${data.counts.calls} calls ===`)
  // The calls are counted into the review's rollups as the server's worker would have done by then.
  await migrateToLatest(db)
  const counting = await timed(() => refreshRollups(db))
  if (counting.value) console.log(`  rollups: ${counting.value} calls counted in ${(counting.ms / 1000).toFixed(1)} s`)
  const actor = await adminOf(db, data.organizations[0]!.id, data.managers[0]!.id)
  const period = data.period
  const compute = await timed(() => computeReview(db, actor, { scope: 'network', ...period }))
  const render = await timed(async () => readStream(await renderReviewPdf(compute.value, 'fr')))
  console.log(
    `network review: computeReview ${compute.ms.toFixed(0)} ms + render ${render.ms.toFixed(0)} ms = ${(compute.ms + render.ms).toFixed(0)} ms (target < 5000 ms), PDF ${(render.value.length / 1024).toFixed(0)} KiB`,
  )
  await db.destroy()
}

await renderBench()
for (const engine of benchEngines()) await networkBench(engine)
