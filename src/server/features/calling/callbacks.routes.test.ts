import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { assertMatchesContract } from '../../../../test/contract.js'
import { makeCampaign, makeTarget, makeUser } from '../../../../test/factories.js'
import { addDays, parisLocalToIso, parisToday } from '../../../shared/clock.js'
import { callingContract } from '../../../shared/contracts/calling.js'
import type { Db } from '../../db/database.js'

/** A callback written straight into the queue, as an outcome « À rappeler » leaves it. */
async function makeCallback(
  db: Db,
  campaign: { id: string; organizationId: string },
  at: string,
  preferredCallerId: string | null = null,
) {
  const target = await makeTarget(db, campaign)
  await db
    .updateTable('campaignTarget')
    .set({ status: 'scheduled', lastDisposition: 'callback', nextAttemptAt: at, preferredCallerId, attempts: 1 })
    .where('id', '=', target.id)
    .execute()
  return target
}

describe('GET /api/calling/callbacks (« Mes rappels »)', () => {
  it('lists the caller’s own and open callbacks of their campaigns, overdue first; never another caller’s kept one, another organisation’s or a reserved campaign’s', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    const ana = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const bruno = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const [anaHeaders, brunoHeaders] = [await loginAs(ana), await loginAs(bruno)]
    const kept = await makeTarget(db, campaign, { household: { lastName: 'Aubert', firstName: 'Lucie' } })

    // Ana records a callback for tomorrow at 10:00, kept for her, through the workspace's routes.
    const claimed = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaign.id}/claim`,
      headers: anaHeaders,
    })
    assert.equal(claimed.json().assignment.household.id, kept.householdId)
    const tomorrowAtTen = parisLocalToIso(`${addDays(parisToday(), 1)}T10:00`)!
    const saved = await app.inject({
      method: 'POST',
      url: `/api/assignments/${claimed.json().assignment.id}/outcome`,
      headers: { ...anaHeaders, 'idempotency-key': randomUUID() },
      payload: { disposition: 'callback', callbackAt: tomorrowAtTen, sameCallerForCallback: true },
    })
    assert.equal(saved.statusCode, 201, saved.body)

    // An open callback of the campaign, an hour late; one kept for Bruno; another organisation's; one in a campaign
    // reserved to callers Ana is not among.
    const overdue = await makeCallback(db, campaign, new Date(Date.now() - 3_600_000).toISOString())
    const brunos = await makeCallback(db, campaign, new Date(Date.now() + 7_200_000).toISOString(), bruno.id)
    const elsewhere = await makeCampaign(db)
    await makeCallback(db, elsewhere, new Date(Date.now() + 600_000).toISOString())
    const reserved = await makeCampaign(db, { organizationId: campaign.organizationId })
    await db.updateTable('campaign').set({ callersRestricted: 1 }).where('id', '=', reserved.id).execute()
    await db.insertInto('campaignCaller').values({ campaignId: reserved.id, userId: bruno.id }).execute()
    const reservedCallback = await makeCallback(db, reserved, new Date(Date.now() + 900_000).toISOString())

    const list = (headers: Record<string, string>) =>
      app.inject({ method: 'GET', url: '/api/calling/callbacks', headers })
    const forAna = await list(anaHeaders)
    assert.equal(forAna.statusCode, 200)
    assertMatchesContract(callingContract.callbacks, forAna)
    assert.deepEqual(
      forAna
        .json()
        .items.map((item: { targetId: string; overdue: boolean; keptForMe: boolean }) => [
          item.targetId,
          item.overdue,
          item.keptForMe,
        ]),
      [
        [overdue.id, true, false],
        [kept.id, false, true],
      ],
    )
    const [, mine] = forAna.json().items
    assert.equal(mine.at, tomorrowAtTen)
    assert.deepEqual(mine.household, { id: kept.householdId, lastName: 'Aubert', firstName: 'Lucie' })
    assert.equal(mine.campaign.id, campaign.id)

    // Bruno: the open one, his own, the reserved campaign's where he is listed; not the one kept for Ana.
    const forBruno = (await list(brunoHeaders)).json()
    assert.deepEqual(
      forBruno.items.map((item: { targetId: string }) => item.targetId),
      [overdue.id, reservedCallback.id, brunos.id],
    )

    // Once the household is erased, its callback is no one's to see.
    await db
      .updateTable('household')
      .set({ erasedAt: new Date().toISOString() })
      .where('id', '=', overdue.householdId)
      .execute()
    assert.deepEqual(
      (await list(anaHeaders)).json().items.map((item: { targetId: string }) => item.targetId),
      [kept.id],
    )

    // Each listing that showed households is on record, under the organisation, with how many.
    const audits = await db
      .selectFrom('auditEvent')
      .select(['organizationId', 'details'])
      .where('actorUserId', '=', ana.id)
      .where('action', '=', 'callback.list')
      .orderBy('id')
      .execute()
    assert.deepEqual(
      audits.map((audit) => [audit.organizationId, JSON.parse(audit.details ?? '{}').results]),
      [
        [campaign.organizationId, 2],
        [campaign.organizationId, 1],
      ],
    )
  })

  it('answers an empty list to a caller without callbacks, and 403 to a role that does not call', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    await makeCallback(db, campaign, new Date(Date.now() + 600_000).toISOString())
    const stranger = await makeUser(db, 'caller')
    const empty = await app.inject({ method: 'GET', url: '/api/calling/callbacks', headers: await loginAs(stranger) })
    assert.equal(empty.statusCode, 200)
    assert.deepEqual(empty.json().items, [])
    const worker = await makeUser(db, 'social_worker', { organizationId: campaign.organizationId })
    const refused = await app.inject({ method: 'GET', url: '/api/calling/callbacks', headers: await loginAs(worker) })
    assert.equal(refused.statusCode, 403)
  })
})
