import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { daysBetween } from '../../../shared/clock.js'
import { histogramStats, isHidden, MAX_PERIOD_DAYS, median, percentile } from './stats.figures.js'
import { periodOf } from './stats.scope.js'

/** The parameter a period is refused for, or null when it is accepted. */
function refusedParameter(from: string, to: string): string | null {
  try {
    periodOf({ from, to }, MAX_PERIOD_DAYS)
    return null
  } catch (error) {
    return (error as { details: Array<{ field: string }> }).details[0]!.field
  }
}

describe('stats figures', () => {
  it('bounds a period by Europe/Paris midnights, 25 hours on the day summer time ends and 23 on the day it starts', () => {
    assert.deepEqual(periodOf({ from: '2026-10-25', to: '2026-10-25' }, MAX_PERIOD_DAYS), {
      period: { from: '2026-10-25', to: '2026-10-25' },
      start: '2026-10-24T22:00:00.000Z',
      end: '2026-10-25T23:00:00.000Z',
    })
    const spring = periodOf({ from: '2026-03-29', to: '2026-03-29' }, MAX_PERIOD_DAYS)
    assert.equal(Date.parse(spring.end) - Date.parse(spring.start), 23 * 3_600_000)
    assert.deepEqual(daysBetween('2024-02-28', '2024-03-01'), ['2024-02-28', '2024-02-29', '2024-03-01'])
  })

  it('computes medians, nearest-rank percentiles and histogram statistics', () => {
    assert.equal(median([]), null)
    assert.equal(median([3]), 3)
    assert.equal(median([1, 2, 10, 11]), 6)
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), 9)
    assert.equal(percentile([2, 10], 90), 10)
    assert.equal(percentile([7], 90), 7)
    assert.deepEqual(
      histogramStats([
        { value: 30, count: 1 },
        { value: 600, count: 2 },
        { value: 10, count: 1 },
      ]),
      { count: 4, mean: 310, median: 315 },
    )
    assert.deepEqual(histogramStats([]), { count: 0, mean: null, median: null })
  })

  it('checks periods and says which parameter is wrong', () => {
    assert.equal(refusedParameter('2026-10-01', '2026-10-31'), null)
    assert.equal(refusedParameter('2026-02-29', '2026-03-01'), 'from')
    assert.equal(refusedParameter('2026-10-01', '2026-13-01'), 'to')
    assert.equal(refusedParameter('2026-10-02', '2026-10-01'), 'from')
    assert.equal(refusedParameter('2020-01-01', '2026-01-01'), 'to')
  })

  it('hides derived figures only for viewers and only from groups of 1 to 4', () => {
    assert.equal(isHidden(false, 1), false)
    assert.equal(isHidden(true, 0, 5), false)
    assert.equal(isHidden(true, 12, 4), true)
  })
})
