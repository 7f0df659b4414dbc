import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { assertMatchesContract } from '../../../../test/contract.js'
import { makeCampaign, makeTarget, makeUser } from '../../../../test/factories.js'
import { parisDayStart, parisToday } from '../../../shared/clock.js'
import { callingContract } from '../../../shared/contracts/calling.js'

async function claimOne(t: Parameters<typeof buildTestApp>[0]) {
  const context = await buildTestApp(t)
  const campaign = await makeCampaign(context.db)
  const target = await makeTarget(context.db, campaign)
  const caller = await makeUser(context.db, 'caller', { organizationId: campaign.organizationId })
  const headers = await context.loginAs(caller)
  const claim = await context.app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
  assert.equal(claim.statusCode, 200)
  return { ...context, campaign, target, caller, headers, assignmentId: claim.json().assignment.id as string }
}

describe('the call timer’s duration', () => {
  it('is stored with the call, and a duration beyond six hours or negative is refused, saving nothing', async (t) => {
    const { app, db, headers, assignmentId } = await claimOne(t)
    const send = (durationSeconds: number) =>
      app.inject({
        method: 'POST',
        url: `/api/assignments/${assignmentId}/outcome`,
        headers: { ...headers, 'idempotency-key': randomUUID() },
        payload: { disposition: 'no_answer', durationSeconds },
      })
    for (const wrong of [6 * 3600 + 1, -1]) {
      const refused = await send(wrong)
      assert.equal(refused.statusCode, 400, `duration ${wrong}`)
      assert.equal(refused.json().error.code, 'VALIDATION_FAILED')
    }
    assert.equal((await db.selectFrom('call').selectAll().execute()).length, 0)
    const saved = await send(95)
    assert.equal(saved.statusCode, 201)
    const call = await db.selectFrom('call').select(['durationSeconds', 'disposition']).executeTakeFirstOrThrow()
    assert.deepEqual(call, { durationSeconds: 95, disposition: 'no_answer' })
  })
})

describe('GET /api/calling/today', () => {
  it('counts the signed-in caller’s calls of the Paris day, by outcome, whatever the browser', async (t) => {
    const { app, db, campaign, headers, assignmentId, loginAs } = await claimOne(t)
    await makeTarget(db, campaign)
    const save = (id: string, disposition: string) =>
      app.inject({
        method: 'POST',
        url: `/api/assignments/${id}/outcome`,
        headers: { ...headers, 'idempotency-key': randomUUID() },
        payload: { disposition },
      })
    const today = () => app.inject({ method: 'GET', url: '/api/calling/today', headers })
    const empty = await today()
    assert.equal(empty.statusCode, 200)
    assertMatchesContract(callingContract.today, empty)
    assert.deepEqual(empty.json(), { day: parisToday(), total: 0, byDisposition: {} })

    assert.equal((await save(assignmentId, 'no_answer')).statusCode, 201)
    const second = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
    assert.equal((await save(second.json().assignment.id, 'busy')).statusCode, 201)
    assert.deepEqual((await today()).json(), {
      day: parisToday(),
      total: 2,
      byDisposition: { no_answer: 1, busy: 1 },
    })

    // A call of yesterday (Paris) is not today's.
    const justBefore = new Date(Date.parse(parisDayStart(parisToday())) - 1).toISOString()
    await db.updateTable('call').set({ createdAt: justBefore }).where('disposition', '=', 'no_answer').execute()
    assert.deepEqual((await today()).json().byDisposition, { busy: 1 })

    // Another caller's day is their own.
    const other = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const theirs = await app.inject({ method: 'GET', url: '/api/calling/today', headers: await loginAs(other) })
    assert.deepEqual(theirs.json().total, 0)
  })
})
