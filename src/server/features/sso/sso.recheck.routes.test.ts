/**
 * Open single sign-on sessions checked again with the provider (sso.recheck.ts) against a real OpenID provider that
 * issues refresh tokens and rotates them: a person the provider disables, or moves to other groups, loses or changes
 * access without signing in again; a provider that does not answer ends nothing. Rounds are run by calling the
 * worker's round function, not by waiting for its timer.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { TestApp } from '../../../../test/app.js'
import type { ProviderAccountData } from '../../../../test/oidc-provider.js'
import { MAPPING, me, SSO_SECRET_KEY, setUpSso, signIn } from '../../../../test/sso-sign-in.js'
import { type RecheckLog, recheckSsoSessions } from './sso.recheck.js'
import { decryptSecret } from './sso-secret.js'

const OFFLINE_SCOPES = 'openid email profile groups offline_access'
const KEY = Buffer.from(SSO_SECRET_KEY, 'hex')
const LONG_AGO = '2000-01-01T00:00:00.000Z'

async function setUp(t: Parameters<typeof setUpSso>[0], accounts: Record<string, ProviderAccountData>) {
  return setUpSso(t, { accounts, scopes: OFFLINE_SCOPES })
}

/** Makes every SSO session due (as if SSO_RECHECK_MINUTES had passed) and runs one round of the worker. */
async function recheckRound(testApp: TestApp, log?: RecheckLog) {
  await makeDue(testApp)
  return recheckSsoSessions(testApp.db, testApp.app.config, { log })
}

async function makeDue(testApp: TestApp) {
  await testApp.db.updateTable('ssoSession').set({ checkedAt: LONG_AGO }).execute()
}

async function statusOf(testApp: TestApp, session: { value: string } | undefined) {
  assert.ok(session)
  const response = await testApp.app.inject({
    url: '/api/auth/me',
    headers: { cookie: `allervers_session=${session.value}` },
  })
  return response.statusCode
}

async function endedSessions(testApp: TestApp) {
  const rows = await testApp.db
    .selectFrom('auditEvent')
    .select(['details', 'actorUserId'])
    .where('action', '=', 'auth.sso_session_ended')
    .execute()
  return rows.map((row) => ({ userId: row.actorUserId, ...JSON.parse(String(row.details)) }))
}

