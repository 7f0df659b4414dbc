import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildTestApp } from '../../../../test/app.js'
import { makeOrganization, makeUser, type TestUser } from '../../../../test/factories.js'
import { me, setUpSso, signIn } from '../../../../test/sso-sign-in.js'
import type { Db } from '../../db/database.js'
import { createNetwork, createOrganization } from '../organizations/organizations.queries.js'
import { totpCodeAt } from './mfa.crypto.js'
import { MFA_ACCOUNT_MAX_FAILURES } from './mfa.service.js'

const cookieOf = (response: LightMyRequestResponse, name: string) => {
  const cookie = response.cookies.find((c) => c.name === name && c.value !== '')
  return cookie ? `${cookie.name}=${cookie.value}` : undefined
}

function client(app: FastifyInstance) {
  const login = (user: TestUser, remoteAddress = '203.0.113.7') =>
    app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress,
      payload: { email: user.email, password: user.password },
    })
  const post = (url: string, cookie: string | undefined, payload?: object, remoteAddress = '203.0.113.7') =>
    app.inject({
      method: 'POST',
      url,
      remoteAddress,
      headers: cookie ? { cookie } : {},
      ...(payload ? { payload } : {}),
    })
  return { login, post }
}

/**
 * A code of a later 30-second step than any used so far. Each code is accepted once, so a test that signs in several
 * times within one step forgets the step recorded (as if 30 seconds had passed) and types the current code.
 */
async function laterCode(db: Db, userId: string, secret: string) {
  await db.updateTable('userMfa').set({ lastUsedStep: null }).where('userId', '=', userId).execute()
  return totpCodeAt(secret, Date.now())
}

/** A caller who adds a second factor from « Mon compte »: answers the secret and the recovery codes. */
async function enrolFromAccount(t: TestContext, env: NodeJS.ProcessEnv = {}) {
  const test = await buildTestApp(t, env)
  const user = await makeUser(test.db, 'caller')
  const headers = await test.loginAs(user)
  const start = await test.app.inject({ method: 'POST', url: '/api/account/mfa/enrolment', headers })
  assert.equal(start.statusCode, 200)
  const { secret } = start.json()
  const confirm = await test.app.inject({
    method: 'POST',
    url: '/api/account/mfa/enrolment/confirm',
    headers,
    payload: { code: totpCodeAt(secret, Date.now()) },
  })
  assert.equal(confirm.statusCode, 200)
  return { ...test, user, headers, secret: secret as string, recoveryCodes: confirm.json().recoveryCodes as string[] }
}

