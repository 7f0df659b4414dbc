/**
 * The review (bilan): `/stats/*` routes, their query (the one scope grammar, shared with the exports) and the shapes
 * the server computes and the dashboard, the PDF and the tests read.
 *
 * Counts are numbers for managers and admins. For viewers any count from 1 to 4 becomes the string "< 5", so that no
 * small group of tenants can be singled out; and where such a count could be worked out from the other figures of the
 * same answer (a total minus the other cells), more cells are withheld: a 0 as "< 5", a count of 5 or more as "≥ 5"
 * (docs/decisions.md "Viewers see "< 5""; the rule is `stats.suppression.ts`).
 */
import { type Static, Type } from 'typebox'
import { NEED_CATEGORIES } from '../campaigns.js'
import { ErrorBodySchema, fileResponse, Nullable } from './common.js'
import { route } from './route.js'

/** A count under 5 (0 to 4) not shown to a viewer: every count from 1 to 4, and a 0 withheld with it. */
export const SUPPRESSED = '< 5' as const
/** A count of 5 or more withheld from a viewer so that a count under 5 cannot be worked out from the others. */
export const WITHHELD = '≥ 5' as const

/** A count: exact, or for a viewer "< 5" (0 to 4) or "≥ 5" (5 or more) when it is not shown. */
export const CountSchema = Type.Union([
  Type.Integer({ minimum: 0 }),
  Type.Literal(SUPPRESSED, { description: 'a count from 0 to 4, not shown' }),
  Type.Literal(WITHHELD, { description: 'a count of 5 or more, withheld so that no small count can be worked out' }),
])
export type Count = Static<typeof CountSchema>

/** Whether a count is shown as a number (and not "< 5" or "≥ 5"). */
export const isShownCount = (count: Count): count is number => typeof count === 'number'

/**
 * A count as a bar's length, on the screen and in the PDF: a count under 5 not shown is a pale bar of 4 whose label
 * says "< 5"; a count of 5 or more withheld has no bar (its length would tell it) and its label says "≥ 5".
 */
export const barLength = (count: Count): number => (count === SUPPRESSED ? 4 : count === WITHHELD ? 0 : count)

// ——— The scope grammar ———

/** An organisation's code or a campaign's id in a scope. */
const SCOPE_CODE = '[A-Za-z0-9_-]{1,64}'

/** `network`, `organization:<code>` or `campaign:<id>`; an agency narrows an organisation. */
export const StatsScopeSchema = Type.Union([
  Type.Object({ kind: Type.Literal('network') }),
  Type.Object({ kind: Type.Literal('organization'), code: Type.String(), agencyCode: Type.Optional(Type.String()) }),
  Type.Object({ kind: Type.Literal('campaign'), id: Type.String() }),
])
export type StatsScope = Static<typeof StatsScopeSchema>

/** Reads the `scope` parameter; null when it is none of the three forms. */
export function parseScope(value: string): StatsScope | null {
  if (value === 'network') return { kind: 'network' }
  const organization = new RegExp(`^organization:(${SCOPE_CODE})$`).exec(value)
  if (organization) return { kind: 'organization', code: organization[1] as string }
  const campaign = new RegExp(`^campaign:(${SCOPE_CODE})$`).exec(value)
  if (campaign) return { kind: 'campaign', id: campaign[1] as string }
  return null
}

/**
 * What the review and the exports are asked for: a scope and a period of Europe/Paris days. Checked by the server's
 * one resolver (`stats.scope.ts`), which answers 400 naming the parameter and its value.
 */
export const ScopeQuerySchema = Type.Object(
  {
    scope: Type.String({ maxLength: 100, description: '`network`, `organization:<code>` or `campaign:<id>`' }),
    from: Type.String({ maxLength: 20, description: 'first Europe/Paris day, YYYY-MM-DD' }),
    to: Type.String({ maxLength: 20, description: 'last Europe/Paris day, YYYY-MM-DD (inclusive)' }),
    agency: Type.Optional(Type.String({ maxLength: 64, description: 'agency code, with an organisation scope only' })),
  },
  { additionalProperties: false },
)
export type ScopeQuery = Static<typeof ScopeQuerySchema>

