import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { assertMatchesSchema } from '../../../../test/contract.js'
import {
  makeCall,
  makeCampaign,
  makeHousehold,
  makeOrganization,
  makeTarget,
  makeUser,
} from '../../../../test/factories.js'
import { CampaignPlanSchema } from '../../../shared/contracts/planning.js'

/** One hour a week of calling (Tuesday 14:00–15:00): a caller's hours are capped to it. */
const ONE_HOUR_A_WEEK = [{ day: 2, from: '14:00', to: '15:00' }]

describe('GET /api/campaigns/:id/plan', () => {
  it('estimates the days for the remaining households from the defaults, capped by the calling hours', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db, { callingHours: ONE_HOUR_A_WEEK })
    const targets = []
    for (let index = 0; index < 12; index++) targets.push(await makeTarget(db, campaign))
    // Two are over already: they are not remaining.
    await db.updateTable('campaignTarget').set({ status: 'completed' }).where('id', '=', targets[0].id).execute()
    await db.updateTable('campaignTarget').set({ status: 'unreachable' }).where('id', '=', targets[1].id).execute()
    const manager = await makeUser(db, 'manager', { organizationId: campaign.organizationId })
    const response = await app.inject({
      method: 'GET',
      url: `/api/campaigns/${campaign.id}/plan?callers=1&hoursPerWeek=5`,
      headers: await loginAs(manager),
    })
    assert.equal(response.statusCode, 200, response.body)
    const plan = response.json()
    assertMatchesSchema(CampaignPlanSchema, plan)
    assert.equal(plan.remainingHouseholds, 10)
    assert.equal(plan.assumptions.reachRate.source, 'default')
    assert.equal(plan.assumptions.conversationMinutes.value, 10)
    assert.deepEqual(plan.assumptions.hoursPerWeekPerCaller, {
      requested: 5,
      used: 1,
      campaignWeeklyHours: 1,
      isCapped: true,
    })
    // By hand: reach 1 − 0.7⁵ = 0.83193, attempts 0.83193 / 0.3 = 2.77310;
    // 0.83193 × (10 + 3) + (2.77310 − 0.83193) × 2 = 14.6974 minutes a household; × 10 = 2.4496 hours;
    // 1 caller × 1 hour a week → 2.4496 weeks = 17.15 days → 18.
    assert.ok(Math.abs(plan.totalHours - 2.4496) < 0.001, String(plan.totalHours))
    assert.equal(plan.estimate.days, 18)
    assert.equal(plan.estimate.callers, 1)
    assert.equal(plan.callersSource, 'requested')
    assert.equal(plan.minimumDays, 8, '5 attempts at most 3 a week')

    // The inverse: 10 days need 2.4496 × 7 / 10 = 1.71 → 2 callers.
    const inverse = await app.inject({
      method: 'GET',
      url: `/api/campaigns/${campaign.id}/plan?days=10&hoursPerWeek=5`,
      headers: await loginAs(manager),
    })
    assert.equal(inverse.statusCode, 200)
    assert.deepEqual(inverse.json().requirement, { days: 10, callers: 2 })
    assert.equal(inverse.json().estimate, null)
    // Shorter than the frequency cap allows: no team does it.
    const tooShort = await app.inject({
      method: 'GET',
      url: `/api/campaigns/${campaign.id}/plan?days=5`,
      headers: await loginAs(manager),
    })
    assert.deepEqual(tooShort.json().requirement, { days: 5, callers: null, reason: 'frequency_cap' })
  })

  it('uses the campaign’s own figures once there are enough calls, and its assigned callers by default', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db, { callingHours: 'always' })
    const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const finished = []
    for (let index = 0; index < 30; index++) finished.push(await makeTarget(db, campaign))
    // 24 reached after 2 attempts each, 6 unreachable after 4: reach 0.8, attempts (48 + 24) / 30 = 2.4.
    for (const [index, target] of finished.entries()) {
      await db
        .updateTable('campaignTarget')
        .set({ status: index < 24 ? 'completed' : 'unreachable', attempts: index < 24 ? 2 : 4 })
        .where('id', '=', target.id)
        .execute()
    }
    // 21 timed conversations: median 900 s (15 min); 20 unanswered: median 30 s (+1 min to dial and log).
    for (let index = 0; index < 21; index++) {
      await makeCall(db, finished[index % 24], caller.id, {
        disposition: 'completed',
        durationSeconds: index < 10 ? 600 : index === 10 ? 900 : 1200,
      })
    }
    for (let index = 0; index < 20; index++) {
      await makeCall(db, finished[24 + (index % 6)], caller.id, {
        disposition: 'no_answer',
        durationSeconds: index < 10 ? 20 : 40,
      })
    }
    for (let index = 0; index < 5; index++) await makeTarget(db, campaign)
    const second = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    await db
      .insertInto('campaignCaller')
      .values([
        { campaignId: campaign.id, userId: caller.id },
        { campaignId: campaign.id, userId: second.id },
      ])
      .execute()
    const manager = await makeUser(db, 'manager', { organizationId: campaign.organizationId })
    const response = await app.inject({
      method: 'GET',
      url: `/api/campaigns/${campaign.id}/plan`,
      headers: await loginAs(manager),
    })
    assert.equal(response.statusCode, 200, response.body)
    const plan = response.json()
    assert.equal(plan.remainingHouseholds, 5)
    assert.deepEqual(plan.assumptions.reachRate, { value: 0.8, source: 'observed', sample: 30 })
    assert.deepEqual(plan.assumptions.attemptsPerHousehold, { value: 2.4, source: 'observed', sample: 30 })
    assert.deepEqual(plan.assumptions.conversationMinutes, { value: 15, source: 'observed', sample: 21 })
    // Lower median of ten 20 s and ten 40 s: 20 s → 20/60 + 1 minutes.
    assert.equal(plan.assumptions.unansweredAttemptMinutes.source, 'observed')
    assert.ok(Math.abs(plan.assumptions.unansweredAttemptMinutes.value - (20 / 60 + 1)) < 1e-9)
    assert.deepEqual(plan.availableCallers, { count: 2, source: 'assigned' })
    assert.equal(plan.callersSource, 'assigned')
    assert.equal(plan.estimate.callers, 2)
    assert.equal(plan.hoursPerWeekSource, 'default')
    // 0.8 × 18 + 1.6 × 1.3333 = 16.5333 min × 5 = 1.3778 h; 2 × 5 h a week → 0.96 days → the floor of 8 days.
    assert.ok(Math.abs(plan.totalHours - (5 * (0.8 * 18 + 1.6 * (20 / 60 + 1))) / 60) < 1e-9)
    assert.equal(plan.estimate.days, 8)
  })

  it('counts a draft’s targeting on today’s households', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const draft = await makeCampaign(db, { organizationId: organization.id, status: 'draft' })
    for (let index = 0; index < 3; index++) await makeHousehold(db, { organizationId: organization.id })
    await makeHousehold(db, { organizationId: organization.id, status: 'left' })
    await makeHousehold(db, { organizationId: organization.id, objectionAt: new Date().toISOString() })
    const admin = await makeUser(db, 'admin', { organizationId: organization.id })
    const response = await app.inject({
      method: 'GET',
      url: `/api/campaigns/${draft.id}/plan?callers=3`,
      headers: await loginAs(admin),
    })
    assert.equal(response.statusCode, 200, response.body)
    assert.equal(response.json().remainingHouseholds, 3, 'not the one who left, not the one who objects')
  })

  it('is for managers and admins of the campaign’s organisation', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    const url = `/api/campaigns/${campaign.id}/plan?callers=2`
    for (const role of ['caller', 'viewer', 'social_worker', 'partner'] as const) {
      const user = await makeUser(db, role, { organizationId: campaign.organizationId })
      const response = await app.inject({ method: 'GET', url, headers: await loginAs(user) })
      assert.equal(response.statusCode, 403, role)
    }
    const otherManager = await makeUser(db, 'manager')
    const other = await app.inject({ method: 'GET', url, headers: await loginAs(otherManager) })
    assert.equal(other.statusCode, 404)
    assert.equal((await app.inject({ method: 'GET', url })).statusCode, 401)
  })

  it('gives no days nor weeks to a team that has no calling hours, within the contract', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db, { callingHours: [] })
    await makeTarget(db, campaign)
    const manager = await makeUser(db, 'manager', { organizationId: campaign.organizationId })
    const response = await app.inject({
      url: `/api/campaigns/${campaign.id}/plan?callers=2`,
      headers: await loginAs(manager),
    })
    assert.equal(response.statusCode, 200, response.body)
    const plan = response.json()
    assertMatchesSchema(CampaignPlanSchema, plan)
    assert.deepEqual(plan.estimate, { callers: 2, teamHoursPerWeek: 0, days: null, weeks: null })
  })

  it('answers 400 naming the parameter and its value', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    const manager = await makeUser(db, 'manager', { organizationId: campaign.organizationId })
    const headers = await loginAs(manager)
    const cases: Array<[string, string, string]> = [
      ['callers=0', 'callers', '0'],
      ['callers=deux', 'callers', 'deux'],
      ['days=-3', 'days', '-3'],
      ['days=2.5', 'days', '2.5'],
      ['hoursPerWeek=200', 'hoursPerWeek', '200'],
      ['hoursPerWeek=beaucoup', 'hoursPerWeek', 'beaucoup'],
    ]
    for (const [query, field, value] of cases) {
      const response = await app.inject({ method: 'GET', url: `/api/campaigns/${campaign.id}/plan?${query}`, headers })
      assert.equal(response.statusCode, 400, query)
      const { error } = response.json()
      assert.equal(error.details[0].field, field)
      assert.equal(error.details[0].value, value)
      assert.ok(error.message.includes(field) && error.message.includes(value), error.message)
    }
  })
})