describe('second factor from « Mon compte »', () => {
  it('enrols with a QR code and a first code, shows 10 recovery codes once, and stores the secret encrypted', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const user = await makeUser(db, 'caller')
    const headers = await loginAs(user)
    const before = await app.inject({ url: '/api/account/mfa', headers })
    assert.deepEqual(before.json(), { enabled: false, enabledAt: null, isRequired: false, recoveryCodesLeft: 0 })

    const start = await app.inject({ method: 'POST', url: '/api/account/mfa/enrolment', headers })
    assert.equal(start.statusCode, 200)
    const provisioning = start.json()
    assert.match(provisioning.secret, /^[A-Z2-7]{32}$/)
    assert.match(provisioning.uri, /^otpauth:\/\/totp\/Allervers:.+secret=[A-Z2-7]{32}/)
    assert.match(provisioning.qrCode, /^data:image\/svg\+xml;base64,/)
    assert.equal(provisioning.accountLabel, user.email)
    const again = await app.inject({ method: 'POST', url: '/api/account/mfa/enrolment', headers })
    assert.equal(again.json().secret, provisioning.secret, 'the same secret until it is confirmed')

    const stored = await db.selectFrom('userMfa').selectAll().where('userId', '=', user.id).executeTakeFirstOrThrow()
    assert.ok(!stored.secret.includes(provisioning.secret), 'the secret is not stored in clear')
    assert.match(stored.secret, /^v1\./)
    assert.equal(stored.enabledAt, null)

    const wrong = await app.inject({
      method: 'POST',
      url: '/api/account/mfa/enrolment/confirm',
      headers,
      payload: { code: totpCodeAt(provisioning.secret, Date.now() - 10 * 60_000) },
    })
    assert.equal(wrong.statusCode, 400)
    assert.equal(wrong.json().error.details.reason, 'wrong_code')

    const confirm = await app.inject({
      method: 'POST',
      url: '/api/account/mfa/enrolment/confirm',
      headers,
      payload: { code: totpCodeAt(provisioning.secret, Date.now()) },
    })
    assert.equal(confirm.statusCode, 200)
    const { recoveryCodes } = confirm.json()
    assert.equal(recoveryCodes.length, 10)
    assert.equal(new Set(recoveryCodes).size, 10)
    for (const code of recoveryCodes) assert.match(code, /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/)
    const hashes = await db.selectFrom('mfaRecoveryCode').select('codeHash').where('userId', '=', user.id).execute()
    assert.equal(hashes.length, 10)
    assert.ok(hashes.every((row) => !recoveryCodes.some((code: string) => row.codeHash.includes(code))))

    const after = (await app.inject({ url: '/api/account/mfa', headers })).json()
    assert.equal(after.enabled, true)
    assert.equal(after.recoveryCodesLeft, 10)
    const twice = await app.inject({ method: 'POST', url: '/api/account/mfa/enrolment', headers })
    assert.equal(twice.statusCode, 409)
    const events = await db.selectFrom('auditEvent').select('action').where('actorUserId', '=', user.id).execute()
    assert.ok(events.some((event) => event.action === 'account.mfa_enabled'))
  })

  it('turns the second factor off with the password, but not for a role that requires it', async (t) => {
    const { app, db, user, headers } = await enrolFromAccount(t)
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/account/mfa/disable',
      headers,
      payload: { password: 'not the password' },
    })
    assert.equal(wrong.statusCode, 400)
    assert.equal(wrong.json().error.details.reason, 'wrong_password')
    const off = await app.inject({
      method: 'POST',
      url: '/api/account/mfa/disable',
      headers,
      payload: { password: user.password },
    })
    assert.equal(off.statusCode, 204)
    assert.equal((await app.inject({ url: '/api/account/mfa', headers })).json().enabled, false)
    assert.equal((await client(app).login(user)).json().user.id, user.id, 'signs in with the password alone again')
    assert.equal((await db.selectFrom('mfaRecoveryCode').selectAll().execute()).length, 0)

    const required = await buildTestApp(t, { MFA_REQUIRED_ROLES: 'manager' })
    const manager = await makeUser(required.db, 'manager')
    const managerHeaders = await required.loginAs(await makeUser(required.db, 'caller')) // a colleague not forced
    assert.ok(managerHeaders.cookie)
    const pending = await client(required.app).login(manager)
    const enrolCookie = cookieOf(pending, 'allervers_mfa')
    const { secret } = (await client(required.app).post('/api/auth/mfa/enrolment', enrolCookie)).json()
    const confirmed = await client(required.app).post('/api/auth/mfa/enrolment/confirm', enrolCookie, {
      code: totpCodeAt(secret, Date.now()),
    })
    const session = cookieOf(confirmed, 'allervers_session')
    const refused = await required.app.inject({
      method: 'POST',
      url: '/api/account/mfa/disable',
      headers: { cookie: session! },
      payload: { password: manager.password },
    })
    assert.equal(refused.statusCode, 409)
    assert.equal(refused.json().error.details.reason, 'required_by_role')
    const status = await required.app.inject({ url: '/api/account/mfa', headers: { cookie: session! } })
    assert.equal(status.json().isRequired, true)
  })

  it('gives new recovery codes for the password or a code; the previous ones stop working', async (t) => {
    const { app, db, user, headers, secret, recoveryCodes } = await enrolFromAccount(t)
    const refused = await app.inject({
      method: 'POST',
      url: '/api/account/mfa/recovery-codes',
      headers,
      payload: {},
    })
    assert.equal(refused.statusCode, 400)
    const byPassword = await app.inject({
      method: 'POST',
      url: '/api/account/mfa/recovery-codes',
      headers,
      payload: { password: user.password },
    })
    assert.equal(byPassword.statusCode, 200)
    const fresh: string[] = byPassword.json().recoveryCodes
    assert.equal(fresh.length, 10)
    assert.ok(fresh.every((code) => !recoveryCodes.includes(code)))
    const byCode = await app.inject({
      method: 'POST',
      url: '/api/account/mfa/recovery-codes',
      headers,
      payload: { code: await laterCode(db, user.id, secret) },
    })
    assert.equal(byCode.statusCode, 200)
    const latest: string[] = byCode.json().recoveryCodes

    const { login, post } = client(app)
    const stale = await post('/api/auth/mfa/verify', cookieOf(await login(user), 'allervers_mfa'), {
      code: recoveryCodes[0],
    })
    assert.equal(stale.statusCode, 401, 'a code of the first set no longer works')
    const current = await post('/api/auth/mfa/verify', cookieOf(await login(user), 'allervers_mfa'), {
      code: latest[0],
    })
    assert.equal(current.statusCode, 200)
  })
})

