/** A known review, for the PDF's tests and the dashboard's development: figures chosen by hand, not computed. */
import type { Count, StatsReview } from '../../../shared/contracts/stats.js'
import { suppress } from './stats.figures.js'

export function fixtureReview(): StatsReview {
  const perDay = Array.from({ length: 30 }, (_, index) => ({
    key: `2026-11-${String(index + 1).padStart(2, '0')}`,
    count: index % 7 === 6 ? 0 : 20 + ((index * 13) % 17),
  }))
  return {
    scope: { kind: 'organization', code: 'TDL' },
    scopeLabel: 'Toit de Lorraine – œuvre d’entraide',
    period: { from: '2026-11-01', to: '2026-11-30' },
    generatedAt: '2026-11-30T20:00:00.000Z',
    summary: {
      households: { targeted: 1234, attempted: 987, reached: 612, unreachable: 48 },
      rates: { reachedOfAttempted: 612 / 987, reachedOfTargeted: 612 / 1234 },
      calls: { total: 1789, byDisposition: { completed: 612, no_answer: 801, voicemail: 310, refused: 66 } },
      referrals: { total: 57, byStatus: { done: 31, in_progress: 20, sent: 6 }, byCategory: { food: 19 } },
      callers: { active: 23 },
    },
    reach: {
      targeted: 1234,
      attempted: 987,
      reached: 612,
      rates: { reachedOfAttempted: 612 / 987, reachedOfTargeted: 612 / 1234 },
      attemptsPerReached: 1.9,
      unreachable: 48,
    },
    calls: {
      total: 1789,
      perDay,
      byDisposition: [
        { key: 'completed', count: 612 },
        { key: 'no_answer', count: 801 },
        { key: 'voicemail', count: 310 },
        { key: 'refused', count: 66 },
      ],
      averageDurationSeconds: 612,
      medianDurationSeconds: 540,
    },
    findings: {
      fragility: [
        { key: 'none', count: 401 },
        { key: 'watch', count: 130 },
        { key: 'fragile', count: 66 },
        { key: 'high_vulnerability', count: 15 },
      ],
      needs: [
        { key: 'isolation', count: 88 },
        { key: 'food', count: 41 },
        { key: 'health_autonomy', count: 37 },
      ],
      instruments: [
        { instrument: 'ucla3', scored: 300, positive: 75, share: 0.25 },
        { instrument: 'usda6', scored: 120, positive: 18, share: 0.15 },
      ],
      suggestions: { fragility: { made: 48, followed: 41 }, referral: { made: 36, followed: 29 } },
    },
    referrals: {
      total: 57,
      byCategory: [
        { key: 'food', count: 19 },
        { key: 'isolation', count: 22 },
        { key: 'housing_repair', count: 16 },
      ],
      byRecipient: [
        { key: 'CCAS de Nancy', count: 30 },
        { key: 'Service social TDL', count: 27 },
      ],
      byStatus: [
        { key: 'done', count: 31 },
        { key: 'in_progress', count: 20 },
        { key: 'sent', count: 6 },
      ],
      hoursToAccept: { median: 5.5, p90: 30 },
      hoursToResolve: { median: 72, p90: 240 },
      resolvedWithinDue: 0.8,
    },
    callers: {
      active: 23,
      callsPerCaller: { median: 70, max: 160 },
      feedback: {
        answers: 40,
        meaningful: [1, 2, 3, 4, 5].map((score) => ({
          key: String(score),
          count: [1, 2, 5, 14, 18][score - 1] as number,
        })),
        useful: [1, 2, 3, 4, 5].map((score) => ({ key: String(score), count: [0, 3, 9, 16, 12][score - 1] as number })),
        comments: ['Des échanges très forts ; une dame n’avait parlé à personne depuis dix jours 🙏'],
      },
      debriefsRequested: 3,
    },
  }
}

/** The same review as a viewer receives it: counts from 1 to 4 suppressed, no comments. */
export function fixtureViewerReview(): StatsReview {
  const review = fixtureReview()
  const s = (bucket: { key: string; count: Count }) => ({
    ...bucket,
    count: typeof bucket.count === 'number' ? suppress(bucket.count) : bucket.count,
  })
  return {
    ...review,
    callers: {
      ...review.callers,
      feedback: {
        ...review.callers.feedback,
        meaningful: review.callers.feedback.meaningful.map(s),
        useful: review.callers.feedback.useful.map(s),
        comments: [],
      },
      debriefsRequested: suppress(3),
    },
  }
}
