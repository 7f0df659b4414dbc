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
  const other = await makeCampaign(db, { organizationId: campaign.organizationId })
  const target = await makeTarget(db, campaign, { household: { lastName: 'Lambert', firstName: 'Jeanne' } })
  await makeTarget(db, other, { householdId: target.householdId })
  const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
  const manager = await makeUser(db, 'manager', { organizationId: campaign.organizationId })
  const worker = await makeUser(db, 'social_worker', { organizationId: campaign.organizationId })
  const ccas = await makeOrganization(db, { type: 'partner', code: `CCAS-${randomUUID().slice(0, 6)}` })
  const partner = await makeUser(db, 'partner', { organizationId: ccas.id })
  return {
    ...context,
    campaign,
    other,
    householdId: target.householdId,
    ccas,
    caller,
    manager,
    worker,
    headers: {
      caller: await loginAs(caller),
      manager: await loginAs(manager),
      worker: await loginAs(worker),
      partner: await loginAs(partner),
    },
  }
}

describe('a household’s timeline', () => {
  it('shows calls, referrals and each of their steps in one list, newest first, and logs the read', async (t) => {
    const { app, db, campaign, householdId, ccas, headers } = await setup(t)
    const claim = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaign.id}/claim`,
      headers: headers.caller,
    })
    assert.equal(claim.statusCode, 200)
    const outcome = await app.inject({
      method: 'POST',
      url: `/api/assignments/${claim.json().assignment.id}/outcome`,
      headers: { ...headers.caller, 'idempotency-key': randomUUID() },
      payload: { disposition: 'no_answer', durationSeconds: 40 },
    })
    assert.equal(outcome.statusCode, 201)
    const referral = await app.inject({
      method: 'POST',
      url: '/api/referrals',
      headers: headers.caller,
      payload: {
        householdId,
        // The caller no longer holds the household: the referral comes from their call.
        callId: outcome.json().call.id,
        category: 'food',
        urgency: 'within_7_days',
        recipient: { organization: ccas.code },
        summary: 'Demande une aide pour les courses.',
        consent: { given: true },
      },
    })
    assert.equal(referral.statusCode, 201)
    const accepted = await app.inject({
      method: 'POST',
      url: `/api/referrals/${referral.json().referral.id}/transition`,
      headers: headers.partner,
      payload: { to: 'accepted' },
    })
    assert.equal(accepted.statusCode, 200)

    const response = await app.inject({ url: `/api/households/${householdId}/timeline`, headers: headers.manager })
    assert.equal(response.statusCode, 200)
    const items = response.json().items as Array<{ kind: string; at: string; actor: string | null; [k: string]: any }>
    assert.deepEqual(
      items.map((item) => item.kind),
      ['referral_step', 'referral', 'call'],
    )
    const [step, sent, call] = items
    assert.equal(call.actor, 'Test caller')
    assert.equal(call.call.disposition, 'no_answer')
    assert.equal(call.call.durationSeconds, 40)
    assert.equal(call.call.campaignId, campaign.id)
    assert.equal(sent.referral.category, 'food')
    assert.equal(sent.referral.recipient, ccas.name)
    assert.equal(step.referral.fromStatus, 'sent')
    assert.equal(step.referral.toStatus, 'accepted')
    assert.ok(
      items.every((item, index) => index === 0 || items[index - 1].at >= item.at),
      'newest first',
    )
    const reads = await db
      .selectFrom('auditEvent')
      .select('entityId')
      .where('action', '=', 'household.timeline_read')
      .execute()
    assert.deepEqual(reads, [{ entityId: householdId }])
  })

  it('is refused to partners (403) and to another organisation (404)', async (t) => {
    const { app, db, loginAs, householdId, headers } = await setup(t)
    const partner = await app.inject({ url: `/api/households/${householdId}/timeline`, headers: headers.partner })
    assert.equal(partner.statusCode, 403)
    const stranger = await makeUser(db, 'manager')
    const outside = await app.inject({
      url: `/api/households/${householdId}/timeline`,
      headers: await loginAs(stranger),
    })
    assert.equal(outside.statusCode, 404)
  })
})

describe('a tenant’s objection to calls', () => {
  it('is recorded with its date, channel and author, takes the household out of every queue, and is logged', async (t) => {
    const { app, db, campaign, other, householdId, headers, worker, manager } = await setup(t)
    const yesterday = new Date(Date.now() - 36 * 3600_000).toISOString().slice(0, 10)
    // A social worker of the organisation (a caller records one only on a household they are calling: see
    // households.calling.routes.test.ts).
    const recorded = await app.inject({
      method: 'POST',
      url: `/api/households/${householdId}/objection`,
      headers: headers.worker,
      payload: { channel: 'mail', at: yesterday, note: 'Courrier reçu à l’agence' },
    })
    assert.equal(recorded.statusCode, 201)
    assert.equal(recorded.json().targetsRemoved, 2)
    const household = await db
      .selectFrom('household')
      .selectAll()
      .where('id', '=', householdId)
      .executeTakeFirstOrThrow()
    assert.equal(household.objectionChannel, 'mail')
    assert.equal(household.objectionRecordedBy, worker.id)
    assert.equal(household.objectionNote, 'Courrier reçu à l’agence')
    assert.ok(household.objectionAt! < new Date().toISOString())
    const targets = await db
      .selectFrom('campaignTarget')
      .select(['campaignId', 'status'])
      .where('householdId', '=', householdId)
      .orderBy('campaignId')
      .execute()
    assert.deepEqual(
      targets.map((target) => target.status),
      ['excluded', 'excluded'],
    )
    for (const id of [campaign.id, other.id]) {
      const claim = await app.inject({ method: 'POST', url: `/api/campaigns/${id}/claim`, headers: headers.caller })
      assert.equal(claim.statusCode, 204, 'nobody is sent to a tenant who objected')
    }

    const again = await app.inject({
      method: 'POST',
      url: `/api/households/${householdId}/objection`,
      headers: headers.manager,
      payload: { channel: 'phone' },
    })
    assert.equal(again.statusCode, 409)
    assert.equal(
      (await db.selectFrom('household').select('objectionChannel').where('id', '=', householdId).executeTakeFirst())
        ?.objectionChannel,
      'mail',
      'the first objection is kept as it was',
    )

    const detail = await app.inject({ url: `/api/households/${householdId}`, headers: headers.manager })
    assert.equal(detail.json().objection.channel, 'mail')

    const forbidden = await app.inject({
      method: 'POST',
      url: `/api/households/${householdId}/objection/withdraw`,
      headers: headers.caller,
      payload: { reason: 'Le locataire souhaite de nouveau être appelé.' },
    })
    assert.equal(forbidden.statusCode, 403, 'only managers lift an objection')
    const withdrawn = await app.inject({
      method: 'POST',
      url: `/api/households/${householdId}/objection/withdraw`,
      headers: headers.manager,
      payload: { reason: 'Le locataire souhaite de nouveau être appelé.' },
    })
    assert.equal(withdrawn.statusCode, 200)
    const twice = await app.inject({
      method: 'POST',
      url: `/api/households/${householdId}/objection/withdraw`,
      headers: headers.manager,
      payload: { reason: 'Encore une fois.' },
    })
    assert.equal(twice.statusCode, 409)

    const timeline = (
      await app.inject({ url: `/api/households/${householdId}/timeline`, headers: headers.manager })
    ).json().items as Array<{ kind: string; actor: string; channel?: string }>
    assert.deepEqual(
      timeline.map((item) => [item.kind, item.actor]),
      [
        ['objection_withdrawn', 'Test manager'],
        ['objection', 'Test social_worker'],
      ],
    )
    assert.equal(timeline[1].channel, 'mail')
    const audits = await db
      .selectFrom('auditEvent')
      .select(['action', 'actorUserId'])
      .where('entityId', '=', householdId)
      .where('action', 'in', ['household.objection', 'household.objection_withdrawn'])
      .orderBy('id')
      .execute()
    assert.deepEqual(audits, [
      { action: 'household.objection', actorUserId: worker.id },
      { action: 'household.objection_withdrawn', actorUserId: manager.id },
    ])
  })

  it('refuses a future date, an unknown channel and a short reason, naming the field, and saves nothing', async (t) => {
    const { app, db, householdId, headers } = await setup(t)
    const tomorrow = new Date(Date.parse(`${parisToday()}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
    const future = await app.inject({
      method: 'POST',
      url: `/api/households/${householdId}/objection`,
      headers: headers.worker,
      payload: { channel: 'phone', at: tomorrow },
    })
    assert.equal(future.statusCode, 400)
    assert.equal(future.json().error.details.field, 'at')
    assert.equal(future.json().error.details.value, tomorrow)
    // Days no objection of ours can bear: refused by the contract (from 2000-01-01), naming the field.
    for (const at of ['0001-01-01', '0000-01-01', '1999-12-31', '9999-12-31']) {
      const absurd = await app.inject({
        method: 'POST',
        url: `/api/households/${householdId}/objection`,
        headers: headers.worker,
        payload: { channel: 'phone', at },
      })
      assert.equal(absurd.statusCode, 400, at)
      assert.deepEqual(
        absurd.json().error.details.map((detail: { field: string }) => detail.field),
        ['at'],
        at,
      )
    }
    const channel = await app.inject({
      method: 'POST',
      url: `/api/households/${householdId}/objection`,
      headers: headers.worker,
      payload: { channel: 'pigeon' },
    })
    assert.equal(channel.statusCode, 400)
    assert.match(JSON.stringify(channel.json().error), /channel/)
    const reason = await app.inject({
      method: 'POST',
      url: `/api/households/${householdId}/objection/withdraw`,
      headers: headers.manager,
      payload: { reason: 'ok' },
    })
    assert.equal(reason.statusCode, 400)
    assert.match(JSON.stringify(reason.json().error), /reason/)
    const household = await db
      .selectFrom('household')
      .selectAll()
      .where('id', '=', householdId)
      .executeTakeFirstOrThrow()
    assert.equal(household.objectionAt, null)
    const queued = await db
      .selectFrom('campaignTarget')
      .select('status')
      .where('householdId', '=', householdId)
      .execute()
    assert.deepEqual(
      queued.map((target) => target.status),
      ['pending', 'pending'],
    )
  })
})
