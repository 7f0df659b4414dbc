import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeOrganization, makeUser } from '../../../../test/factories.js'
import { type ReceivedMail, startSmtpServer } from '../../../../test/smtp.js'
import { RESET_ANSWER } from '../../../shared/contracts/account.js'
import { createTransport, deliverDueEmails } from '../mail/outbox.worker.js'
import { linkSsoIdentity, saveSsoSettings } from '../sso/sso.queries.js'
import { RESET_ANSWER_MS } from './account.service.js'

const PASSWORD = 'Quatre chevaux boivent du thé vert au matin'

/** The text of a received mail, its quoted-printable undone. */
function textOf(mail: ReceivedMail): string {
  const body = mail.raw.slice(mail.raw.search(/\r?\n\r?\n/))
  return body.replace(/=\r?\n/g, '').replace(/(?:=[0-9A-F]{2})+/g, (bytes) =>
    Buffer.from(
      bytes
        .split('=')
        .slice(1)
        .map((hex) => Number.parseInt(hex, 16)),
    ).toString('utf8'),
  )
}

function tokenIn(mail: ReceivedMail): { link: string; token: string } {
  const match = /(https?:\/\/\S+\/mot-de-passe#token=([A-Za-z0-9_-]+))/.exec(textOf(mail))
  assert.ok(match, `a link in the mail: ${textOf(mail)}`)
  return { link: match[1], token: match[2] }
}

async function setUp(t: Parameters<typeof buildTestApp>[0], env: NodeJS.ProcessEnv = {}) {
  const test = await buildTestApp(t, { PUBLIC_URL: 'https://allervers.example.org', ...env })
  const smtp = await startSmtpServer()
  t.after(() => smtp.stop())
  const transport = createTransport(smtp.url)
  const organization = await makeOrganization(test.db, { code: 'HOME' })
  const admin = await test.loginAs(await makeUser(test.db, 'admin', { organizationId: organization.id }))
  /** Sends what the outbox holds through the real SMTP server. */
  const deliver = async () => {
    await deliverDueEmails(test.db, transport, 'Allervers <no-reply@test.localhost>')
    return smtp.received
  }
  /** The admin invites a caller of HOME by email; the invitation is taken (201). */
  const invite = async (email: string, name: string) => {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/users/invitations',
      headers: admin,
      payload: { email, name, organization: 'HOME', role: 'caller' },
    })
    assert.equal(response.statusCode, 201, response.body)
    return response
  }
  return { ...test, smtp, organization, deliver, invite }
}

