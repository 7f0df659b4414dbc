import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeUser } from '../../../../test/factories.js'

describe('POST /api/auth/login', () => {
  it('signs a user in with an HttpOnly, SameSite=Lax session cookie and returns their memberships', async (t) => {
    const { app, db } = await buildTestApp(t)
    const user = await makeUser(db, 'caller')
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: user.email.toUpperCase(), password: user.password },
    })
    assert.equal(response.statusCode, 200)
    const body = response.json()
    assert.equal(body.user.email, user.email)
    assert.equal(body.user.memberships.length, 1)
    assert.equal(body.user.memberships[0].role, 'caller')
    assert.equal(body.user.memberships[0].organization.type, 'landlord')
    assert.equal(body.user.passwordHash, undefined)
    const cookie = response.cookies.find((c) => c.name === 'allervers_session')
    assert.ok(cookie, 'a session cookie is set')
    assert.equal(cookie.httpOnly, true)
    assert.equal(cookie.sameSite, 'Lax')
    assert.notEqual(cookie.secure, true, 'not Secure over plain HTTP')

    const me = await app.inject({ url: '/api/auth/me', headers: { cookie: `allervers_session=${cookie.value}` } })
    assert.equal(me.statusCode, 200)
    assert.equal(me.json().user.id, user.id)

    const events = await db.selectFrom('auditEvent').selectAll().where('action', '=', 'auth.login').execute()
    assert.equal(events.length, 1)
    assert.equal(events[0].actorUserId, user.id)
    assert.ok(events[0].ip)
  })

  it('marks the cookie Secure when the app is served over HTTPS', async (t) => {
    const { app, db } = await buildTestApp(t, { PUBLIC_URL: 'https://allervers.example.org' })
    const user = await makeUser(db, 'manager')
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: user.email, password: user.password },
    })
    assert.equal(response.cookies.find((c) => c.name === 'allervers_session')?.secure, true)
    assert.match(String(response.headers['strict-transport-security']), /max-age/)
  })

  it('refuses a wrong password and an unknown account with the same 401, and logs both failures', async (t) => {
    const { app, db } = await buildTestApp(t)
    const user = await makeUser(db, 'caller')
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: user.email, password: 'not the password' },
    })
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'nobody@test.allervers.localhost', password: 'whatever' },
    })
    for (const response of [wrong, unknown]) {
      assert.equal(response.statusCode, 401)
      assert.equal(response.json().error.code, 'INVALID_CREDENTIALS')
      assert.equal(response.cookies.length, 0)
    }
    assert.equal(wrong.json().error.message, unknown.json().error.message)
    const failures = await db.selectFrom('auditEvent').selectAll().where('action', '=', 'auth.login_failed').execute()
    assert.deepEqual(failures.map((f) => f.actorEmail).sort(), [user.email, 'nobody@test.allervers.localhost'].sort())
    assert.ok(
      failures.every((f) => !String(f.details).includes('not the password')),
      'no password in the log',
    )
  })

  it('counts a burst before checking it: 30 concurrent wrong passwords after 8 failures get 2 checks, 28 get 429', async (t) => {
    const { app, db } = await buildTestApp(t)
    const user = await makeUser(db, 'caller')
    const attempt = (password: string) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '203.0.113.5',
        payload: { email: user.email, password },
      })
    for (let index = 0; index < 8; index++) assert.equal((await attempt('wrong password')).statusCode, 401)

    const burst = await Promise.all(Array.from({ length: 30 }, () => attempt('wrong password')))
    const statuses = burst.map((response) => response.statusCode)
    assert.equal(statuses.filter((status) => status === 401).length, 2, 'only the 2 attempts left were checked')
    assert.equal(statuses.filter((status) => status === 429).length, 28)
    for (const response of burst.filter((r) => r.statusCode === 429)) {
      assert.equal(response.json().error.code, 'RATE_LIMITED')
      const retryAfter = Number(response.headers['retry-after'])
      assert.ok(retryAfter > 0 && retryAfter <= 15 * 60, `Retry-After ${retryAfter}s lies within the window`)
    }
    // Each checked attempt (and only those) ran argon2 and logged a failure; the refused ones are logged as such.
    const actions = await db.selectFrom('auditEvent').select('action').where('actorEmail', '=', user.email).execute()
    assert.equal(actions.filter((a) => a.action === 'auth.login_failed').length, 10)
    assert.equal(actions.filter((a) => a.action === 'auth.login_rate_limited').length, 28)
    // Even the right password is refused from that address until the window passes.
    assert.equal((await attempt(user.password)).statusCode, 429)
  })

  it('locks a guessed account at one address only: its owner signs in from elsewhere, and again once the window passes', async (t) => {
    const { app, db } = await buildTestApp(t)
    const user = await makeUser(db, 'caller')
    const attempt = (remoteAddress: string, password: string) =>
      app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { email: user.email, password } })
    for (let index = 0; index < 10; index++) {
      assert.equal((await attempt('198.51.100.66', 'wrong password')).statusCode, 401, `attempt ${index + 1}`)
    }
    const blocked = await attempt('198.51.100.66', user.password)
    assert.equal(blocked.statusCode, 429)
    assert.ok(Number(blocked.headers['retry-after']) > 0)

    assert.equal((await attempt('10.20.30.40', user.password)).statusCode, 200, 'the owner elsewhere is not locked out')
    assert.equal((await attempt('10.20.30.41', 'wrong password')).statusCode, 401, 'nor is the account elsewhere')

    // Move the window into the past: the pair opens again.
    await db.updateTable('loginThrottle').set({ windowStartedAt: '2000-01-01T00:00:00.000Z' }).execute()
    assert.equal((await attempt('198.51.100.66', user.password)).statusCode, 200)
  })

  it('forgets a pair’s failures once its owner signs in', async (t) => {
    const { app, db } = await buildTestApp(t)
    const user = await makeUser(db, 'caller')
    const attempt = (password: string) =>
      app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password } })
    for (let index = 0; index < 9; index++) assert.equal((await attempt('typo')).statusCode, 401)
    assert.equal((await attempt(user.password)).statusCode, 200)
    for (let index = 0; index < 10; index++) assert.equal((await attempt('typo')).statusCode, 401, `typo ${index + 1}`)
    assert.equal((await attempt('typo')).statusCode, 429)
  })

  it('lets colleagues behind one address sign in past 10 failures there, up to LOGIN_ADDRESS_MAX_FAILURES', async (t) => {
    const { app, db } = await buildTestApp(t, { LOGIN_ADDRESS_MAX_FAILURES: '15' })
    const colleague = await makeUser(db, 'caller')
    const attempt = (remoteAddress: string, email: string, password: string) =>
      app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { email, password } })
    for (let index = 0; index < 14; index++) {
      const response = await attempt('192.0.2.7', `guess${index}@test.allervers.localhost`, 'x')
      assert.equal(response.statusCode, 401, `failure ${index + 1}`)
    }
    assert.equal((await attempt('192.0.2.7', colleague.email, colleague.password)).statusCode, 200)
    assert.equal((await attempt('192.0.2.7', 'guess14@test.allervers.localhost', 'x')).statusCode, 401)

    const fromSameAddress = await attempt('192.0.2.7', colleague.email, colleague.password)
    assert.equal(fromSameAddress.statusCode, 429, 'the address is full')
    assert.ok(Number(fromSameAddress.headers['retry-after']) > 0)
    assert.equal((await attempt('192.0.2.8', colleague.email, colleague.password)).statusCode, 200)
  })

  it('counts the addresses of one IPv6 /64 together', async (t) => {
    const { app, db } = await buildTestApp(t)
    const user = await makeUser(db, 'caller')
    for (let index = 1; index <= 10; index++) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: `2001:db8:aa:bb::${index.toString(16)}`,
        payload: { email: user.email, password: 'wrong password' },
      })
      assert.equal(response.statusCode, 401)
    }
    const sameNetwork = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '2001:0db8:00aa:00bb:ffff:1:2:3',
      payload: { email: user.email, password: user.password },
    })
    assert.equal(sameNetwork.statusCode, 429)
    const otherNetwork = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '2001:db8:aa:bc::1',
      payload: { email: user.email, password: user.password },
    })
    assert.equal(otherNetwork.statusCode, 200)
  })

  it('slows down, never locks, an account failing from many addresses', async (t) => {
    const { app, db } = await buildTestApp(t, {
      LOGIN_ACCOUNT_SLOWDOWN_FAILURES: '3',
      LOGIN_ACCOUNT_SLOWDOWN_SECONDS: '1',
    })
    const user = await makeUser(db, 'caller')
    const attempt = (remoteAddress: string, password: string) =>
      app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { email: user.email, password } })
    for (let index = 1; index <= 3; index++) assert.equal((await attempt(`10.9.0.${index}`, 'wrong')).statusCode, 401)
    const started = performance.now()
    const owner = await attempt('10.9.1.1', user.password)
    assert.equal(owner.statusCode, 200, 'the owner still signs in')
    assert.ok(performance.now() - started >= 990, 'after waiting LOGIN_ACCOUNT_SLOWDOWN_SECONDS')
  })

  it('refuses malformed JSON and unknown fields with a message naming the problem', async (t) => {
    const { app } = await buildTestApp(t)
    const malformed = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "a@b.c", "password": ',
    })
    assert.equal(malformed.statusCode, 400)
    assert.equal(malformed.json().error.code, 'BAD_REQUEST')
    assert.match(malformed.json().error.message, /not valid JSON/)

    const unknownField = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'a@b.c', password: 'x', isAdmin: true },
    })
    assert.equal(unknownField.statusCode, 400)
    assert.equal(unknownField.json().error.code, 'VALIDATION_FAILED')
    assert.deepEqual(unknownField.json().error.details, [{ field: 'isAdmin', message: 'unknown field "isAdmin"' }])

    const missing = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'a@b.c' } })
    assert.equal(missing.statusCode, 400)
    assert.equal(missing.json().error.details[0].field, 'password')
  })
})

