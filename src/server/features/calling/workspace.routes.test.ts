import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeCampaign, makeTarget, makeUser } from '../../../../test/factories.js'

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
