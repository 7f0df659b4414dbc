import { DISPOSITIONS, FRAGILITY_LEVELS, NEED_CATEGORIES, type NeedCategory } from '../../../shared/campaigns.js'
import { daysBetween } from '../../../shared/clock.js'
import type {
  CallersPanel,
  CallsPanel,
  FindingsPanel,
  PanelName,
  ReachPanel,
  ReachRates,
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
import { histogramStats, isHidden, MAX_PERIOD_DAYS, median, percentile, round } from './stats.figures.js'
import type { StatsFilter } from './stats.queries.js'
import * as stats from './stats.queries.js'
import { refreshRollups } from './stats.refresh.js'
import { type Metric, type PeriodFigures, readPeriod, scopeKey } from './stats.rollups.js'
import { periodOf, resolveScope } from './stats.scope.js'
import { CountTable, exact, type Protected, protect } from './stats.suppression.js'

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
    figuresOf(ctx, [...REACHED_METRICS, 'first_reach', ...extra]),
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

// ——— Families of counts ———
// Each family is described once, with every count any answer shows of it and how they add up, and shown through
// `stats.suppression.ts`: the same figures give the same decision whichever answer (summary, panel, review, PDF)
// shows them, so putting two answers side by side tells no more than the larger one.

/** The family as the reader is shown it: exact, or with small counts suppressed (primary and complementary). */
function shownFor(ctx: StatsContext, table: CountTable): Protected {
  return ctx.suppressed ? protect(table) : exact(table)
}

/** Households targeted: the unreachable are some of them. */
function targetCounts(targets: { targeted: number; unreachable: number }) {
  return new CountTable()
    .add('targeted', targets.targeted)
    .add('unreachable', targets.unreachable)
    .subset('targeted', 'unreachable', 'targeted-not-unreachable')
}

/**
 * Households called: the reached are some of the attempted; what the findings count are households reached (needs,
 * fragility levels and scores come from completed calls, stats.rollups.ts): each need, each instrument's scored
 * (and, of those, the positive) are some of the reached, the fragility levels disjoint parts of them.
 */
function reachedCounts(figures: PeriodFigures) {
  const table = new CountTable()
    .add('attempted', figures.attempted)
    .add('reached', figures.reached)
    .subset('attempted', 'reached', 'attempted-not-reached')
  const fragility = completeCounts(
    FRAGILITY_LEVELS,
    [...figures.fragility].map(([key, count]) => ({ key, count })),
  )
  table.partial(
    'reached',
    [...fragility].map(([key, count]) => [`fragility:${key}`, count] as const),
    'reached-without-level',
  )
  // Every known need (a household may have several: no total), each some of the reached.
  const needs: NeedCategory[] = [...NEED_CATEGORIES]
  for (const key of needs) {
    table.add(`need:${key}`, figures.needs.get(key) ?? 0).subset('reached', `need:${key}`, `reached-without:${key}`)
  }
  const instruments: string[] = []
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
    instruments.push(code)
    table
      .add(`scored:${code}`, scored)
      .subset('reached', `scored:${code}`, `not-scored:${code}`)
      .add(`positive:${code}`, positive)
      .subset(`scored:${code}`, `positive:${code}`, `negative:${code}`)
  }
  return { table, fragility: [...fragility.keys()], needs, instruments }
}

/** Metrics the households called are counted from, findings included (one family, stats.suppression.ts). */
const REACHED_METRICS: readonly Metric[] = ['attempted', 'reached', 'needs', 'fragility', 'score']

/** Calls: one total, broken down by disposition (every known one) and by Paris day (every day of the period). */
function callCounts(ctx: StatsContext, figures: PeriodFigures) {
  const byDisposition = completeCounts(DISPOSITIONS, dispositionsOf(figures))
  const perDay = daysBetween(ctx.period.from, ctx.period.to).map((day) => {
    let count = 0
    for (const value of figures.callsPerDay.get(day)?.values() ?? []) count += value
    return [day, count] as const
  })
  const table = new CountTable()
    .add(
      'calls',
      [...byDisposition.values()].reduce((sum, count) => sum + count, 0),
    )
    .breakdown(
      'calls',
      [...byDisposition].map(([key, count]) => [`disposition:${key}`, count] as const),
    )
    .breakdown(
      'calls',
      perDay.map(([day, count]) => [`day:${day}`, count] as const),
    )
  return { table, byDisposition: [...byDisposition.keys()], days: perDay.map(([day]) => day) }
}

type ReferralRow = Awaited<ReturnType<typeof stats.listReferrals>>[number]

/** A recipient by its name, as the exports and the inboxes name it (a code such as « CCAS-NANCY » means nothing to a board). */
const recipientOf = (r: ReferralRow) => (r.recipientTeam ? `${r.recipientName} — ${r.recipientTeam}` : r.recipientName)

