/**
 * Keeps the review's rollups in step with the calls (docs/decisions.md "Review figures from rollups"). Calls are
 * written with stats_pending = 1; a refresh takes a batch of them, recomputes what their households (and, for the
 * network, their homes) contribute — first without the batch, as counted so far, then with it — adds the difference
 * to the rollup rows, and marks the batch counted, in one transaction. Works whatever the order calls arrive in, and
 * a refresh that fails changes nothing. One refresh at a time: SQLite's write lock, PostgreSQL's advisory lock.
 */
import { type Db, inTransaction } from '../../db/database.js'
import type { WorkerRegistry } from '../../workers.js'
import * as stats from './stats.queries.js'
import {
  addCallDayFigures,
  addFigures,
  type CallFact,
  figuresDiff,
  mergeCounts,
  RollupDelta,
  scopeKey,
  unitFigures,
} from './stats.rollups.js'

/** Calls counted per transaction: each one rewrites the rollup rows it touches, so a first count goes in few. */
const BATCH = 50_000
/** Calls counted in one refresh beyond which PostgreSQL's call table is vacuumed and analysed. */
const VACUUM_AFTER = 50_000
/** Any number: the PostgreSQL advisory lock that serialises refreshes across app instances. */
const REFRESH_LOCK = 7_274_311

type Fact = CallFact & { statsPending: number }

/**
 * Counts the calls not yet counted (all of them, batch after batch); with `movedSince` (an ISO time, or '' for
 * ever), also recounts the households updated since then whose home key or agency changed (an import moved them).
 * Returns how many calls were counted. An aborted `signal` (the server shutting down) stops it between two batches.
 */
export async function refreshRollups(
  db: Db,
  options: { movedSince?: string; batch?: number; restFactor?: number; signal?: AbortSignal } = {},
): Promise<number> {
  let counted = 0
  let moved = options.movedSince === undefined ? [] : await stats.listMovedHouseholds(db, options.movedSince)
  while (!options.signal?.aborted && (moved.length || (await stats.hasPendingCalls(db)))) {
    const batch = options.batch ?? BATCH
    const started = performance.now()
    counted += await inTransaction(db, (tx) => refreshBatch(tx, moved, batch))
    moved = []
    // Let waiting requests in between two transactions; the worker rests `restFactor` times as long as it worked, so
    // that counting never takes more than its share of the process from the callers.
    const rest = (performance.now() - started) * (options.restFactor ?? 0)
    await new Promise((resolve) => (rest >= 1 ? setTimeout(resolve, rest) : setImmediate(resolve)))
  }
  // After a first count of a large table PostgreSQL's pending index still holds an entry per counted call and its
  // statistics say every call is pending, until autovacuum comes by: do its work now (not in a transaction).
  if (db.engine === 'postgres' && counted >= VACUUM_AFTER) await stats.vacuumCalls(db)
  return counted
}

/**
 * Recounts now, in the caller's transaction, those of these households already counted in the rollups (a rectified
 * name or address moved their home key): the key they were counted under, which names the tenant as the file did, is
 * not kept for them until the worker comes by.
 */
export async function recountHouseholds(tx: Db, householdIds: readonly string[]): Promise<void> {
  const counted = await stats.listStatsHouseholds(tx, 'householdId', householdIds)
  if (counted.length)
    await refreshBatch(
      tx,
      counted.map((row) => row.householdId),
      0,
    )
}

async function refreshBatch(tx: Db, moved: readonly string[], size: number): Promise<number> {
  if (tx.engine === 'postgres') await stats.lockRefresh(tx, REFRESH_LOCK)
  const batch = await stats.listPendingCalls(tx, size)
  const batchIds = new Set(batch.map((call) => call.id))
  const householdIds = [...new Set([...batch.map((call) => call.householdId), ...moved])]
  if (!householdIds.length) return 0

  const households = await stats.listRollupHouseholds(tx, householdIds)
  // A home of more than MAX_HOME_HOUSEHOLDS households is not one home: each of them counts as its own.
  const sizes = await stats.countHomeSizes(tx, [...new Set(households.map((household) => household.homeKey))])
  for (const household of households) {
    if ((sizes.get(household.homeKey) ?? 0) > stats.MAX_HOME_HOUSEHOLDS) household.homeKey = `id:${household.id}`
  }
  const inBatch = new Set(households.map((household) => household.id))
  const before = new Map(
    (await stats.listStatsHouseholds(tx, 'householdId', householdIds)).map((row) => [row.householdId, row]),
  )
  // Homes whose network figures change: the households' homes now and those they were counted under. A home's
  // other households stay under the key they were counted under until a refresh recounts them (`moved`).
  const homeKeys = new Set<string>()
  for (const household of households) homeKeys.add(household.homeKey)
  for (const row of before.values()) homeKeys.add(row.homeKey)
  const countedUnder = await stats.listStatsHouseholds(tx, 'homeKey', [...homeKeys])
  const membersBefore = groupBy(countedUnder, (row) => row.homeKey)
  const membersNow = groupBy(
    [...countedUnder.filter((row) => !inBatch.has(row.householdId)), ...households.map(asCountedUnder)],
    (row) => row.homeKey,
  )
  const known = new Map<string, stats.RollupHousehold>(households.map((household) => [household.id, household]))
  const missing = countedUnder.map((row) => row.householdId).filter((id) => !known.has(id))
  for (const household of await stats.listRollupHouseholds(tx, missing)) known.set(household.id, household)

  const callsByHousehold = groupBy(await stats.listCallFacts(tx, [...known.keys()]), (call) => call.householdId)
  const countedBefore = (call: Fact) => call.statsPending === 0
  const countedAfter = (call: Fact) => call.statsPending === 0 || batchIds.has(call.id)
  const callsOf = (id: string, counted: (call: Fact) => boolean) => (callsByHousehold.get(id) ?? []).filter(counted)

  const delta = new RollupDelta()
  for (const household of households) {
    const beforeRow = before.get(household.id)
    const was = callsOf(household.id, countedBefore)
    const now = callsOf(household.id, countedAfter)
    addHouseholdFigures(delta, household, beforeRow?.agencyId ?? household.agencyId, was, now)
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
    const wasByNetwork = byNetwork(known, membersBefore.get(homeKey) ?? [])
    const nowByNetwork = byNetwork(known, membersNow.get(homeKey) ?? [])
    for (const networkId of new Set([...wasByNetwork.keys(), ...nowByNetwork.keys()])) {
      const was = (wasByNetwork.get(networkId) ?? []).flatMap((id) => callsOf(id, countedBefore))
      const now = (nowByNetwork.get(networkId) ?? []).flatMap((id) => callsOf(id, countedAfter))
      addFigures(delta, scopeKey.network(networkId), figuresDiff(unitFigures(was), unitFigures(now)))
    }
  }

  // Most of a recount gives back what it takes (a household's earlier days): only rows whose counts move are read.
  const changed = [...delta.rows].filter(([, row]) => [...row.counts.values()].some((value) => value !== 0))
  const stored = await stats.readRollupCounts(
    tx,
    changed.map(([id]) => id),
  )
  const upserts = []
  const deletes = []
  for (const [id, row] of changed) {
    const counts = mergeCounts(stored.get(id) ?? null, row.counts)
    if (counts === null) {
      if (stored.has(id)) deletes.push(id)
    } else if (counts !== stored.get(id)) {
      upserts.push({ id, scope: row.scope, metric: row.metric, dayFrom: row.from, dayTo: row.to, counts })
    }
  }
  await stats.writeRollups(tx, upserts, deletes)
  await stats.markCallsCounted(tx, [...batchIds])
  await stats.saveStatsHouseholds(tx, households.map(asCountedUnder))
  return batchIds.size
}

