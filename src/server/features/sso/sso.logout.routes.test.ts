/**
 * Back-channel logout (OpenID Connect Back-Channel Logout 1.0): the real provider started in the test signs a logout
 * token and posts it to the application over HTTP; the person's sessions end. Tokens that fail a check change nothing.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateKeyPair, SignJWT } from 'jose'
import { makeOrganization } from '../../../../test/factories.js'
import { me, setUpSso, signIn } from '../../../../test/sso-sign-in.js'
import { hashToken } from '../../http/auth.js'
import { SSO_REFUSALS_AUDITED_PER_ADDRESS } from './sso.routes.js'

const EVENT = 'http://schemas.openid.net/event/backchannel-logout'

async function setUp(t: Parameters<typeof setUpSso>[0], options: { providerSessionIds?: boolean } = {}) {
  return setUpSso(t, {
    ...options,
    backchannelLogout: true,
    accounts: {
      agent: { email: 'agent@nord.example', name: 'Agent', groups: ['agents'] },
      other: { email: 'autre@nord.example', name: 'Autre', groups: ['agents'] },
    },
  })
}

async function sessionStatus(testApp: Awaited<ReturnType<typeof setUp>>, session: { value: string } | undefined) {
  assert.ok(session)
  const response = await testApp.app.inject({
    url: '/api/auth/me',
    headers: { cookie: `allervers_session=${session.value}` },
  })
  return response.statusCode
}

describe('back-channel logout from the provider', () => {
  it('ends every session of the person signed out at the provider, audited, and no one else’s', async (t) => {
    const testApp = await setUp(t)
    const { db, organization, provider } = testApp
    const first = await signIn(testApp, organization.code, 'agent')
    const second = await signIn(testApp, organization.code, 'agent')
    const other = await signIn(testApp, organization.code, 'other')
    const agentId = (await me(testApp, first.session)).id

    // The provider signs the token with its own keys and posts it; it throws unless answered 200 or 204.
    await provider.backchannelLogout('agent')
    assert.equal(await sessionStatus(testApp, first.session), 401)
    assert.equal(await sessionStatus(testApp, second.session), 401)
    assert.equal(await sessionStatus(testApp, other.session), 200, 'another person keeps their session')
    const audit = await db
      .selectFrom('auditEvent')
      .select(['actorUserId', 'organizationId', 'details'])
      .where('action', '=', 'auth.sso_session_ended')
      .execute()
    assert.deepEqual(
      audit.map((row) => ({ ...row, details: JSON.parse(String(row.details)) })),
      [
        {
          actorUserId: agentId,
          organizationId: organization.id,
          details: { reason: 'backchannel_logout', byProviderSession: false, sessionsEnded: 2 },
        },
      ],
    )

    // A person the provider knows but who never signed in here: the same answer, nothing to end.
    provider.accounts.set('jamais', { email: 'jamais@nord.example', name: 'Jamais', groups: ['agents'] })
    await provider.backchannelLogout('jamais')
    assert.equal(await sessionStatus(testApp, other.session), 200)
  })

  it('never ends a session another organisation’s provider opened', async (t) => {
    const testApp = await setUp(t)
    const { db, organization, provider } = testApp
    const here = await signIn(testApp, organization.code, 'agent')
    const there = await signIn(testApp, organization.code, 'agent')
    assert.ok(there.session)
    // The second stands for a session the same account had from another organisation's provider.
    const elsewhere = await makeOrganization(db, { name: 'Autre bailleur' })
    const moved = await db
      .updateTable('ssoSession')
      .set({ organizationId: elsewhere.id })
      .where('sessionId', '=', hashToken(there.session.value))
      .executeTakeFirst()
    assert.equal(Number(moved.numUpdatedRows), 1)

    await provider.backchannelLogout('agent')
    assert.equal(await sessionStatus(testApp, here.session), 401, 'this provider’s session ends')
    assert.equal(await sessionStatus(testApp, there.session), 200, 'the other provider’s goes on')
  })

  it('ends only the sessions of the provider session that ended, when the provider names its sessions', async (t) => {
    const testApp = await setUp(t, { providerSessionIds: true })
    const { db, organization, provider } = testApp
    // A session opened before provider sessions were kept here: nothing ties it to one.
    const earlier = await signIn(testApp, organization.code, 'agent')
    await db.updateTable('ssoSession').set({ providerSessionId: null }).execute()
    // Two browsers, two sessions at the provider: each sign-in here is tied to its own.
    const office = await signIn(testApp, organization.code, 'agent')
    const tablet = await signIn(testApp, organization.code, 'agent')
    const other = await signIn(testApp, organization.code, 'other')
    const agentId = (await me(testApp, office.session)).id
    const [, officeSid, tabletSid] = provider.providerSessionsOf('agent')
    assert.ok(officeSid && tabletSid && officeSid !== tabletSid, 'two sessions at the provider')
    const kept = await db.selectFrom('ssoSession').select(['providerSessionId', 'subject']).execute()
    assert.deepEqual(
      kept
        .map(
          (row) =>
            `${row.subject} ${row.providerSessionId === officeSid ? 'office' : row.providerSessionId === tabletSid ? 'tablet' : row.providerSessionId ? 'other' : 'none'}`,
        )
        .sort(),
      ['agent none', 'agent office', 'agent tablet', 'other other'],
      'each session keeps the provider session that opened it',
    )

    // Signed out at the provider in the office: the office's session ends here, and the one nothing ties to another
    // provider session; the tablet's goes on.
    await provider.backchannelLogout('agent', officeSid)
    assert.equal(await sessionStatus(testApp, office.session), 401)
    assert.equal(await sessionStatus(testApp, earlier.session), 401, 'nothing showed it was another provider session')
    assert.equal(await sessionStatus(testApp, tablet.session), 200, 'the other provider session’s goes on')
    assert.equal(await sessionStatus(testApp, other.session), 200)
    // Sent again (providers retry): nothing more ends, the same answer.
    await provider.backchannelLogout('agent', officeSid)
    assert.equal(await sessionStatus(testApp, tablet.session), 200)

    // A token naming only the provider's session (no sub), as some providers send: that session's only.
    const now = Math.floor(Date.now() / 1000)
    const sidOnly = await provider.signAsProvider({
      iss: provider.issuer,
      aud: provider.clientId,
      iat: now,
      jti: 'sid-only',
      sid: tabletSid,
      events: { [EVENT]: {} },
    })
    // A provider session named with someone else's sub ends nothing: the token must agree with what was kept.
    const mismatched = await provider.signAsProvider({
      iss: provider.issuer,
      aud: provider.clientId,
      iat: now,
      jti: 'mismatched',
      sub: 'other',
      sid: tabletSid,
      events: { [EVENT]: {} },
    })
    const post = (token: string) =>
      testApp.app.inject({
        method: 'POST',
        url: `/api/auth/sso/${organization.code}/backchannel-logout`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ logout_token: token }).toString(),
      })
    assert.equal((await post(mismatched)).statusCode, 200)
    assert.equal(await sessionStatus(testApp, tablet.session), 200, 'not ended by a token naming another person')
    assert.equal(await sessionStatus(testApp, other.session), 200, 'nor that person’s, of another provider session')
    assert.equal((await post(sidOnly)).statusCode, 200)
    assert.equal(await sessionStatus(testApp, tablet.session), 401)

    // A provider session id too long to be kept at sign-in (none was): a token naming it with the person ends that
    // person's sessions of no known provider session, as any sid would.
    const later = await signIn(testApp, organization.code, 'agent')
    const longSid = 'x'.repeat(300)
    await db.updateTable('ssoSession').set({ providerSessionId: null }).execute()
    const withLongSid = await provider.signAsProvider({
      iss: provider.issuer,
      aud: provider.clientId,
      iat: now,
      jti: 'long-sid',
      sub: 'agent',
      sid: longSid,
      events: { [EVENT]: {} },
    })
    assert.equal((await post(withLongSid)).statusCode, 200)
    assert.equal(await sessionStatus(testApp, later.session), 401)
    assert.equal(await sessionStatus(testApp, other.session), 200)

    const audit = await db
      .selectFrom('auditEvent')
      .select(['actorUserId', 'details'])
      .where('action', '=', 'auth.sso_session_ended')
      .orderBy('id')
      .execute()
    assert.deepEqual(
      audit.map((row) => ({
        actor: row.actorUserId === agentId ? 'agent' : 'other',
        ...JSON.parse(String(row.details)),
      })),
      [
        { actor: 'agent', reason: 'backchannel_logout', byProviderSession: true, sessionsEnded: 2 },
        { actor: 'agent', reason: 'backchannel_logout', byProviderSession: true, sessionsEnded: 1 },
        { actor: 'agent', reason: 'backchannel_logout', byProviderSession: true, sessionsEnded: 1 },
      ],
    )
  })

  it('refuses a token not signed by the provider, not for this client, without the event, or for an organisation without single sign-on, and ends nothing', async (t) => {
    const testApp = await setUp(t)
    const { app, db, organization, provider, saveSso } = testApp
    const signedIn = await signIn(testApp, organization.code, 'agent')
    const url = `/api/auth/sso/${organization.code}/backchannel-logout`
    const post = (token: string, target = url) =>
      app.inject({
        method: 'POST',
        url: target,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ logout_token: token }).toString(),
      })
    // Well-formed logout tokens with the right claims, signed with a key that is not the provider's.
    const { privateKey } = await generateKeyPair('RS256')
    const forged = (claims: Record<string, unknown>, audience = provider.clientId) =>
      new SignJWT({ events: { [EVENT]: {} }, jti: 'jti-1', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'not-the-provider' })
        .setIssuer(provider.issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setSubject('agent')
        .sign(privateKey)

    for (const [token, expected] of [
      ['not a token', /Invalid Compact JWS|JWSInvalid/],
      [await forged({}), /no applicable key|JWKSNoMatchingKey/],
    ] as const) {
      const refused = await post(token)
      assert.equal(refused.statusCode, 400, refused.body)
      const error = refused.json().error
      assert.equal(error.code, 'VALIDATION_FAILED')
      assert.equal(error.details[0].field, 'logout_token')
      assert.match(error.details[0].message, expected)
    }
    // Signed by the provider's own key, but failing one check each.
    const now = Math.floor(Date.now() / 1000)
    const claims = {
      iss: provider.issuer,
      aud: provider.clientId,
      iat: now,
      jti: 'j',
      sub: 'agent',
      events: { [EVENT]: {} },
    }
    for (const [changes, expected] of [
      [{ aud: 'another-client' }, /unexpected "aud"/],
      [{ iss: 'http://127.0.0.1:1' }, /unexpected "iss"/],
      [{ iat: now - 3600 }, /"iat" claim timestamp check failed|too old/i],
      [{ events: { 'http://schemas.openid.net/event/other': {} } }, /no back-channel logout event/],
      [{ nonce: 'n' }, /a nonce/],
      [{ sub: undefined }, /neither sub nor sid/],
      [{ sid: 42 }, /a sid that is not a non-empty string/],
      [{ sub: '', sid: 'provider-session' }, /a sub that is not a non-empty string/],
    ] as const) {
      const refused = await post(await provider.signAsProvider({ ...claims, ...changes }))
      assert.equal(refused.statusCode, 400, `${JSON.stringify(changes)}: ${refused.body}`)
      assert.match(refused.json().error.details[0].message, expected)
    }
    // The same claims unchanged pass: each refusal above is its own check's.
    const accepted = await post(await provider.signAsProvider({ ...claims, sub: 'other' }))
    assert.equal(accepted.statusCode, 200, accepted.body)

    const tooLong = await post('x'.repeat(9000))
    assert.equal(tooLong.statusCode, 400)
    assert.equal(await sessionStatus(testApp, signedIn.session), 200, 'nothing ended')
    const refusals = await db
      .selectFrom('auditEvent')
      .select('details')
      .where('action', '=', 'auth.sso_refused')
      .execute()
    assert.equal(refusals.length, 10, 'each refused token audited')

    // A flood from one address: audited up to SSO_REFUSALS_AUDITED_PER_ADDRESS, then a logout token gets 429 and the
    // sign-in's round trip is still refused in words, neither of them adding to the journal.
    for (let sent = refusals.length; sent < SSO_REFUSALS_AUDITED_PER_ADDRESS; sent++) {
      assert.equal((await post('not a token')).statusCode, 400)
    }
    const flooded = await post('not a token')
    assert.equal(flooded.statusCode, 429, flooded.body)
    assert.ok(Number(flooded.headers['retry-after']) > 0)
    // The provider's own tokens are read before any of that: one from the flooding address still ends its sessions.
    const fromProvider = await post(await provider.signAsProvider({ ...claims, sub: 'other', jti: 'after-flood' }))
    assert.equal(fromProvider.statusCode, 200, fromProvider.body)
    const roundTrip = await app.inject({ url: '/api/auth/sso/callback?state=x&code=y' })
    assert.equal(roundTrip.statusCode, 302)
    assert.equal(roundTrip.headers.location, '/?sso=expired')
    const audited = await db.selectFrom('auditEvent').select('id').where('action', '=', 'auth.sso_refused').execute()
    assert.equal(audited.length, SSO_REFUSALS_AUDITED_PER_ADDRESS)
    assert.equal(await sessionStatus(testApp, signedIn.session), 200, 'nothing ended')

    // Switched off: the organisation takes no logout token (404), and its provider's do not reach anyone.
    await saveSso({ isEnabled: false })
    assert.equal((await post(await forged({}))).statusCode, 404)
    assert.equal((await post('x', '/api/auth/sso/inconnu/backchannel-logout')).statusCode, 404)
  })
})
