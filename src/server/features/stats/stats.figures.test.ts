import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  checkPeriod,
  foldHoursIntoParisDays,
  histogramStats,
  isHidden,
  median,
  percentile,
  periodBounds,
  periodDays,
} from './stats.figures.js'

describe('stats figures', () => {
  it('bounds a period by Europe/Paris midnights, 25 hours on the day summer time ends and 23 on the day it starts', () => {
    assert.deepEqual(periodBounds({ from: '2026-10-25', to: '2026-10-25' }), {
      fromUtc: '2026-10-24T22:00:00.000Z',
      toUtc: '2026-10-25T23:00:00.000Z',
    })
    assert.deepEqual(periodBounds({ from: '2026-03-29', to: '2026-03-29' }), {
      fromUtc: '2026-03-28T23:00:00.000Z',
      toUtc: '2026-03-29T22:00:00.000Z',
    })
    assert.deepEqual(periodDays({ from: '2024-02-28', to: '2024-03-01' }), ['2024-02-28', '2024-02-29', '2024-03-01'])
  })

  it('folds UTC hours into Paris days, keeping every day of the period', () => {
    const days = foldHoursIntoParisDays({ from: '2026-10-24', to: '2026-10-26' }, [
      { hour: '2026-10-24T21', count: 1 }, // 23:xx on the 24th
      { hour: '2026-10-24T22', count: 2 }, // 00:xx on the 25th
      { hour: '2026-10-25T22', count: 4 }, // 23:xx on the 25th (winter time)
      { hour: '2026-10-25T23', count: 8 }, // 00:xx on the 26th
      { hour: '2026-10-27T08', count: 16 }, // outside
    ])
    assert.deepEqual(days, [
      { key: '2026-10-24', count: 1 },
      { key: '2026-10-25', count: 6 },
      { key: '2026-10-26', count: 8 },
    ])
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
    assert.equal(checkPeriod({ from: '2026-10-01', to: '2026-10-31' }), null)
    assert.equal(checkPeriod({ from: '2026-02-29', to: '2026-03-01' })?.parameter, 'from')
    assert.equal(checkPeriod({ from: '2026-10-01', to: '2026-13-01' })?.parameter, 'to')
    assert.equal(checkPeriod({ from: '2026-10-02', to: '2026-10-01' })?.parameter, 'from')
    assert.equal(checkPeriod({ from: '2020-01-01', to: '2026-01-01' })?.parameter, 'to')
  })

  it('hides derived figures only for viewers and only from groups of 1 to 4', () => {
    assert.equal(isHidden(false, 1), false)
    assert.equal(isHidden(true, 0, 5), false)
    assert.equal(isHidden(true, 12, 4), true)
  })
})