/** Referrals: one total, broken down by category, by status and by recipient. */
function referralCounts(rows: readonly ReferralRow[]) {
  const byCategory = completeCounts(
    REFERRAL_CATEGORIES,
    countBy(rows, (r) => r.category),
  )
  const byStatus = completeCounts(
    REFERRAL_STATUSES,
    countBy(rows, (r) => r.status),
  )
  const byRecipient = countBy(rows, recipientOf).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key))
  const table = new CountTable()
    .add('referrals', rows.length)
    .breakdown(
      'referrals',
      [...byCategory].map(([key, count]) => [`category:${key}`, count] as const),
    )
    .breakdown(
      'referrals',
      [...byStatus].map(([key, count]) => [`status:${key}`, count] as const),
    )
    .breakdown(
      'referrals',
      byRecipient.map((r) => [`recipient:${r.key}`, r.count] as const),
    )
  return {
    table,
    categories: [...byCategory.keys()],
    statuses: [...byStatus.keys()],
    recipients: byRecipient.map((r) => r.key),
  }
}

/** Buckets of a family, in the order given, as shown. */
const bucketsOf = (shown: Protected, prefix: string, keys: readonly string[]) =>
  keys.map((key) => ({ key, count: shown.count(`${prefix}:${key}`) }))

const recordOf = (shown: Protected, prefix: string, keys: readonly string[]) =>
  Object.fromEntries(keys.map((key) => [key, shown.count(`${prefix}:${key}`)]))

/** The two reach rates; each withheld with either of its counts (rate × denominator would give the count back). */
function reachRates(
  reach: { targeted: number; attempted: number; reached: number },
  targets: Protected,
  called: Protected,
): ReachRates {
  const rate = (count: number, of: number, hidden: boolean) => (hidden || !of ? null : round(count / of, 4))
  return {
    reachedOfAttempted: rate(reach.reached, reach.attempted, called.hidden('attempted') || called.hidden('reached')),
    reachedOfTargeted: rate(reach.reached, reach.targeted, targets.hidden('targeted') || called.hidden('reached')),
  }
}

export async function summaryOf(ctx: StatsContext): Promise<StatsSummary> {
  const [reach, referrals] = await Promise.all([
    reachFigures(ctx, ['calls', 'callers']),
    stats.listReferrals(ctx.db, ctx.filter),
  ])
  const figures = reach.figures
  const targets = shownFor(ctx, targetCounts(reach))
  const called = shownFor(ctx, reachedCounts(figures).table)
  const calls = callCounts(ctx, figures)
  const callsShown = shownFor(ctx, calls.table)
  const referralFamily = referralCounts(referrals)
  const referralsShown = shownFor(ctx, referralFamily.table)
  const callers = shownFor(ctx, new CountTable().add('active', figures.callers.size))
  return {
    households: {
      targeted: targets.count('targeted'),
      attempted: called.count('attempted'),
      reached: called.count('reached'),
      unreachable: targets.count('unreachable'),
    },
    rates: reachRates(reach, targets, called),
    calls: {
      total: callsShown.count('calls'),
      byDisposition: recordOf(callsShown, 'disposition', calls.byDisposition),
    },
    referrals: {
      total: referralsShown.count('referrals'),
      byStatus: recordOf(referralsShown, 'status', referralFamily.statuses),
      byCategory: recordOf(referralsShown, 'category', referralFamily.categories),
    },
    callers: { active: callers.count('active') },
  }
}

export async function reachOf(ctx: StatsContext): Promise<ReachPanel> {
  const reach = await reachFigures(ctx)
  const targets = shownFor(ctx, targetCounts(reach))
  const called = shownFor(ctx, reachedCounts(reach.figures).table)
  return {
    targeted: targets.count('targeted'),
    attempted: called.count('attempted'),
    reached: called.count('reached'),
    rates: reachRates(reach, targets, called),
    // Calls it took to reach the households reached for the first time in the period (the reaching call included).
    attemptsPerReached:
      isHidden(ctx.suppressed, reach.firstReached.households) || !reach.firstReached.households
        ? null
        : round(reach.firstReached.calls / reach.firstReached.households),
    unreachable: targets.count('unreachable'),
  }
}

export async function callsOf(ctx: StatsContext): Promise<CallsPanel> {
  const figures = await figuresOf(ctx, ['calls', 'duration'])
  const duration = histogramStats([...figures.durations].map(([value, count]) => ({ value, count })))
  const durationHidden = isHidden(ctx.suppressed, duration.count)
  const calls = callCounts(ctx, figures)
  const shown = shownFor(ctx, calls.table)
  return {
    total: shown.count('calls'),
    perDay: bucketsOf(shown, 'day', calls.days),
    byDisposition: bucketsOf(shown, 'disposition', calls.byDisposition),
    averageDurationSeconds: durationHidden ? null : round(duration.mean, 1),
    medianDurationSeconds: durationHidden ? null : duration.median,
  }
}

