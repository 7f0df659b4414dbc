import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeCampaign, makeTarget, makeUser } from '../../../../test/factories.js'
import { parisToday } from '../../../shared/clock.js'
import { findTemplate } from '../campaigns/campaigns.templates.js'

const key = () => `key-${randomUUID()}`
const heatAnswers = {
  drinks_enough: false,
  cool_room: true,
  daily_contact: true,
  needs_visit: true,
  feels_well: true,
  feels_isolated: false,
  groceries: false,
  care_access: false,
}

describe('detection suggestions recorded with an outcome', () => {
  async function claimOne(t: Parameters<typeof buildTestApp>[0]) {
    const context = await buildTestApp(t)
    const campaign = await makeCampaign(context.db, { questionnaire: findTemplate('heat_wave').questionnaire })
    await makeTarget(context.db, campaign, { phones: ['+33612345678'] })
    const caller = await makeUser(context.db, 'caller', { organizationId: campaign.organizationId })
    const headers = await context.loginAs(caller)
    const claim = await context.app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
    assert.equal(claim.statusCode, 200)
    const assignmentId = claim.json().assignment.id as string
    const outcome = (payload: Record<string, unknown>) =>
      context.app.inject({
        method: 'POST',
        url: `/api/assignments/${assignmentId}/outcome`,
        headers: { ...headers, 'idempotency-key': key() },
        payload,
      })
    return { ...context, campaign, outcome }
  }

  it('keeps which of the rules’ suggestions the caller followed and which they declined', async (t) => {
    const { app, db, campaign, loginAs, outcome } = await claimOne(t)
    const suggestions = [
      { kind: 'fragility', value: 'fragile', followed: true },
      { kind: 'referral', value: 'health_autonomy', urgency: 'within_24h', followed: true },
      { kind: 'referral', value: 'isolation', urgency: 'within_7_days', followed: false },
    ]
    const response = await outcome({
      disposition: 'completed',
      answers: heatAnswers,
      fragilityLevel: 'fragile',
      suggestions,
    })
    assert.equal(response.statusCode, 201, response.body)
    const call = await db.selectFrom('call').select('suggestions').executeTakeFirstOrThrow()
    assert.deepEqual(JSON.parse(call.suggestions!), suggestions)

    // The campaign's review counts them: made and followed, by kind.
    const manager = await makeUser(db, 'manager', { organizationId: campaign.organizationId })
    const today = parisToday()
    const findings = await app.inject({
      method: 'GET',
      url: `/api/stats/panels/findings?from=${today}&to=${today}&scope=campaign:${campaign.id}`,
      headers: await loginAs(manager),
    })
    assert.equal(findings.statusCode, 200, findings.body)
    assert.deepEqual(findings.json().suggestions, {
      fragility: { made: 1, followed: 1 },
      referral: { made: 2, followed: 1 },
    })
  })

  it('refuses a suggestion the rules do not give for these answers, naming it and saving nothing', async (t) => {
    const { db, outcome } = await claimOne(t)
    const invented = await outcome({
      disposition: 'completed',
      answers: { ...heatAnswers, drinks_enough: true },
      suggestions: [{ kind: 'referral', value: 'health_autonomy', urgency: 'within_24h', followed: true }],
    })
    assert.equal(invented.statusCode, 400)
    assert.equal(invented.json().error.details.field, 'suggestions[0]')
    const wrongUrgency = await outcome({
      disposition: 'completed',
      answers: heatAnswers,
      suggestions: [
        { kind: 'fragility', value: 'fragile', followed: true },
        { kind: 'referral', value: 'isolation', urgency: 'immediate', followed: true },
      ],
    })
    assert.equal(wrongUrgency.statusCode, 400)
    assert.equal(wrongUrgency.json().error.details.field, 'suggestions[1]')
    const twice = await outcome({
      disposition: 'completed',
      answers: heatAnswers,
      suggestions: [
        { kind: 'fragility', value: 'fragile', followed: true },
        { kind: 'fragility', value: 'fragile', followed: false },
      ],
    })
    assert.equal(twice.statusCode, 400)
    assert.equal(twice.json().error.details.field, 'suggestions[1]')
    const withoutCall = await outcome({
      disposition: 'no_answer',
      suggestions: [{ kind: 'fragility', value: 'fragile', followed: true }],
    })
    assert.equal(withoutCall.statusCode, 400)
    assert.equal(withoutCall.json().error.details.field, 'suggestions')
    assert.equal((await db.selectFrom('call').selectAll().execute()).length, 0, 'nothing saved')
  })
})