describe('open single sign-on sessions checked again with the provider', () => {
  it('leaves alone a session opened without a refresh token (no offline_access): it keeps SSO_SESSION_HOURS', async (t) => {
    const testApp = await setUpSso(t, {
      accounts: { lea: { email: 'lea@nord.example', name: 'Léa', groups: ['agents'] } },
    })
    const plain = await signIn(testApp, testApp.organization.code, 'lea')
    testApp.provider.accounts.get('lea')!.isDisabled = true
    const report = await recheckRound(testApp)
    assert.equal(report.checked, 0)
    assert.equal(testApp.provider.refreshGrants(), 0)
    assert.equal(await statusOf(testApp, plain.session), 200)
  })

  it('keeps the session of a person the provider still vouches for, storing the rotated token', async (t) => {
    const testApp = await setUp(t, { lea: { email: 'lea@nord.example', name: 'Léa', groups: ['agents'] } })
    const { db, organization, provider } = testApp
    const signedIn = await signIn(testApp, organization.code, 'lea')
    const before = await db.selectFrom('ssoSession').selectAll().executeTakeFirstOrThrow()

    // Not due yet: nothing is asked.
    const early = await recheckSsoSessions(db, testApp.app.config)
    assert.equal(early.checked, 0)
    assert.equal(provider.refreshGrants(), 0)

    const first = await recheckRound(testApp)
    assert.deepEqual(first, { checked: 1, confirmed: 1, ended: 0, unavailable: 0, roleChanged: 0 })
    assert.equal(provider.refreshGrants(), 1)
    assert.equal(await statusOf(testApp, signedIn.session), 200)
    const after = await db.selectFrom('ssoSession').selectAll().executeTakeFirstOrThrow()
    assert.ok(after.checkedAt > LONG_AGO, 'the check is dated')
    assert.notEqual(
      decryptSecret(KEY, String(after.refreshTokenEncrypted), after.sessionId),
      decryptSecret(KEY, String(before.refreshTokenEncrypted), before.sessionId),
      'the rotated token replaces the spent one',
    )
    // The provider revokes everything when a spent token comes back: a second round works only with the new one.
    const second = await recheckRound(testApp)
    assert.equal(second.confirmed, 1)
    assert.equal(await statusOf(testApp, signedIn.session), 200)
    assert.deepEqual(await endedSessions(testApp), [])
  })

  it('ends, after one round, the session of a person disabled at the provider (401), leaves the others, and audits why', async (t) => {
    const testApp = await setUp(t, {
      lea: { email: 'lea@nord.example', name: 'Léa', groups: ['agents'] },
      marc: { email: 'marc@nord.example', name: 'Marc', groups: ['agents'] },
    })
    const { organization, provider } = testApp
    const lea = await signIn(testApp, organization.code, 'lea')
    const marc = await signIn(testApp, organization.code, 'marc')
    const leaUser = await me(testApp, lea.session)
    assert.equal(await statusOf(testApp, lea.session), 200)

    provider.accounts.get('lea')!.isDisabled = true
    const report = await recheckRound(testApp)
    assert.deepEqual(report, { checked: 2, confirmed: 1, ended: 1, unavailable: 0, roleChanged: 0 })
    assert.equal(await statusOf(testApp, lea.session), 401, 'Léa is signed out')
    assert.equal(await statusOf(testApp, marc.session), 200, 'Marc is not')
    const ended = await endedSessions(testApp)
    assert.equal(ended.length, 1)
    assert.equal(ended[0].userId, leaUser.id)
    assert.equal(ended[0].reason, 'provider_refused')
    assert.match(ended[0].problem, /^invalid_grant/)
  })

  it('changes the role when the provider moves the person to another mapped group, and ends every session of one left in none', async (t) => {
    const testApp = await setUp(t, {
      lea: { email: 'lea@nord.example', name: 'Léa', groups: ['staff', 'agents'] },
    })
    const { db, organization, provider } = testApp
    const first = await signIn(testApp, organization.code, 'lea')
    const second = await signIn(testApp, organization.code, 'lea')
    assert.equal((await me(testApp, first.session)).memberships[0].role, 'caller')

    provider.accounts.get('lea')!.groups = ['staff', 'allervers-managers']
    const promoted = await recheckRound(testApp)
    assert.equal(promoted.roleChanged, 1, 'once, whatever the number of sessions')
    const user = await me(testApp, first.session)
    assert.equal(user.memberships[0].role, 'manager', 'without signing in again')
    assert.equal(MAPPING[0].role, 'manager')
    const changed = await db
      .selectFrom('auditEvent')
      .select('details')
      .where('action', '=', 'auth.sso_role_changed')
      .execute()
    assert.deepEqual(
      changed.map((row) => JSON.parse(String(row.details))),
      [{ formerRole: 'caller', role: 'manager' }],
    )

    provider.accounts.get('lea')!.groups = ['staff']
    const report = await recheckRound(testApp)
    assert.equal(report.ended, 1, 'the first check ends both sessions')
    assert.equal(await statusOf(testApp, first.session), 401)
    assert.equal(await statusOf(testApp, second.session), 401)
    assert.deepEqual(
      (await endedSessions(testApp)).map((event) => event.reason),
      ['no_mapped_group'],
    )
  })

  it('keeps every session while the provider cannot be reached, says so without naming anyone, and asks again next round', async (t) => {
    const testApp = await setUp(t, {
      lea: { email: 'lea@nord.example', name: 'Léa', groups: ['agents'] },
      marc: { email: 'marc@nord.example', name: 'Marc', groups: ['agents'] },
    })
    const { db, organization, provider } = testApp
    const lea = await signIn(testApp, organization.code, 'lea')
    const marc = await signIn(testApp, organization.code, 'marc')
    await provider.stop()

    const warnings: Array<{ details: Record<string, unknown>; message: string }> = []
    const report = await recheckRound(testApp, { warn: (details, message) => warnings.push({ details, message }) })
    assert.equal(report.ended, 0)
    assert.equal(report.unavailable, 1, 'one session asked; the provider’s others wait for the next round')
    assert.equal(await statusOf(testApp, lea.session), 200)
    assert.equal(await statusOf(testApp, marc.session), 200)
    assert.equal(warnings.length, 1)
    assert.equal(warnings[0].details.organizationId, organization.id)
    const logged = JSON.stringify(warnings)
    assert.ok(!/lea|marc|nord\.example/i.test(logged), `no personal data in ${logged}`)
    const rows = await db.selectFrom('ssoSession').select('checkedAt').execute()
    assert.deepEqual(
      rows.map((row) => row.checkedAt),
      [LONG_AGO, LONG_AGO],
      'still due: the next round asks again',
    )
    assert.deepEqual(await endedSessions(testApp), [])
  })

  it('ends the sessions of an organisation that switches single sign-on off', async (t) => {
    const testApp = await setUp(t, { lea: { email: 'lea@nord.example', name: 'Léa', groups: ['agents'] } })
    const { organization, provider, saveSso } = testApp
    const lea = await signIn(testApp, organization.code, 'lea')
    await saveSso({ isEnabled: false })
    const report = await recheckRound(testApp)
    assert.equal(report.ended, 1)
    assert.equal(provider.refreshGrants(), 0, 'the provider is not asked')
    assert.equal(await statusOf(testApp, lea.session), 401)
    assert.deepEqual(
      (await endedSessions(testApp)).map((event) => event.reason),
      ['sso_disabled'],
    )
  })

  it('forgets the refresh token of a session that lapsed without coming back, and asks nothing about it', async (t) => {
    const testApp = await setUp(t, {
      lea: { email: 'lea@nord.example', name: 'Léa', groups: ['agents'] },
      marc: { email: 'marc@nord.example', name: 'Marc', groups: ['agents'] },
    })
    const { db, organization, provider } = testApp
    const idle = await signIn(testApp, organization.code, 'lea')
    const expired = await signIn(testApp, organization.code, 'marc')
    const userOf = async (session: { value: string } | undefined) => (await me(testApp, session)).id as string
    const [idleUser, expiredUser] = [await userOf(idle.session), await userOf(expired.session)]
    // Closed browsers: one idle past SESSION_IDLE_MINUTES, one past its end; neither is presented again.
    await db.updateTable('session').set({ lastSeenAt: LONG_AGO }).where('userId', '=', idleUser).execute()
    await db.updateTable('session').set({ expiresAt: LONG_AGO }).where('userId', '=', expiredUser).execute()
    const report = await recheckRound(testApp)
    assert.equal(report.checked, 0)
    assert.equal(provider.refreshGrants(), 0)
    assert.deepEqual(await db.selectFrom('ssoSession').select('sessionId').execute(), [])
  })

  it('spends a refresh token once when two rounds run at once (two instances)', async (t) => {
    const testApp = await setUp(t, { lea: { email: 'lea@nord.example', name: 'Léa', groups: ['agents'] } })
    const { db, organization, provider } = testApp
    const lea = await signIn(testApp, organization.code, 'lea')
    await makeDue(testApp)
    const reports = await Promise.all([
      recheckSsoSessions(db, testApp.app.config),
      recheckSsoSessions(db, testApp.app.config),
    ])
    assert.equal(reports[0].checked + reports[1].checked, 1, 'one round claims the session')
    assert.equal(provider.refreshGrants(), 1, 'the token is sent once')
    // A token sent twice would have made the provider revoke the grant: the next check would end the session.
    const next = await recheckRound(testApp)
    assert.equal(next.confirmed, 1)
    assert.equal(await statusOf(testApp, lea.session), 200)
  })
})