/** Period as Europe/Paris calendar days, both inclusive (YYYY-MM-DD). */
export const StatsPeriodSchema = Type.Object({ from: Type.String(), to: Type.String() })
export type StatsPeriod = Static<typeof StatsPeriodSchema>

// ——— The figures ———

/** Counts by code (disposition, referral status or category): every known code, 0 when absent. */
const CountsByCode = Type.Record(Type.String(), CountSchema)

/**
 * The two reach rates, each 0..1, labelled apart so that nobody reads one for the other: households reached among the
 * households called in the period, and among the households targeted. null when the denominator is 0, or for a viewer
 * when either count is not shown (rate × denominator would give the count back).
 */
export const ReachRatesSchema = Type.Object({
  reachedOfAttempted: Nullable(Type.Number({ minimum: 0 })),
  reachedOfTargeted: Nullable(Type.Number({ minimum: 0 })),
})
export type ReachRates = Static<typeof ReachRatesSchema>

export const StatsSummarySchema = Type.Object({
  households: Type.Object({
    targeted: CountSchema,
    attempted: CountSchema,
    reached: CountSchema,
    unreachable: CountSchema,
  }),
  rates: ReachRatesSchema,
  calls: Type.Object({ total: CountSchema, byDisposition: CountsByCode }),
  referrals: Type.Object({ total: CountSchema, byStatus: CountsByCode, byCategory: CountsByCode }),
  callers: Type.Object({ active: CountSchema }),
})
export type StatsSummary = Static<typeof StatsSummarySchema>

/** One count of a distribution (disposition, fragility level, need category, day…), keyed by its code. */
export const BucketSchema = Type.Object({ key: Type.String(), count: CountSchema })
export type Bucket = Static<typeof BucketSchema>

export const ReachPanelSchema = Type.Object({
  targeted: CountSchema,
  attempted: CountSchema,
  reached: CountSchema,
  rates: ReachRatesSchema,
  /** Calls it took to reach the households reached for the first time in the period. */
  attemptsPerReached: Nullable(Type.Number()),
  /** Targets marked unreachable (waiting for a letter or a visit). */
  unreachable: CountSchema,
})

export const CallsPanelSchema = Type.Object({
  total: CountSchema,
  /** Europe/Paris days, ascending, every day of the period present (0 when none). */
  perDay: Type.Array(BucketSchema),
  byDisposition: Type.Array(BucketSchema),
  /** Over calls with a recorded duration, in seconds. */
  averageDurationSeconds: Nullable(Type.Number()),
  medianDurationSeconds: Nullable(Type.Number()),
})

/** One instrument that was administered: households scored, how many over its threshold. Labelled by its code. */
export const InstrumentLineSchema = Type.Object({
  instrument: Type.String(),
  scored: CountSchema,
  positive: CountSchema,
  share: Nullable(Type.Number()),
})

export const FindingsPanelSchema = Type.Object({
  /** Latest fragility level per reached household. */
  fragility: Type.Array(BucketSchema),
  /** Households with each need (a household counts once per category). */
  needs: Type.Array(Type.Object({ key: Type.Enum(NEED_CATEGORIES), count: CountSchema })),
  instruments: Type.Array(InstrumentLineSchema),
  /** The detection rules' suggestions during calls of the period: how many, how many the callers followed. */
  suggestions: Type.Object({
    fragility: Type.Object({ made: CountSchema, followed: CountSchema }),
    referral: Type.Object({ made: CountSchema, followed: CountSchema }),
  }),
})

const Timing = Type.Object({ median: Nullable(Type.Number()), p90: Nullable(Type.Number()) })

