import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { parisDayOf as parisDay } from '../../../shared/clock.js'
import {
  addCallDayFigures,
  addUnitFigures,
  type CallFact,
  mergeCounts,
  RollupDelta,
  type RollupRow,
  readPeriod,
} from './stats.rollups.js'

const DISPOSITIONS = ['completed', 'no_answer', 'busy']
const LEVELS = ['none', 'watch', 'fragile']
const NEEDS = ['food', 'isolation', 'housing_repair']
// Around the end of summer time (25 October 2026): Paris days and UTC days differ by one or two hours.
const START = Date.parse('2026-10-20T00:00:00.000Z')
const HOURS = 24 * 12

const callArbitrary = fc.record({
  unit: fc.integer({ min: 0, max: 3 }),
  hour: fc.integer({ min: 0, max: HOURS }),
  minute: fc.integer({ min: 0, max: 59 }),
  disposition: fc.constantFrom(...DISPOSITIONS),
  duration: fc.option(fc.integer({ min: 0, max: 5 })),
  level: fc.option(fc.constantFrom(...LEVELS)),
  needs: fc.option(fc.subarray(NEEDS)),
  ucla: fc.option(fc.constantFrom('lonely', 'not_lonely')),
  caller: fc.constantFrom('x', 'y'),
})

type RawCall = typeof callArbitrary extends fc.Arbitrary<infer T> ? T : never

function toFacts(calls: RawCall[]): CallFact[] {
  return calls.map((call, index) => ({
    id: `call-${index}`,
    householdId: `unit-${call.unit}`,
    campaignId: 'campaign',
    callerId: call.caller,
    // Distinct instants: the minute and the index break ties.
    createdAt: new Date(START + call.hour * 3_600_000 + call.minute * 60_000 + index).toISOString(),
    disposition: call.disposition,
    durationSeconds: call.duration,
    fragilityLevel: call.level,
    scores: call.ucla ? JSON.stringify({ ucla3: { score: 5, category: call.ucla, complete: true } }) : null,
    needs: call.needs ? JSON.stringify(call.needs) : null,
  }))
}

/** Stored rows after applying deltas one after the other, as the refresh writes them. */
function store(deltas: RollupDelta[]): RollupRow[] {
  const stored = new Map<string, RollupRow>()
  for (const delta of deltas) {
    for (const [id, row] of delta.rows) {
      const counts = mergeCounts(stored.get(id)?.counts ?? null, row.counts)
      if (counts === null) stored.delete(id)
      else stored.set(id, { metric: row.metric, dayFrom: row.from, dayTo: row.to, counts })
    }
  }
  return [...stored.values()]
}

function unitsOf(calls: readonly CallFact[]) {
  const units = new Map<string, CallFact[]>()
  for (const call of calls) units.set(call.householdId, [...(units.get(call.householdId) ?? []), call])
  return units
}

/** The figures counted straight from the calls, the way the review defines them. */
function bruteForce(calls: readonly CallFact[], from: string, to: string) {
  const inPeriod = (call: CallFact) => parisDay(call.createdAt) >= from && parisDay(call.createdAt) <= to
  const latestIn = (list: CallFact[], pick: (call: CallFact) => string | null) =>
    list
      .filter((call) => inPeriod(call) && call.disposition === 'completed' && pick(call) !== null)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .at(-1)
  let attempted = 0
  let reached = 0
  const firstReached = { households: 0, calls: 0 }
  const needs = new Map<string, number>()
  const fragility = new Map<string, number>()
  const scores = new Map<string, number>()
  for (const list of unitsOf(calls).values()) {
    const sorted = [...list].sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    if (sorted.some(inPeriod)) attempted++
    if (sorted.some((call) => inPeriod(call) && call.disposition === 'completed')) reached++
    const first = sorted.findIndex((call) => call.disposition === 'completed')
    if (first >= 0 && inPeriod(sorted[first]!)) {
      firstReached.households++
      firstReached.calls += first + 1
    }
    const unitNeeds = new Set(
      sorted
        .filter((call) => inPeriod(call) && call.disposition === 'completed')
        .flatMap((call) => (call.needs ? (JSON.parse(call.needs) as string[]) : [])),
    )
    for (const need of unitNeeds) needs.set(need, (needs.get(need) ?? 0) + 1)
    const level = latestIn(sorted, (call) => call.fragilityLevel)
    if (level) fragility.set(level.fragilityLevel!, (fragility.get(level.fragilityLevel!) ?? 0) + 1)
    const scored = latestIn(sorted, (call) => call.scores)
    const category = scored ? (JSON.parse(scored.scores!) as { ucla3: { category: string } }).ucla3.category : null
    if (category) scores.set(`ucla3:${category}`, (scores.get(`ucla3:${category}`) ?? 0) + 1)
  }
  const dispositions = new Map<string, number>()
  const callers = new Map<string, number>()
  const durations = new Map<number, number>()
  for (const call of calls.filter(inPeriod)) {
    dispositions.set(call.disposition, (dispositions.get(call.disposition) ?? 0) + 1)
    callers.set(call.callerId, (callers.get(call.callerId) ?? 0) + 1)
    if (call.durationSeconds !== null)
      durations.set(call.durationSeconds, (durations.get(call.durationSeconds) ?? 0) + 1)
  }
  return { attempted, reached, firstReached, needs, fragility, scores, dispositions, callers, durations }
}

