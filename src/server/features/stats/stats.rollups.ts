/**
 * The review's rollups, pure logic (docs/decisions.md "Review figures from rollups"). The database keeps, per scope
 * (campaign, organisation, agency, network), figure and Europe/Paris day, JSON counts; this module says what one
 * household's (or one home's) calls contribute to them, and reads a period's figures back from them. Exact for any
 * period of whole Paris days:
 *
 * - day figures (calls per disposition, durations, calls per caller, first reach) are counted on the call's day;
 * - "some event in the period" figures (attempted, reached, each need) keep one row per pair of consecutive event
 *   days (previous, day) of a unit; a unit has an event in [F, T] exactly when its pair with previous < F ≤ day has
 *   day ≤ T, so the period's count is the sum of the pairs with day_from < F ≤ day_to ≤ T;
 * - "latest event in the period" figures (fragility level, instrument categories) keep one row per event day and the
 *   unit's next event day (or LAST); the latest event up to T is the one with day ≤ T < next, and it lies in the
 *   period when day ≥ F.
 */

import { parisDayOf } from '../../../shared/clock.js'
import { INSTRUMENTS } from '../../../shared/instruments/index.js'

/** Before every day / after every day (as text, '' < '2026-…' < '~'). */
export const FIRST = ''
export const LAST = '~'

/** What the rollups read of a call. */
export interface CallFact {
  id: string
  householdId: string
  campaignId: string
  callerId: string
  createdAt: string
  disposition: string
  durationSeconds: number | null
  fragilityLevel: string | null
  scores: string | null
  needs: string | null
}

export type Metric =
  | 'calls'
  | 'duration'
  | 'callers'
  | 'first_reach'
  | 'attempted'
  | 'reached'
  | 'needs'
  | 'fragility'
  | 'score'

const DAY_METRICS: ReadonlySet<Metric> = new Set(['calls', 'duration', 'callers', 'first_reach'])
const SET_METRICS: ReadonlySet<Metric> = new Set(['attempted', 'reached', 'needs'])

/** Scope keys: one prefix per kind of scope, then its id. */
export const scopeKey = {
  campaign: (id: string) => `c:${id}`,
  organization: (id: string) => `o:${id}`,
  agency: (id: string) => `a:${id}`,
  network: (id: string) => `n:${id}`,
}

/** Counts to add (or remove, with negative values) to rollup rows, by row id then key. */
export class RollupDelta {
  readonly rows = new Map<
    string,
    { scope: string; metric: Metric; from: string; to: string; counts: Map<string, number> }
  >()

  add(scope: string, metric: Metric, from: string, to: string, key: string, value: number) {
    if (!value) return
    const id = rollupId(scope, metric, from, to)
    let row = this.rows.get(id)
    if (!row) {
      row = { scope, metric, from, to, counts: new Map() }
      this.rows.set(id, row)
    }
    row.counts.set(key, (row.counts.get(key) ?? 0) + value)
  }
}

export function rollupId(scope: string, metric: string, from: string, to: string) {
  return `${scope}|${metric}|${from}|${to}`
}

/** Applies a delta's counts to a row's stored counts; null when nothing is left (the row goes). */
export function mergeCounts(stored: string | null, delta: Map<string, number>): string | null {
  const counts: Record<string, number> = stored ? (JSON.parse(stored) as Record<string, number>) : {}
  for (const [key, value] of delta) {
    const next = (counts[key] ?? 0) + value
    if (next === 0) delete counts[key]
    else counts[key] = next
  }
  return Object.keys(counts).length ? JSON.stringify(counts) : null
}

/** A call's day figures, added once per scope it counts in. */
export function addCallDayFigures(delta: RollupDelta, scopes: readonly string[], call: CallFact, sign = 1) {
  const day = parisDayOf(call.createdAt)
  for (const scope of scopes) {
    delta.add(scope, 'calls', day, FIRST, call.disposition, sign)
    if (call.durationSeconds !== null) delta.add(scope, 'duration', day, FIRST, String(call.durationSeconds), sign)
    delta.add(scope, 'callers', day, FIRST, call.callerId, sign)
  }
}

/**
 * What one unit's calls contribute, before it is given a scope: "metric|from|to|key" → value. Computed once per unit
 * and added to each scope it counts in; a recount adds only the difference between two of them.
 */
export type UnitFigures = Map<string, number>

const SEP = '\u0001'

function put(figures: UnitFigures, metric: Metric, from: string, to: string, key: string, value: number) {
  const id = `${metric}${SEP}${from}${SEP}${to}${SEP}${key}`
  figures.set(id, (figures.get(id) ?? 0) + value)
}

function pairs(figures: UnitFigures, metric: Metric, key: string, days: Iterable<string>) {
  let previous = FIRST
  for (const day of [...new Set(days)].sort()) {
    put(figures, metric, previous, day, key, 1)
    previous = day
  }
}

function latest(figures: UnitFigures, metric: Metric, perDay: Map<string, string[]>) {
  const days = [...perDay.keys()].sort()
  days.forEach((day, index) => {
    for (const key of perDay.get(day)!) put(figures, metric, day, days[index + 1] ?? LAST, key, 1)
  })
}

function parseList(text: string | null): string[] {
  if (!text) return []
  try {
    const value = JSON.parse(text) as unknown
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
  } catch {
    return []
  }
}

function scoreKeys(text: string): string[] {
  let scores: Record<string, { category?: unknown } | null>
  try {
    scores = JSON.parse(text) as Record<string, { category?: unknown } | null>
  } catch {
    return []
  }
  const keys: string[] = []
  for (const instrument of INSTRUMENTS) {
    const category = scores?.[instrument.code]?.category
    if (typeof category === 'string') keys.push(`${instrument.code}:${category}`)
  }
  return keys
}

