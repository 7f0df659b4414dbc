/**
 * Keeps the review's rollups in step with the calls (docs/decisions.md "Review figures from rollups"). Calls are
 * written with stats_pending = 1; a refresh takes a batch of them, recomputes what their households (and, for the
 * network, their homes) contribute — first without the batch, as counted so far, then with it — adds the difference
 * to the rollup rows, and marks the batch counted, in one transaction. Works whatever the order calls arrive in, and
 * a refresh that fails changes nothing. One refresh at a time: SQLite's write lock, PostgreSQL's advisory lock.
 */
import { sql } from 'kysely'
import { type Db, inTransaction } from '../../db/database.js'
import * as stats from './stats.queries.js'
import {
  addCallDayFigures,
  addUnitFigures,
  type CallFact,
  mergeCounts,
  RollupDelta,
  scopeKey,
} from './stats.rollups.js'

/** Calls counted per transaction: each one rewrites the rollup rows it touches, so a first count goes in few. */
const BATCH = 50_000
/** Calls counted in one refresh beyond which PostgreSQL's call table is vacuumed and analysed. */
const VACUUM_AFTER = 50_000
/** Any number: the PostgreSQL advisory lock that serialises refreshes across app instances. */
const REFRESH_LOCK = 7_274_311

type Fact = CallFact & { statsPending: number }

/**
 * Counts the calls not yet counted (all of them, batch after batch); with `moved`, also recounts households an import
 * gave another home or agency. Returns how many calls were counted.
 */
export async function refreshRollups(db: Db, options: { moved?: boolean; batch?: number } = {}): Promise<number> {
  let counted = 0
  let moved = options.moved ? await stats.listMovedHouseholds(db) : []
  while (moved.length || (await stats.hasPendingCalls(db))) {
    const batch = options.batch ?? BATCH
    counted += await inTransaction(db, (tx) => refreshBatch(tx, moved, batch))
    moved = []
    // Let waiting requests in between two transactions.
    await new Promise((resolve) => setImmediate(resolve))
  }
  // After a first count of a large table PostgreSQL's pending index still holds an entry per counted call and its
  // statistics say every call is pending, until autovacuum comes by: do its work now (not in a transaction).
  if (db.engine === 'postgres' && counted >= VACUUM_AFTER) await sql`vacuum (analyze) call`.execute(db)
  return counted
}