function sorted<K>(map: Map<K, number>) {
  return [...map].filter(([, count]) => count !== 0).sort(([a], [b]) => String(a).localeCompare(String(b)))
}

const dayArbitrary = fc.integer({ min: -1, max: 13 }).map((offset) => {
  const day = new Date(Date.parse('2026-10-20T12:00:00.000Z') + offset * 86_400_000)
  return day.toISOString().slice(0, 10)
})

describe('review rollups', () => {
  it('give, for any period, the figures counted straight from the calls, however the calls were batched', () => {
    fc.assert(
      fc.property(
        fc.array(callArbitrary, { maxLength: 40 }),
        fc.array(fc.boolean(), { maxLength: 40 }),
        dayArbitrary,
        dayArbitrary,
        (raw, inFirstBatch, a, b) => {
          const [from, to] = a <= b ? [a, b] : [b, a]
          const calls = toFacts(raw)
          // Two refreshes: the first counts some calls, the second takes its contribution back and counts all.
          const first = calls.filter((_, index) => inFirstBatch[index] ?? false)
          const one = new RollupDelta()
          for (const unit of unitsOf(first).values()) addUnitFigures(one, 's', unit)
          for (const call of first) addCallDayFigures(one, ['s'], call)
          const two = new RollupDelta()
          for (const unit of unitsOf(first).values()) addUnitFigures(two, 's', unit, -1)
          for (const unit of unitsOf(calls).values()) addUnitFigures(two, 's', unit)
          for (const call of calls) if (!first.includes(call)) addCallDayFigures(two, ['s'], call)

          const figures = readPeriod(store([one, two]), from, to)
          const expected = bruteForce(calls, from, to)
          assert.equal(figures.attempted, expected.attempted)
          assert.equal(figures.reached, expected.reached)
          assert.deepEqual(figures.firstReached, expected.firstReached)
          assert.deepEqual(sorted(figures.needs), sorted(expected.needs))
          assert.deepEqual(sorted(figures.fragility), sorted(expected.fragility))
          assert.deepEqual(sorted(figures.scores), sorted(expected.scores))
          const dispositions = new Map<string, number>()
          for (const day of figures.callsPerDay.values())
            for (const [key, count] of day) dispositions.set(key, (dispositions.get(key) ?? 0) + count)
          assert.deepEqual(sorted(dispositions), sorted(expected.dispositions))
          assert.deepEqual(sorted(figures.callers), sorted(expected.callers))
          assert.deepEqual(sorted(figures.durations), sorted(expected.durations))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('puts a call on its Paris day, across the end of summer time', () => {
    assert.equal(parisDay('2026-10-24T21:59:59.000Z'), '2026-10-24')
    assert.equal(parisDay('2026-10-24T22:00:00.000Z'), '2026-10-25')
    assert.equal(parisDay('2026-10-25T22:59:59.000Z'), '2026-10-25')
    assert.equal(parisDay('2026-10-25T23:00:00.000Z'), '2026-10-26')
  })

  it('leaves no row behind once every contribution is taken back', () => {
    const calls = toFacts([
      {
        unit: 0,
        hour: 5,
        minute: 0,
        disposition: 'completed',
        duration: 3,
        level: 'watch',
        needs: ['food'],
        ucla: 'lonely',
        caller: 'x',
      },
    ])
    const add = new RollupDelta()
    addUnitFigures(add, 's', calls)
    addCallDayFigures(add, ['s'], calls[0]!)
    const remove = new RollupDelta()
    addUnitFigures(remove, 's', calls, -1)
    addCallDayFigures(remove, ['s'], calls[0]!, -1)
    assert.ok(store([add]).length > 0)
    assert.deepEqual(store([add, remove]), [])
  })
})
