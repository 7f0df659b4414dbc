/**
 * The review (bilan): the shapes the server computes and the web app, the PDF and the exports read.
 * One place so that the dashboard, the printed review and the API agree on names and meanings.
 *
 * Counts are numbers for managers and admins. For viewers any count from 1 to 4 becomes the string "< 5"
 * (see `suppress`), so that no small group of tenants can be singled out; 0 stays 0.
 */
import type { NeedCategory } from './campaigns.js'

export const SUPPRESSED = '< 5' as const
export type Count = number | typeof SUPPRESSED

/** Under 5 (but not 0) becomes "< 5". */
export function suppress(value: number): Count {
  return value > 0 && value < 5 ? SUPPRESSED : value
}

/** `network`, `organization:<code>` or `campaign:<id>`; an agency narrows an organisation. */
export type StatsScope =
  | { kind: 'network' }
  | { kind: 'organization'; code: string; agencyCode?: string }
  | { kind: 'campaign'; id: string }

/** Parses the `scope` query parameter; returns null when it is not one of the three forms. */
export function parseScope(value: string): StatsScope | null {
  if (value === 'network') return { kind: 'network' }
  const organization = /^organization:([A-Za-z0-9_-]{1,64})$/.exec(value)
  if (organization) return { kind: 'organization', code: organization[1] as string }
  const campaign = /^campaign:([A-Za-z0-9_-]{1,64})$/.exec(value)
  if (campaign) return { kind: 'campaign', id: campaign[1] as string }
  return null
}

/** Period as Europe/Paris calendar days, both inclusive (YYYY-MM-DD). */
export interface StatsPeriod {
  from: string
  to: string
}

/** The contract of `GET /api/stats/summary`. */
export interface StatsSummary {
  households: { targeted: Count; attempted: Count; reached: Count; unreachable: Count }
  calls: { total: Count; byDisposition: Record<string, Count> }
  referrals: { total: Count; byStatus: Record<string, Count>; byCategory: Record<string, Count> }
  callers: { active: Count }
}

/** One labelled count of a distribution (disposition, fragility level, need category, day…). */
export interface Bucket {
  key: string
  count: Count
}

/** The dashboard's panels, each answered by its own endpoint `GET /api/stats/panels/<name>`. */
export interface ReachPanel {
  targeted: Count
  attempted: Count
  reached: Count
  /** reached / targeted, 0..1, null when nothing is targeted (or suppressed for viewers). */
  reachRate: number | null
  /** calls made to reached households / reached households. */
  attemptsPerReached: number | null
  /** Targets marked unreachable (waiting for a letter or a visit). */
  unreachable: Count
}

export interface CallsPanel {
  total: Count
  /** Europe/Paris days, ascending, every day of the period present (0 when none). */
  perDay: Bucket[]
  byDisposition: Bucket[]
  /** Over calls with a recorded duration, in seconds. */
  averageDurationSeconds: number | null
  medianDurationSeconds: number | null
}

export interface FindingsPanel {
  /** Latest fragility level per reached household: none, watch, fragile, high_vulnerability. */
  fragility: Bucket[]
  /** Households with each need (a household counts once per category). */
  needs: Array<{ key: NeedCategory; count: Count }>
  /** One line per instrument that was administered: how many scored, how many over its threshold. */
  instruments: Array<{ instrument: string; label: string; scored: Count; positive: Count; share: number | null }>
}

export interface ReferralsPanel {
  total: Count
  byCategory: Bucket[]
  byRecipient: Bucket[]
  byStatus: Bucket[]
  /** Hours from sending to acceptance, and from sending to `done`. */
  hoursToAccept: { median: number | null; p90: number | null }
  hoursToResolve: { median: number | null; p90: number | null }
  /** Share of resolved (`done`) referrals closed before their due date, 0..1. */
  resolvedWithinDue: number | null
}

export interface CallersPanel {
  active: Count
  callsPerCaller: { median: number | null; max: number | null }
  /** Distribution of the 1–5 answers given at the end of calling sessions. */
  feedback: {
    answers: Count
    meaningful: Bucket[]
    useful: Bucket[]
    /** Comments, without their authors; never shown to viewers. */
    comments: string[]
  }
  debriefsRequested: Count
}

export interface StatsReview {
  scope: StatsScope
  scopeLabel: string
  period: StatsPeriod
  generatedAt: string
  summary: StatsSummary
  reach: ReachPanel
  calls: CallsPanel
  findings: FindingsPanel
  referrals: ReferralsPanel
  callers: CallersPanel
}

/** Feedback a caller may give at the end of a calling session. */
export interface CallerFeedbackInput {
  campaignId: string
  meaningful: 1 | 2 | 3 | 4 | 5
  useful: 1 | 2 | 3 | 4 | 5
  comment?: string
  /** The caller asks a supervisor for a debrief after a hard call. */
  debriefRequested?: boolean
}
