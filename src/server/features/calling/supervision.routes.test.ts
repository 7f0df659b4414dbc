import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { assertMatchesContract } from '../../../../test/contract.js'
import { makeCampaign, makeTarget, makeUser } from '../../../../test/factories.js'
import { callingContract } from '../../../shared/contracts/calling.js'

describe('campaign supervision', () => {
  it('shows who is calling, the last outcomes and the callbacks, and lets a manager reassign a callback', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    await makeTarget(db, campaign)
    await makeTarget(db, campaign)
    const ana = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const bruno = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const anaHeaders = await loginAs(ana)
    const manager = await loginAs(await makeUser(db, 'manager', { organizationId: campaign.organizationId }))
    const first = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers: anaHeaders })
    await app.inject({
      method: 'POST',
      url: `/api/assignments/${first.json().assignment.id}/outcome`,
      headers: { ...anaHeaders, 'idempotency-key': randomUUID() },
      payload: { disposition: 'callback', callbackAt: '2031-01-01T09:00:00.000Z', sameCallerForCallback: true },
    })
    await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers: anaHeaders })

    const snapshot = await app.inject({ url: `/api/campaigns/${campaign.id}/supervision`, headers: manager })
    assert.equal(snapshot.statusCode, 200)
    assertMatchesContract(callingContract.supervision, snapshot)
    const body = snapshot.json()
    assert.equal(body.activeCallers, 1)
    assert.deepEqual(
      body.callers.map((c: { name: string; isCalling: boolean; callsLast8Hours: number }) => [
        c.isCalling,
        c.callsLast8Hours,
      ]),
      [[true, 1]],
    )
    assert.deepEqual(
      body.lastOutcomes.map((o: { disposition: string }) => o.disposition),
      ['callback'],
    )
    assert.equal(body.callbacks.length, 1)
    assert.equal(body.callbacks[0].preferredCaller.id, ana.id)
    assert.equal(body.counts.held, 1)

    const reassign = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaign.id}/callbacks/${body.callbacks[0].targetId}/reassign`,
      headers: manager,
      payload: { callerId: bruno.id },
    })
    assert.equal(reassign.statusCode, 200)
    assertMatchesContract(callingContract.reassignCallback, reassign)
    const after = await app.inject({ url: `/api/campaigns/${campaign.id}/supervision`, headers: manager })
    assert.equal(after.json().callbacks[0].preferredCaller.id, bruno.id)

    const stranger = await makeUser(db, 'caller')
    const refused = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaign.id}/callbacks/${body.callbacks[0].targetId}/reassign`,
      headers: manager,
      payload: { callerId: stranger.id },
    })
    assert.equal(refused.statusCode, 400)
    const asCaller = await app.inject({ url: `/api/campaigns/${campaign.id}/supervision`, headers: anaHeaders })
    assert.equal(asCaller.statusCode, 403)
  })

  it('streams snapshots as server-sent events', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    await makeTarget(db, campaign)
    const manager = await loginAs(await makeUser(db, 'manager', { organizationId: campaign.organizationId }))
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const controller = new AbortController()
    const response = await fetch(`${address}/api/campaigns/${campaign.id}/live`, {
      headers: manager,
      signal: controller.signal,
    })
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/)
    const reader = response.body!.getReader()
    const { value } = await reader.read()
    const text = new TextDecoder().decode(value)
    assert.match(text, /^event: snapshot\ndata: /)
    const data = JSON.parse(text.split('data: ')[1])
    assert.equal(data.counts.pending, 1)
    controller.abort()
  })
})
