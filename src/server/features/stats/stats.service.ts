import { DISPOSITIONS, FRAGILITY_LEVELS, NEED_CATEGORIES, type NeedCategory } from '../../../shared/campaigns.js'
import { daysBetween } from '../../../shared/clock.js'
import type {
  CallersPanel,
  CallsPanel,
  FindingsPanel,
  PanelName,
  ReachPanel,
  ReferralsPanel,
  ScopeQuery,
  StatsPeriod,
  StatsReview,
  StatsScope,
  StatsSummary,
} from '../../../shared/contracts/stats.js'
import { INSTRUMENTS } from '../../../shared/instruments/index.js'
import { REFERRAL_CATEGORIES, REFERRAL_STATUSES } from '../../../shared/referrals.js'
import type { Db } from '../../db/database.js'
import type { Scope } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { may, networksWhere } from '../../policy/policy.js'
import {
  buckets,
  histogramStats,
  isHidden,
  MAX_PERIOD_DAYS,
  median,
  percentile,
  round,
  shown,
} from './stats.figures.js'
import type { StatsFilter } from './stats.queries.js'
import * as stats from './stats.queries.js'
import { refreshRollups } from './stats.refresh.js'
import { type Metric, type PeriodFigures, readPeriod, scopeKey } from './stats.rollups.js'
import { periodOf, resolveScope } from './stats.scope.js'

/**
 * Instruments and the categories counted as positive, by each one's published threshold (docs/instruments.md):
 * EPICES precarious, LSNS-6 at risk, UCLA-3 lonely, FRAIL frail, USDA-6 low and very low food security.
 */
export const POSITIVE_CATEGORIES: Record<string, readonly string[]> = {
  epices: ['precarious'],
  lsns6: ['at_risk'],
  ucla3: ['lonely'],
  frail: ['frail'],
  usda6: ['low', 'very_low'],
}

/** The review lists at most this many feedback comments (the latest). */
export const MAX_COMMENTS = 200

/** A review's question once checked: what to count, and whether counts are shown exactly. */
export interface StatsContext {
  db: Db
  scope: StatsScope
  scopeLabel: string
  period: StatsPeriod
  filter: StatsFilter
  /** Viewers (and non-admins looking at the whole network) see counts under 5 as "< 5". */
  suppressed: boolean
  /** The rollup scopes whose rows answer this review (stats.rollups.ts). */
  rollupScopes: string[]
  /** The period's figures from the rollups, by the figures read ('all' for a whole review). */
  figures?: Map<string, Promise<PeriodFigures>>
}

/**
 * Checks the period and who may read which scope (the policy, through `stats.scope.ts`), and resolves the scope to
 * organisations, campaigns and UTC bounds:
 * - network: its admins (review.network) with exact figures; managers and viewers of one of its organisations too,
 *   with counts under 5 suppressed, since the figures include other organisations' tenants;
 * - organisation: its admins, managers and viewers, and the network's admins; viewers get suppressed counts
 *   (review.exact);
 * - campaign: as its organisation.
 * An organisation or campaign unknown or out of reach → 404; a malformed parameter → 400 naming it.
 */
export async function resolveStatsContext(db: Db, user: Scope, query: ScopeQuery): Promise<StatsContext> {
  const { period, start: fromUtc, end: toUtc } = periodOf(query, MAX_PERIOD_DAYS)
  const resolved = await resolveScope(db, user, query, { reach: 'review.read', network: 'review.network' })

  if (resolved.kind === 'network') {
    // A user in several networks sees those they administer, or without any, those of their review roles.
    const administered = networksWhere(user, 'review.network')
    const networkIds = administered.length ? administered : networksWhere(user, 'review.read')
    const organizations = await stats.listNetworkOrganizations(db, networkIds)
    const organizationIds = organizations.map((o) => o.id)
    return {
      db,
      scope: resolved.scope,
      scopeLabel: [...new Set(organizations.map((o) => o.networkName))].join(', ') || 'Réseau',
      period,
      suppressed: administered.length === 0,
      rollupScopes: [...new Set(organizations.map((o) => o.networkId))].map(scopeKey.network),
      filter: {
        organizationIds,
        targetCampaignIds: await stats.listCampaignsActiveIn(db, organizationIds, fromUtc, toUtc),
        fromUtc,
        toUtc,
        dedupe: true,
      },
    }
  }

  const { organization, agency, campaign } = resolved
  const suppressed = !may(resolved.subject, 'review.exact', organization.id)
  if (campaign) {
    return {
      db,
      scope: resolved.scope,
      scopeLabel: `${campaign.name} (${organization.code})`,
      period,
      suppressed,
      rollupScopes: [scopeKey.campaign(campaign.id)],
      filter: {
        organizationIds: [organization.id],
        campaignId: campaign.id,
        targetCampaignIds: [campaign.id],
        fromUtc,
        toUtc,
        dedupe: false,
      },
    }
  }
  return {
    db,
    scope: resolved.scope,
    scopeLabel: agency ? `${organization.name} — ${agency.name}` : organization.name,
    period,
    suppressed,
    rollupScopes: [agency ? scopeKey.agency(agency.id) : scopeKey.organization(organization.id)],
    filter: {
      organizationIds: [organization.id],
      targetCampaignIds: await stats.listCampaignsActiveIn(db, [organization.id], fromUtc, toUtc),
      agencyId: agency?.id,
      fromUtc,
      toUtc,
      dedupe: false,
    },
  }
}

