import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { assertMatchesContract } from '../../../../test/contract.js'
import { makeCampaign, makeTarget, makeUser } from '../../../../test/factories.js'
import { callingContract } from '../../../shared/contracts/calling.js'

describe('supervision: reach, calls in the last hour, fragility, households held too long', () => {
  it('counts the last hour and the reach, lists a household held too long and releases it', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    await makeTarget(db, campaign, { priority: 90, household: { fragilityLevel: 'high_vulnerability' } })
    await makeTarget(db, campaign, { priority: 80, household: { fragilityLevel: 'fragile' } })
    await makeTarget(db, campaign, { priority: 10 })
    const excluded = await makeTarget(db, campaign, { priority: 5 })
    await db.updateTable('campaignTarget').set({ status: 'excluded' }).where('id', '=', excluded.id).execute()
    const ana = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const bruno = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    await db.updateTable('user').set({ name: 'Bruno Petit' }).where('id', '=', bruno.id).execute()
    const [anaHeaders, brunoHeaders] = [await loginAs(ana), await loginAs(bruno)]
    const manager = await loginAs(await makeUser(db, 'manager', { organizationId: campaign.organizationId }))

    // Ana reaches the most fragile household (who declines the interview: reached, done); Bruno takes the next one and keeps it.
    const first = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers: anaHeaders })
    const saved = await app.inject({
      method: 'POST',
      url: `/api/assignments/${first.json().assignment.id}/outcome`,
      headers: { ...anaHeaders, 'idempotency-key': randomUUID() },
      payload: { disposition: 'refused' },
    })
    assert.equal(saved.statusCode, 201, saved.body)
    const held = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers: brunoHeaders })
    const heldId = held.json().assignment.id as string
    const row = await db.selectFrom('campaignTarget').select('heldAt').where('id', '=', heldId).executeTakeFirst()
    assert.ok(row?.heldAt, 'the claim notes when the household was taken')

    const url = `/api/campaigns/${campaign.id}/supervision`
    const fresh = (await app.inject({ url, headers: manager })).json()
    assert.equal(fresh.callsLastHour, 1)
    assert.deepEqual(fresh.reach, { targeted: 3, called: 1, reached: 1 })
    assert.deepEqual(fresh.heldTooLong, [], 'held a moment ago is not too long')
    assert.deepEqual(fresh.byFragility, [
      { level: 'high_vulnerability', targeted: 1, done: 1 },
      { level: 'fragile', targeted: 1, done: 0 },
      { level: null, targeted: 1, done: 0 },
    ])

    // A renewal keeps the time it was taken: held 45 minutes ago, renewed since, it is held too long.
    const longAgo = new Date(Date.now() - 45 * 60_000).toISOString()
    await db.updateTable('campaignTarget').set({ heldAt: longAgo }).where('id', '=', heldId).execute()
    await app.inject({ method: 'POST', url: `/api/assignments/${heldId}/renew`, headers: brunoHeaders })
    const late = await app.inject({ url, headers: manager })
    assertMatchesContract(callingContract.supervision, late)
    assert.deepEqual(
      late
        .json()
        .heldTooLong.map((h: { targetId: string; caller: { name: string }; heldSince: string }) => [
          h.targetId,
          h.caller.name,
          h.heldSince,
        ]),
      [[heldId, 'Bruno Petit', longAgo]],
    )

    const releaseUrl = `/api/campaigns/${campaign.id}/held/${heldId}/release`
    assert.equal((await app.inject({ method: 'POST', url: releaseUrl, headers: brunoHeaders })).statusCode, 403)
    const released = await app.inject({ method: 'POST', url: releaseUrl, headers: manager })
    assert.equal(released.statusCode, 200)
    assertMatchesContract(callingContract.releaseHeld, released)
    const after = (await app.inject({ url, headers: manager })).json()
    assert.deepEqual(after.heldTooLong, [])
    assert.equal(after.counts.held, undefined)
    assert.equal(after.counts.pending, 2)
    assert.equal(
      (await db.selectFrom('householdHold').select('targetId').where('targetId', '=', heldId).execute()).length,
      0,
      'the household is free for the next claim',
    )
    // Bruno's screen learns it at its next renewal; released twice is 404.
    assert.equal(
      (await app.inject({ method: 'POST', url: `/api/assignments/${heldId}/renew`, headers: brunoHeaders })).statusCode,
      409,
    )
    assert.equal((await app.inject({ method: 'POST', url: releaseUrl, headers: manager })).statusCode, 404)
    const audit = await db
      .selectFrom('auditEvent')
      .select('action')
      .where('entityId', '=', heldId)
      .where('action', '=', 'target.release')
      .execute()
    assert.equal(audit.length, 1)

    const foreign = await makeCampaign(db)
    const foreignTarget = await makeTarget(db, foreign, {
      heldBy: (await makeUser(db, 'caller', { organizationId: foreign.organizationId })).id,
    })
    const other = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${foreign.id}/held/${foreignTarget.id}/release`,
      headers: manager,
    })
    assert.equal(other.statusCode, 404)
    const mixed = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaign.id}/held/${foreignTarget.id}/release`,
      headers: manager,
    })
    assert.equal(mixed.statusCode, 404)
  })
})
