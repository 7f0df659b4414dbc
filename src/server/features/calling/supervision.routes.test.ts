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
      payload: {
        disposition: 'callback',
        callbackAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        sameCallerForCallback: true,
      },
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

  it('answers 404 for another organisation’s campaign or callback, on every route that names one', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    const foreign = await makeCampaign(db)
    const [target, foreignTarget] = [await makeTarget(db, campaign), await makeTarget(db, foreign)]
    await db
      .updateTable('campaignTarget')
      .set({ status: 'scheduled', lastDisposition: 'callback' })
      .where('id', 'in', [target.id, foreignTarget.id])
      .execute()
    const manager = await loginAs(await makeUser(db, 'manager', { organizationId: campaign.organizationId }))
    const reassign = (campaignId: string, targetId: string) =>
      app.inject({
        method: 'POST',
        url: `/api/campaigns/${campaignId}/callbacks/${targetId}/reassign`,
        headers: manager,
        payload: { callerId: null },
      })
    const answers = {
      supervision: await app.inject({ url: `/api/campaigns/${foreign.id}/supervision`, headers: manager }),
      live: await app.inject({ url: `/api/campaigns/${foreign.id}/live`, headers: manager }),
      callers: await app.inject({
        method: 'PUT',
        url: `/api/campaigns/${foreign.id}/callers`,
        headers: manager,
        payload: { userIds: [] },
      }),
      'foreign campaign': await reassign(foreign.id, foreignTarget.id),
      'foreign callback through an own campaign': await reassign(campaign.id, foreignTarget.id),
    }
    for (const [route, response] of Object.entries(answers)) {
      assert.equal(response.statusCode, 404, route)
      assert.equal(response.json().error.code, 'NOT_FOUND', route)
    }
    assert.equal((await reassign(campaign.id, target.id)).statusCode, 200, 'its own callback')
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

  it('ends a live view at logout, and when its user is disabled', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    await makeTarget(db, campaign)
    const leaving = await loginAs(await makeUser(db, 'manager', { organizationId: campaign.organizationId }))
    const disabled = await makeUser(db, 'manager', { organizationId: campaign.organizationId })
    const disabledHeaders = await loginAs(disabled)
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const controller = new AbortController()
    t.after(() => controller.abort())
    const open = async (headers: { cookie: string }) => {
      const response = await fetch(`${address}/api/campaigns/${campaign.id}/live`, {
        headers,
        signal: controller.signal,
      })
      assert.equal(response.status, 200)
      const reader = response.body!.getReader()
      assert.equal((await reader.read()).done, false, 'a first snapshot')
      return reader
    }
    /** Milliseconds until the stream ends (snapshots read meanwhile), or a failure after `limit`. */
    const endOf = async (reader: ReadableStreamDefaultReader<Uint8Array>, limit: number) => {
      const started = Date.now()
      const deadline = new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), limit).unref())
      for (;;) {
        const read = await Promise.race([reader.read(), deadline])
        if (read === 'open') {
          controller.abort() // or the app, waiting for the stream, would never close
          assert.fail(`the stream is still open after ${limit} ms`)
        }
        if (read.done) return Date.now() - started
      }
    }
    const [leavingStream, disabledStream] = await Promise.all([open(leaving), open(disabledHeaders)])

    const logout = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: leaving })
    assert.equal(logout.statusCode, 204)
    // Disabled behind this instance's back (as another instance or the command line would): seen within the
    // session cache's 5 s, then the next tick.
    await db.updateTable('user').set({ isActive: 0 }).where('id', '=', disabled.id).execute()
    const [afterLogout, afterDisabling] = await Promise.all([endOf(leavingStream, 5000), endOf(disabledStream, 10_000)])
    assert.ok(afterLogout <= 4000, `ended ${afterLogout} ms after logout (one tick: 3 s)`)
    assert.ok(afterDisabling <= 9000, `ended ${afterDisabling} ms after the user was disabled`)
    const reopened = await fetch(`${address}/api/campaigns/${campaign.id}/live`, { headers: leaving })
    assert.equal(reopened.status, 401, 'the logged-out session opens no new view')
  })
})