/**
 * What one unit's calls (a household within a campaign, an organisation or an agency; a home on the network)
 * contribute to a scope's "some event" and "latest event" figures and to first reach.
 */
export function unitFigures(calls: readonly CallFact[]): UnitFigures {
  const figures: UnitFigures = new Map()
  if (!calls.length) return figures
  const sorted = [...calls].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))
  pairs(
    figures,
    'attempted',
    '',
    sorted.map((call) => parisDayOf(call.createdAt)),
  )
  const completed = sorted.filter((call) => call.disposition === 'completed')
  if (!completed.length) return figures
  pairs(
    figures,
    'reached',
    '',
    completed.map((call) => parisDayOf(call.createdAt)),
  )
  const first = completed[0]!
  const firstDay = parisDayOf(first.createdAt)
  put(figures, 'first_reach', firstDay, FIRST, 'households', 1)
  put(figures, 'first_reach', firstDay, FIRST, 'calls', sorted.indexOf(first) + 1)
  const needDays = new Map<string, string[]>()
  const fragility = new Map<string, string[]>()
  const scores = new Map<string, string[]>()
  for (const call of completed) {
    const day = parisDayOf(call.createdAt)
    for (const need of parseList(call.needs)) needDays.set(need, [...(needDays.get(need) ?? []), day])
    // Calls are in time order: the last one of a day wins.
    if (call.fragilityLevel !== null) fragility.set(day, [call.fragilityLevel])
    if (call.scores !== null) scores.set(day, scoreKeys(call.scores))
  }
  for (const [need, days] of needDays) pairs(figures, 'needs', need, days)
  latest(figures, 'fragility', fragility)
  latest(figures, 'score', scores)
  return figures
}

/** after − before, without the entries that cancel out. */
export function figuresDiff(before: UnitFigures, after: UnitFigures): UnitFigures {
  const diff: UnitFigures = new Map()
  for (const [id, value] of after) {
    const change = value - (before.get(id) ?? 0)
    if (change) diff.set(id, change)
  }
  for (const [id, value] of before) if (!after.has(id) && value) diff.set(id, -value)
  return diff
}

/** Adds a unit's figures (times `sign`) to one scope's rows. */
export function addFigures(delta: RollupDelta, scope: string, figures: UnitFigures, sign = 1) {
  for (const [id, value] of figures) {
    const [metric, from, to, key] = id.split(SEP) as [Metric, string, string, string]
    delta.add(scope, metric, from, to, key, sign * value)
  }
}

/** unitFigures and addFigures in one step. */
export function addUnitFigures(delta: RollupDelta, scope: string, calls: readonly CallFact[], sign = 1) {
  addFigures(delta, scope, unitFigures(calls), sign)
}

/** A stored rollup row as read back. */
export interface RollupRow {
  metric: string
  dayFrom: string
  dayTo: string
  counts: string
}

/** A period's figures for one scope, read from its rollup rows. */
export interface PeriodFigures {
  attempted: number
  reached: number
  /** Households reached for the first time in the period, and the calls it took them (the reaching call included). */
  firstReached: { households: number; calls: number }
  needs: Map<string, number>
  fragility: Map<string, number>
  /** "instrument:category" → households whose latest scored interview in the period has it. */
  scores: Map<string, number>
  /** Paris day → disposition → calls. */
  callsPerDay: Map<string, Map<string, number>>
  /** Seconds → calls. */
  durations: Map<number, number>
  /** Caller id → calls. */
  callers: Map<string, number>
}

function bump<K>(map: Map<K, number>, key: K, value: number) {
  map.set(key, (map.get(key) ?? 0) + value)
}

/** Whether a row counts in the period [from, to] (Paris days, inclusive). */
export function rowCounts(metric: Metric, dayFrom: string, dayTo: string, from: string, to: string): boolean {
  if (DAY_METRICS.has(metric)) return dayFrom >= from && dayFrom <= to
  if (SET_METRICS.has(metric)) return dayFrom < from && dayTo >= from && dayTo <= to
  return dayFrom >= from && dayFrom <= to && dayTo > to
}

export function readPeriod(rows: Iterable<RollupRow>, from: string, to: string): PeriodFigures {
  const figures: PeriodFigures = {
    attempted: 0,
    reached: 0,
    firstReached: { households: 0, calls: 0 },
    needs: new Map(),
    fragility: new Map(),
    scores: new Map(),
    callsPerDay: new Map(),
    durations: new Map(),
    callers: new Map(),
  }
  for (const row of rows) {
    const metric = row.metric as Metric
    if (!rowCounts(metric, row.dayFrom, row.dayTo, from, to)) continue
    const counts = JSON.parse(row.counts) as Record<string, number>
    for (const [key, count] of Object.entries(counts)) {
      switch (metric) {
        case 'attempted':
          figures.attempted += count
          break
        case 'reached':
          figures.reached += count
          break
        case 'first_reach':
          if (key === 'households') figures.firstReached.households += count
          else figures.firstReached.calls += count
          break
        case 'needs':
          bump(figures.needs, key, count)
          break
        case 'fragility':
          bump(figures.fragility, key, count)
          break
        case 'score':
          bump(figures.scores, key, count)
          break
        case 'calls': {
          const day = figures.callsPerDay.get(row.dayFrom) ?? new Map<string, number>()
          figures.callsPerDay.set(row.dayFrom, day)
          bump(day, key, count)
          break
        }
        case 'duration':
          bump(figures.durations, Number(key), count)
          break
        case 'callers':
          bump(figures.callers, key, count)
          break
      }
    }
  }
  return figures
}