export const ReferralsPanelSchema = Type.Object({
  total: CountSchema,
  byCategory: Type.Array(BucketSchema),
  byRecipient: Type.Array(BucketSchema),
  byStatus: Type.Array(BucketSchema),
  /** Hours from sending to acceptance, and from sending to `done`. */
  hoursToAccept: Timing,
  hoursToResolve: Timing,
  /** Share of resolved (`done`) referrals closed before their due date, 0..1. */
  resolvedWithinDue: Nullable(Type.Number()),
})

export const CallersPanelSchema = Type.Object({
  active: CountSchema,
  callsPerCaller: Type.Object({ median: Nullable(Type.Number()), max: Nullable(Type.Number()) }),
  /** The 1–5 answers given at the end of calling sessions. */
  feedback: Type.Object({
    answers: CountSchema,
    meaningful: Type.Array(BucketSchema),
    useful: Type.Array(BucketSchema),
    /** Without their authors; never sent to viewers. */
    comments: Type.Array(Type.String()),
  }),
  debriefsRequested: CountSchema,
})

export type ReachPanel = Static<typeof ReachPanelSchema>
export type CallsPanel = Static<typeof CallsPanelSchema>
export type FindingsPanel = Static<typeof FindingsPanelSchema>
export type ReferralsPanel = Static<typeof ReferralsPanelSchema>
export type CallersPanel = Static<typeof CallersPanelSchema>

/** The dashboard's panels, each answered by `GET /api/stats/panels/<name>`. */
export const PANEL_NAMES = ['reach', 'calls', 'findings', 'referrals', 'callers'] as const
export type PanelName = (typeof PANEL_NAMES)[number]

export const StatsReviewSchema = Type.Object({
  scope: StatsScopeSchema,
  scopeLabel: Type.String(),
  period: StatsPeriodSchema,
  generatedAt: Type.String(),
  summary: StatsSummarySchema,
  reach: ReachPanelSchema,
  calls: CallsPanelSchema,
  findings: FindingsPanelSchema,
  referrals: ReferralsPanelSchema,
  callers: CallersPanelSchema,
})
export type StatsReview = Static<typeof StatsReviewSchema>

export const ReviewPdfQuerySchema = Type.Object(
  {
    ...ScopeQuerySchema.properties,
    lang: Type.Optional(
      Type.Union([Type.Literal('fr'), Type.Literal('en')], { description: 'language of the PDF, French by default' }),
    ),
  },
  { additionalProperties: false },
)

// A database just upgraded counts its calls first: the review answers 503 with how many are left (`pendingCalls`).
const Preparing = ErrorBodySchema

export const statsContract = {
  summary: route('GET', '/stats/summary', {
    tags: ['stats'],
    querystring: ScopeQuerySchema,
    response: { 200: StatsSummarySchema, 503: Preparing },
  }),
  panel: route('GET', '/stats/panels/:panel', {
    tags: ['stats'],
    params: Type.Object({ panel: Type.Enum(PANEL_NAMES) }),
    querystring: ScopeQuerySchema,
    response: {
      200: Type.Union([
        ReachPanelSchema,
        CallsPanelSchema,
        FindingsPanelSchema,
        ReferralsPanelSchema,
        CallersPanelSchema,
      ]),
      503: Preparing,
    },
  }),
  /** The whole review; its reading is audited. */
  review: route('GET', '/stats/review', {
    tags: ['stats'],
    querystring: ScopeQuerySchema,
    response: { 200: StatsReviewSchema, 503: Preparing },
  }),
  reviewPdf: route('GET', '/stats/review.pdf', {
    tags: ['stats'],
    summary: 'The review as a PDF: cover, key figures, charts, tables, method notes',
    querystring: ReviewPdfQuerySchema,
    response: { 200: fileResponse('The review as an A4 PDF, as an attachment', ['application/pdf']), 503: Preparing },
  }),
}
