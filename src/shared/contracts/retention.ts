/**
 * Retention: each organisation's periods (identity and free texts after the last contact, households that left the
 * file, audit entries), the households due for erasure soon, and the purges that ran. Read by administrators and the
 * DPO; the periods changed by an administrator with a reason.
 */
import { type Static, Type } from 'typebox'
import { Nullable } from './common.js'
import { route } from './route.js'

/** What keeps a household from erasure. */
export const KEPT_REASONS = ['active_referral', 'follow_up'] as const
export type KeptReasonCode = (typeof KEPT_REASONS)[number]

/** Which clock makes a household due: its last contact, or its leaving the landlord's file. */
export const RETENTION_RULES = ['contact', 'left'] as const
export type RetentionRule = (typeof RETENTION_RULES)[number]

const Months = (max: number) => Type.Integer({ minimum: 1, maximum: max })

export const RetentionPeriodsSchema = Type.Object({
  contactMonths: Type.Integer(),
  leftMonths: Type.Integer(),
  auditMonths: Type.Integer(),
  requestsMonths: Type.Integer(),
})

/** The periods an organisation sets, in the order the DPO's desk shows them. */
export const RETENTION_PERIODS = Object.keys(RetentionPeriodsSchema.properties) as Array<
  keyof Static<typeof RetentionPeriodsSchema>
>
export type RetentionPeriod = (typeof RETENTION_PERIODS)[number]

export const RetentionSettingsSchema = Type.Object({
  organization: Type.Object({ code: Type.String(), name: Type.String() }),
  /** The periods in force: the organisation's own, or the defaults. */
  periods: RetentionPeriodsSchema,
  /** The organisation's own periods; null where it follows the default. */
  overrides: Type.Object({
    contactMonths: Nullable(Type.Integer()),
    leftMonths: Nullable(Type.Integer()),
    auditMonths: Nullable(Type.Integer()),
    requestsMonths: Nullable(Type.Integer()),
  }),
  defaults: RetentionPeriodsSchema,
  /** Whether the server purges every day on its own (PURGE_ENABLED). */
  purgeEnabled: Type.Boolean(),
})

export const RetentionUpdateSchema = Type.Object(
  {
    /** null: back to the default. */
    contactMonths: Nullable(Months(120)),
    leftMonths: Nullable(Months(120)),
    auditMonths: Nullable(Months(120)),
    /** Closed requests of the register of tenants' requests, after they were handled. */
    requestsMonths: Nullable(Months(120)),
    /** Why the periods change: kept in the audit log. */
    reason: Type.String({ minLength: 5, maxLength: 500 }),
  },
  { additionalProperties: false },
)

export const KeptReasonSchema = Type.Object({
  reason: Type.Enum(KEPT_REASONS),
  /** The open orientation (active_referral). */
  referralId: Type.Optional(Type.String()),
  status: Type.Optional(Type.String()),
  category: Type.Optional(Type.String()),
  since: Type.Optional(Type.String()),
  /** The follow-up planned (follow_up). */
  targetId: Type.Optional(Type.String()),
  campaignId: Type.Optional(Type.String()),
  campaignName: Type.Optional(Type.String()),
  nextAttemptAt: Type.Optional(Type.String()),
  until: Type.Optional(Nullable(Type.String())),
})

export const DueHouseholdSchema = Type.Object({
  householdId: Type.String(),
  externalRef: Type.String(),
  organizationCode: Type.String(),
  rule: Type.Enum(RETENTION_RULES),
  /** The first Paris day a purge erases it (a day past: overdue, waiting for the next purge). */
  dueOn: Type.String(),
  /** Empty: it will be erased; otherwise what keeps it, and it will not be. */
  keptBecause: Type.Array(KeptReasonSchema),
})

export const DueQuerySchema = Type.Object(
  {
    organization: Type.Optional(Type.String({ maxLength: 40 })),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 30 })),
  },
  { additionalProperties: false },
)

export const PurgeReportSchema = Type.Object({
  households: Type.Object({
    erased: Type.Integer(),
    kept: Type.Object({ activeReferral: Type.Integer(), followUp: Type.Integer() }),
  }),
  leftHouseholds: Type.Object({ erased: Type.Integer() }),
  auditEvents: Type.Object({ erased: Type.Integer() }),
})

export const PurgeRunSchema = Type.Object({
  id: Type.String(),
  /** null: every organisation. */
  organizationCode: Nullable(Type.String()),
  trigger: Type.String(),
  asOf: Type.String(),
  dryRun: Type.Boolean(),
  startedAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  status: Type.String(),
  report: Nullable(PurgeReportSchema),
})

export const RunsQuerySchema = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })) },
  { additionalProperties: false },
)

const OrganizationCodeParams = Type.Object({ code: Type.String({ maxLength: 40 }) })

export type RetentionSettings = Static<typeof RetentionSettingsSchema>
export type RetentionUpdate = Static<typeof RetentionUpdateSchema>
export type DueHousehold = Static<typeof DueHouseholdSchema>
export type PurgeRun = Static<typeof PurgeRunSchema>
export type PurgeReport = Static<typeof PurgeReportSchema>

export const retentionContract = {
  readSettings: route('GET', '/organizations/:code/retention', {
    tags: ['retention'],
    params: OrganizationCodeParams,
    response: { 200: RetentionSettingsSchema },
  }),
  updateSettings: route('PUT', '/organizations/:code/retention', {
    tags: ['retention'],
    params: OrganizationCodeParams,
    body: RetentionUpdateSchema,
    response: { 200: RetentionSettingsSchema },
  }),
  due: route('GET', '/retention/due', {
    tags: ['retention'],
    querystring: DueQuerySchema,
    response: { 200: Type.Object({ items: Type.Array(DueHouseholdSchema), asOf: Type.String() }) },
  }),
  runs: route('GET', '/retention/runs', {
    tags: ['retention'],
    querystring: RunsQuerySchema,
    response: { 200: Type.Object({ items: Type.Array(PurgeRunSchema) }) },
  }),
}