/** Every known key first (0 when absent), then any other key the data holds. */
function completeCounts(known: readonly string[], rows: Array<{ key: string; count: number }>) {
  const counts = new Map<string, number>(known.map((key) => [key, 0]))
  for (const row of rows) counts.set(row.key, (counts.get(row.key) ?? 0) + row.count)
  return counts
}

function countBy<T>(rows: readonly T[], key: (row: T) => string) {
  const counts = new Map<string, number>()
  for (const row of rows) counts.set(key(row), (counts.get(key(row)) ?? 0) + 1)
  return [...counts].map(([k, count]) => ({ key: k, count }))
}

/** More calls than this left to count and a review does not wait for them (the first count after an upgrade). */
export const INLINE_COUNT_LIMIT = 20_000
const backgroundCounts = new WeakSet<Db>()

/**
 * A review counts the calls left before answering (none, mostly: the worker keeps up); when there are too many (a database just upgraded), it starts
 * counting them in the background and answers 503 with how many are left, rather than keeping the user waiting.
 */
async function countPendingOrWait(db: Db) {
  const pending = await stats.countPendingCalls(db, INLINE_COUNT_LIMIT)
  if (pending === 0) return
  if (pending <= INLINE_COUNT_LIMIT) {
    await refreshRollups(db)
    return
  }
  if (!backgroundCounts.has(db)) {
    backgroundCounts.add(db)
    refreshRollups(db)
      .catch(() => {})
      .finally(() => backgroundCounts.delete(db))
  }
  throw new AppError(
    'SERVICE_UNAVAILABLE',
    `The review is being prepared: more than ${INLINE_COUNT_LIMIT} calls are still to be counted. Try again in a minute.`,
    { pendingCalls: pending },
  )
}

/**
 * The period's call figures, from the rollups: the calls not yet counted are counted first, so the review is exact
 * up to the moment it is asked. Read once per review and set of figures.
 */
function figuresOf(ctx: StatsContext, metrics: readonly Metric[]): Promise<PeriodFigures> {
  const key = ctx.figures ? 'all' : metrics.join(',')
  let figures = ctx.figures?.get(key)
  if (!figures) {
    figures = (async () => {
      await countPendingOrWait(ctx.db)
      const rows = await stats.listRollups(ctx.db, ctx.rollupScopes, key === 'all' ? null : metrics, ctx.period.to)
      return readPeriod(rows, ctx.period.from, ctx.period.to)
    })()
    ctx.figures ??= new Map()
    ctx.figures.set(key, figures)
  }
  return figures
}

/**
 * Targeted and unreachable from the campaigns' targets. On the network a home counts once: households are counted
 * by id, then each home with several targeted households gives back all but one (and likewise for unreachable).
 */
async function targetFigures(ctx: StatsContext) {
  if (!ctx.filter.dedupe) return stats.countTargets(ctx.db, ctx.filter)
  // Two independent reads: PostgreSQL runs them side by side on two connections.
  const [targets, sharedTargets] = await Promise.all([
    stats.countTargets(ctx.db, ctx.filter),
    stats.listSharedHomeHouseholds(ctx.db, ctx.filter.organizationIds).then(async (shared) => {
      const homeOf = new Map(shared.map((row) => [row.id, row.homeKey]))
      const rows = await stats.listTargetedAmong(ctx.db, ctx.filter, [...homeOf.keys()])
      return rows.map((row) => ({ homeKey: homeOf.get(row.householdId)!, unreachable: row.unreachable }))
    }),
  ])
  const homes = new Map<string, { targeted: number; unreachable: number }>()
  for (const row of sharedTargets) {
    const home = homes.get(row.homeKey) ?? { targeted: 0, unreachable: 0 }
    home.targeted += 1
    if (row.unreachable) home.unreachable += 1
    homes.set(row.homeKey, home)
  }
  for (const home of homes.values()) {
    targets.targeted -= home.targeted - 1
    targets.unreachable -= Math.max(0, home.unreachable - 1)
  }
  return targets
}

