import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeUser } from '../../../../test/factories.js'
import { describeUserAgent } from './user-agent.js'

const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0'
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'

describe('« Mon compte »: one’s own sessions', () => {
  it('lists the user’s sessions with browser, system, start and last use, marking the current one, and nothing else', async (t) => {
    const { app, db } = await buildTestApp(t)
    const user = await makeUser(db, 'caller')
    const other = await makeUser(db, 'caller')
    const login = async (who: typeof user, userAgent: string) => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'user-agent': userAgent },
        payload: { email: who.email, password: who.password },
      })
      const cookie = response.cookies.find((c) => c.name === 'allervers_session')!
      return { cookie: `${cookie.name}=${cookie.value}`, token: cookie.value }
    }
    const desk = await login(user, FIREFOX_WINDOWS)
    const phone = await login(user, SAFARI_IPHONE)
    await login(other, FIREFOX_WINDOWS)

    const response = await app.inject({ url: '/api/account/sessions', headers: { cookie: phone.cookie } })
    assert.equal(response.statusCode, 200)
    const items = response.json().items as Array<Record<string, unknown>>
    assert.equal(items.length, 2, 'only the user’s own sessions')
    const current = items.find((item) => item.isCurrent)
    assert.deepEqual({ browser: current?.browser, system: current?.system }, { browser: 'Safari', system: 'iOS' })
    const elsewhere = items.find((item) => !item.isCurrent)!
    assert.deepEqual(
      { browser: elsewhere.browser, system: elsewhere.system },
      { browser: 'Firefox', system: 'Windows' },
    )
    assert.deepEqual(
      items.map((item) => item.openedThrough),
      [null, null],
      'opened with a password: no provider named',
    )
    for (const item of items) {
      assert.deepEqual(Object.keys(item).sort(), [
        'browser',
        'id',
        'isCurrent',
        'lastSeenAt',
        'openedThrough',
        'startedAt',
        'system',
      ])
      assert.ok(!response.body.includes(desk.token) && !response.body.includes(phone.token), 'no token')
    }
    const stored = await db.selectFrom('session').select('id').execute()
    for (const row of stored) assert.ok(!response.body.includes(row.id), 'not the stored key either')
  })

  it('ends another of one’s sessions at once (its cookie opens nothing), refuses ids that are not one’s own', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const user = await makeUser(db, 'manager')
    const stranger = await makeUser(db, 'manager')
    const desk = await loginAs(user)
    const phone = await loginAs(user)
    const strangers = await loginAs(stranger)
    // Used a moment ago: remembered by the process (session-cache.ts).
    assert.equal((await app.inject({ url: '/api/auth/me', headers: phone })).statusCode, 200)

    const theirs = (await app.inject({ url: '/api/account/sessions', headers: strangers })).json().items[0].id
    const refused = await app.inject({ method: 'DELETE', url: `/api/account/sessions/${theirs}`, headers: desk })
    assert.equal(refused.statusCode, 404)
    assert.equal(refused.json().error.code, 'NOT_FOUND')
    assert.equal((await app.inject({ url: '/api/auth/me', headers: strangers })).statusCode, 200, 'untouched')

    const list = (await app.inject({ url: '/api/account/sessions', headers: desk })).json().items
    const phoneId = list.find((item: { isCurrent: boolean }) => !item.isCurrent).id
    const ended = await app.inject({ method: 'DELETE', url: `/api/account/sessions/${phoneId}`, headers: desk })
    assert.equal(ended.statusCode, 204)
    assert.equal((await app.inject({ url: '/api/auth/me', headers: phone })).statusCode, 401, 'ended at once')
    assert.equal((await app.inject({ url: '/api/auth/me', headers: desk })).statusCode, 200, 'the current one stays')
    const again = await app.inject({ method: 'DELETE', url: `/api/account/sessions/${phoneId}`, headers: desk })
    assert.equal(again.statusCode, 404)

    const audit = await db.selectFrom('auditEvent').selectAll().where('action', '=', 'account.session_end').execute()
    assert.equal(audit.length, 1)
    assert.equal(audit[0].actorUserId, user.id)

    const currentId = (await app.inject({ url: '/api/account/sessions', headers: desk })).json().items[0].id
    const own = await app.inject({ method: 'DELETE', url: `/api/account/sessions/${currentId}`, headers: desk })
    assert.equal(own.statusCode, 204)
    assert.equal(
      (await app.inject({ url: '/api/auth/me', headers: desk })).statusCode,
      401,
      'ending the current one signs out',
    )
  })
})

describe('describeUserAgent', () => {
  it('names common browsers and systems, and nothing for the unknown', () => {
    assert.deepEqual(describeUserAgent(FIREFOX_WINDOWS), { browser: 'Firefox', system: 'Windows' })
    assert.deepEqual(describeUserAgent(SAFARI_IPHONE), { browser: 'Safari', system: 'iOS' })
    assert.deepEqual(
      describeUserAgent(
        'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      ),
      { browser: 'Chrome', system: 'Android' },
    )
    assert.deepEqual(
      describeUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      ),
      { browser: 'Edge', system: 'Windows' },
    )
    assert.deepEqual(describeUserAgent('curl/8.5.0'), { browser: null, system: null })
    assert.deepEqual(describeUserAgent(null), { browser: null, system: null })
  })
})
