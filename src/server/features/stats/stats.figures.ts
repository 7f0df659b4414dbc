/**
 * Pure arithmetic of the review: medians and percentiles, and the withholding of figures derived from small counts
 * (the counts themselves: stats.suppression.ts). No database here; stats.service.ts feeds it. Periods and Paris days
 * come from `src/shared/clock.ts`.
 */
import { type Count, SUPPRESSED } from '../../../shared/contracts/stats.js'

/** Longest period a review covers (the dashboard draws one bar per day). */
export const MAX_PERIOD_DAYS = 1100

/** Under 5 (but not 0) becomes "< 5": the primary rule alone (the review's counts go through stats.suppression.ts). */
export function suppress(value: number): Count {
  return value > 0 && value < 5 ? SUPPRESSED : value
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

/**
 * A figure derived from counts that are not shown (a median over a few calls, a share of a few referrals) is withheld
 * from a viewer when one of them is 1 to 4. Counts that are shown go through `stats.suppression.ts` instead.
 */
export function isHidden(suppressed: boolean, ...groups: number[]): boolean {
  return suppressed && groups.some((value) => value > 0 && value < 5)
}