/** `extra`: other figures read in the same pass over the rollups (the summary's calls and callers). */
async function reachFigures(ctx: StatsContext, extra: readonly Metric[] = []) {
  const [targets, figures] = await Promise.all([
    targetFigures(ctx),
    figuresOf(ctx, ['attempted', 'reached', 'first_reach', ...extra]),
  ])
  return {
    ...targets,
    attempted: figures.attempted,
    reached: figures.reached,
    firstReached: figures.firstReached,
    figures,
  }
}

function dispositionsOf(figures: PeriodFigures) {
  const dispositions = new Map<string, number>()
  for (const day of figures.callsPerDay.values()) {
    for (const [disposition, count] of day) dispositions.set(disposition, (dispositions.get(disposition) ?? 0) + count)
  }
  return [...dispositions].map(([key, count]) => ({ key, count }))
}

export async function summaryOf(ctx: StatsContext): Promise<StatsSummary> {
  const [reach, referrals] = await Promise.all([
    reachFigures(ctx, ['calls', 'callers']),
    stats.listReferrals(ctx.db, ctx.filter),
  ])
  const figures = reach.figures
  const dispositions = dispositionsOf(figures)
  const show = shown(ctx.suppressed)
  const record = (counts: Map<string, number>) => Object.fromEntries([...counts].map(([k, v]) => [k, show(v)]))
  return {
    households: {
      targeted: show(reach.targeted),
      attempted: show(reach.attempted),
      reached: show(reach.reached),
      unreachable: show(reach.unreachable),
    },
    calls: {
      total: show(dispositions.reduce((sum, row) => sum + row.count, 0)),
      byDisposition: record(completeCounts(DISPOSITIONS, dispositions)),
    },
    referrals: {
      total: show(referrals.length),
      byStatus: record(
        completeCounts(
          REFERRAL_STATUSES,
          countBy(referrals, (r) => r.status),
        ),
      ),
      byCategory: record(
        completeCounts(
          REFERRAL_CATEGORIES,
          countBy(referrals, (r) => r.category),
        ),
      ),
    },
    callers: { active: show(figures.callers.size) },
  }
}

export async function reachOf(ctx: StatsContext): Promise<ReachPanel> {
  const reach = await reachFigures(ctx)
  const show = shown(ctx.suppressed)
  const rateHidden = isHidden(ctx.suppressed, reach.targeted, reach.reached)
  return {
    targeted: show(reach.targeted),
    attempted: show(reach.attempted),
    reached: show(reach.reached),
    reachRate: rateHidden || !reach.targeted ? null : round(reach.reached / reach.targeted, 4),
    // Calls it took to reach the households reached for the first time in the period (the reaching call included).
    attemptsPerReached:
      isHidden(ctx.suppressed, reach.firstReached.households) || !reach.firstReached.households
        ? null
        : round(reach.firstReached.calls / reach.firstReached.households),
    unreachable: show(reach.unreachable),
  }
}

export async function callsOf(ctx: StatsContext): Promise<CallsPanel> {
  const figures = await figuresOf(ctx, ['calls', 'duration'])
  const show = shown(ctx.suppressed)
  const duration = histogramStats([...figures.durations].map(([value, count]) => ({ value, count })))
  const durationHidden = isHidden(ctx.suppressed, duration.count)
  const byDisposition = dispositionsOf(figures)
  const perDay = daysBetween(ctx.period.from, ctx.period.to).map((day) => {
    let count = 0
    for (const value of figures.callsPerDay.get(day)?.values() ?? []) count += value
    return { key: day, count: show(count) }
  })
  return {
    total: show(byDisposition.reduce((sum, row) => sum + row.count, 0)),
    perDay,
    byDisposition: buckets(completeCounts(DISPOSITIONS, byDisposition), show),
    averageDurationSeconds: durationHidden ? null : round(duration.mean, 1),
    medianDurationSeconds: durationHidden ? null : duration.median,
  }
}

export async function findingsOf(ctx: StatsContext): Promise<FindingsPanel> {
  const figures = await figuresOf(ctx, ['needs', 'fragility', 'score'])
  const show = shown(ctx.suppressed)
  const toRows = (counts: Map<string, number>) => [...counts].map(([key, count]) => ({ key, count }))
  const needCounts = completeCounts(NEED_CATEGORIES, toRows(figures.needs))
  const instruments: FindingsPanel['instruments'] = []
  for (const instrument of INSTRUMENTS) {
    const code = instrument.code
    let scored = 0
    let positive = 0
    for (const [key, count] of figures.scores) {
      const [keyCode, category] = key.split(':')
      if (keyCode !== code || category === undefined) continue
      scored += count
      if (POSITIVE_CATEGORIES[code]?.includes(category)) positive += count
    }
    if (!scored) continue
    instruments.push({
      instrument: code,
      scored: show(scored),
      positive: show(positive),
      share: isHidden(ctx.suppressed, scored, positive) ? null : round(positive / scored, 4),
    })
  }
  return {
    fragility: buckets(completeCounts(FRAGILITY_LEVELS, toRows(figures.fragility)), show),
    needs: [...needCounts]
      .filter(([key]) => (NEED_CATEGORIES as readonly string[]).includes(key))
      .map(([key, count]) => ({ key: key as NeedCategory, count: show(count) })),
    instruments,
  }
}

