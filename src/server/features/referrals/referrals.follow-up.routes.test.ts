import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeCampaign, makeHousehold, makeOrganization, makeTarget, makeUser } from '../../../../test/factories.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const context = await buildTestApp(t)
  const { app, db, loginAs } = context
  const campaign = await makeCampaign(db)
  const target = await makeTarget(db, campaign, { priority: 42 })
  const ccas = await makeOrganization(db, { type: 'partner', code: `CCAS-${randomUUID().slice(0, 6)}` })
  const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
  const partner = await makeUser(db, 'partner', { organizationId: ccas.id })
  const headers = { caller: await loginAs(caller), partner: await loginAs(partner) }
  const claim = await app.inject({
    method: 'POST',
    url: `/api/campaigns/${campaign.id}/claim`,
    headers: headers.caller,
  })
  const call = await app.inject({
    method: 'POST',
    url: `/api/assignments/${claim.json().assignment.id}/outcome`,
    headers: { ...headers.caller, 'idempotency-key': randomUUID() },
    payload: { disposition: 'callback', callbackAt: new Date(Date.now() + 3600_000).toISOString() },
  })
  assert.equal(call.statusCode, 201)
  const referral = await app.inject({
    method: 'POST',
    url: '/api/referrals',
    headers: headers.caller,
    payload: {
      householdId: target.householdId,
      callId: call.json().call.id,
      category: 'isolation',
      urgency: 'routine',
      recipient: { organization: ccas.code },
      summary: 'Vit seule depuis le décès de son mari, souhaite de la visite.',
      consent: { given: true },
    },
  })
  assert.equal(referral.statusCode, 201)
  return { ...context, campaign, target, headers, referralId: referral.json().referral.id as string }
}

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10)

