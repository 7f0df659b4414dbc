import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { assertMatchesContract } from '../../../../test/contract.js'
import { makeHousehold, makeOrganization, makeUser } from '../../../../test/factories.js'
import { referralsContract } from '../../../shared/contracts/referrals.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const context = await buildTestApp(t)
  const { app, db, loginAs } = context
  const landlord = await makeOrganization(db)
  const ccas = await makeOrganization(db, { type: 'partner', code: `CCAS-${Math.random().toString(36).slice(2, 8)}` })
  const worker = await makeUser(db, 'social_worker', { organizationId: landlord.id })
  const colleague = await makeUser(db, 'social_worker', { organizationId: landlord.id })
  const partner = await makeUser(db, 'partner', { organizationId: ccas.id })
  const headers = {
    worker: await loginAs(worker),
    colleague: await loginAs(colleague),
    partner: await loginAs(partner),
  }
  const send = async (
    lastName: string,
    urgency: string,
    recipient: { team: string } | { organization: string } = { team: 'Service social' },
  ) => {
    const household = await makeHousehold(db, { organizationId: landlord.id, lastName, firstName: 'Jeanne' })
    const response = await app.inject({
      method: 'POST',
      url: '/api/referrals',
      headers: headers.colleague,
      payload: {
        householdId: household.id,
        category: 'isolation',
        urgency,
        recipient,
        summary: 'Se sent seule depuis le départ de sa fille.',
        consent: { given: true },
      },
    })
    assert.equal(response.statusCode, 201, response.body)
    return response.json().referral.id as string
  }
  const list = async (who: { cookie: string }, query: string) => {
    const response = await app.inject({ url: `/api/referrals?${query}`, headers: who })
    assert.equal(response.statusCode, 200, response.body)
    assertMatchesContract(referralsContract.list, response)
    return response.json() as {
      items: Array<{ id: string; householdName: string | null; category: string | null; status: string }>
      total: number
    }
  }
  return { ...context, landlord, ccas, worker, headers, send, list }
}

describe('orientation inboxes', () => {
  it('name the household and filter by urgency, overdue, assignee and open or closed, sorted by due date', async (t) => {
    const { app, db, worker, headers, send, list } = await setup(t)
    const week = await send('Arnaud', 'within_7_days')
    const day = await send('Blanc', 'within_24h')
    const month = await send('Caron', 'routine')
    // Arnaud's orientation should have been accepted yesterday.
    await db.updateTable('referral').set({ dueAcceptBy: '2020-01-01T00:00:00.000Z' }).where('id', '=', week).execute()
    // The worker takes Caron's and closes it with an outcome.
    const accept = await app.inject({
      method: 'POST',
      url: `/api/referrals/${month}/transition`,
      headers: headers.worker,
      payload: { to: 'accepted', assigneeId: worker.id },
    })
    assert.equal(accept.statusCode, 200, accept.body)

    const all = await list(headers.worker, 'box=inbox')
    assert.equal(all.total, 3)
    assert.deepEqual(all.items.map((item) => item.householdName).sort(), [
      'Arnaud Jeanne',
      'Blanc Jeanne',
      'Caron Jeanne',
    ])
    const read = await db
      .selectFrom('auditEvent')
      .select('details')
      .where('action', '=', 'referral.list')
      .where('actorUserId', '=', worker.id)
      .executeTakeFirstOrThrow()
    assert.deepEqual(JSON.parse(read.details ?? '{}'), { results: 3, total: 3 }, 'a list naming households is logged')

    assert.deepEqual(
      (await list(headers.worker, 'box=inbox&sort=due')).items.map((item) => item.id),
      [week, day, month],
      'the deadline passed first, then the 24-hour one, then the month',
    )
    assert.deepEqual(
      (await list(headers.worker, 'box=inbox&urgency=within_24h')).items.map((item) => item.id),
      [day],
    )
    assert.deepEqual(
      (await list(headers.worker, 'box=inbox&overdue=true')).items.map((item) => item.id),
      [week],
    )
    assert.deepEqual(
      (await list(headers.worker, 'box=inbox&assignedToMe=true')).items.map((item) => item.id),
      [month],
    )
    assert.equal((await list(headers.colleague, 'box=inbox&assignedToMe=true')).total, 0)

    const started = await app.inject({
      method: 'POST',
      url: `/api/referrals/${month}/transition`,
      headers: headers.worker,
      payload: { to: 'in_progress' },
    })
    assert.equal(started.statusCode, 200, started.body)
    const done = await app.inject({
      method: 'POST',
      url: `/api/referrals/${month}/transition`,
      headers: headers.worker,
      payload: { to: 'done', outcome: 'Visite faite, aide à domicile en place.' },
    })
    assert.equal(done.statusCode, 200, done.body)
    assert.deepEqual(
      (await list(headers.worker, 'box=inbox&state=closed')).items.map((item) => item.id),
      [month],
    )
    assert.deepEqual(
      (await list(headers.worker, 'box=inbox&state=open&sort=due')).items.map((item) => item.id),
      [week, day],
    )
    const refused = await app.inject({ url: '/api/referrals?box=inbox&sort=oldest', headers: headers.worker })
    assert.equal(refused.statusCode, 400)
  })

  it('keeps a partner’s closed orientations in its list, without the household once over', async (t) => {
    const { app, ccas, headers, send, list } = await setup(t)
    const id = await send('Durand', 'within_7_days', { organization: ccas.code })
    const open = await list(headers.partner, 'box=inbox&state=open')
    assert.equal(open.items[0].householdName, 'Durand Jeanne', 'the partner sees whom while it is active')
    for (const to of ['accepted', 'in_progress', 'done']) {
      const response = await app.inject({
        method: 'POST',
        url: `/api/referrals/${id}/transition`,
        headers: headers.partner,
        payload: to === 'done' ? { to, outcome: 'Colis alimentaire livré.' } : { to },
      })
      assert.equal(response.statusCode, 200, response.body)
    }
    assert.equal((await list(headers.partner, 'box=inbox&state=open')).total, 0)
    const closed = await list(headers.partner, 'box=inbox&state=closed')
    assert.deepEqual(
      closed.items.map((item) => [item.id, item.status, item.householdName, item.category]),
      [[id, 'done', null, null]],
    )
  })
})
