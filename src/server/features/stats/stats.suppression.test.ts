import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { type Count, SUPPRESSED, WITHHELD } from '../../../shared/contracts/stats.js'
import { CountTable, feasibleRanges, knownRange, type Protected, protect } from './stats.suppression.js'

/**
 * The check, independent of the module's interval arithmetic: a search over every assignment of the counts not shown
 * exactly (within what the viewer knows of each) that satisfies every group. A count is safe when some such
 * assignment gives it another value than its own. Values of "≥ 5" and implied counts are searched up to `cap` only:
 * a count that looks recoverable below the cap fails the test, so the cap can only make the check stricter.
 */
function alternativeExists(table: CountTable, shown: ReadonlyMap<string, Count>, target: string, cap: number) {
  const ids = [...table.values.keys()]
  const domain = new Map<string, [number, number]>()
  for (const id of ids) {
    const [lo, hi] = knownRange(shown.get(id))
    domain.set(id, [lo, Math.min(hi, cap)])
  }
  const truth = table.values.get(target)!
  const free = ids.filter((id) => domain.get(id)![0] !== domain.get(id)![1])
  const value = new Map<string, number>()
  for (const id of ids) if (!free.includes(id)) value.set(id, domain.get(id)![0])

  const bounds = (id: string): [number, number] => {
    const v = value.get(id)
    return v === undefined ? domain.get(id)! : [v, v]
  }
  const consistent = () =>
    table.groups.every((group) => {
      let lo = 0
      let hi = 0
      for (const part of group.parts) {
        const [l, h] = bounds(part)
        lo += l
        hi += h
      }
      const [tl, th] = bounds(group.total)
      return lo <= th && tl <= hi
    })
  const search = (index: number): boolean => {
    if (!consistent()) return false
    if (index === free.length) return value.get(target) !== truth
    const id = free[index]!
    const [lo, hi] = domain.get(id)!
    for (let v = lo; v <= hi; v++) {
      if (id === target && v === truth) continue
      value.set(id, v)
      if (search(index + 1)) return true
    }
    value.delete(id)
    return false
  }
  // The target first, so that its own value is ruled out at once.
  free.sort((a, b) => (a === target ? -1 : b === target ? 1 : 0))
  return search(0)
}

/** What the viewer is shown is true: numbers as they are, "< 5" for 0 to 4, "≥ 5" for 5 or more, 1 to 4 never. */
function assertTruthful(table: CountTable, result: Protected) {
  for (const [id, value] of table.values) {
    if (table.implied.has(id)) continue
    const shown = result.count(id)
    if (typeof shown === 'number') {
      assert.equal(shown, value, id)
      assert.ok(!(value > 0 && value < 5), `${id} = ${value} shown`)
    } else if (shown === SUPPRESSED) assert.ok(value < 5, `${id} = ${value} shown "< 5"`)
    else assert.ok(shown === WITHHELD && value >= 5, `${id} = ${value} shown ${shown}`)
  }
}

function assertNothingRecoverable(table: CountTable, result: Protected) {
  const cap = Math.max(...table.values.values()) + 6
  for (const [id, value] of table.values) {
    if (value < 1 || value > 4) continue
    assert.ok(alternativeExists(table, result.shown, id, cap), `${id} = ${value} can be worked out: ${show(result)}`)
  }
}

const show = (result: Protected) => JSON.stringify(Object.fromEntries(result.shown))