/** Suggestions made and followed, by kind: each a total and its two parts (followed, declined). */
function suggestionCounts(recorded: readonly string[]) {
  const counts = { fragility: { made: 0, followed: 0 }, referral: { made: 0, followed: 0 } }
  for (const text of recorded) {
    for (const suggestion of JSON.parse(text) as { kind: keyof typeof counts; followed: boolean }[]) {
      const count = counts[suggestion.kind]
      if (!count) continue
      count.made += 1
      if (suggestion.followed) count.followed += 1
    }
  }
  const table = new CountTable()
  for (const [kind, { made, followed }] of Object.entries(counts)) {
    table.add(`suggested:${kind}`, made).breakdown(`suggested:${kind}`, [
      [`followed:${kind}`, followed],
      [`declined:${kind}`, made - followed],
    ])
  }
  return table
}

export async function findingsOf(ctx: StatsContext): Promise<FindingsPanel> {
  const [figures, recorded] = await Promise.all([
    figuresOf(ctx, REACHED_METRICS),
    stats.listCallSuggestions(ctx.db, ctx.filter),
  ])
  const family = reachedCounts(figures)
  const shown = shownFor(ctx, family.table)
  const suggested = shownFor(ctx, suggestionCounts(recorded))
  const madeAndFollowed = (kind: string) => ({
    made: suggested.count(`suggested:${kind}`),
    followed: suggested.count(`followed:${kind}`),
  })
  return {
    suggestions: { fragility: madeAndFollowed('fragility'), referral: madeAndFollowed('referral') },
    fragility: bucketsOf(shown, 'fragility', family.fragility),
    needs: family.needs.map((key) => ({ key, count: shown.count(`need:${key}`) })),
    instruments: family.instruments.map((code) => {
      const scored = family.table.values.get(`scored:${code}`)!
      const positive = family.table.values.get(`positive:${code}`)!
      // The share times the scored gives the positive back: withheld with either.
      const hidden = shown.hidden(`scored:${code}`) || shown.hidden(`positive:${code}`)
      return {
        instrument: code,
        scored: shown.count(`scored:${code}`),
        positive: shown.count(`positive:${code}`),
        share: hidden ? null : round(positive / scored, 4),
      }
    }),
  }
}

export async function referralsOf(ctx: StatsContext): Promise<ReferralsPanel> {
  const rows = await stats.listReferrals(ctx.db, ctx.filter)
  const family = referralCounts(rows)
  const shown = shownFor(ctx, family.table)
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
  // The share resolved within the due date, times the resolved, gives those within and those past it: withheld when
  // any of the three is small, or when the resolved are withheld.
  const withinDueHidden =
    shown.hidden('status:done') || isHidden(ctx.suppressed, done.length, withinDue, done.length - withinDue)
  return {
    total: shown.count('referrals'),
    byCategory: bucketsOf(shown, 'category', family.categories),
    byRecipient: bucketsOf(shown, 'recipient', family.recipients),
    byStatus: bucketsOf(shown, 'status', family.statuses),
    hoursToAccept: timing(toAccept),
    hoursToResolve: timing(toResolve),
    resolvedWithinDue: !done.length || withinDueHidden ? null : round(withinDue / done.length, 4),
  }
}

export async function callersOf(ctx: StatsContext): Promise<CallersPanel> {
  const [figures, feedback] = await Promise.all([figuresOf(ctx, ['callers']), stats.listFeedback(ctx.db, ctx.filter)])
  const sorted = [...figures.callers.values()].sort((a, b) => a - b)
  const scale = (pick: (row: (typeof feedback)[number]) => number) =>
    completeCounts(
      ['1', '2', '3', '4', '5'],
      countBy(feedback, (row) => String(pick(row))),
    )
  const meaningful = scale((row) => row.meaningful)
  const useful = scale((row) => row.useful)
  // The answers, broken down by each question; those asking for a debrief are some of them.
  const table = new CountTable()
    .add('active', sorted.length)
    .add('answers', feedback.length)
    .breakdown(
      'answers',
      [...meaningful].map(([key, count]) => [`meaningful:${key}`, count] as const),
    )
    .breakdown(
      'answers',
      [...useful].map(([key, count]) => [`useful:${key}`, count] as const),
    )
    .add('debriefs', feedback.filter((row) => row.debriefRequested === 1).length)
    .subset('answers', 'debriefs', 'no-debrief')
  const shown = shownFor(ctx, table)
  return {
    active: shown.count('active'),
    callsPerCaller: shown.hidden('active')
      ? { median: null, max: null }
      : { median: median(sorted), max: sorted.at(-1) ?? null },
    feedback: {
      answers: shown.count('answers'),
      meaningful: bucketsOf(shown, 'meaningful', [...meaningful.keys()]),
      useful: bucketsOf(shown, 'useful', [...useful.keys()]),
      // Free text could name a tenant or a caller: never for viewers. The latest ones, at most MAX_COMMENTS.
      comments: ctx.suppressed
        ? []
        : feedback.flatMap((row) => (row.comment?.trim() ? [row.comment.trim()] : [])).slice(-MAX_COMMENTS),
    },
    debriefsRequested: shown.count('debriefs'),
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