describe('follow-up calls planned from a referral', () => {
  it('plans one call at a given time through the campaign that reached the household, ahead of the others', async (t) => {
    const { app, db, target, headers, referralId } = await setup(t)
    const at = new Date(Date.now() + 3 * 86_400_000).toISOString()
    const response = await app.inject({
      method: 'POST',
      url: `/api/referrals/${referralId}/follow-up`,
      headers: headers.caller,
      payload: { at },
    })
    assert.equal(response.statusCode, 201)
    assert.equal(response.json().followUp.nextCallAt, at)
    const row = await db.selectFrom('campaignTarget').selectAll().where('id', '=', target.id).executeTakeFirstOrThrow()
    assert.equal(row.status, 'scheduled')
    assert.equal(row.nextAttemptAt, at)
    assert.equal(row.attempts, 0)
    assert.equal(row.priority, 1042, 'a follow-up comes before ordinary targets')
    const events = await db
      .selectFrom('referralEvent')
      .select(['kind', 'note'])
      .where('referralId', '=', referralId)
      .where('kind', '=', 'note')
      .execute()
    assert.equal(events.length, 1)
    assert.match(events[0].note!, /^Appel de suivi planifié le \d{4}-\d{2}-\d{2}/)
    const audit = await db
      .selectFrom('auditEvent')
      .select('entityId')
      .where('action', '=', 'referral.follow_up')
      .execute()
    assert.deepEqual(audit, [{ entityId: referralId }])
  })

  it('plans the watch: a call every 7 days until a day', async (t) => {
    const { app, db, target, headers, referralId } = await setup(t)
    const until = day(30)
    const response = await app.inject({
      method: 'POST',
      url: `/api/referrals/${referralId}/follow-up`,
      headers: headers.caller,
      payload: { everyDays: 7, until },
    })
    assert.equal(response.statusCode, 201)
    const row = await db.selectFrom('campaignTarget').selectAll().where('id', '=', target.id).executeTakeFirstOrThrow()
    assert.equal(row.followUpIntervalDays, 7)
    assert.equal(row.followUpUntil, until)
    const days = (Date.parse(row.nextAttemptAt) - Date.now()) / 86_400_000
    assert.ok(days > 6.9 && days < 7.1, `first call in 7 days, got ${days}`)
  })

  it('refuses a past time, a watch ending too soon, the recipient partner, a stranger, and a tenant who objects', async (t) => {
    const { app, db, loginAs, target, headers, referralId } = await setup(t)
    const before = await db
      .selectFrom('campaignTarget')
      .selectAll()
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow()
    const post = (payload: object, h = headers.caller) =>
      app.inject({ method: 'POST', url: `/api/referrals/${referralId}/follow-up`, headers: h, payload })
    const past = await post({ at: new Date(Date.now() - 60_000).toISOString() })
    assert.equal(past.statusCode, 400)
    assert.equal(past.json().error.details.field, 'at')
    const soon = await post({ everyDays: 7, until: day(2) })
    assert.equal(soon.statusCode, 400)
    assert.equal(soon.json().error.details.field, 'until')
    assert.equal(soon.json().error.details.value, day(2))
    const both = await post({ everyDays: 7, until: day(30), at: new Date().toISOString() })
    assert.equal(both.statusCode, 400)
    // Within the planning horizon (two years): past it, the service says up to which day; absurd years, the contract.
    const fieldsOf = (response: { json(): { error: { details: unknown } } }) =>
      [response.json().error.details].flat().map((detail) => (detail as { field: string }).field)
    const farAt = await post({ at: new Date(Date.now() + 800 * 86_400_000).toISOString() })
    assert.equal(farAt.statusCode, 400)
    assert.deepEqual(fieldsOf(farAt), ['at'])
    const farUntil = await post({ everyDays: 7, until: day(800) })
    assert.equal(farUntil.statusCode, 400)
    assert.deepEqual(fieldsOf(farUntil), ['until'])
    for (const payload of [{ at: '9999-12-31T10:00:00Z' }, { at: '0001-01-01T10:00:00Z' }]) {
      const absurd = await post(payload)
      assert.equal(absurd.statusCode, 400, payload.at)
      assert.ok(fieldsOf(absurd).includes('at'), `${payload.at}: ${fieldsOf(absurd)}`)
    }
    for (const until of ['9999-12-31', '0001-01-01']) {
      const absurd = await post({ everyDays: 7, until })
      assert.equal(absurd.statusCode, 400, until)
      assert.ok(fieldsOf(absurd).includes('until'), `${until}: ${fieldsOf(absurd)}`)
    }
    assert.equal((await post({ at: new Date(Date.now() + 86_400_000).toISOString() }, headers.partner)).statusCode, 403)
    const stranger = await makeUser(db, 'manager')
    const outside = await post({ at: new Date(Date.now() + 86_400_000).toISOString() }, await loginAs(stranger))
    assert.equal(outside.statusCode, 404)
    await db
      .updateTable('household')
      .set({ objectionAt: new Date().toISOString() })
      .where('id', '=', target.householdId)
      .execute()
    const objected = await post({ at: new Date(Date.now() + 86_400_000).toISOString() })
    assert.equal(objected.statusCode, 409)
    const after = await db
      .selectFrom('campaignTarget')
      .selectAll()
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow()
    assert.deepEqual(after, before, 'nothing changed by the refused requests')
  })

  it('says so when no running campaign calls the household', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const household = await makeHousehold(db, { organizationId: organization.id })
    const socialWorker = await makeUser(db, 'social_worker', { organizationId: organization.id })
    const headers = await loginAs(socialWorker)
    const referral = await app.inject({
      method: 'POST',
      url: '/api/referrals',
      headers,
      payload: {
        householdId: household.id,
        category: 'housing_repair',
        urgency: 'routine',
        recipient: { team: 'Service technique' },
        summary: 'Fuite sous l’évier signalée.',
        consent: { given: false },
      },
    })
    assert.equal(referral.statusCode, 201)
    const response = await app.inject({
      method: 'POST',
      url: `/api/referrals/${referral.json().referral.id}/follow-up`,
      headers,
      payload: { at: new Date(Date.now() + 86_400_000).toISOString() },
    })
    assert.equal(response.statusCode, 409)
    assert.match(response.json().error.message, /No running campaign/)
  })
})