/**
 * What a household's recount changes in its campaigns, its organisation and its agency: the difference between its
 * figures from the calls counted before (`was`, under the agency they were counted in) and from those counted now.
 */
function addHouseholdFigures(
  delta: RollupDelta,
  household: stats.RollupHousehold,
  agencyBefore: string | null,
  was: readonly CallFact[],
  now: readonly CallFact[],
) {
  const wasByCampaign = groupBy(was, (call) => call.campaignId)
  for (const [campaignId, campaignCalls] of groupBy(now, (call) => call.campaignId)) {
    const earlier = wasByCampaign.get(campaignId) ?? []
    // `now` holds `was`: the same number of calls is the same calls.
    if (earlier.length === campaignCalls.length) continue
    addFigures(delta, scopeKey.campaign(campaignId), figuresDiff(unitFigures(earlier), unitFigures(campaignCalls)))
  }
  if (was.length === now.length && agencyBefore === household.agencyId) return
  const before = unitFigures(was)
  const after = unitFigures(now)
  const diff = figuresDiff(before, after)
  addFigures(delta, scopeKey.organization(household.organizationId), diff)
  if (agencyBefore === household.agencyId) {
    if (household.agencyId) addFigures(delta, scopeKey.agency(household.agencyId), diff)
  } else {
    if (agencyBefore) addFigures(delta, scopeKey.agency(agencyBefore), before, -1)
    if (household.agencyId) addFigures(delta, scopeKey.agency(household.agencyId), after)
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string) {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const list = groups.get(key(item))
    if (list) list.push(item)
    else groups.set(key(item), [item])
  }
  return groups
}

/** What a household is counted under in the rollups (its stats_household row). */
function asCountedUnder(household: stats.RollupHousehold) {
  return { householdId: household.id, homeKey: household.homeKey, agencyId: household.agencyId }
}

/** A home's households, by the network of their organisation, as household ids. */
function byNetwork(known: ReadonlyMap<string, stats.RollupHousehold>, members: ReadonlyArray<{ householdId: string }>) {
  const groups = groupBy(
    members.filter((row) => known.has(row.householdId)),
    (row) => known.get(row.householdId)!.networkId,
  )
  return new Map([...groups].map(([networkId, rows]) => [networkId, rows.map((row) => row.householdId)]))
}

/**
 * Counts new calls in the background every `intervalMs`, so that a review rarely has any left to count; every
 * `movedEvery` ticks it also recounts households an import moved. Returns a function that stops it.
 */
export function startRollupWorker(
  workers: WorkerRegistry,
  db: Db,
  options: { intervalMs?: number; movedEvery?: number; batch?: number; onError?: (error: unknown) => void } = {},
) {
  const movedEvery = options.movedEvery ?? 10
  let tick = 0
  // Households updated since the last look (a minute of margin for transactions that committed late); after a restart,
  // the last week's.
  let movedSince = new Date(Date.now() - 7 * 86_400_000).toISOString()
  // A first count of a large table takes minutes (it rests four times as long as it works): stuck only after an hour.
  const schedule = { intervalMs: options.intervalMs ?? 30_000, maxRoundMs: 60 * 60_000, onError: options.onError }
  return workers.runEvery('rollups', schedule, async (signal) => {
    const lookForMoved = tick++ % movedEvery === 0
    const startedAt = Date.now()
    // Short transactions: requests on the same SQLite connection wait for each one.
    // At most a fifth of the process: under a burst of calls the backlog waits (a review counts what is left).
    await refreshRollups(db, {
      movedSince: lookForMoved ? movedSince : undefined,
      batch: options.batch ?? 250,
      restFactor: 4,
      signal,
    })
    if (lookForMoved) movedSince = new Date(startedAt - 60_000).toISOString()
  })
}
