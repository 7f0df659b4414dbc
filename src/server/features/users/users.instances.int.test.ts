import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { testEngine } from '../../../../test/database.js'
import { makeOrganization, makeUser } from '../../../../test/factories.js'
import { noticedThere, startOtherInstance } from '../../../../test/instance.js'
import { upsertMembership } from './users.queries.js'

// Two instances on one PostgreSQL database: this process (through inject) and another server in its own process.
// Each remembers the sessions it validated for a few seconds (session-cache.ts); what ends a session must reach both
// at once (LISTEN/NOTIFY, db/broadcast.ts).
describe('changes to sessions reach every instance at once', {
  skip: testEngine() !== 'postgres' && 'PostgreSQL only: SQLite serves one instance',
}, () => {
  it('refuses a disabled account’s session on the other instance on its next request, and a session ended here', async (t) => {
    const test = await buildTestApp(t)
    const { app, db } = test
    const organization = await makeOrganization(db)
    const admin = await test.loginAs(await makeUser(db, 'admin', { organizationId: organization.id }))
    const user = await makeUser(db, 'caller', { organizationId: organization.id })
    const other = await startOtherInstance(t, (db as { postgresUrl?: string }).postgresUrl!)

    const signIn = () => other.signIn(user)
    const me = async (headers: { cookie: string }) => (await other.request('/api/auth/me', { headers })).status

    // Ending one of one's sessions here (« Mon compte ») ends it there.
    const first = await signIn()
    const second = await signIn()
    const firstRemembered = performance.now()
    assert.equal(await me(first), 200)
    assert.equal(await me(first), 200, 'remembered by the other instance')
    const sessions = (await app.inject({ url: '/api/account/sessions', headers: second })).json().items
    const firstId = sessions.find((session: { isCurrent: boolean }) => !session.isCurrent).id
    const ended = await app.inject({ method: 'DELETE', url: `/api/account/sessions/${firstId}`, headers: second })
    assert.equal(ended.statusCode, 204)
    const refused = await noticedThere(() => me(first), 401, firstRemembered, 'the ended session is refused there')
    t.diagnostic(`session ended here, refused there ${refused} ms later`)

    // An administrator disables the account here: its session, in use there a moment ago, is refused there at once.
    const secondRemembered = performance.now()
    assert.equal(await me(second), 200)
    const disabled = await app.inject({ method: 'POST', url: `/api/users/${user.id}/disable`, headers: admin })
    assert.equal(disabled.statusCode, 204)
    const disabledRefused = await noticedThere(
      () => me(second),
      401,
      secondRemembered,
      'the disabled account is refused there',
    )
    t.diagnostic(`account disabled here, refused there ${disabledRefused} ms later`)
    const again = await other.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password }),
    })
    assert.equal(again.status, 401, 'nor can it sign in there')

    const enabled = await app.inject({ method: 'POST', url: `/api/users/${user.id}/enable`, headers: admin })
    assert.equal(enabled.statusCode, 204)
    assert.equal(await me(await signIn()), 200, 'enabled again, it signs in there')
  })

  it('takes an organisation out of a session on the other instance at once, keeping the others', async (t) => {
    const test = await buildTestApp(t)
    const { app, db } = test
    const home = await makeOrganization(db, { code: 'HOME' })
    const sibling = await makeOrganization(db, { code: 'SIBLING' })
    const admin = await test.loginAs(await makeUser(db, 'admin', { organizationId: home.id }))
    const user = await makeUser(db, 'manager', { organizationId: home.id })
    await upsertMembership(db, { userId: user.id, organizationId: sibling.id, role: 'manager' })
    // A manager signs in in one step there too (no second factor asked), as `loginAs` does here.
    const other = await startOtherInstance(t, (db as { postgresUrl?: string }).postgresUrl!, {
      MFA_REQUIRED_ROLES: 'none',
    })
    const session = await other.signIn(user)
    const codes = async () => {
      const response = await other.request('/api/auth/me', { headers: session })
      const body = (await response.json()) as { user: { memberships: { organization: { code: string } }[] } }
      assert.equal(response.status, 200, JSON.stringify(body))
      return body.user.memberships.map((membership) => membership.organization.code).sort()
    }
    const remembered = performance.now()
    assert.deepEqual(await codes(), ['HOME', 'SIBLING'])
    assert.deepEqual(await codes(), ['HOME', 'SIBLING'], 'remembered by the other instance')

    const removed = await app.inject({
      method: 'DELETE',
      url: `/api/users/${user.id}/memberships/HOME`,
      headers: admin,
    })
    assert.equal(removed.statusCode, 200)
    const gone = await noticedThere(codes, ['SIBLING'], remembered, 'the organisation is gone from the session there')
    t.diagnostic(`membership removed here, gone there ${gone} ms later`)
  })
})
