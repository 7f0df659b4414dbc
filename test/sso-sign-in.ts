/**
 * Single sign-on in tests: a real provider (oidc-provider) and an organisation set up to use it, and a sign-in
 * through it as a browser would make it.
 */
import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import { buildTestApp, type TestApp } from './app.js'
import { makeOrganization, makeUser } from './factories.js'
import { type ProviderAccountData, signInAtProvider, startOidcProvider } from './oidc-provider.js'

export const PUBLIC_URL = 'http://allervers.test'
export const REDIRECT_URI = `${PUBLIC_URL}/api/auth/sso/callback`
export const SSO_SECRET_KEY = 'a1'.repeat(32)

export const MAPPING = [
  { group: 'allervers-managers', role: 'manager' },
  { group: 'agents', role: 'caller' },
] as const

/** A provider with these accounts, an app, an organisation whose administrator has set single sign-on up. */
export async function setUpSso(
  t: TestContext,
  options: {
    accounts?: Record<string, ProviderAccountData>
    provisioning?: 'first_sign_in' | 'invitation_only'
    scopes?: string
    /** The application takes the provider's logout tokens (back-channel logout). */
    backchannelLogout?: boolean
    /** The provider names its sessions (`sid`) in ID tokens and logout tokens, as Keycloak does. */
    providerSessionIds?: boolean
  } = {},
) {
  const testApp = await buildTestApp(t, { PUBLIC_URL, SSO_SECRET_KEY, SSO_ALLOW_HTTP_ISSUER: '1' })
  const organization = await makeOrganization(testApp.db, { name: 'Habitat du Nord' })
  const admin = await makeUser(testApp.db, 'admin', { organizationId: organization.id })
  const adminSession = await testApp.loginAs(admin)
  // The provider's logout tokens reach the application over HTTP: it listens on a port of its own for them.
  const appUrl = options.backchannelLogout ? await testApp.app.listen({ port: 0, host: '127.0.0.1' }) : null
  const provider = await startOidcProvider(t, {
    redirectUri: REDIRECT_URI,
    accounts: options.accounts,
    ...(appUrl ? { backchannelLogoutUri: `${appUrl}/api/auth/sso/${organization.code}/backchannel-logout` } : {}),
    providerSessionIds: options.providerSessionIds,
  })
  /** Sends the settings of this set-up with `changes` (the secret once stored is kept), as `headers`' administrator. */
  const putSso = (
    changes: { isEnabled?: boolean; clientSecret?: string; requireSso?: boolean } = {},
    headers: { cookie: string } = adminSession,
  ) =>
    testApp.app.inject({
      method: 'PUT',
      url: `/api/organizations/${organization.code}/sso`,
      headers,
      payload: {
        isEnabled: true,
        issuer: provider.issuer,
        clientId: provider.clientId,
        scopes: options.scopes ?? 'openid email profile groups',
        groupsClaim: 'groups',
        roleMapping: MAPPING,
        provisioning: options.provisioning ?? 'first_sign_in',
        ...changes,
      },
    })
  /** The administrator saves the settings of this set-up with `changes`; 200 expected. */
  const saveSso = async (changes: Parameters<typeof putSso>[0] = {}) => {
    const saved = await putSso(changes)
    assert.equal(saved.statusCode, 200, saved.body)
  }
  await saveSso({ clientSecret: provider.clientSecret })
  return { ...testApp, provider, organization, admin, adminSession, saveSso, putSso }
}

/** Starts at the app, signs in at the provider as `login`, and brings the provider's answer back to the app. */
export async function signIn(testApp: TestApp, organizationCode: string, login: string, tamper?: (back: URL) => void) {
  const start = await testApp.app.inject({ url: `/api/auth/sso/${organizationCode}/start` })
  assert.equal(start.statusCode, 302, start.body)
  const attemptCookie = start.cookies.find((cookie) => cookie.name === 'allervers_sso')
  assert.ok(attemptCookie, 'the round trip carries its cookie')
  assert.equal(attemptCookie.httpOnly, true)
  const authorization = new URL(String(start.headers.location))
  assert.equal(authorization.searchParams.get('code_challenge_method'), 'S256')
  assert.ok(authorization.searchParams.get('state') && authorization.searchParams.get('nonce'))
  const back = await signInAtProvider(authorization.href, login, REDIRECT_URI)
  tamper?.(back)
  const answer = await testApp.app.inject({
    url: `${back.pathname}${back.search}`,
    headers: { cookie: `allervers_sso=${attemptCookie.value}` },
  })
  assert.equal(answer.statusCode, 302, answer.body)
  const session = answer.cookies.find((cookie) => cookie.name === 'allervers_session')
  return { location: String(answer.headers.location), session }
}

export async function me(testApp: TestApp, session: { value: string } | undefined) {
  assert.ok(session, 'a session cookie is set')
  const response = await testApp.app.inject({
    url: '/api/auth/me',
    headers: { cookie: `allervers_session=${session.value}` },
  })
  assert.equal(response.statusCode, 200)
  return response.json().user
}
