/**
 * Single sign-on against a real OpenID provider (oidc-provider) started in the test: the administrator's settings,
 * sign-ins creating and updating accounts from the provider's groups, and every refusal.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../../../../test/app.js'
import { assertMatchesContract } from '../../../../test/contract.js'
import { makeOrganization, makeUser } from '../../../../test/factories.js'
import { signInAtProvider } from '../../../../test/oidc-provider.js'
import { MAPPING, me, REDIRECT_URI, SSO_SECRET_KEY, setUpSso as setUp, signIn } from '../../../../test/sso-sign-in.js'
import { authContract } from '../../../shared/contracts/auth.js'
import { ssoContract } from '../../../shared/contracts/sso.js'
import { hashPassword } from '../auth/passwords.js'
import { insertUser, upsertMembership } from '../users/users.queries.js'
import { decryptSecret } from './sso-secret.js'

async function refusals(testApp: TestApp) {
  const rows = await testApp.db
    .selectFrom('auditEvent')
    .select(['details', 'organizationId'])
    .where('action', '=', 'auth.sso_refused')
    .execute()
  return rows.map((row) => JSON.parse(String(row.details)).reason)
}

describe('single sign-on settings', () => {
  it('are saved by an administrator; the secret is stored encrypted and never answered back', async (t) => {
    const testApp = await setUp(t)
    const { app, db, organization, adminSession, provider } = testApp
    const read = await app.inject({ url: `/api/organizations/${organization.code}/sso`, headers: adminSession })
    assert.equal(read.statusCode, 200)
    assertMatchesContract(ssoContract.readSettings, read)
    const body = read.json()
    assert.equal(body.redirectUri, REDIRECT_URI)
    assert.equal(body.settings.hasClientSecret, true)
    assert.equal(body.settings.issuer, provider.issuer)
    assert.deepEqual(body.settings.roleMapping, MAPPING)
    assert.ok(!read.body.includes(provider.clientSecret), 'the secret is not in the answer')
    const row = await db.selectFrom('organizationSso').selectAll().executeTakeFirstOrThrow()
    assert.ok(!row.clientSecretEncrypted.includes(provider.clientSecret.slice(0, 10)), 'not stored in clear')
    const audit = await db.selectFrom('auditEvent').selectAll().where('action', '=', 'sso.settings_changed').execute()
    assert.equal(audit.length, 1)
    assert.ok(!String(audit[0].details).includes(provider.clientSecret))

    // Saved again without a secret: the stored one is kept, and sign-in still works with it.
    const resaved = await app.inject({
      method: 'PUT',
      url: `/api/organizations/${organization.code}/sso`,
      headers: adminSession,
      payload: { ...body.settings, hasClientSecret: undefined, updatedAt: undefined, provisioning: 'first_sign_in' },
    })
    assert.equal(resaved.statusCode, 200, resaved.body)
    assert.equal(resaved.json().settings.hasClientSecret, true)
    const after = await db.selectFrom('organizationSso').selectAll().executeTakeFirstOrThrow()
    assert.equal(after.clientSecretEncrypted, row.clientSecretEncrypted)
  })

  it('refuses a first save without a secret, an http issuer where not allowed, and anyone but an administrator', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t, { SSO_SECRET_KEY })
    const organization = await makeOrganization(db)
    const admin = await makeUser(db, 'admin', { organizationId: organization.id })
    const manager = await makeUser(db, 'manager', { organizationId: organization.id })
    const payload = {
      isEnabled: true,
      issuer: 'https://login.example.org/realms/nord',
      clientId: 'allervers',
      scopes: 'openid email profile',
      groupsClaim: 'groups',
      roleMapping: [{ group: 'agents', role: 'caller' }],
      provisioning: 'first_sign_in',
    }
    const url = `/api/organizations/${organization.code}/sso`
    const adminHeaders = await loginAs(admin)
    const noSecret = await app.inject({ method: 'PUT', url, headers: adminHeaders, payload })
    assert.equal(noSecret.statusCode, 400)
    assert.equal(noSecret.json().error.details[0].field, 'clientSecret')
    const http = await app.inject({
      method: 'PUT',
      url,
      headers: adminHeaders,
      payload: { ...payload, issuer: 'http://login.example.org', clientSecret: 's' },
    })
    assert.equal(http.statusCode, 400)
    assert.equal(http.json().error.details[0].field, 'issuer')
    const unknownField = await app.inject({
      method: 'PUT',
      url,
      headers: adminHeaders,
      payload: { ...payload, clientSecret: 's', clientSecretEncrypted: 'x' },
    })
    assert.equal(unknownField.statusCode, 400)
    const managerHeaders = await loginAs(manager)
    const byManager = await app.inject({ method: 'PUT', url, headers: managerHeaders, payload })
    assert.equal(byManager.statusCode, 403)
    const elsewhere = await app.inject({
      method: 'GET',
      url: '/api/organizations/no-such-org/sso',
      headers: adminHeaders,
    })
    assert.equal(elsewhere.statusCode, 404)
    assert.equal(await db.selectFrom('organizationSso').select('organizationId').executeTakeFirst(), undefined)
  })

  it('cannot be saved when the server has no key to encrypt the secret with', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const admin = await makeUser(db, 'admin', { organizationId: organization.id })
    const response = await app.inject({
      method: 'PUT',
      url: `/api/organizations/${organization.code}/sso`,
      headers: await loginAs(admin),
      payload: {
        isEnabled: false,
        issuer: 'https://login.example.org',
        clientId: 'allervers',
        clientSecret: 'secret',
        scopes: 'openid email',
        groupsClaim: 'groups',
        roleMapping: [],
        provisioning: 'first_sign_in',
      },
    })
    assert.equal(response.statusCode, 422)
    assert.match(response.json().error.message, /SSO_SECRET_KEY/)
  })
})

describe('signing in through the provider', () => {
  it('creates the account with the mapped role, opens a session, and makes the role follow the groups', async (t) => {
    const testApp = await setUp(t, {
      accounts: {
        'jeanne-42': { email: 'Jeanne.Martin@nord.example', name: 'Jeanne Martin', groups: ['staff', 'agents'] },
      },
    })
    const { db, organization, provider, app } = testApp
    const list = await app.inject({ url: '/api/auth/sso/organizations' })
    assert.deepEqual(list.json().items, [{ code: organization.code, name: 'Habitat du Nord' }])

    const first = await signIn(testApp, organization.code, 'jeanne-42')
    assert.equal(first.location, '/')
    const user = await me(testApp, first.session)
    assert.equal(user.email, 'jeanne.martin@nord.example')
    assert.equal(user.name, 'Jeanne Martin')
    assert.deepEqual(
      user.memberships.map((m: { organization: { code: string }; role: string }) => [m.organization.code, m.role]),
      [[organization.code, 'caller']],
    )
    const session = await db.selectFrom('session').selectAll().where('userId', '=', user.id).executeTakeFirstOrThrow()
    const hours = (Date.parse(session.expiresAt) - Date.parse(session.createdAt)) / 3_600_000
    assert.ok(hours <= 8, `an SSO session lasts 8 hours at most (${hours})`)
    const login = await db.selectFrom('auditEvent').selectAll().where('action', '=', 'auth.login').execute()
    assert.deepEqual(JSON.parse(String(login.at(-1)?.details)), { method: 'sso', role: 'caller', accountCreated: true })

    // Promoted at the provider: the next sign-in gives the manager role; no second account.
    provider.accounts.get('jeanne-42')!.groups = ['agents', 'allervers-managers']
    const second = await signIn(testApp, organization.code, 'jeanne-42')
    const promoted = await me(testApp, second.session)
    assert.equal(promoted.id, user.id)
    assert.equal(promoted.memberships[0].role, 'manager')
    const accounts = await db
      .selectFrom('user')
      .select('id')
      .where('email', '=', 'jeanne.martin@nord.example')
      .execute()
    assert.equal(accounts.length, 1)

    // No password sign-in for an account bound to a provider, even one that had a password.
    await db
      .updateTable('user')
      .set({ passwordHash: await hashPassword('a password set somehow 123') })
      .where('id', '=', user.id)
      .execute()
    const byPassword = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'jeanne.martin@nord.example', password: 'a password set somehow 123' },
    })
    assert.equal(byPassword.statusCode, 403)
    assert.equal(byPassword.cookies.length, 0)
    // The refusal names where to sign in instead.
    assert.deepEqual(byPassword.json().error.details, { reason: 'sso_account', providers: ['Habitat du Nord'] })
  })

  it('tells the web app that an account signs in through its organisation, and refuses it a password and a second factor of Allervers', async (t) => {
    const testApp = await setUp(t, {
      accounts: {
        'jeanne-42': { email: 'jeanne.martin@nord.example', name: 'Jeanne Martin', groups: ['allervers-managers'] },
        lea: { email: 'placeholder', name: 'Léa', groups: ['agents'] },
      },
    })
    const { app, db, organization, provider, adminSession } = testApp
    const withPassword = await app.inject({ url: '/api/auth/me', headers: adminSession })
    assertMatchesContract(authContract.me, withPassword)
    assert.equal(withPassword.json().user.signsInWithSso, false)
    assert.deepEqual(withPassword.json().user.ssoOrganizations, [])

    // Created at its first sign-in: no password at all.
    const created = await signIn(testApp, organization.code, 'jeanne-42')
    const jeanne = await me(testApp, created.session)
    assert.equal(jeanne.signsInWithSso, true)
    assert.deepEqual(jeanne.ssoOrganizations, ['Habitat du Nord'])
    // Bound to an account that had a password: its password no longer signs in, so it may not be changed either.
    const lea = await makeUser(db, 'caller', { organizationId: organization.id })
    provider.accounts.get('lea')!.email = lea.email
    const bound = await signIn(testApp, organization.code, 'lea')
    assert.equal((await me(testApp, bound.session)).signsInWithSso, true)
    const leaHash = async () =>
      (await db.selectFrom('user').select('passwordHash').where('id', '=', lea.id).executeTakeFirstOrThrow())
        .passwordHash
    const hashBefore = await leaHash()

    for (const [session, current] of [
      [created.session, 'anything at all'],
      [bound.session, lea.password],
    ] as const) {
      const headers = { cookie: `allervers_session=${session!.value}` }
      const refusals = [
        await app.inject({
          method: 'POST',
          url: '/api/account/password',
          headers,
          payload: { currentPassword: current, newPassword: 'une phrase bien longue et neuve 42' },
        }),
        await app.inject({ method: 'POST', url: '/api/account/mfa/enrolment', headers }),
        await app.inject({
          method: 'POST',
          url: '/api/account/mfa/enrolment/confirm',
          headers,
          payload: { code: '123456' },
        }),
      ]
      for (const refused of refusals) {
        assert.equal(refused.statusCode, 403, refused.body)
        assert.equal(refused.json().error.code, 'FORBIDDEN')
        assert.deepEqual(refused.json().error.details, { reason: 'sso_account', providers: ['Habitat du Nord'] })
      }
    }
    assert.equal(await leaHash(), hashBefore, 'the password is not changed')
    assert.equal((await db.selectFrom('userMfa').select('userId').execute()).length, 0, 'no second factor begun')
    // The sessions stay (a password change would have ended the others).
    assert.equal((await me(testApp, bound.session)).id, lea.id)
  })

  it('refuses a person none of whose groups is mapped, creates nothing, and audits why', async (t) => {
    const testApp = await setUp(t, {
      accounts: { paul: { email: 'paul@nord.example', name: 'Paul', groups: ['comptabilité', 'Agents'] } },
    })
    const refused = await signIn(testApp, testApp.organization.code, 'paul')
    assert.equal(refused.location, '/?sso=no_mapped_group')
    assert.equal(refused.session, undefined)
    assert.equal(
      await testApp.db.selectFrom('user').select('id').where('email', '=', 'paul@nord.example').executeTakeFirst(),
      undefined,
    )
    assert.deepEqual(await refusals(testApp), ['no_mapped_group'])

    // Someone signed in, then taken out of every mapped group: refused, and the session they had ends.
    testApp.provider.accounts.set('anne', { email: 'anne@nord.example', name: 'Anne', groups: ['agents'] })
    const signedIn = await signIn(testApp, testApp.organization.code, 'anne')
    await me(testApp, signedIn.session)
    testApp.provider.accounts.get('anne')!.groups = ['anciens']
    assert.equal((await signIn(testApp, testApp.organization.code, 'anne')).location, '/?sso=no_mapped_group')
    const after = await testApp.app.inject({
      url: '/api/auth/me',
      headers: { cookie: `allervers_session=${signedIn.session!.value}` },
    })
    assert.equal(after.statusCode, 401)
  })

  it('refuses an account disabled at the provider, and one disabled in Allervers', async (t) => {
    const testApp = await setUp(t, {
      accounts: {
        lea: { email: 'lea@nord.example', name: 'Léa', groups: ['agents'] },
        marc: { email: 'marc@nord.example', name: 'Marc', groups: ['agents'] },
      },
    })
    const { app, organization, provider, adminSession } = testApp
    assert.equal((await signIn(testApp, organization.code, 'lea')).location, '/')
    provider.accounts.get('lea')!.isDisabled = true
    const atProvider = await signIn(testApp, organization.code, 'lea')
    assert.equal(atProvider.location, '/?sso=provider_refused')
    assert.equal(atProvider.session, undefined)

    const marc = await me(testApp, (await signIn(testApp, organization.code, 'marc')).session)
    const disabled = await app.inject({ method: 'POST', url: `/api/users/${marc.id}/disable`, headers: adminSession })
    assert.equal(disabled.statusCode, 204)
    const locally = await signIn(testApp, organization.code, 'marc')
    assert.equal(locally.location, '/?sso=account_disabled')
    assert.equal(locally.session, undefined)
    assert.deepEqual(await refusals(testApp), ['provider_refused', 'account_disabled'])
  })

  it('keeps a disabled account’s link to the provider: the person stays refused by their identifier whatever address the provider gives, and a re-enabled account signs in through it again', async (t) => {
    const testApp = await setUp(t, {
      accounts: { marc: { email: 'marc@nord.example', name: 'Marc', groups: ['agents'] } },
    })
    const { app, db, organization, provider, adminSession } = testApp
    const marc = await me(testApp, (await signIn(testApp, organization.code, 'marc')).session)
    const identities = () =>
      db.selectFrom('ssoIdentity').select(['id', 'userId', 'subject']).where('userId', '=', marc.id).execute()
    const linked = await identities()
    assert.equal(linked.length, 1)
    // Bound accounts sign in at the provider only, even one that had a password.
    await db
      .updateTable('user')
      .set({ passwordHash: await hashPassword('a password set somehow 123') })
      .where('id', '=', marc.id)
      .execute()

    const disabled = await app.inject({ method: 'POST', url: `/api/users/${marc.id}/disable`, headers: adminSession })
    assert.equal(disabled.statusCode, 204)
    assert.deepEqual(await identities(), linked, 'the link stays: it is what recognises the person at the provider')
    // The provider now gives another address: without the link this would open a new account (first sign-in
    // provisioning); with it, the person is still refused, and nothing is created.
    provider.accounts.get('marc')!.email = 'marc.dupont@nord.example'
    const refused = await signIn(testApp, organization.code, 'marc')
    assert.equal(refused.location, '/?sso=account_disabled')
    assert.equal(refused.session, undefined)
    assert.equal(
      await db.selectFrom('user').select('id').where('email', '=', 'marc.dupont@nord.example').executeTakeFirst(),
      undefined,
    )
    const usersBefore = (await db.selectFrom('user').select('id').execute()).length
    provider.accounts.get('marc')!.email = 'marc@nord.example'
    assert.equal((await signIn(testApp, organization.code, 'marc')).location, '/?sso=account_disabled')
    assert.equal((await db.selectFrom('user').select('id').execute()).length, usersBefore)
    assert.deepEqual(await refusals(testApp), ['account_disabled', 'account_disabled'])
    // Nor through a password or its reset.
    const byPassword = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'marc@nord.example', password: 'a password set somehow 123' },
    })
    assert.equal(byPassword.cookies.length, 0)
    assert.notEqual(byPassword.statusCode, 200)

    // Re-enabled: the next sign-in through the provider opens the same account again, under the same link.
    const enabled = await app.inject({ method: 'POST', url: `/api/users/${marc.id}/enable`, headers: adminSession })
    assert.equal(enabled.statusCode, 204)
    const back = await signIn(testApp, organization.code, 'marc')
    assert.equal(back.location, '/')
    assert.equal((await me(testApp, back.session)).id, marc.id)
    assert.deepEqual(await identities(), linked)
    // Still bound: no password sign-in between the re-enabling and the next sign-in at the provider.
    const stillBound = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'marc@nord.example', password: 'a password set somehow 123' },
    })
    assert.equal(stillBound.statusCode, 403)

    // The organisation's provider switched off: the re-enabled account does not come in through it.
    await testApp.saveSso({ isEnabled: false })
    const start = await app.inject({ url: `/api/auth/sso/${organization.code}/start` })
    assert.equal(start.statusCode, 302)
    assert.equal(String(start.headers.location).startsWith(provider.issuer), false, 'not sent to the provider')
  })

  it('in an invitation-only organisation, refuses an unknown person and lets an invited one in', async (t) => {
    const testApp = await setUp(t, {
      provisioning: 'invitation_only',
      accounts: {
        stranger: { email: 'stranger@nord.example', name: 'Inconnu', groups: ['agents'] },
        // An invited account that never chose a password has nothing to take over: bound whatever the provider says.
        invited: {
          email: 'invitee@nord.example',
          name: 'Invitée',
          groups: ['allervers-managers'],
          emailVerified: false,
        },
      },
    })
    const { db, organization } = testApp
    const refused = await signIn(testApp, organization.code, 'stranger')
    assert.equal(refused.location, '/?sso=not_invited')
    assert.equal(
      await db.selectFrom('user').select('id').where('email', '=', 'stranger@nord.example').executeTakeFirst(),
      undefined,
    )

    const invitee = await insertUser(db, { email: 'invitee@nord.example', name: 'Invitée', passwordHash: '' })
    await upsertMembership(db, { userId: invitee.id, organizationId: organization.id, role: 'caller' })
    const admitted = await signIn(testApp, organization.code, 'invited')
    assert.equal(admitted.location, '/')
    const user = await me(testApp, admitted.session)
    assert.equal(user.id, invitee.id)
    assert.equal(user.memberships[0].role, 'manager', 'the provider’s groups decide the role')
  })

  it('binds an account with a password only to an address the provider has verified, and never takes the organisation’s administrator away', async (t) => {
    const testApp = await setUp(t, {
      accounts: {
        lea: { email: 'placeholder', name: 'Léa', groups: ['agents'], emailVerified: false },
        boss: { email: 'placeholder', name: 'Admin', groups: ['agents', 'allervers-managers'] },
      },
    })
    const { app, db, organization, provider, admin, adminSession } = testApp
    const lea = await makeUser(db, 'caller', { organizationId: organization.id })
    provider.accounts.get('lea')!.email = lea.email
    provider.accounts.get('boss')!.email = admin.email
    const identities = async () => (await db.selectFrom('ssoIdentity').select('userId').execute()).map((r) => r.userId)

    // Whoever can set an address at the provider does not take over the account of that address.
    const unverified = await signIn(testApp, organization.code, 'lea')
    assert.equal(unverified.location, '/?sso=email_unverified')
    assert.equal(unverified.session, undefined)
    assert.deepEqual(await identities(), [])
    const byPassword = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: lea.email, password: lea.password },
    })
    assert.equal(byPassword.statusCode, 200, 'the account still signs in with its password')
    const passwordSession = byPassword.cookies.find((cookie) => cookie.name === 'allervers_session')

    // Verified by the provider: bound, and the provider's groups decide the role from now on.
    provider.accounts.get('lea')!.emailVerified = true
    const verified = await signIn(testApp, organization.code, 'lea')
    assert.equal(verified.location, '/')
    assert.equal((await me(testApp, verified.session)).id, lea.id)
    assert.deepEqual(await identities(), [lea.id])
    // The session her password opened ends with the binding: nothing would ever check it with the provider.
    const stale = await app.inject({
      url: '/api/auth/me',
      headers: { cookie: `allervers_session=${passwordSession?.value}` },
    })
    assert.equal(stale.statusCode, 401)
    const bound = await db
      .selectFrom('auditEvent')
      .select('details')
      .where('action', '=', 'auth.login')
      .where('actorUserId', '=', lea.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    assert.equal(JSON.parse(String(bound.details)).accountBound, true)

    // The administrator whose groups give only « manager » is not bound, and stays administrator.
    const demoted = await signIn(testApp, organization.code, 'boss')
    assert.equal(demoted.location, '/?sso=admin_not_mapped')
    assert.equal(demoted.session, undefined)
    assert.deepEqual(await identities(), [lea.id])
    const role = await db
      .selectFrom('membership')
      .select('role')
      .where('userId', '=', admin.id)
      .where('organizationId', '=', organization.id)
      .executeTakeFirstOrThrow()
    assert.equal(role.role, 'admin')
    assert.equal((await app.inject({ url: '/api/users', headers: adminSession })).statusCode, 200)
    assert.deepEqual(await refusals(testApp), ['email_unverified', 'admin_not_mapped'])
  })

  it('refuses an address that is an account of another organisation', async (t) => {
    const testApp = await setUp(t, {
      accounts: { eve: { email: 'placeholder', name: 'Ève', groups: ['allervers-managers'] } },
    })
    const other = await makeOrganization(testApp.db)
    const elsewhere = await makeUser(testApp.db, 'admin', { organizationId: other.id })
    testApp.provider.accounts.get('eve')!.email = elsewhere.email
    const refused = await signIn(testApp, testApp.organization.code, 'eve')
    assert.equal(refused.location, '/?sso=account_elsewhere')
    assert.equal(refused.session, undefined)
  })

  it('refuses an answer whose state does not match, one without the round trip’s cookie, and one used twice', async (t) => {
    const testApp = await setUp(t, {
      accounts: { ines: { email: 'ines@nord.example', name: 'Inès', groups: ['agents'] } },
    })
    const { app, organization } = testApp
    const mismatch = await signIn(testApp, organization.code, 'ines', (back) =>
      back.searchParams.set('state', 'forged'),
    )
    assert.equal(mismatch.location, '/?sso=expired')
    assert.equal(mismatch.session, undefined)

    const start = await app.inject({ url: `/api/auth/sso/${organization.code}/start` })
    const back = await signInAtProvider(String(start.headers.location), 'ines', REDIRECT_URI)
    const noCookie = await app.inject({ url: `${back.pathname}${back.search}` })
    assert.equal(noCookie.headers.location, '/?sso=expired')
    const cookie = start.cookies.find((c) => c.name === 'allervers_sso')!
    const used = await app.inject({
      url: `${back.pathname}${back.search}`,
      headers: { cookie: `allervers_sso=${cookie.value}` },
    })
    assert.equal(used.headers.location, '/')
    const again = await app.inject({
      url: `${back.pathname}${back.search}`,
      headers: { cookie: `allervers_sso=${cookie.value}` },
    })
    assert.equal(again.headers.location, '/?sso=expired')
    assert.equal(
      again.cookies.find((c) => c.name === 'allervers_session'),
      undefined,
    )
    assert.deepEqual(await refusals(testApp), ['expired', 'expired', 'expired'])
  })

  it('names the organisation whose single sign-on opened a session in the person’s list of sessions', async (t) => {
    const testApp = await setUp(t, {
      accounts: { lea: { email: 'lea@nord.example', name: 'Léa', groups: ['agents'] } },
    })
    const signedIn = await signIn(testApp, testApp.organization.code, 'lea')
    assert.ok(signedIn.session)
    const answer = await testApp.app.inject({
      url: '/api/account/sessions',
      headers: { cookie: `allervers_session=${signedIn.session.value}` },
    })
    assert.equal(answer.statusCode, 200, answer.body)
    assert.deepEqual(
      answer
        .json()
        .items.map((item: { openedThrough: string | null; isCurrent: boolean }) => [
          item.openedThrough,
          item.isCurrent,
        ]),
      [['Habitat du Nord', true]],
    )
  })

  it('sends an organisation without single sign-on back to the login page', async (t) => {
    const { app, db } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const response = await app.inject({ url: `/api/auth/sso/${organization.code}/start` })
    assert.equal(response.statusCode, 302)
    assert.equal(response.headers.location, '/?sso=unavailable')
    assert.deepEqual((await app.inject({ url: '/api/auth/sso/organizations' })).json().items, [])
  })

  it('keeps the provider’s refresh token only when the administrator’s scopes ask offline_access, encrypted, tied to its session, and gone with it', async (t) => {
    const accounts = { lea: { email: 'lea@nord.example', name: 'Léa', groups: ['agents'] } }
    const without = await setUp(t, { accounts })
    const plain = await signIn(without, without.organization.code, 'lea')
    assert.equal(plain.location, '/')
    assert.deepEqual(
      (await without.db.selectFrom('ssoSession').selectAll().execute()).map((row) => row.refreshTokenEncrypted),
      [null],
      'no offline_access, no token: the session is kept with who opened it only',
    )

    // Asked by the administrator's scopes (never added by Allervers): the provider gives one.
    const testApp = await setUp(t, { accounts, scopes: 'openid email profile groups offline_access' })
    const { db, organization } = testApp
    const signedIn = await signIn(testApp, organization.code, 'lea')
    const user = await me(testApp, signedIn.session)
    const row = await db.selectFrom('ssoSession').selectAll().executeTakeFirstOrThrow()
    const session = await db.selectFrom('session').selectAll().where('userId', '=', user.id).executeTakeFirstOrThrow()
    assert.equal(row.sessionId, session.id)
    assert.equal(row.organizationId, organization.id)
    assert.equal(row.subject, 'lea')
    const encrypted = row.refreshTokenEncrypted
    assert.ok(encrypted, 'a refresh token kept')
    const token = decryptSecret(Buffer.from(SSO_SECRET_KEY, 'hex'), encrypted, row.sessionId)
    assert.ok(token && token.length > 20, 'a refresh token, encrypted')
    assert.ok(!encrypted.includes(token))
    assert.equal(
      decryptSecret(Buffer.from(SSO_SECRET_KEY, 'hex'), encrypted, 'another session'),
      null,
      'bound to its session',
    )
    const audit = await db.selectFrom('auditEvent').select('details').execute()
    assert.ok(
      audit.every((event) => !String(event.details).includes(token)),
      'never in the audit log',
    )
    const answer = await testApp.app.inject({
      url: '/api/auth/me',
      headers: { cookie: `allervers_session=${signedIn.session?.value}` },
    })
    assert.ok(!answer.body.includes(token), 'never in the API')

    // Signing out ends the session: its token goes with it.
    const logout = await testApp.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: `allervers_session=${signedIn.session?.value}` },
    })
    assert.ok(logout.statusCode < 300, logout.body)
    assert.deepEqual(await db.selectFrom('ssoSession').selectAll().execute(), [])
  })
})