describe('invitations by email', () => {
  it('mails a link over SMTP that sets the password once; the account signs in with it, and the link is spent', async (t) => {
    const { app, db, deliver, invite } = await setUp(t)
    const body = (await invite('Nadia.Benali@asso.example', 'Nadia Benali')).json()
    assert.equal(body.created, true)
    assert.equal(body.invited, true)
    const hours = (Date.parse(body.expiresAt) - Date.now()) / 3_600_000
    assert.ok(hours > 71.9 && hours <= 72, `INVITATION_HOURS 72 by default: ${hours}`)

    const login = (password: string) =>
      app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'nadia.benali@asso.example', password } })
    assert.equal((await login('')).statusCode, 400)
    assert.equal((await login('anything at all')).statusCode, 401, 'no password before the link is used')

    const mails = await deliver()
    assert.equal(mails.length, 1)
    assert.deepEqual(mails[0].to, ['nadia.benali@asso.example'])
    const { link, token } = tokenIn(mails[0])
    assert.ok(link.startsWith('https://allervers.example.org/mot-de-passe#token='), 'PUBLIC_URL, token in the fragment')
    assert.match(textOf(mails[0]), /Bonjour Nadia Benali/)
    const stored = await db.selectFrom('accountToken').selectAll().execute()
    assert.equal(stored.length, 1)
    assert.notEqual(stored[0].id, token, 'only a hash is stored')

    const read = await app.inject({ method: 'POST', url: '/api/account/link', payload: { token } })
    assert.equal(read.statusCode, 200)
    const { expiresAt: _expiresAt, ...described } = read.json() as Record<string, unknown>
    assert.deepEqual(described, {
      purpose: 'invitation',
      email: 'nadia.benali@asso.example',
      name: 'Nadia Benali',
      ssoProviders: null,
    })

    const weak = await app.inject({
      method: 'POST',
      url: '/api/account/link/password',
      payload: { token, password: 'password1234' },
    })
    assert.equal(weak.statusCode, 400)
    assert.equal(weak.json().error.details.reason, 'too_weak')

    const set = await app.inject({
      method: 'POST',
      url: '/api/account/link/password',
      payload: { token, password: PASSWORD },
    })
    assert.equal(set.statusCode, 204, set.body)
    assert.equal((await login(PASSWORD)).statusCode, 200)

    const again = await app.inject({
      method: 'POST',
      url: '/api/account/link/password',
      payload: { token, password: `${PASSWORD} encore` },
    })
    assert.equal(again.statusCode, 404)
    assert.equal(again.json().error.details.reason, 'used')
    assert.equal((await login(PASSWORD)).statusCode, 200, 'the spent link changed nothing')
    const actions = await db.selectFrom('auditEvent').select('action').where('action', 'like', '%invit%').execute()
    assert.deepEqual(actions.map((a) => a.action).sort(), ['account.invitation_accepted', 'user.invite'])
  })

  it('refuses an expired link (INVITATION_HOURS), and an invitation sent again replaces the first link', async (t) => {
    const { app, db, deliver, invite } = await setUp(t, { INVITATION_HOURS: '1' })
    const inviteLeo = () => invite('late@asso.example', 'Léo Tardif')
    await inviteLeo()
    const [first] = await deliver()
    await db
      .updateTable('accountToken')
      .set({ expiresAt: new Date(Date.now() - 1000).toISOString() })
      .execute()
    const expired = await app.inject({
      method: 'POST',
      url: '/api/account/link',
      payload: { token: tokenIn(first).token },
    })
    assert.equal(expired.statusCode, 404)
    assert.equal(expired.json().error.details.reason, 'expired')
    const refused = await app.inject({
      method: 'POST',
      url: '/api/account/link/password',
      payload: { token: tokenIn(first).token, password: PASSWORD },
    })
    assert.equal(refused.statusCode, 404)

    const second = await inviteLeo()
    assert.deepEqual(
      { created: second.json().created, invited: second.json().invited },
      { created: false, invited: true },
    )
    const mails = await deliver()
    assert.equal(mails.length, 2)
    const set = await app.inject({
      method: 'POST',
      url: '/api/account/link/password',
      payload: { token: tokenIn(mails[1]).token, password: PASSWORD },
    })
    assert.equal(set.statusCode, 204)
    const third = await inviteLeo()
    assert.deepEqual(
      { created: third.json().created, invited: third.json().invited },
      { created: false, invited: false },
      'an account with a password gets no new invitation',
    )
  })
})

