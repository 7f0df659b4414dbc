/**
 * Planning a campaign: how many days the remaining households will take with a given team, and how many callers
 * are needed to finish in a given number of days. Pure arithmetic over stated assumptions, each of which is either
 * observed on the campaign's own calls (once there are enough of them) or a documented default (docs/decisions.md,
 * "Planning defaults"), and said to be one or the other.
 *
 * The model. Each remaining household takes, on average:
 *   reachRate × (conversation + wrap-up)                        — one answered call for those reached
 *   + (attemptsPerHousehold − reachRate) × unanswered attempt   — every other attempt (no answer, voicemail, busy…)
 * The team's hours per week are callers × min(hours each caller gives, the campaign's weekly calling hours). The
 * frequency cap (at most N attempts in D days per household) sets a floor: the last household still needing its
 * final attempt cannot be finished sooner, whatever the team.
 */
import type { CallingHours, FrequencyCap } from './campaigns.js'
import type { Assumption, PlanAssumptions, PlanRequirement } from './contracts/planning.js'

export type { Assumption, PlanAssumptions, PlanRequirement }
export type AssumptionSource = Assumption['source']

/** Defaults used until a campaign has enough calls of its own. Sources in docs/decisions.md ("Planning defaults"). */
export const PLANNING_DEFAULTS = {
  /**
   * Chance that one attempt reaches the household. Field notes: contact rates around 20% per attempt on political
   * lists, and better on a landlord's own tenant file; we take 30%.
   */
  contactRatePerAttempt: 0.3,
  /** Minutes of conversation of an answered call: CDC Habitat's COVID calls took 5–10 minutes (30–40 when needed). */
  conversationMinutes: 10,
  /** Minutes to record the outcome, needs and instruments after a conversation (our assumption, no public figure). */
  wrapUpMinutes: 3,
  /** Minutes per unanswered attempt, dialling and logging included: a good phone banker makes ~30 attempts an hour. */
  unansweredAttemptMinutes: 2,
  /** Hours a volunteer gives each week when the manager has not said (staff from other departments, part time). */
  hoursPerWeekPerCaller: 5,
} as const

/** Below these counts the campaign's own figures are too noisy: the defaults are used instead. */
export const MIN_FINISHED_HOUSEHOLDS = 30
export const MIN_TIMED_CALLS = 20

/** What the campaign's calls show so far (medians over calls that recorded a duration). */
export interface PlanObservations {
  /** Targets whose calls are over: reached (completed) or unreachable. */
  finishedHouseholds: number
  /** Among them, those whose calls ended with someone answering (completed, refused, moved out…). */
  reachedHouseholds: number
  /** Attempts made to the finished households, in all. */
  attemptsOfFinished: number
  answeredCalls: { count: number; medianSeconds: number | null }
  unansweredCalls: { count: number; medianSeconds: number | null }
}

export interface PlanCampaign {
  callingHours: CallingHours
  maxAttempts: number
  frequencyCap: FrequencyCap
}

export interface PlanEstimate {
  callers: number
  teamHoursPerWeek: number
  /** Calendar days from today until every remaining household is done (at least `minimumDays`). */
  days: number
  weeks: number
}

export interface Plan {
  remainingHouseholds: number
  assumptions: PlanAssumptions
  /** Minutes of calling per remaining household on average, and the whole remaining workload in hours. */
  minutesPerHousehold: number
  totalHours: number
  /** The floor set by the frequency cap and the attempt limit, in calendar days (0 when nothing remains). */
  minimumDays: number
  estimate: PlanEstimate | null
  requirement: PlanRequirement | null
}

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number)
  return (hours ?? 0) * 60 + (minutes ?? 0)
}

/** Hours per week inside the campaign's calling windows (168 when it may call at any time). */
export function weeklyCallingHours(hours: CallingHours): number {
  if (hours === 'always') return 168
  return hours.reduce((sum, window) => sum + Math.max(0, minutesOf(window.to) - minutesOf(window.from)), 0) / 60
}

/**
 * Calendar days the slowest household needs whatever the team: its `maxAttempts` attempts spread by the cap of
 * `frequencyCap.maxAttempts` per `frequencyCap.days` days. Attempt k (from 0) can come no sooner than day
 * floor(k / perWindow) × days; the day of the last attempt counts.
 */
export function minimumCalendarDays(maxAttempts: number, cap: FrequencyCap): number {
  if (maxAttempts <= 0) return 0
  const perWindow = Math.max(1, cap.maxAttempts)
  return Math.floor((maxAttempts - 1) / perWindow) * Math.max(1, cap.days) + 1
}

const observed = (value: number, sample: number): Assumption => ({ value, source: 'observed', sample })
const byDefault = (value: number): Assumption => ({ value, source: 'default', sample: 0 })