describe('signing in with a second factor', () => {
  it('asks for a code after the password, opens the session only then, and refuses a wrong or replayed code', async (t) => {
    const { app, db, user, secret } = await enrolFromAccount(t)
    const { login, post } = client(app)
    const first = await login(user)
    assert.equal(first.statusCode, 200)
    assert.equal(first.json().mfa, 'code')
    assert.equal(first.json().user, undefined)
    assert.equal(cookieOf(first, 'allervers_session'), undefined, 'no session yet')
    const pending = cookieOf(first, 'allervers_mfa')
    assert.ok(pending)
    const mfaCookie = first.cookies.find((c) => c.name === 'allervers_mfa')!
    assert.equal(mfaCookie.httpOnly, true)
    assert.equal(mfaCookie.path, '/api/auth/mfa')
    // The pending sign-in's cookie opens nothing else.
    assert.equal((await app.inject({ url: '/api/auth/me', headers: { cookie: pending } })).statusCode, 401)

    const wrong = await post('/api/auth/mfa/verify', pending, { code: '000000' })
    assert.equal(wrong.statusCode, 401)
    assert.equal(wrong.json().error.code, 'INVALID_CREDENTIALS')
    assert.equal(wrong.json().error.details.reason, 'wrong_code')
    assert.equal(wrong.json().error.details.attemptsLeft, 4)

    const code = await laterCode(db, user.id, secret)
    const right = await post('/api/auth/mfa/verify', pending, { code })
    assert.equal(right.statusCode, 200)
    assert.equal(right.json().user.id, user.id)
    const session = cookieOf(right, 'allervers_session')
    assert.ok(session)
    assert.equal((await app.inject({ url: '/api/auth/me', headers: { cookie: session } })).statusCode, 200)
    assert.equal((await post('/api/auth/mfa/verify', pending, { code })).statusCode, 404, 'the pending sign-in ended')

    // The same code again, in a new sign-in within its 90 seconds: refused.
    const replay = await post('/api/auth/mfa/verify', cookieOf(await login(user), 'allervers_mfa'), { code })
    assert.equal(replay.statusCode, 401)
    assert.equal(replay.json().error.details.reason, 'code_already_used')

    const logins = await db
      .selectFrom('auditEvent')
      .select(['action', 'details'])
      .where('actorUserId', '=', user.id)
      .where('action', 'in', ['auth.login', 'auth.mfa_failed', 'auth.mfa_challenge'])
      .execute()
    assert.ok(logins.some((e) => e.action === 'auth.login' && String(e.details).includes('"secondFactor":"totp"')))
    assert.equal(logins.filter((e) => e.action === 'auth.mfa_failed').length, 2)
    assert.ok(
      logins.every((e) => !String(e.details).includes(code)),
      'no code in the log',
    )
  })

  it('accepts each recovery code once, in any case and without dashes, and says how many are left', async (t) => {
    const { app, db, user, recoveryCodes } = await enrolFromAccount(t)
    const { login, post } = client(app)
    const typed = recoveryCodes[3]!.replaceAll('-', '').toUpperCase()
    const used = await post('/api/auth/mfa/verify', cookieOf(await login(user), 'allervers_mfa'), { code: typed })
    assert.equal(used.statusCode, 200)
    assert.equal(used.json().recoveryCodesLeft, 9)
    assert.ok(cookieOf(used, 'allervers_session'))
    const again = await post('/api/auth/mfa/verify', cookieOf(await login(user), 'allervers_mfa'), {
      code: recoveryCodes[3],
    })
    assert.equal(again.statusCode, 401)
    assert.equal(again.json().error.details.reason, 'wrong_code')
    const audit = await db
      .selectFrom('auditEvent')
      .select('action')
      .where('action', '=', 'auth.mfa_recovery_code_used')
      .execute()
    assert.equal(audit.length, 1)
    // Another user's recovery code is no code of this account.
    const other = await enrolFromAccount(t)
    const foreign = await client(other.app).post(
      '/api/auth/mfa/verify',
      cookieOf(await client(other.app).login(other.user), 'allervers_mfa'),
      { code: recoveryCodes[0] },
    )
    assert.equal(foreign.statusCode, 401)
  })

  it('ends a pending sign-in after 5 wrong codes, and refuses a verification without one', async (t) => {
    const { app, db, user, secret } = await enrolFromAccount(t)
    const { login, post } = client(app)
    assert.equal((await post('/api/auth/mfa/verify', undefined, { code: '123456' })).json().error.code, 'NOT_FOUND')
    const pending = cookieOf(await login(user), 'allervers_mfa')
    for (let attempt = 0; attempt < 5; attempt++) {
      assert.equal((await post('/api/auth/mfa/verify', pending, { code: '000000' })).statusCode, 401)
    }
    const after = await post('/api/auth/mfa/verify', pending, { code: await laterCode(db, user.id, secret) })
    assert.equal(after.statusCode, 404)
    assert.equal(after.json().error.details.reason, 'no_pending_sign_in', 'even the right code: sign in again')
  })

  it('counts wrong codes like wrong passwords: past LOGIN_MAX_FAILURES from one address, 429 even for a right code', async (t) => {
    const { app, db, user, secret } = await enrolFromAccount(t, { LOGIN_MAX_FAILURES: '3' })
    const { login, post } = client(app)
    for (let attempt = 0; attempt < 3; attempt++) {
      const pending = cookieOf(await login(user), 'allervers_mfa')
      assert.equal((await post('/api/auth/mfa/verify', pending, { code: '000000' })).statusCode, 401)
    }
    const pending = cookieOf(await login(user), 'allervers_mfa')
    const limited = await post('/api/auth/mfa/verify', pending, { code: await laterCode(db, user.id, secret) })
    assert.equal(limited.statusCode, 429)
    assert.equal(limited.json().error.code, 'RATE_LIMITED')
    assert.ok(Number(limited.headers['retry-after']) > 0)
    // The owner at another address is not affected.
    const elsewhere = await login(user, '198.51.100.9')
    const ok = await post(
      '/api/auth/mfa/verify',
      cookieOf(elsewhere, 'allervers_mfa'),
      { code: await laterCode(db, user.id, secret) },
      '198.51.100.9',
    )
    assert.equal(ok.statusCode, 200)
  })

  it('refuses every address past MFA_ACCOUNT_MAX_FAILURES wrong codes on one account, even a right code, and audits it', async (t) => {
    const { app, db, user, secret } = await enrolFromAccount(t, { LOGIN_ACCOUNT_SLOWDOWN_SECONDS: '0' })
    const { login, post } = client(app)
    // One wrong code from each of many addresses: no address reaches its own limit.
    for (let attempt = 0; attempt < MFA_ACCOUNT_MAX_FAILURES; attempt++) {
      const address = `198.51.100.${10 + attempt}`
      const pending = cookieOf(await login(user, address), 'allervers_mfa')
      assert.equal((await post('/api/auth/mfa/verify', pending, { code: '000000' }, address)).statusCode, 401)
    }
    const fresh = '192.0.2.200'
    const pending = cookieOf(await login(user, fresh), 'allervers_mfa')
    assert.ok(pending, 'the password still opens the second step')
    const limited = await post('/api/auth/mfa/verify', pending, { code: await laterCode(db, user.id, secret) }, fresh)
    assert.equal(limited.statusCode, 429)
    assert.equal(limited.json().error.code, 'RATE_LIMITED')
    assert.ok(Number(limited.headers['retry-after']) > 0)
    const audited = await db
      .selectFrom('auditEvent')
      .select('actorUserId')
      .where('action', '=', 'auth.mfa_rate_limited')
      .execute()
    assert.deepEqual(
      audited.map((row) => row.actorUserId),
      [user.id],
    )
  })
})

