/**
 * A real OpenID provider (panva's `oidc-provider`) for one test, on 127.0.0.1 and a random port, with its
 * development sign-in forms (any login, any password; the login is the account's subject). Accounts are described
 * by the test and may be disabled at any time: the provider then issues no token for them, so the application's code
 * exchange is refused (invalid_grant), like a directory that has turned the account off.
 *
 * It issues a refresh token when the authorization request asks `offline_access` (as Keycloak or Entra ID do; the
 * library's own default also wants `prompt=consent`, which Allervers does not send), rotates it at every use and, like
 * the strict providers, revokes the whole grant when a spent one comes back. The same disabled account is refused the
 * refresh grant too (invalid_grant).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestContext } from 'node:test'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import Provider, { type ProviderContext } from 'oidc-provider'

export interface ProviderAccountData {
  email: string
  name: string
  groups: string[]
  isDisabled?: boolean
  /** What the provider says of the address (`email_verified`); true unless set. */
  emailVerified?: boolean
}

export interface TestProvider {
  issuer: string
  clientId: string
  clientSecret: string
  accounts: Map<string, ProviderAccountData>
  /** Refresh grants asked so far (answered or refused). */
  refreshGrants(): number
  /** Stops answering (the port refuses connections), as a provider down. */
  stop(): Promise<void>
  /**
   * Signs `login` out at the provider, which posts its logout token to the application (throws on a refusal); with
   * `providerSessionId`, the token names that session of the provider too (with `providerSessionIds` on).
   */
  backchannelLogout(login: string, providerSessionId?: string): Promise<void>
  /** The provider's session ids (`sid`) of the sign-ins `login` made so far, oldest first. */
  providerSessionsOf(login: string): string[]
  /** Signs these claims with the provider's own key, as a JWT it could have issued. */
  signAsProvider(claims: Record<string, unknown>): Promise<string>
}