/** Chooses each assumption: the campaign's own figure when it rests on enough calls, else the default. */
export function chooseAssumptions(
  observations: PlanObservations,
  campaign: PlanCampaign,
  requestedHoursPerWeek: number,
): PlanAssumptions {
  const p = PLANNING_DEFAULTS.contactRatePerAttempt
  const miss = 1 - p
  // With a per-attempt chance p and at most n attempts: reached 1 − (1 − p)^n; expected attempts (1 − (1 − p)^n) / p.
  const defaultReach = 1 - miss ** campaign.maxAttempts
  const defaultAttempts = defaultReach / p
  const hasFinished = observations.finishedHouseholds >= MIN_FINISHED_HOUSEHOLDS
  const reachRate = hasFinished
    ? observed(observations.reachedHouseholds / observations.finishedHouseholds, observations.finishedHouseholds)
    : byDefault(defaultReach)
  const attemptsPerHousehold = hasFinished
    ? observed(
        // At least one attempt per household, and at least one per reached household.
        Math.max(1, reachRate.value, observations.attemptsOfFinished / observations.finishedHouseholds),
        observations.finishedHouseholds,
      )
    : byDefault(defaultAttempts)
  const answered = observations.answeredCalls
  const conversationMinutes =
    answered.count >= MIN_TIMED_CALLS && answered.medianSeconds !== null
      ? observed(answered.medianSeconds / 60, answered.count)
      : byDefault(PLANNING_DEFAULTS.conversationMinutes)
  const unanswered = observations.unansweredCalls
  // An unanswered attempt costs its ringing (observed) plus a minute to dial and log it.
  const unansweredAttemptMinutes =
    unanswered.count >= MIN_TIMED_CALLS && unanswered.medianSeconds !== null
      ? observed(unanswered.medianSeconds / 60 + 1, unanswered.count)
      : byDefault(PLANNING_DEFAULTS.unansweredAttemptMinutes)
  const campaignWeeklyHours = weeklyCallingHours(campaign.callingHours)
  const used = Math.min(requestedHoursPerWeek, campaignWeeklyHours)
  return {
    reachRate,
    attemptsPerHousehold,
    conversationMinutes,
    wrapUpMinutes: byDefault(PLANNING_DEFAULTS.wrapUpMinutes),
    unansweredAttemptMinutes,
    hoursPerWeekPerCaller: {
      requested: requestedHoursPerWeek,
      used,
      campaignWeeklyHours,
      isCapped: used < requestedHoursPerWeek,
    },
  }
}

/** Average minutes of calling one household takes under these assumptions. */
export function minutesPerHousehold(assumptions: PlanAssumptions): number {
  const reach = assumptions.reachRate.value
  const unansweredAttempts = Math.max(0, assumptions.attemptsPerHousehold.value - reach)
  return (
    reach * (assumptions.conversationMinutes.value + assumptions.wrapUpMinutes.value) +
    unansweredAttempts * assumptions.unansweredAttemptMinutes.value
  )
}

/** Calendar days for `callers` callers: the workload over the team's weekly hours, never below the floor. */
export function daysFor(totalHours: number, callers: number, hoursPerCaller: number, minimumDays: number): number {
  if (totalHours <= 0) return 0
  const weekly = callers * hoursPerCaller
  if (weekly <= 0) return Number.POSITIVE_INFINITY
  return Math.max(minimumDays, Math.ceil((totalHours / weekly) * 7))
}

/** The fewest callers that finish within `days` calendar days, or null when the floor alone is longer. */
export function callersFor(totalHours: number, days: number, hoursPerCaller: number, minimumDays: number) {
  if (totalHours <= 0) return 0
  if (days < minimumDays || hoursPerCaller <= 0) return null
  // Start from the continuous answer, then adjust for the rounding up of days.
  let callers = Math.max(1, Math.ceil((totalHours * 7) / (days * hoursPerCaller) - 1e-9))
  while (callers > 1 && daysFor(totalHours, callers - 1, hoursPerCaller, minimumDays) <= days) callers--
  while (daysFor(totalHours, callers, hoursPerCaller, minimumDays) > days) callers++
  return callers
}

export interface PlanInput {
  remainingHouseholds: number
  observations: PlanObservations
  campaign: PlanCampaign
  hoursPerWeekPerCaller: number
  /** Estimate the days for this many callers. */
  callers?: number
  /** Find the callers needed to finish within this many calendar days. */
  targetDays?: number
}

export function planCampaign(input: PlanInput): Plan {
  const assumptions = chooseAssumptions(input.observations, input.campaign, input.hoursPerWeekPerCaller)
  const perHousehold = minutesPerHousehold(assumptions)
  const remaining = Math.max(0, input.remainingHouseholds)
  const totalHours = (remaining * perHousehold) / 60
  const minimumDays = remaining > 0 ? minimumCalendarDays(input.campaign.maxAttempts, input.campaign.frequencyCap) : 0
  const hoursPerCaller = assumptions.hoursPerWeekPerCaller.used
  let estimate: PlanEstimate | null = null
  if (input.callers !== undefined) {
    const days = daysFor(totalHours, input.callers, hoursPerCaller, minimumDays)
    estimate = {
      callers: input.callers,
      teamHoursPerWeek: input.callers * hoursPerCaller,
      days,
      weeks: Math.round((days / 7) * 10) / 10,
    }
  }
  let requirement: PlanRequirement | null = null
  if (input.targetDays !== undefined) {
    const callers = callersFor(totalHours, input.targetDays, hoursPerCaller, minimumDays)
    requirement =
      callers === null
        ? { days: input.targetDays, callers: null, reason: 'frequency_cap' }
        : { days: input.targetDays, callers }
  }
  return {
    remainingHouseholds: remaining,
    assumptions,
    minutesPerHousehold: perHousehold,
    totalHours,
    minimumDays,
    estimate,
    requirement,
  }
}
