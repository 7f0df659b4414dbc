import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { DEFAULT_CALLING_HOURS, DEFAULT_FREQUENCY_CAP } from './campaigns.js'
import {
  callersFor,
  chooseAssumptions,
  daysFor,
  MIN_FINISHED_HOUSEHOLDS,
  MIN_TIMED_CALLS,
  minimumCalendarDays,
  PLANNING_DEFAULTS,
  type PlanObservations,
  planCampaign,
  weeklyCallingHours,
} from './planning.js'

const NOTHING_OBSERVED: PlanObservations = {
  finishedHouseholds: 0,
  reachedHouseholds: 0,
  attemptsOfFinished: 0,
  answeredCalls: { count: 0, medianSeconds: null },
  unansweredCalls: { count: 0, medianSeconds: null },
}
const CAMPAIGN = { callingHours: DEFAULT_CALLING_HOURS, maxAttempts: 5, frequencyCap: DEFAULT_FREQUENCY_CAP }

describe('campaign planning', () => {
  it('counts the weekly hours of the calling windows', () => {
    // Monday–Friday 9:00–12:30 and 14:00–19:00 (8.5 h a day) and Saturday 9:00–12:00.
    assert.equal(weeklyCallingHours(DEFAULT_CALLING_HOURS), 5 * 8.5 + 3)
    assert.equal(weeklyCallingHours('always'), 168)
    assert.equal(weeklyCallingHours([]), 0)
  })

  it('sets the floor from the frequency cap: 5 attempts at 3 per 7 days need 8 days', () => {
    assert.equal(minimumCalendarDays(5, { maxAttempts: 3, days: 7 }), 8)
    assert.equal(minimumCalendarDays(3, { maxAttempts: 3, days: 7 }), 1)
    assert.equal(minimumCalendarDays(7, { maxAttempts: 3, days: 7 }), 15)
    assert.equal(minimumCalendarDays(4, { maxAttempts: 4, days: 30 }), 1)
  })

  it('uses documented defaults until the campaign has enough calls, and says so', () => {
    const assumptions = chooseAssumptions(NOTHING_OBSERVED, CAMPAIGN, 5)
    const p = PLANNING_DEFAULTS.contactRatePerAttempt
    const reach = 1 - (1 - p) ** 5
    assert.deepEqual(assumptions.reachRate, { value: reach, source: 'default', sample: 0 })
    assert.equal(assumptions.attemptsPerHousehold.value, reach / p)
    assert.equal(assumptions.conversationMinutes.value, 10)
    assert.equal(assumptions.unansweredAttemptMinutes.value, 2)
    assert.equal(assumptions.wrapUpMinutes.source, 'default')
    // A worked example by hand: 1,000 households, defaults, 10 callers × 5 h a week.
    // reach 0.83193, attempts 2.77310 → 0.83193 × 13 + (2.77310 − 0.83193) × 2 = 14.697 min a household.
    const plan = planCampaign({
      remainingHouseholds: 1000,
      observations: NOTHING_OBSERVED,
      campaign: CAMPAIGN,
      hoursPerWeekPerCaller: 5,
      callers: 10,
      targetDays: 14,
    })
    assert.ok(Math.abs(plan.minutesPerHousehold - 14.697) < 0.001, String(plan.minutesPerHousehold))
    assert.ok(Math.abs(plan.totalHours - 244.95) < 0.01, String(plan.totalHours))
    // 244.95 h over 50 h a week = 4.899 weeks = 34.3 days → 35.
    assert.equal(plan.estimate?.days, 35)
    // 14 days: 244.95 × 7 / (14 × 5) = 24.5 → 25 callers.
    assert.equal(plan.requirement?.callers, 25)
  })

  it('switches to the campaign’s own figures once they rest on enough calls', () => {
    const observations: PlanObservations = {
      finishedHouseholds: MIN_FINISHED_HOUSEHOLDS,
      reachedHouseholds: 24,
      attemptsOfFinished: 60,
      answeredCalls: { count: MIN_TIMED_CALLS, medianSeconds: 900 },
      unansweredCalls: { count: MIN_TIMED_CALLS, medianSeconds: 30 },
    }
    const assumptions = chooseAssumptions(observations, CAMPAIGN, 5)
    assert.deepEqual(assumptions.reachRate, { value: 0.8, source: 'observed', sample: 30 })
    assert.deepEqual(assumptions.attemptsPerHousehold, { value: 2, source: 'observed', sample: 30 })
    assert.deepEqual(assumptions.conversationMinutes, { value: 15, source: 'observed', sample: 20 })
    assert.deepEqual(assumptions.unansweredAttemptMinutes, { value: 1.5, source: 'observed', sample: 20 })
    const fewer = chooseAssumptions({ ...observations, finishedHouseholds: MIN_FINISHED_HOUSEHOLDS - 1 }, CAMPAIGN, 5)
    assert.equal(fewer.reachRate.source, 'default')
    assert.equal(fewer.conversationMinutes.source, 'observed')
  })

  it('caps a caller’s hours at the campaign’s weekly calling hours', () => {
    const narrow = { ...CAMPAIGN, callingHours: [{ day: 2, from: '14:00', to: '17:00' }] }
    const assumptions = chooseAssumptions(NOTHING_OBSERVED, narrow, 10)
    assert.deepEqual(assumptions.hoursPerWeekPerCaller, {
      requested: 10,
      used: 3,
      campaignWeeklyHours: 3,
      isCapped: true,
    })
  })

  it('has nothing to do when nothing remains', () => {
    const plan = planCampaign({
      remainingHouseholds: 0,
      observations: NOTHING_OBSERVED,
      campaign: CAMPAIGN,
      hoursPerWeekPerCaller: 5,
      callers: 3,
      targetDays: 10,
    })
    assert.equal(plan.estimate?.days, 0)
    assert.equal(plan.requirement?.callers, 0)
    assert.equal(plan.minimumDays, 0)
  })

  it('says no team finishes sooner than the frequency cap allows', () => {
    const plan = planCampaign({
      remainingHouseholds: 100,
      observations: NOTHING_OBSERVED,
      campaign: CAMPAIGN,
      hoursPerWeekPerCaller: 5,
      targetDays: 7,
    })
    assert.deepEqual(plan.requirement, { days: 7, callers: null, reason: 'frequency_cap' })
  })

  const workload = fc.double({ min: 0.01, max: 100_000, noNaN: true })
  const hours = fc.double({ min: 0.25, max: 168, noNaN: true })
  const floor = fc.integer({ min: 1, max: 60 })

  it('never takes longer with more callers (property)', () => {
    fc.assert(
      fc.property(workload, hours, floor, fc.integer({ min: 1, max: 500 }), (total, perCaller, minimum, callers) => {
        const fewer = daysFor(total, callers, perCaller, minimum)
        const more = daysFor(total, callers + 1, perCaller, minimum)
        assert.ok(more <= fewer)
        assert.ok(more >= minimum)
      }),
    )
  })

  it('finds the fewest callers that finish in time (property)', () => {
    fc.assert(
      fc.property(workload, hours, floor, fc.integer({ min: 0, max: 400 }), (total, perCaller, minimum, extra) => {
        const days = minimum + extra
        const callers = callersFor(total, days, perCaller, minimum)
        assert.ok(callers !== null && callers >= 1)
        assert.ok(daysFor(total, callers, perCaller, minimum) <= days, 'enough')
        if (callers > 1) assert.ok(daysFor(total, callers - 1, perCaller, minimum) > days, 'not one too many')
      }),
    )
  })

  it('grows the workload with the households and answers with the sources it used (property)', () => {
    const observations = fc.record({
      finishedHouseholds: fc.integer({ min: 0, max: 5000 }),
      reachedShare: fc.double({ min: 0, max: 1, noNaN: true }),
      attemptsPer: fc.double({ min: 1, max: 10, noNaN: true }),
      answered: fc.integer({ min: 0, max: 5000 }),
      answeredMedian: fc.integer({ min: 10, max: 3600 }),
      unanswered: fc.integer({ min: 0, max: 5000 }),
      unansweredMedian: fc.integer({ min: 0, max: 120 }),
    })
    fc.assert(
      fc.property(observations, fc.integer({ min: 0, max: 100_000 }), (o, households) => {
        const reached = Math.round(o.finishedHouseholds * o.reachedShare)
        const input = {
          remainingHouseholds: households,
          observations: {
            finishedHouseholds: o.finishedHouseholds,
            reachedHouseholds: reached,
            attemptsOfFinished: Math.round(o.finishedHouseholds * o.attemptsPer),
            answeredCalls: { count: o.answered, medianSeconds: o.answeredMedian },
            unansweredCalls: { count: o.unanswered, medianSeconds: o.unansweredMedian },
          },
          campaign: CAMPAIGN,
          hoursPerWeekPerCaller: 5,
        }
        const plan = planCampaign(input)
        const more = planCampaign({ ...input, remainingHouseholds: households + 1 })
        assert.ok(more.totalHours >= plan.totalHours)
        assert.ok(plan.minutesPerHousehold >= 0 && Number.isFinite(plan.minutesPerHousehold))
        assert.equal(
          plan.assumptions.reachRate.source,
          o.finishedHouseholds >= MIN_FINISHED_HOUSEHOLDS ? 'observed' : 'default',
        )
        assert.equal(
          plan.assumptions.conversationMinutes.source,
          o.answered >= MIN_TIMED_CALLS ? 'observed' : 'default',
        )
        assert.ok(plan.assumptions.reachRate.value >= 0 && plan.assumptions.reachRate.value <= 1)
        assert.ok(plan.assumptions.attemptsPerHousehold.value >= plan.assumptions.reachRate.value)
      }),
    )
  })
})