export async function referralsOf(ctx: StatsContext): Promise<ReferralsPanel> {
  const rows = await stats.listReferrals(ctx.db, ctx.filter)
  const show = shown(ctx.suppressed)
  const hours = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 3_600_000
  const toAccept = rows
    .filter((r) => r.acceptedAt)
    .map((r) => hours(r.createdAt, r.acceptedAt!))
    .sort((a, b) => a - b)
  const done = rows.filter((r) => r.status === 'done' && r.closedAt)
  const toResolve = done.map((r) => hours(r.createdAt, r.closedAt!)).sort((a, b) => a - b)
  const withinDue = done.filter((r) => r.closedAt! <= r.dueResolveBy).length
  const timing = (values: number[]) =>
    isHidden(ctx.suppressed, values.length)
      ? { median: null, p90: null }
      : { median: round(median(values), 1), p90: round(percentile(values, 90), 1) }
  const recipients = countBy(rows, (r) =>
    r.recipientTeam ? `${r.recipientCode} — ${r.recipientTeam}` : r.recipientCode,
  )
  recipients.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key))
  return {
    total: show(rows.length),
    byCategory: buckets(
      completeCounts(
        REFERRAL_CATEGORIES,
        countBy(rows, (r) => r.category),
      ),
      show,
    ),
    byRecipient: recipients.map((r) => ({ key: r.key, count: show(r.count) })),
    byStatus: buckets(
      completeCounts(
        REFERRAL_STATUSES,
        countBy(rows, (r) => r.status),
      ),
      show,
    ),
    hoursToAccept: timing(toAccept),
    hoursToResolve: timing(toResolve),
    resolvedWithinDue:
      !done.length || isHidden(ctx.suppressed, done.length, withinDue) ? null : round(withinDue / done.length, 4),
  }
}

export async function callersOf(ctx: StatsContext): Promise<CallersPanel> {
  const [figures, feedback] = await Promise.all([figuresOf(ctx, ['callers']), stats.listFeedback(ctx.db, ctx.filter)])
  const perCaller = [...figures.callers.values()]
  const show = shown(ctx.suppressed)
  const sorted = [...perCaller].sort((a, b) => a - b)
  const hidden = isHidden(ctx.suppressed, sorted.length)
  const scale = (pick: (row: (typeof feedback)[number]) => number) =>
    buckets(
      completeCounts(
        ['1', '2', '3', '4', '5'],
        countBy(feedback, (row) => String(pick(row))),
      ),
      show,
    )
  return {
    active: show(sorted.length),
    callsPerCaller: hidden ? { median: null, max: null } : { median: median(sorted), max: sorted.at(-1) ?? null },
    feedback: {
      answers: show(feedback.length),
      meaningful: scale((row) => row.meaningful),
      useful: scale((row) => row.useful),
      // Free text could name a tenant or a caller: never for viewers. The latest ones, at most MAX_COMMENTS.
      comments: ctx.suppressed
        ? []
        : feedback.flatMap((row) => (row.comment?.trim() ? [row.comment.trim()] : [])).slice(-MAX_COMMENTS),
    },
    debriefsRequested: show(feedback.filter((row) => row.debriefRequested === 1).length),
  }
}

export const PANELS = {
  reach: reachOf,
  calls: callsOf,
  findings: findingsOf,
  referrals: referralsOf,
  callers: callersOf,
} as const satisfies Record<PanelName, (ctx: StatsContext) => Promise<unknown>>

/**
 * The whole review for one scope and period, as the dashboard and the PDF read it. Checks the user's reach first
 * (404 for a scope out of reach, 400 for a bad parameter).
 */
export async function computeReview(db: Db, user: Scope, query: ScopeQuery): Promise<StatsReview> {
  const ctx = await resolveStatsContext(db, user, query)
  // Every figure: the rollup rows are read once for all the panels.
  ctx.figures = new Map()
  // One after the other: SQLite has one connection, and PostgreSQL's pool is shared with other requests.
  const summary = await summaryOf(ctx)
  const reach = await reachOf(ctx)
  const calls = await callsOf(ctx)
  const findings = await findingsOf(ctx)
  const referrals = await referralsOf(ctx)
  const callers = await callersOf(ctx)
  return {
    scope: ctx.scope,
    scopeLabel: ctx.scopeLabel,
    period: ctx.period,
    generatedAt: new Date().toISOString(),
    summary,
    reach,
    calls,
    findings,
    referrals,
    callers,
  }
}