describe('second factor required by role', () => {
  it('makes a manager enrol before any session, and lets a caller sign in with the password alone', async (t) => {
    // MFA_REQUIRED_ROLES left to its default (admin, manager, social_worker, dpo).
    const { app, db } = await buildTestApp(t, { MFA_REQUIRED_ROLES: '' })
    const organization = await makeOrganization(db)
    const manager = await makeUser(db, 'manager', { organizationId: organization.id })
    const caller = await makeUser(db, 'caller', { organizationId: organization.id })
    const { login, post } = client(app)

    const callerLogin = await login(caller)
    assert.equal(callerLogin.json().user.id, caller.id)
    assert.ok(cookieOf(callerLogin, 'allervers_session'))

    const first = await login(manager)
    assert.equal(first.json().mfa, 'enrol')
    assert.equal(cookieOf(first, 'allervers_session'), undefined)
    const pending = cookieOf(first, 'allervers_mfa')!
    // Nothing else opens with the pending sign-in, not even « Mon compte ».
    assert.equal((await app.inject({ url: '/api/account/mfa', headers: { cookie: pending } })).statusCode, 401)
    assert.equal((await post('/api/auth/mfa/verify', pending, { code: '123456' })).statusCode, 404)

    const provisioning = (await post('/api/auth/mfa/enrolment', pending)).json()
    assert.match(provisioning.secret, /^[A-Z2-7]{32}$/)
    const wrong = await post('/api/auth/mfa/enrolment/confirm', pending, { code: '000000' })
    assert.equal(wrong.statusCode, 401)
    assert.equal(wrong.json().error.details.reason, 'wrong_code')
    const confirmed = await post('/api/auth/mfa/enrolment/confirm', pending, {
      code: totpCodeAt(provisioning.secret, Date.now()),
    })
    assert.equal(confirmed.statusCode, 200)
    assert.equal(confirmed.json().user.id, manager.id)
    assert.equal(confirmed.json().recoveryCodes.length, 10)
    const session = cookieOf(confirmed, 'allervers_session')!
    assert.equal((await app.inject({ url: '/api/auth/me', headers: { cookie: session } })).statusCode, 200)

    const next = await login(manager)
    assert.equal(next.json().mfa, 'code', 'from now on a code is asked')
    const verified = await post('/api/auth/mfa/verify', cookieOf(next, 'allervers_mfa'), {
      code: await laterCode(db, manager.id, provisioning.secret),
    })
    assert.equal(verified.statusCode, 200)
  })

  it('lets an administrator reset the second factor of an account of their network, and ends its sessions', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t, { MFA_REQUIRED_ROLES: 'manager' })
    const organization = await makeOrganization(db)
    const admin = await makeUser(db, 'admin', { organizationId: organization.id })
    const manager = await makeUser(db, 'manager', { organizationId: organization.id })
    const { login, post } = client(app)
    const pending = cookieOf(await login(manager), 'allervers_mfa')
    const { secret } = (await post('/api/auth/mfa/enrolment', pending)).json()
    const confirmed = await post('/api/auth/mfa/enrolment/confirm', pending, { code: totpCodeAt(secret, Date.now()) })
    const managerSession = cookieOf(confirmed, 'allervers_session')!

    const adminHeaders = await loginAs(admin)
    const farNetwork = await createNetwork(db, { code: 'far', name: 'Réseau lointain' })
    const far = await createOrganization(db, { networkId: farNetwork.id, code: 'FAR', name: 'Loin', type: 'landlord' })
    const farAdmin = await makeUser(db, 'admin', { organizationId: far.id })
    const outside = await app.inject({
      method: 'POST',
      url: `/api/users/${manager.id}/mfa/reset`,
      headers: await loginAs(farAdmin),
    })
    assert.equal(outside.statusCode, 404)
    const byManager = await app.inject({
      method: 'POST',
      url: `/api/users/${manager.id}/mfa/reset`,
      headers: { cookie: managerSession },
    })
    assert.equal(byManager.statusCode, 403)

    const listed = async () =>
      (await app.inject({ url: '/api/users', headers: adminHeaders }))
        .json()
        .items.find((item: { id: string }) => item.id === manager.id).hasSecondFactor
    assert.equal(await listed(), true, 'the administrator sees that the account has a second factor')
    const reset = await app.inject({ method: 'POST', url: `/api/users/${manager.id}/mfa/reset`, headers: adminHeaders })
    assert.equal(reset.statusCode, 204)
    assert.equal((await app.inject({ url: '/api/auth/me', headers: { cookie: managerSession } })).statusCode, 401)
    assert.equal((await db.selectFrom('userMfa').selectAll().where('userId', '=', manager.id).execute()).length, 0)
    assert.equal(await listed(), false)
    const audit = await db
      .selectFrom('auditEvent')
      .selectAll()
      .where('action', '=', 'user.mfa_reset')
      .executeTakeFirstOrThrow()
    assert.equal(audit.actorUserId, admin.id)
    assert.equal(audit.entityId, manager.id)
    assert.equal((await login(manager)).json().mfa, 'enrol', 'a new phone is enrolled at the next sign-in')
  })
})

