/**
 * Pure arithmetic of the review: periods as Europe/Paris days, medians and percentiles, suppression of derived
 * figures. No database here; stats.service.ts feeds it.
 */
import { DateTime } from 'luxon'
import { type Bucket, type Count, type StatsPeriod, suppress } from '../../../shared/stats.js'

export const PARIS = 'Europe/Paris'
/** Longest period a review covers (the dashboard draws one bar per day). */
export const MAX_PERIOD_DAYS = 1100

export type PeriodProblem = { parameter: 'from' | 'to'; value: string; message: string }

/** Checks `from`/`to` (YYYY-MM-DD, real Europe/Paris days, from ≤ to); returns the first problem or null. */
export function checkPeriod(period: StatsPeriod): PeriodProblem | null {
  for (const parameter of ['from', 'to'] as const) {
    const value = period[parameter]
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      return { parameter, value, message: `${parameter} must be a day written YYYY-MM-DD, not "${value}"` }
    }
    if (!DateTime.fromISO(value, { zone: PARIS }).isValid) {
      return { parameter, value, message: `${parameter} "${value}" is not a day of the calendar` }
    }
  }
  if (period.from > period.to) {
    return { parameter: 'from', value: period.from, message: `from "${period.from}" is after to "${period.to}"` }
  }
  if (periodDays(period).length > MAX_PERIOD_DAYS) {
    return { parameter: 'to', value: period.to, message: `a review covers at most ${MAX_PERIOD_DAYS} days` }
  }
  return null
}

/** UTC bounds [fromUtc, toUtc) of the Paris days from `from` 00:00 to the end of `to` (23 or 25 hours on DST days). */
export function periodBounds(period: StatsPeriod) {
  const fromUtc = DateTime.fromISO(period.from, { zone: PARIS }).startOf('day').toUTC().toJSDate().toISOString()
  const toUtc = DateTime.fromISO(period.to, { zone: PARIS })
    .plus({ days: 1 })
    .startOf('day')
    .toUTC()
    .toJSDate()
    .toISOString()
  return { fromUtc, toUtc }
}

/** Every Paris day of the period, ascending. */
export function periodDays(period: StatsPeriod): string[] {
  const days: string[] = []
  let day = DateTime.fromISO(period.from, { zone: 'UTC' })
  const last = DateTime.fromISO(period.to, { zone: 'UTC' })
  while (day <= last && days.length <= MAX_PERIOD_DAYS + 1) {
    days.push(day.toISODate()!)
    day = day.plus({ days: 1 })
  }
  return days
}

const parisDayOf = new Intl.DateTimeFormat('en-CA', { timeZone: PARIS })

/** Folds counts per UTC hour ("YYYY-MM-DDTHH") into Europe/Paris days; every day of the period present. */
export function foldHoursIntoParisDays(period: StatsPeriod, hours: Array<{ hour: string; count: number }>) {
  const perDay = new Map(periodDays(period).map((day) => [day, 0]))
  for (const { hour, count } of hours) {
    const day = parisDayOf.format(new Date(`${hour}:00:00.000Z`))
    if (perDay.has(day)) perDay.set(day, perDay.get(day)! + count)
  }
  return [...perDay].map(([key, count]) => ({ key, count }))
}

/** Median of sorted values: the middle one, or the mean of the two middle ones. */
export function median(sorted: readonly number[]): number | null {
  if (!sorted.length) return null
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Nearest-rank percentile of sorted values: the value at rank ⌈p/100 × n⌉. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!
}

/** Mean and median from a histogram of integer values. */
export function histogramStats(histogram: Array<{ value: number; count: number }>) {
  const sorted = [...histogram].sort((a, b) => a.value - b.value)
  const total = sorted.reduce((sum, bin) => sum + bin.count, 0)
  if (!total) return { count: 0, mean: null, median: null }
  const valueAt = (rank: number) => {
    let seen = 0
    for (const bin of sorted) {
      seen += bin.count
      if (rank < seen) return bin.value
    }
    return sorted[sorted.length - 1]!.value
  }
  const sum = sorted.reduce((acc, bin) => acc + bin.value * bin.count, 0)
  const middle = Math.floor(total / 2)
  const med = total % 2 ? valueAt(middle) : (valueAt(middle - 1) + valueAt(middle)) / 2
  return { count: total, mean: sum / total, median: med }
}

export function round(value: number | null, digits = 2): number | null {
  if (value === null || !Number.isFinite(value)) return null
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

/** Counts as they are shown: exact, or through suppress() for viewers. */
export function shown(suppressed: boolean) {
  return (value: number): Count => (suppressed ? suppress(value) : value)
}

/** A derived figure computed from a group that a viewer sees as "< 5" is withheld. */
export function isHidden(suppressed: boolean, ...groups: number[]): boolean {
  return suppressed && groups.some((value) => value > 0 && value < 5)
}

export function buckets(entries: Iterable<[string, number]>, show: (value: number) => Count): Bucket[] {
  return [...entries].map(([key, count]) => ({ key, count: show(count) }))
}