describe('suppression of small counts', () => {
  it('withholds the next smallest cell when one small count is alone in a group with its total', () => {
    // The review's case: callbacks = 2 next to the total and every other disposition.
    const table = new CountTable().add('total', 40).breakdown('total', [
      ['completed', 30],
      ['callback', 2],
      ['no_answer', 8],
      ['refused', 0],
    ])
    const result = protect(table)
    assert.equal(result.count('callback'), SUPPRESSED)
    // The 0 goes with it (as "< 5"): total − shown cells is now 2 = callback + refused, each 0 to 4.
    assert.equal(result.count('refused'), SUPPRESSED)
    assert.equal(result.count('completed'), 30)
    assert.equal(result.count('no_answer'), 8)
    assert.equal(result.count('total'), 40)
    assertNothingRecoverable(table, result)
  })

  it('withholds a count of 5 or more as "≥ 5" when no 0 is at hand, enough for the small one to keep two values', () => {
    const table = new CountTable().add('total', 106).breakdown('total', [
      ['a', 1],
      ['b', 5],
      ['c', 100],
    ])
    const result = protect(table)
    assert.equal(result.count('a'), SUPPRESSED)
    assert.equal(result.count('b'), WITHHELD)
    // a + b = 6 with b ≥ 5: a is 0 or 1, not determined.
    assert.equal(result.count('c'), 100)
    assertNothingRecoverable(table, result)
  })

  it('needs nothing more when two small counts share what the total leaves', () => {
    const table = new CountTable().add('total', 15).breakdown('total', [
      ['a', 2],
      ['b', 3],
      ['c', 10],
    ])
    const result = protect(table)
    assert.deepEqual([result.count('a'), result.count('b'), result.count('c')], [SUPPRESSED, SUPPRESSED, 10])
  })

  it('four small counts under a small total: "< 5" may be 0, so none of them is known to be 1', () => {
    const table = new CountTable().add('total', 4).breakdown('total', [
      ['a', 1],
      ['b', 1],
      ['c', 1],
      ['d', 1],
      ['e', 0],
    ])
    const result = protect(table)
    assert.equal(result.count('total'), SUPPRESSED)
    assert.equal(result.count('e'), 0)
    assertNothingRecoverable(table, result)
  })

  it('holds two breakdowns of one total together', () => {
    const table = new CountTable()
      .add('total', 20)
      .breakdown('total', [
        ['day1', 3],
        ['day2', 17],
      ])
      .breakdown('total', [
        ['x', 10],
        ['y', 10],
      ])
    const result = protect(table)
    assert.equal(result.count('day1'), SUPPRESSED)
    // day2 is the only cell left beside day1: withholding it leaves day1 + day2 = 20 with day2 ≥ 5.
    assert.equal(result.count('day2'), WITHHELD)
    assertNothingRecoverable(table, result)
  })

  it('protects the difference of a subset and its superset (attempted but not reached)', () => {
    const table = new CountTable().add('attempted', 7).add('reached', 5).subset('attempted', 'reached', 'notReached')
    const result = protect(table)
    assert.equal(result.count('attempted'), 7)
    assert.equal(result.count('reached'), WITHHELD)
    assert.equal(result.shown.has('notReached'), false)
    assertNothingRecoverable(table, result)
  })

  it('computes the ranges a viewer can infer exactly on a hierarchy', () => {
    const table = new CountTable()
      .add('total', 30)
      .breakdown('total', [
        ['a', 12],
        ['b', 18],
      ])
      .breakdown('a', [
        ['a1', 2],
        ['a2', 10],
      ])
    const shown = new Map<string, Count>([
      ['total', 30],
      ['a', WITHHELD],
      ['b', 18],
      ['a1', SUPPRESSED],
      ['a2', WITHHELD],
    ])
    const ranges = feasibleRanges(table.values.keys(), table.groups, (id) => knownRange(shown.get(id)))
    assert.deepEqual(ranges.get('a'), [12, 12])
    assert.deepEqual(ranges.get('a1'), [0, 4])
    assert.deepEqual(ranges.get('a2'), [8, 12])
  })

  it('refuses a count in two groups', () => {
    const table = new CountTable()
      .add('t', 3)
      .add('u', 3)
      .breakdown('t', [['p', 3]])
    table.groups.push({ total: 'u', parts: ['p'] })
    assert.throws(() => protect(table), /two groups/)
  })

  // Random families: a total with one or two breakdowns, a part of the first broken down further, a subset of a
  // part with its implied rest; counts mostly small, so that suppression has work to do.
  const count = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 12 }))
  const family = fc.record({
    first: fc.array(count, { minLength: 1, maxLength: 4 }),
    second: fc.option(fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), { nil: undefined }),
    finer: fc.option(fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), { nil: undefined }),
    subset: fc.option(fc.tuple(fc.nat(), fc.nat()), { nil: undefined }),
  })

  /** Splits `value` into `weights.length` parts in proportion to the weights (the last takes the rest). */
  const split = (value: number, weights: number[]) => {
    const sum = weights.reduce((a, b) => a + b, 0) || 1
    const parts = weights.map((w) => Math.floor((value * w) / sum))
    parts[parts.length - 1]! += value - parts.reduce((a, b) => a + b, 0)
    return parts
  }

  interface Family {
    first: number[]
    second?: number[]
    finer?: number[]
    subset?: [number, number]
  }

  function tableOf(input: Family): CountTable {
    const total = input.first.reduce((a, b) => a + b, 0)
    const table = new CountTable().add('T', total)
    table.breakdown(
      'T',
      input.first.map((value, i) => [`f${i}`, value] as const),
    )
    if (input.second) {
      table.breakdown(
        'T',
        split(total, input.second).map((value, i) => [`s${i}`, value] as const),
      )
    }
    if (input.finer && input.first[0]) {
      table.breakdown(
        'f0',
        split(input.first[0], input.finer).map((value, i) => [`g${i}`, value] as const),
      )
    }
    if (input.subset) {
      const [which, share] = input.subset
      const over = `f${which % input.first.length}`
      const value = table.values.get(over)!
      table.add('sub', share % (value + 1))
      table.subset(over, 'sub', 'rest')
    }
    return table
  }

  it('never lets a count from 1 to 4 be worked out from the figures shown (property)', () => {
    fc.assert(
      fc.property(family, (input) => {
        const table = tableOf(input)
        const result = protect(table)
        assertTruthful(table, result)
        assertNothingRecoverable(table, result)
      }),
      { numRuns: 300 },
    )
  })

  it('infers no more and no less than the exhaustive search (property)', () => {
    fc.assert(
      fc.property(family, (input) => {
        const table = tableOf(input)
        const result = protect(table)
        const ranges = feasibleRanges(table.values.keys(), table.groups, (id) => knownRange(result.shown.get(id)))
        const cap = Math.max(...table.values.values()) + 6
        for (const [id, value] of table.values) {
          const [lo, hi] = ranges.get(id)!
          assert.ok(lo <= value && value <= hi, `${id} = ${value} outside [${lo}, ${hi}]`)
          // Pinned by the intervals exactly when the search finds no other value.
          if (value >= 0 && (lo === hi) !== !alternativeExists(table, result.shown, id, cap)) {
            // An unbounded count may only find its alternatives above the cap.
            assert.ok(hi === Number.POSITIVE_INFINITY, `${id}: [${lo}, ${hi}] disagrees with the search`)
          }
        }
      }),
      { numRuns: 200 },
    )
  })
})
