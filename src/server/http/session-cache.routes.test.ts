import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../test/app.js'
import { makeCampaign, makeOrganization, makeTarget, makeUser } from '../../../test/factories.js'
import { loadSession } from './auth.js'

// Sessions validated a moment ago are remembered by the process (session-cache.ts); these are the changes that
// must still take effect on the very next request.
describe('remembered sessions', () => {
  it('refuses the cookie right after logout, though the session was used a moment before', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const headers = await loginAs(await makeUser(db, 'caller'))
    assert.equal((await app.inject({ url: '/api/auth/me', headers })).statusCode, 200)
    assert.equal((await app.inject({ url: '/api/auth/me', headers })).statusCode, 200)
    assert.equal((await app.inject({ method: 'POST', url: '/api/auth/logout', headers })).statusCode, 204)
    const after = await app.inject({ url: '/api/auth/me', headers })
    assert.equal(after.statusCode, 401)
    assert.equal(after.json().error.code, 'UNAUTHENTICATED')
  })

  it('applies a membership given by an administrator to the next request of a session in use', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db, { code: 'bailleur-cache' })
    const campaign = await makeCampaign(db, { organizationId: organization.id })
    await makeTarget(db, campaign)
    const other = await makeOrganization(db)
    const user = await makeUser(db, 'caller', { organizationId: other.id })
    const headers = await loginAs(user)
    const before = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
    assert.equal(before.statusCode, 404, 'the campaign’s organisation is not theirs yet')
    const admin = await loginAs(await makeUser(db, 'admin', { organizationId: organization.id }))
    const given = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: { email: user.email, name: 'Test caller', organization: 'bailleur-cache', role: 'caller' },
    })
    assert.equal(given.statusCode, 201)
    const after = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
    assert.equal(after.statusCode, 200, 'the new membership counts at once')
  })

  it('never serves a remembered session past its idle or absolute limit', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const headers = await loginAs(await makeUser(db, 'caller'))
    const token = headers.cookie.split('=')[1]
    const policy = { idleMinutes: 30, maxHours: 8 }
    const now = Date.now()
    const at = (minutes: number) => new Date(now + minutes * 60_000).toISOString()
    assert.ok(await loadSession(db, token, policy, at(0)), 'remembered from now on')
    assert.ok(await loadSession(db, token, policy, at(1)))
    // 31 minutes later the remembered copy is past its idle limit: the database decides, and ends it.
    assert.equal(await loadSession(db, token, policy, at(31)), null)
    assert.equal((await db.selectFrom('session').selectAll().execute()).length, 0, 'the ended session is deleted')
    assert.equal((await app.inject({ url: '/api/auth/me', headers })).statusCode, 401)
  })
})