describe('password reset by email', () => {
  it('answers the same, in similar time, whether the address has an account or not; only the owner gets a link', async (t) => {
    const { app, db, deliver } = await setUp(t)
    const user = await makeUser(db, 'caller')
    const ask = async (email: string) => {
      const started = performance.now()
      const response = await app.inject({ method: 'POST', url: '/api/account/password-reset', payload: { email } })
      return { response, ms: performance.now() - started }
    }
    const known = await ask(user.email.toUpperCase())
    const unknown = await ask('nobody@nowhere.example')
    for (const { response, ms } of [known, unknown]) {
      assert.equal(response.statusCode, 202)
      assert.deepEqual(response.json(), { message: RESET_ANSWER })
      assert.ok(ms >= RESET_ANSWER_MS - 5, `answered after ${Math.round(ms)} ms`)
    }
    assert.equal(known.response.body, unknown.response.body)
    assert.ok(
      Math.abs(known.ms - unknown.ms) < 150,
      `similar times: ${Math.round(known.ms)} / ${Math.round(unknown.ms)} ms`,
    )
    t.diagnostic(`known ${Math.round(known.ms)} ms, unknown ${Math.round(unknown.ms)} ms`)

    const mails = await deliver()
    assert.deepEqual(
      mails.map((mail) => mail.to[0]),
      [user.email],
    )
    const { token } = tokenIn(mails[0])
    const expiresAt = (await app.inject({ method: 'POST', url: '/api/account/link', payload: { token } })).json()
      .expiresAt
    const minutes = (Date.parse(expiresAt) - Date.now()) / 60_000
    assert.ok(minutes > 59 && minutes <= 60, `PASSWORD_RESET_MINUTES 60: ${minutes}`)

    // The old password's sessions end with the reset.
    const old = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: user.email, password: user.password },
    })
    const oldCookie = { cookie: `allervers_session=${old.cookies[0].value}` }
    assert.equal((await app.inject({ url: '/api/auth/me', headers: oldCookie })).statusCode, 200)
    const set = await app.inject({
      method: 'POST',
      url: '/api/account/link/password',
      payload: { token, password: PASSWORD },
    })
    assert.equal(set.statusCode, 204)
    assert.equal((await app.inject({ url: '/api/auth/me', headers: oldCookie })).statusCode, 401)
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: user.email, password: PASSWORD },
    })
    assert.equal(login.statusCode, 200)
  })

  it('sends at most PASSWORD_RESET_MAX_PER_ACCOUNT links to one account, answering the same; refuses an address past PASSWORD_RESET_MAX_PER_ADDRESS', async (t) => {
    const { app, db, deliver } = await setUp(t, { PASSWORD_RESET_MAX_PER_ADDRESS: '6' })
    const user = await makeUser(db, 'caller')
    const disabled = await makeUser(db, 'caller')
    await db.updateTable('user').set({ isActive: 0 }).where('id', '=', disabled.id).execute()
    const ask = (email: string, remoteAddress = '198.51.100.7') =>
      app.inject({ method: 'POST', url: '/api/account/password-reset', remoteAddress, payload: { email } })
    for (let index = 0; index < 5; index++) {
      const response = await ask(user.email, `10.0.0.${index + 1}`)
      assert.equal(response.statusCode, 202)
      assert.deepEqual(response.json(), { message: RESET_ANSWER })
    }
    assert.equal((await ask(disabled.email, '10.0.1.1')).statusCode, 202)
    const mails = await deliver()
    assert.equal(mails.length, 3, 'PASSWORD_RESET_MAX_PER_ACCOUNT 3; nothing to a disabled account')
    // Only the last link works: each new one replaces the one before (the mails may arrive in any order).
    const statuses = []
    for (const mail of mails) {
      const read = await app.inject({
        method: 'POST',
        url: '/api/account/link',
        payload: { token: tokenIn(mail).token },
      })
      statuses.push(read.statusCode)
    }
    assert.deepEqual(statuses.sort(), [200, 404, 404])

    for (let index = 0; index < 6; index++) {
      assert.equal((await ask(`someone${index}@example.org`)).statusCode, 202, `request ${index + 1}`)
    }
    const limited = await ask('someone@example.org')
    assert.equal(limited.statusCode, 429)
    assert.equal(limited.json().error.code, 'RATE_LIMITED')
    assert.ok(Number(limited.headers['retry-after']) > 0)
    assert.equal((await ask('someone@example.org', '203.0.113.9')).statusCode, 202, 'another address is not refused')
    const outcomes = await db
      .selectFrom('auditEvent')
      .select(['details'])
      .where('action', '=', 'account.reset_requested')
      .where('actorEmail', '=', user.email)
      .execute()
    assert.deepEqual(
      outcomes.map((row) => JSON.parse(String(row.details)).outcome),
      ['sent', 'sent', 'sent', 'account_limit', 'account_limit'],
    )
  })
})