export async function startOidcProvider(
  t: TestContext,
  options: {
    redirectUri: string
    accounts?: Record<string, ProviderAccountData>
    /** Where the provider posts its logout tokens (Back-Channel Logout 1.0), when the application takes them. */
    backchannelLogoutUri?: string
    /**
     * The provider names its sessions (`sid`) in the ID tokens it gives this client and in its logout tokens
     * (`backchannel_logout_session_required`), as Keycloak does; without it, neither carries one.
     */
    providerSessionIds?: boolean
  },
): Promise<TestProvider> {
  const accounts = new Map(Object.entries(options.accounts ?? {}))
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const issuer = `http://127.0.0.1:${port}`
  const clientId = 'allervers-test'
  const clientSecret = 'a client secret long enough for HS256 signing, 1234567890'
  // The provider's signing key, made here so that a test can also sign what the provider would (signAsProvider).
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'test-provider-key', alg: 'RS256', use: 'sig' }
  const provider = new Provider(issuer, {
    jwks: { keys: [signingKey] },
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        ...(options.backchannelLogoutUri
          ? {
              backchannel_logout_uri: options.backchannelLogoutUri,
              backchannel_logout_session_required: options.providerSessionIds === true,
            }
          : {}),
      },
    ],
    async findAccount(_ctx: unknown, sub: string, token?: unknown) {
      const account = accounts.get(sub)
      // A disabled account still has its sign-in form, but the provider issues nothing for it: the code exchange
      // answers invalid_grant (as oidc-provider does for an account gone between sign-in and tokens).
      if (!account || (account.isDisabled && token !== undefined)) return undefined
      return {
        accountId: sub,
        claims: () => ({
          sub,
          email: account.email,
          email_verified: account.emailVerified ?? true,
          name: account.name,
          groups: account.groups,
        }),
      }
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    scopes: ['openid', 'email', 'profile', 'groups', 'offline_access'],
    async issueRefreshToken(
      _ctx: unknown,
      client: { grantTypeAllowed(type: string): boolean },
      code: { nonce?: string },
    ) {
      return client.grantTypeAllowed('refresh_token') && code.nonce !== undefined && offlineNonces.has(code.nonce)
    },
    rotateRefreshToken: true,
    features: { devInteractions: { enabled: true }, backchannelLogout: { enabled: true } },
    cookies: { keys: ['a test key of the provider cookies'] },
    // Sign-in without a consent screen: the grant is given on the spot (an organisation's own application).
    async loadExistingGrant(ctx: {
      oidc: { session: { accountId?: string }; client: { clientId: string }; provider: Provider }
    }) {
      const accountId = ctx.oidc.session.accountId
      if (!accountId) return undefined
      const grant = new ctx.oidc.provider.Grant({ accountId, clientId: ctx.oidc.client.clientId })
      grant.addOIDCScope('openid email profile groups')
      await grant.save()
      return grant
    },
  })
  // Which sign-ins asked offline_access, by their nonce (the code carries it to the token endpoint): the library drops
  // the scope from the request before the grant is decided.
  const offlineNonces = new Set<string>()
  provider.use(async (ctx, next) => {
    const scope = typeof ctx.query.scope === 'string' ? ctx.query.scope.split(' ') : []
    if (ctx.path === '/auth' && scope.includes('offline_access') && typeof ctx.query.nonce === 'string') {
      offlineNonces.add(ctx.query.nonce)
    }
    await next()
  })
  let refreshGrants = 0
  const countRefresh = (ctx: ProviderContext) => {
    if (ctx.oidc?.params?.grant_type === 'refresh_token') refreshGrants++
  }
  provider.on('grant.success', countRefresh)
  // Each sign-in's provider session, as the authorization code carries it to the ID token.
  const providerSessions: { login: string; sid: string }[] = []
  // (The library emits each model's events with the model; its typings only know the context-carrying ones.)
  ;(provider as unknown as NodeJS.EventEmitter).on(
    'authorization_code.saved',
    (code: { accountId?: string; sid?: string }) => {
      if (code.accountId && code.sid) providerSessions.push({ login: code.accountId, sid: code.sid })
    },
  )
  provider.on('grant.error', countRefresh)
  const handler = provider.callback()
  server.on('request', handler)
  let stopped: Promise<void> | undefined
  const stop = () => {
    stopped ??= new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
    return stopped
  }
  t.after(stop)
  /** The provider's own back-channel logout of `login` (as when its session ends there): a signed token posted. */
  const backchannelLogout = async (login: string, providerSessionId?: string) => {
    // The library's Client model (its typings leave it out) signs the token with the provider's keys and posts it.
    const models = provider as unknown as {
      Client: { find(id: string): Promise<{ backchannelLogout(sub: string, sid?: string): Promise<void> } | undefined> }
    }
    const registered = await models.Client.find(clientId)
    if (!registered) throw new Error('the test client is not registered')
    await registered.backchannelLogout(login, providerSessionId)
  }
  const signAsProvider = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: signingKey.kid, typ: 'logout+jwt' }).sign(privateKey)
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    refreshGrants: () => refreshGrants,
    stop,
    backchannelLogout,
    providerSessionsOf: (login: string) =>
      providerSessions.filter((session) => session.login === login).map((session) => session.sid),
    signAsProvider,
  }
}

/**
 * Follows an authorization request through the provider as a browser would (redirects, cookies, the sign-in form
 * posted with `login`), up to the redirect back to the application: answers that URL. Throws when the provider ends
 * on a page of its own (an error it shows instead of redirecting).
 */
export async function signInAtProvider(authorizationUrl: string, login: string, redirectUri: string): Promise<URL> {
  const cookies = new Map<string, string>()
  const cookieHeader = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  const keepCookies = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const index = pair.indexOf('=')
      const name = pair.slice(0, index)
      const value = pair.slice(index + 1)
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) cookies.delete(name)
      else cookies.set(name, value)
    }
  }
  let url = new URL(authorizationUrl)
  let init: RequestInit = {}
  for (let step = 0; step < 20; step++) {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: cookieHeader() },
    })
    keepCookies(response)
    init = {}
    const location = response.headers.get('location')
    if (location) {
      const next = new URL(location, url)
      if (next.href.startsWith(redirectUri)) return next
      url = next
      continue
    }
    const html = await response.text()
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1]
    if (!action || !prompt)
      throw new Error(`the provider stopped on a page (${response.status}): ${html.slice(0, 500)}`)
    url = new URL(action, url)
    const form = new URLSearchParams({ prompt })
    if (prompt === 'login') {
      form.set('login', login)
      form.set('password', 'any password')
    }
    init = {
      method: 'POST',
      body: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }
  }
  throw new Error('the provider redirected more than 20 times')
}
