/**
 * The planning contract: a campaign's plan (days for a team, callers for a deadline) with the assumptions behind it.
 * The arithmetic is `src/shared/planning.ts`, whose types are these schemas' where they coincide.
 */
import { type Static, Type } from 'typebox'
import { CAMPAIGN_STATUSES } from '../campaigns.js'
import { Nullable } from './common.js'
import { route } from './route.js'

export const ASSUMPTION_SOURCES = ['observed', 'default'] as const

/** One figure of the plan: observed on the campaign's own calls (and on how many), or a documented default. */
export const AssumptionSchema = Type.Object({
  value: Type.Number(),
  source: Type.Enum(ASSUMPTION_SOURCES),
  /** How many observations it rests on (0 for a default). */
  sample: Type.Integer(),
})
export type Assumption = Static<typeof AssumptionSchema>

export const PlanAssumptionsSchema = Type.Object({
  reachRate: AssumptionSchema,
  attemptsPerHousehold: AssumptionSchema,
  conversationMinutes: AssumptionSchema,
  wrapUpMinutes: AssumptionSchema,
  unansweredAttemptMinutes: AssumptionSchema,
  /** The hours each caller gives, as asked, and what the campaign's calling windows let them use. */
  hoursPerWeekPerCaller: Type.Object({
    requested: Type.Number(),
    used: Type.Number(),
    campaignWeeklyHours: Type.Number(),
    isCapped: Type.Boolean(),
  }),
})
export type PlanAssumptions = Static<typeof PlanAssumptionsSchema>

export const PlanRequirementSchema = Type.Object({
  days: Type.Integer(),
  /** Callers needed to finish within `days`; null when no team can (the frequency cap alone takes longer). */
  callers: Nullable(Type.Integer()),
  reason: Type.Optional(Type.Literal('frequency_cap')),
})
export type PlanRequirement = Static<typeof PlanRequirementSchema>

export const CALLERS_SOURCES = ['assigned', 'organization'] as const

export const CampaignPlanSchema = Type.Object({
  campaign: Type.Object({ id: Type.String(), name: Type.String(), status: Type.Enum(CAMPAIGN_STATUSES) }),
  /** The callers the campaign can count on: those assigned to it, else every caller of its organisation. */
  availableCallers: Type.Object({ count: Type.Integer(), source: Type.Enum(CALLERS_SOURCES) }),
  /** Where the estimate's number of callers comes from; null when only a deadline was asked. */
  callersSource: Nullable(Type.Union([Type.Literal('requested'), Type.Enum(CALLERS_SOURCES)])),
  hoursPerWeekSource: Type.Union([Type.Literal('requested'), Type.Literal('default')]),
  remainingHouseholds: Type.Integer(),
  assumptions: PlanAssumptionsSchema,
  /** Minutes of calling per remaining household on average, and the whole remaining workload in hours. */
  minutesPerHousehold: Type.Number(),
  totalHours: Type.Number(),
  /** The floor set by the frequency cap and the attempt limit, in calendar days (0 when nothing remains). */
  minimumDays: Type.Integer(),
  /** Days (and weeks) for the team; null days when the team has no hours to call in. */
  estimate: Nullable(
    Type.Object({
      callers: Type.Integer(),
      teamHoursPerWeek: Type.Number(),
      days: Nullable(Type.Integer()),
      weeks: Nullable(Type.Number()),
    }),
  ),
  requirement: Nullable(PlanRequirementSchema),
})
export type CampaignPlan = Static<typeof CampaignPlanSchema>

export const planningContract = {
  plan: route('GET', '/campaigns/:id/plan', {
    tags: ['campaigns'],
    description:
      'Days needed to call every remaining household with `callers` callers giving `hoursPerWeek` hours each, ' +
      'and callers needed to finish within `days` calendar days; with the assumptions used and their source.',
    params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
    // Read as text and checked by the route, so that a 400 names the parameter and the value as typed ("4,5" hours).
    querystring: Type.Object({
      callers: Type.Optional(Type.String({ maxLength: 10 })),
      hoursPerWeek: Type.Optional(Type.String({ maxLength: 10 })),
      days: Type.Optional(Type.String({ maxLength: 10 })),
    }),
    response: { 200: CampaignPlanSchema },
  }),
}