describe('sessions', () => {
  it('ends the session at logout: the old cookie no longer opens anything', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const headers = await loginAs(await makeUser(db, 'caller'))
    const logout = await app.inject({ method: 'POST', url: '/api/auth/logout', headers })
    assert.equal(logout.statusCode, 204)
    const me = await app.inject({ url: '/api/auth/me', headers })
    assert.equal(me.statusCode, 401)
    assert.equal(me.json().error.code, 'UNAUTHENTICATED')
  })

  it('expires a session idle for longer than SESSION_IDLE_MINUTES, and one past its absolute lifetime', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t, { SESSION_IDLE_MINUTES: '30', SESSION_MAX_HOURS: '8' })
    const user = await makeUser(db, 'caller')
    const idle = await loginAs(user)
    const longAgo = new Date(Date.now() - 31 * 60_000).toISOString()
    await db.updateTable('session').set({ lastSeenAt: longAgo }).execute()
    assert.equal((await app.inject({ url: '/api/auth/me', headers: idle })).statusCode, 401)
    assert.equal((await db.selectFrom('session').selectAll().execute()).length, 0, 'the expired session is deleted')

    const old = await loginAs(user)
    await db
      .updateTable('session')
      .set({ expiresAt: new Date(Date.now() - 1000).toISOString() })
      .execute()
    assert.equal((await app.inject({ url: '/api/auth/me', headers: old })).statusCode, 401)
  })

  it('stores only a hash of the session token', async (t) => {
    const { db, loginAs } = await buildTestApp(t)
    const headers = await loginAs(await makeUser(db, 'viewer'))
    const token = headers.cookie.split('=')[1]
    const sessions = await db.selectFrom('session').select('id').execute()
    assert.equal(sessions.length, 1)
    assert.notEqual(sessions[0].id, token)
    assert.match(sessions[0].id, /^[0-9a-f]{64}$/)
  })
})

describe('cross-site request forgery', () => {
  it('refuses a state-changing request whose Origin is another site, and accepts the app’s own origin', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const headers = await loginAs(await makeUser(db, 'caller'))
    const forged = await app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { ...headers, origin: 'https://evil.example' },
    })
    assert.equal(forged.statusCode, 403)
    assert.equal(forged.json().error.code, 'CROSS_ORIGIN_REFUSED')
    assert.equal((await app.inject({ url: '/api/auth/me', headers })).statusCode, 200, 'the session survived')

    const sameOrigin = await app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { ...headers, origin: 'http://localhost:80', host: 'localhost:80' },
    })
    assert.equal(sameOrigin.statusCode, 204)
  })
})