describe('a second factor enrolled before the account was bound to its organisation’s single sign-on', () => {
  it('is removed when the account is bound to its provider, with its recovery codes and the password sign-in waiting for it, audited; the person manages none any more (403 sso_account)', async (t) => {
    const testApp = await setUpSso(t, { accounts: { lea: { email: 'placeholder', name: 'Léa', groups: ['agents'] } } })
    const { app, db, organization, provider } = testApp
    const lea = await makeUser(db, 'caller', { organizationId: organization.id })
    const passwordSession = await testApp.loginAs(lea)
    const { secret } = (
      await app.inject({ method: 'POST', url: '/api/account/mfa/enrolment', headers: passwordSession })
    ).json()
    const enrolled = await app.inject({
      method: 'POST',
      url: '/api/account/mfa/enrolment/confirm',
      headers: passwordSession,
      payload: { code: totpCodeAt(secret, Date.now()) },
    })
    assert.equal(enrolled.statusCode, 200)
    const recoveryCodes: string[] = enrolled.json().recoveryCodes
    // A password sign-in begun before the binding, waiting for its code.
    const { login, post } = client(app)
    const pending = cookieOf(await login(lea), 'allervers_mfa')
    assert.ok(pending)
    const lastSignIn = async () => {
      const row = await db
        .selectFrom('auditEvent')
        .select('details')
        .where('action', '=', 'auth.login')
        .where('actorUserId', '=', lea.id)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow()
      return JSON.parse(String(row.details))
    }
    const leftOf = async (table: 'userMfa' | 'mfaRecoveryCode' | 'mfaChallenge') =>
      (await db.selectFrom(table).select('userId').where('userId', '=', lea.id).execute()).length
    assert.deepEqual(
      [await leftOf('userMfa'), await leftOf('mfaRecoveryCode'), await leftOf('mfaChallenge')],
      [1, 10, 1],
    )

    provider.accounts.get('lea')!.email = lea.email
    const bound = await signIn(testApp, organization.code, 'lea')
    assert.equal((await me(testApp, bound.session)).signsInWithSso, true)
    assert.deepEqual(
      [await leftOf('userMfa'), await leftOf('mfaRecoveryCode'), await leftOf('mfaChallenge')],
      [0, 0, 0],
      'no secret, no recovery code, no pending sign-in left',
    )
    assert.deepEqual(await lastSignIn(), {
      method: 'sso',
      role: 'caller',
      accountBound: true,
      secondFactorRemoved: true,
    })

    const headers = { cookie: `allervers_session=${bound.session!.value}` }
    const code = totpCodeAt(secret, Date.now())
    for (const refused of [
      await app.inject({
        method: 'POST',
        url: '/api/account/mfa/disable',
        headers,
        payload: { password: lea.password },
      }),
      await app.inject({
        method: 'POST',
        url: '/api/account/mfa/recovery-codes',
        headers,
        payload: { password: lea.password },
      }),
      await app.inject({ method: 'POST', url: '/api/account/mfa/enrolment', headers }),
    ]) {
      assert.equal(refused.statusCode, 403, refused.body)
      assert.deepEqual(refused.json().error.details, { reason: 'sso_account', providers: ['Habitat du Nord'] })
    }
    for (const typed of [code, recoveryCodes[0]]) {
      const refused = await post('/api/auth/mfa/verify', pending, { code: typed })
      assert.equal(refused.statusCode, 404, refused.body)
      assert.equal(refused.json().error.details.reason, 'no_pending_sign_in')
      assert.equal(cookieOf(refused, 'allervers_session'), undefined, 'no session opened by the password')
    }
    assert.equal((await app.inject({ url: '/api/account/mfa', headers })).json().enabled, false)

    // A later sign-in through the provider binds nothing and removes nothing: its line says neither.
    const again = await signIn(testApp, organization.code, 'lea')
    assert.ok(again.session)
    assert.deepEqual(await lastSignIn(), { method: 'sso', role: 'caller' })
  })
})