describe('changing one’s password', () => {
  it('asks the current password, refuses a weak new one, and ends the other sessions only', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const user = await makeUser(db, 'manager')
    const here = await loginAs(user)
    const elsewhere = await loginAs(user)
    const change = (currentPassword: string, newPassword: string) =>
      app.inject({
        method: 'POST',
        url: '/api/account/password',
        headers: here,
        payload: { currentPassword, newPassword },
      })
    const wrong = await change('not it', PASSWORD)
    assert.equal(wrong.statusCode, 400)
    assert.equal(wrong.json().error.details.field, 'currentPassword')
    const weak = await change(user.password, 'aaaaaaaaaaaa')
    assert.equal(weak.statusCode, 400)
    assert.equal(weak.json().error.details.field, 'password')
    assert.equal((await change(user.password, PASSWORD)).statusCode, 204)
    assert.equal((await app.inject({ url: '/api/auth/me', headers: here })).statusCode, 200, 'this session stays')
    assert.equal((await app.inject({ url: '/api/auth/me', headers: elsewhere })).statusCode, 401, 'the others end')
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: user.email, password: PASSWORD },
    })
    assert.equal(login.statusCode, 200)
  })

  it('mails no link to an account that signs in through its organisation’s provider, only where to sign in; same answer, same time', async (t) => {
    const { app, db, deliver } = await setUp(t)
    const organization = await makeOrganization(db, { code: 'NORD', name: 'Habitat du Nord' })
    const sso = {
      organizationId: organization.id,
      isEnabled: true,
      issuer: 'https://sso.example.org/realms/nord',
      clientId: 'allervers',
      clientSecretEncrypted: 'v1.x.y.z',
      scopes: 'openid email profile',
      groupsClaim: 'groups',
      roleMapping: [{ group: 'appels', role: 'caller' as const }],
      provisioning: 'first_sign_in' as const,
      updatedAt: new Date().toISOString(),
      updatedBy: 'test',
    }
    await saveSsoSettings(db, sso)
    // An account that had a password before its organisation's provider took it over.
    const bound = await makeUser(db, 'caller', { organizationId: organization.id })
    await linkSsoIdentity(db, {
      organizationId: organization.id,
      subject: 'sub-1',
      userId: bound.id,
      now: sso.updatedAt,
    })
    const hashBefore = (
      await db.selectFrom('user').select('passwordHash').where('id', '=', bound.id).executeTakeFirst()
    )?.passwordHash
    const ask = async (email: string) => {
      const started = performance.now()
      const response = await app.inject({ method: 'POST', url: '/api/account/password-reset', payload: { email } })
      return { response, ms: performance.now() - started }
    }
    const known = await ask(bound.email)
    const unknown = await ask('nobody@nowhere.example')
    for (const { response, ms } of [known, unknown]) {
      assert.equal(response.statusCode, 202)
      assert.deepEqual(response.json(), { message: RESET_ANSWER })
      assert.ok(ms >= RESET_ANSWER_MS - 5, `answered after ${Math.round(ms)} ms`)
    }
    assert.equal(known.response.body, unknown.response.body)
    assert.ok(
      Math.abs(known.ms - unknown.ms) < 150,
      `similar times: ${Math.round(known.ms)} / ${Math.round(unknown.ms)}`,
    )

    assert.equal(
      (await db.selectFrom('accountToken').select('id').where('userId', '=', bound.id).execute()).length,
      0,
      'no link that could set a password',
    )
    const mails = await deliver()
    assert.deepEqual(
      mails.map((mail) => mail.to[0]),
      [bound.email],
    )
    const text = textOf(mails[0])
    assert.doesNotMatch(text, /mot-de-passe#token=/)
    assert.match(text, /connexion unique de votre organisme \(Habitat du Nord\)/)
    // French typography: no-break spaces inside the guillemets.
    assert.match(text, /«\u00a0Se connecter avec Habitat du Nord\u00a0»/)

    // The provider switched off: the mail says so, still without a link.
    await saveSsoSettings(db, { ...sso, isEnabled: false })
    assert.equal((await ask(bound.email)).response.statusCode, 202)
    const second = (await deliver()).slice(1)
    assert.equal(second.length, 1)
    assert.doesNotMatch(textOf(second[0]), /mot-de-passe#token=|Se connecter avec/)
    assert.match(textOf(second[0]), /désactivée pour le moment/)

    const outcomes = await db
      .selectFrom('auditEvent')
      .select('details')
      .where('action', '=', 'account.reset_requested')
      .where('actorEmail', '=', bound.email)
      .execute()
    assert.deepEqual(
      outcomes.map((row) => JSON.parse(String(row.details)).outcome),
      ['sso_account', 'sso_account'],
    )
    const hashAfter = (await db.selectFrom('user').select('passwordHash').where('id', '=', bound.id).executeTakeFirst())
      ?.passwordHash
    assert.equal(hashAfter, hashBefore)
  })

  it('refuses a reset link mailed before the account was bound to its organisation’s provider: no password is set', async (t) => {
    const { app, db, deliver } = await setUp(t)
    const user = await makeUser(db, 'caller')
    const asked = await app.inject({
      method: 'POST',
      url: '/api/account/password-reset',
      payload: { email: user.email },
    })
    assert.equal(asked.statusCode, 202)
    const { token } = tokenIn((await deliver())[0])
    await linkSsoIdentity(db, {
      organizationId: user.organizationId,
      subject: 'sub-2',
      userId: user.id,
      now: new Date().toISOString(),
    })
    // The page knows on opening the link: same purpose and account as before, and no provider to name.
    const read = await app.inject({ method: 'POST', url: '/api/account/link', payload: { token } })
    assert.equal(read.statusCode, 200, read.body)
    assert.equal(read.json().purpose, 'password_reset')
    assert.deepEqual(read.json().ssoProviders, [])
    const set = await app.inject({
      method: 'POST',
      url: '/api/account/link/password',
      payload: { token, password: PASSWORD },
    })
    assert.equal(set.statusCode, 403, set.body)
    assert.equal(set.json().error.code, 'FORBIDDEN')
    // Its provider is not switched on: the refusal says why, and names no provider to sign in with.
    assert.deepEqual(set.json().error.details, { reason: 'sso_account', providers: [] })
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: user.email, password: PASSWORD },
    })
    assert.equal(login.statusCode, 401, 'the new password was not set')
  })

  it('refuses an invitation link once the account signs in with its organisation’s provider, naming the provider', async (t) => {
    const { app, db, deliver, invite } = await setUp(t)
    await invite('ines.roux@asso.example', 'Inès Roux')
    const { token } = tokenIn((await deliver())[0])
    const user = await db
      .selectFrom('user')
      .select(['id'])
      .where('email', '=', 'ines.roux@asso.example')
      .executeTakeFirstOrThrow()
    const organization = await makeOrganization(db, { code: 'NORD', name: 'Habitat du Nord' })
    const now = new Date().toISOString()
    await saveSsoSettings(db, {
      organizationId: organization.id,
      isEnabled: true,
      issuer: 'https://sso.example.org/realms/nord',
      clientId: 'allervers',
      clientSecretEncrypted: 'v1.x.y.z',
      scopes: 'openid email profile',
      groupsClaim: 'groups',
      roleMapping: [{ group: 'appels', role: 'caller' as const }],
      provisioning: 'first_sign_in' as const,
      updatedAt: now,
      updatedBy: 'test',
    })
    const before = await app.inject({ method: 'POST', url: '/api/account/link', payload: { token } })
    assert.equal(before.json().ssoProviders, null, 'a password can be set until the account is bound')
    await linkSsoIdentity(db, { organizationId: organization.id, subject: 'sub-3', userId: user.id, now })
    // Opening the link says what a submit would: the provider to sign in with, nothing more.
    const read = await app.inject({ method: 'POST', url: '/api/account/link', payload: { token } })
    assert.equal(read.statusCode, 200, read.body)
    assert.deepEqual(read.json().ssoProviders, ['Habitat du Nord'])
    const set = await app.inject({
      method: 'POST',
      url: '/api/account/link/password',
      payload: { token, password: PASSWORD },
    })
    assert.equal(set.statusCode, 403, set.body)
    assert.deepEqual(set.json().error.details, { reason: 'sso_account', providers: ['Habitat du Nord'] })
    const stored = await db
      .selectFrom('user')
      .select('passwordHash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow()
    assert.ok(!stored.passwordHash, 'no password was set')
    const spent = await db
      .selectFrom('accountToken')
      .select('usedAt')
      .where('userId', '=', user.id)
      .executeTakeFirstOrThrow()
    assert.equal(spent.usedAt, null, 'the refusal spends nothing')
  })
})
