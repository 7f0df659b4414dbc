import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeCampaign, makeOrganization, makeTarget, makeUser } from '../../../../test/factories.js'
import { parisToday } from '../../../shared/clock.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const context = await buildTestApp(t)
  const { db, loginAs } = context
  const campaign = await makeCampaign(db)
  const organizationId = campaign.organizationId
  const target = await makeTarget(db, campaign, { household: { lastName: 'Durand' } })
  const otherTarget = await makeTarget(db, campaign, { household: { lastName: 'Petit' } })
  const caller = await makeUser(db, 'caller', { organizationId })
  const colleague = await makeUser(db, 'caller', { organizationId })
  const worker = await makeUser(db, 'social_worker', { organizationId })
  const manager = await makeUser(db, 'manager', { organizationId })
  const headers = {
    caller: await loginAs(caller),
    colleague: await loginAs(colleague),
    worker: await loginAs(worker),
    manager: await loginAs(manager),
  }
  const claim = async (who: { cookie: string }) => {
    const response = await context.app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaign.id}/claim`,
      headers: who,
    })
    assert.equal(response.statusCode, 200, response.body)
    return response.json().assignment as { id: string; household: { id: string } }
  }
  const save = async (who: { cookie: string }, assignmentId: string) => {
    const response = await context.app.inject({
      method: 'POST',
      url: `/api/assignments/${assignmentId}/outcome`,
      headers: { ...who, 'idempotency-key': randomUUID() },
      payload: { disposition: 'no_answer', durationSeconds: 30 },
    })
    assert.equal(response.statusCode, 201, response.body)
    return response.json().call as { id: string }
  }
  const refer = (who: { cookie: string }, householdId: string, callId?: string) =>
    context.app.inject({
      method: 'POST',
      url: '/api/referrals',
      headers: who,
      payload: {
        householdId,
        ...(callId ? { callId } : {}),
        category: 'isolation',
        urgency: 'within_7_days',
        recipient: { team: 'Service social' },
        summary: 'Se sent seule depuis le départ de sa fille.',
        consent: { given: true },
      },
    })
  const referralsTotal = async () => {
    const today = parisToday()
    const response = await context.app.inject({
      url: `/api/stats/summary?scope=campaign:${campaign.id}&from=${today}&to=${today}`,
      headers: headers.manager,
    })
    assert.equal(response.statusCode, 200, response.body)
    return response.json().referrals.total
  }
  return { ...context, campaign, target, otherTarget, headers, claim, save, refer, referralsTotal }
}

describe('orientations linked to the call they came from', () => {
  it('links one sent during the call once its outcome is saved, and one sent after with the call id; the campaign counts both', async (t) => {
    const { db, headers, claim, save, refer, referralsTotal } = await setup(t)
    assert.equal(await referralsTotal(), 0)
    const assignment = await claim(headers.caller)
    // During the call: the call does not exist yet.
    const during = await refer(headers.caller, assignment.household.id)
    assert.equal(during.statusCode, 201, during.body)
    const call = await save(headers.caller, assignment.id)
    const linked = await db
      .selectFrom('referral')
      .select('callId')
      .where('id', '=', during.json().referral.id)
      .executeTakeFirstOrThrow()
    assert.equal(linked.callId, call.id, 'the orientation sent during the call is linked to it')

    const after = await refer(headers.caller, assignment.household.id, call.id)
    assert.equal(after.statusCode, 201, after.body)
    const row = await db
      .selectFrom('referral')
      .select('callId')
      .where('id', '=', after.json().referral.id)
      .executeTakeFirstOrThrow()
    assert.equal(row.callId, call.id)
    assert.equal(await referralsTotal(), 2, 'the campaign’s review counts both')
  })

  it('refuses a call id that is unknown, about another household, by someone else or of another organisation, naming the field', async (t) => {
    const { app, db, loginAs, headers, claim, save, refer, target, otherTarget, referralsTotal } = await setup(t)
    const first = await claim(headers.caller)
    const firstCall = await save(headers.caller, first.id)
    const second = await claim(headers.colleague)
    const colleagueCall = await save(headers.colleague, second.id)
    const firstHousehold = first.household.id
    const secondHousehold = second.household.id
    assert.deepEqual(new Set([firstHousehold, secondHousehold]), new Set([target.householdId, otherTarget.householdId]))

    const refusals = [
      ['unknown', await refer(headers.caller, firstHousehold, randomUUID())],
      ['another household', await refer(headers.caller, secondHousehold, firstCall.id)],
      ['someone else’s call', await refer(headers.worker, secondHousehold, colleagueCall.id)],
    ] as const
    for (const [what, response] of refusals) {
      assert.equal(response.statusCode, 400, `${what}: ${response.body}`)
      assert.equal(response.json().error.details.field, 'callId', what)
    }

    // A call of another landlord (about one of its households) is not one of this organisation's calls.
    const elsewhere = await makeCampaign(db, { organizationId: (await makeOrganization(db)).id })
    await makeTarget(db, elsewhere)
    const foreignCaller = await makeUser(db, 'caller', { organizationId: elsewhere.organizationId })
    const foreignHeaders = await loginAs(foreignCaller)
    const foreignClaim = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${elsewhere.id}/claim`,
      headers: foreignHeaders,
    })
    const foreignCall = await save(foreignHeaders, foreignClaim.json().assignment.id)
    const foreign = await refer(headers.caller, firstHousehold, foreignCall.id)
    assert.equal(foreign.statusCode, 400, foreign.body)
    assert.equal(foreign.json().error.details.field, 'callId')
    assert.equal(await referralsTotal(), 0, 'nothing was sent')
  })

  it('shows an internal team what the caller noted during the call, and a partner nothing of it', async (t) => {
    const { app, db, loginAs, headers, claim, campaign } = await setup(t)
    const ccas = await makeOrganization(db, { type: 'partner', code: `CCAS-${randomUUID().slice(0, 6)}` })
    const partner = await makeUser(db, 'partner', { organizationId: ccas.id })
    const assignment = await claim(headers.caller)
    const completed = await app.inject({
      method: 'POST',
      url: `/api/assignments/${assignment.id}/outcome`,
      headers: { ...headers.caller, 'idempotency-key': randomUUID() },
      payload: {
        disposition: 'completed',
        answers: { alone: true, instruments: { ucla3: { q1: 3, q2: 2, q3: 2 } } },
        needs: ['isolation'],
        fragilityLevel: 'fragile',
      },
    })
    assert.equal(completed.statusCode, 201, completed.body)
    const callId = completed.json().call.id
    const send = (recipient: { team: string } | { organization: string }) =>
      app.inject({
        method: 'POST',
        url: '/api/referrals',
        headers: headers.caller,
        payload: {
          householdId: assignment.household.id,
          callId,
          category: 'isolation',
          urgency: 'within_7_days',
          recipient,
          summary: 'Se sent seule depuis le départ de sa fille.',
          consent: { given: true },
        },
      })
    const internal = await send({ team: 'Service social' })
    assert.equal(internal.statusCode, 201, internal.body)
    const read = await app.inject({ url: `/api/referrals/${internal.json().referral.id}`, headers: headers.worker })
    assert.equal(read.statusCode, 200, read.body)
    const { call } = read.json().referral
    assert.equal(
      call.campaignName,
      (await db.selectFrom('campaign').select('name').where('id', '=', campaign.id).executeTakeFirstOrThrow()).name,
    )
    assert.deepEqual(call.needs, ['isolation'])
    assert.equal(call.fragilityLevel, 'fragile')
    assert.deepEqual(call.answers, [{ label: 'Vous sentez-vous seul·e ?', labelEn: null, value: true }])

    const external = await send({ organization: ccas.code })
    assert.equal(external.statusCode, 201, external.body)
    const asPartner = await app.inject({
      url: `/api/referrals/${external.json().referral.id}`,
      headers: await loginAs(partner),
    })
    assert.equal(asPartner.statusCode, 200, asPartner.body)
    assert.equal(asPartner.json().referral.call, null, 'a partner never sees the call’s answers')
  })
})