async function refreshBatch(tx: Db, moved: readonly string[], size: number): Promise<number> {
  if (tx.engine === 'postgres') await sql`select pg_advisory_xact_lock(${REFRESH_LOCK})`.execute(tx)
  const batch = await stats.listPendingCalls(tx, size)
  const batchIds = new Set(batch.map((call) => call.id))
  const householdIds = [...new Set([...batch.map((call) => call.householdId), ...moved])]
  if (!householdIds.length) return 0

  const households = await stats.listRollupHouseholds(tx, householdIds)
  const inBatch = new Set(households.map((household) => household.id))
  const before = new Map((await stats.listStatsHouseholds(tx, householdIds)).map((row) => [row.householdId, row]))
  // Homes whose network figures change: the households' homes now and those they were counted under. A home's
  // other households stay under the key they were counted under until a refresh recounts them (`moved`).
  const homeKeys = new Set<string>()
  for (const household of households) homeKeys.add(household.homeKey)
  for (const row of before.values()) homeKeys.add(row.homeKey)
  const membersBefore = new Map<string, string[]>()
  const membersNow = new Map<string, string[]>()
  const addTo = (map: Map<string, string[]>, key: string, id: string) => {
    const list = map.get(key)
    if (list) list.push(id)
    else map.set(key, [id])
  }
  for (const row of await stats.listStatsHouseholdsOfHomes(tx, [...homeKeys])) {
    addTo(membersBefore, row.homeKey, row.householdId)
    if (!inBatch.has(row.householdId)) addTo(membersNow, row.homeKey, row.householdId)
  }
  for (const household of households) addTo(membersNow, household.homeKey, household.id)
  const known = new Map<string, stats.RollupHousehold>(households.map((household) => [household.id, household]))
  const missing = [...new Set([...membersBefore.values()].flat())].filter((id) => !known.has(id))
  for (const household of await stats.listRollupHouseholds(tx, missing)) known.set(household.id, household)

  const callsByHousehold = new Map<string, Fact[]>()
  for (const call of await stats.listCallFacts(tx, [...known.keys()])) {
    const list = callsByHousehold.get(call.householdId)
    if (list) list.push(call)
    else callsByHousehold.set(call.householdId, [call])
  }
  const countedBefore = (call: Fact) => call.statsPending === 0
  const countedAfter = (call: Fact) => call.statsPending === 0 || batchIds.has(call.id)
  const callsOf = (id: string, counted: (call: Fact) => boolean) => (callsByHousehold.get(id) ?? []).filter(counted)

  const delta = new RollupDelta()
  for (const household of households) {
    const beforeRow = before.get(household.id)
    const was = callsOf(household.id, countedBefore)
    const now = callsOf(household.id, countedAfter)
    if (beforeRow) addHouseholdFigures(delta, household, beforeRow.agencyId, was, -1)
    addHouseholdFigures(delta, household, household.agencyId, now, 1)
    for (const call of now) {
      if (!batchIds.has(call.id)) continue
      addCallDayFigures(
        delta,
        [
          scopeKey.campaign(call.campaignId),
          scopeKey.organization(household.organizationId),
          ...(household.agencyId ? [scopeKey.agency(household.agencyId)] : []),
          scopeKey.network(household.networkId),
        ],
        call,
      )
    }
  }
  // Network figures count a home once: all its households' calls together, per network.
  for (const homeKey of homeKeys) {
    for (const [networkId, ids] of byNetwork(known, membersBefore.get(homeKey) ?? [])) {
      addUnitFigures(
        delta,
        scopeKey.network(networkId),
        ids.flatMap((id) => callsOf(id, countedBefore)),
        -1,
      )
    }
    for (const [networkId, ids] of byNetwork(known, membersNow.get(homeKey) ?? [])) {
      addUnitFigures(
        delta,
        scopeKey.network(networkId),
        ids.flatMap((id) => callsOf(id, countedAfter)),
        1,
      )
    }
  }

  const ids = [...delta.rows.keys()]
  const stored = await stats.readRollupCounts(tx, ids)
  const upserts = []
  const deletes = []
  for (const [id, row] of delta.rows) {
    const counts = mergeCounts(stored.get(id) ?? null, row.counts)
    if (counts === null) {
      if (stored.has(id)) deletes.push(id)
    } else if (counts !== stored.get(id)) {
      upserts.push({ id, scope: row.scope, metric: row.metric, dayFrom: row.from, dayTo: row.to, counts })
    }
  }
  await stats.writeRollups(tx, upserts, deletes)
  await stats.markCallsCounted(tx, [...batchIds])
  await stats.saveStatsHouseholds(
    tx,
    households.map((household) => ({
      householdId: household.id,
      homeKey: household.homeKey,
      agencyId: household.agencyId,
    })),
  )
  return batchIds.size
}

/** A household's figures in its campaigns, its organisation and its agency. */
function addHouseholdFigures(
  delta: RollupDelta,
  household: stats.RollupHousehold,
  agencyId: string | null,
  calls: readonly CallFact[],
  sign: number,
) {
  const byCampaign = new Map<string, CallFact[]>()
  for (const call of calls) byCampaign.set(call.campaignId, [...(byCampaign.get(call.campaignId) ?? []), call])
  for (const [campaignId, campaignCalls] of byCampaign) {
    addUnitFigures(delta, scopeKey.campaign(campaignId), campaignCalls, sign)
  }
  addUnitFigures(delta, scopeKey.organization(household.organizationId), calls, sign)
  if (agencyId) addUnitFigures(delta, scopeKey.agency(agencyId), calls, sign)
}

function byNetwork(known: ReadonlyMap<string, stats.RollupHousehold>, ids: readonly string[]) {
  const groups = new Map<string, string[]>()
  for (const id of ids) {
    const household = known.get(id)
    if (!household) continue
    const list = groups.get(household.networkId)
    if (list) list.push(id)
    else groups.set(household.networkId, [id])
  }
  return groups
}

/**
 * Counts new calls in the background every `intervalMs`, so that a review rarely has any left to count; every
 * `movedEvery` ticks it also recounts households an import moved. Returns a function that stops it.
 */
export function startRollupWorker(
  db: Db,
  options: { intervalMs?: number; movedEvery?: number; onError?: (error: unknown) => void } = {},
) {
  const movedEvery = options.movedEvery ?? 10
  let tick = 0
  let running = false
  const timer = setInterval(async () => {
    if (running) return
    running = true
    try {
      // Short transactions: requests on the same SQLite connection wait for each one.
      await refreshRollups(db, { moved: tick++ % movedEvery === 0, batch: 2_000 })
    } catch (error) {
      options.onError?.(error)
    } finally {
      running = false
    }
  }, options.intervalMs ?? 30_000)
  timer.unref()
  return () => clearInterval(timer)
}
