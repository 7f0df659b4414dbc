import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { assertMatchesContract } from '../../../../test/contract.js'
import { makeCampaign, makeUser } from '../../../../test/factories.js'
import { callingContract } from '../../../shared/contracts/calling.js'

describe('a campaign’s callers, one person at a time', () => {
  it('searches the organisation’s people who call, adds and removes them, and reopens the campaign when none is left', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    const orgId = campaign.organizationId
    const ana = await makeUser(db, 'caller', { organizationId: orgId })
    const bruno = await makeUser(db, 'caller', { organizationId: orgId })
    await db.updateTable('user').set({ name: 'Anaïs Lefèvre' }).where('id', '=', ana.id).execute()
    await db.updateTable('user').set({ name: 'Bruno Petit' }).where('id', '=', bruno.id).execute()
    const social = await makeUser(db, 'social_worker', { organizationId: orgId })
    await db.updateTable('user').set({ name: 'Lefevre Social' }).where('id', '=', social.id).execute()
    const stranger = await makeUser(db, 'caller')
    const manager = await loginAs(await makeUser(db, 'manager', { organizationId: orgId }))
    const url = `/api/campaigns/${campaign.id}/callers`

    const empty = await app.inject({ url, headers: manager })
    assert.equal(empty.statusCode, 200)
    assertMatchesContract(callingContract.callers, empty)
    assert.deepEqual(empty.json(), { restricted: false, items: [], candidates: [] })

    // Accents and case ignored; a social worker does not call, so is no candidate.
    const found = await app.inject({ url: `${url}?q=lefevre`, headers: manager })
    assert.deepEqual(
      found.json().candidates.map((c: { id: string; roles: string[] }) => [c.id, c.roles]),
      [[ana.id, ['caller']]],
    )

    const added = await app.inject({ method: 'POST', url, headers: manager, payload: { userId: ana.id } })
    assert.equal(added.statusCode, 200)
    assertMatchesContract(callingContract.addCaller, added)
    assert.equal(added.json().restricted, true)
    await app.inject({ method: 'POST', url, headers: manager, payload: { userId: bruno.id } })
    const again = await app.inject({ method: 'POST', url, headers: manager, payload: { userId: bruno.id } })
    assert.deepEqual(
      again.json().items.map((c: { name: string }) => c.name),
      ['Anaïs Lefèvre', 'Bruno Petit'],
    )
    // A listed caller is no candidate any more.
    assert.deepEqual((await app.inject({ url: `${url}?q=ANAIS`, headers: manager })).json().candidates, [])
    const row = await db
      .selectFrom('campaign')
      .select('callersRestricted')
      .where('id', '=', campaign.id)
      .executeTakeFirst()
    assert.equal(row?.callersRestricted, 1)

    for (const userId of [stranger.id, social.id]) {
      const refused = await app.inject({ method: 'POST', url, headers: manager, payload: { userId } })
      assert.equal(refused.statusCode, 400)
      assert.equal(refused.json().error.details.field, 'userId')
    }

    const removed = await app.inject({ method: 'DELETE', url: `${url}/${ana.id}`, headers: manager })
    assert.equal(removed.statusCode, 200)
    assertMatchesContract(callingContract.removeCaller, removed)
    assert.deepEqual(
      removed.json().items.map((c: { id: string }) => c.id),
      [bruno.id],
    )
    const last = await app.inject({ method: 'DELETE', url: `${url}/${bruno.id}`, headers: manager })
    assert.deepEqual(last.json(), { restricted: false, items: [] })
    const reopened = await db
      .selectFrom('campaign')
      .select('callersRestricted')
      .where('id', '=', campaign.id)
      .executeTakeFirst()
    assert.equal(reopened?.callersRestricted, 0)

    const audit = await db
      .selectFrom('auditEvent')
      .select('action')
      .where('entityId', '=', campaign.id)
      .where('action', 'like', 'campaign.caller_%')
      .execute()
    assert.equal(audit.length, 5)
  })

  it('answers 404 for another organisation’s campaign', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const foreign = await makeCampaign(db)
    const manager = await loginAs(await makeUser(db, 'manager'))
    const caller = await makeUser(db, 'caller', { organizationId: foreign.organizationId })
    const url = `/api/campaigns/${foreign.id}/callers`
    assert.equal((await app.inject({ url, headers: manager })).statusCode, 404)
    const add = await app.inject({ method: 'POST', url, headers: manager, payload: { userId: caller.id } })
    assert.equal(add.statusCode, 404)
    assert.equal((await app.inject({ method: 'DELETE', url: `${url}/${caller.id}`, headers: manager })).statusCode, 404)
  })
})
