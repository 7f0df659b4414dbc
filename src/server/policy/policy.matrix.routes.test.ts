/**
 * The role × route matrix: every route the real app registers under /api, every role, three checks.
 *
 * EXPECTED below is written by hand, independently of POLICY: it is the second statement of who may call what, so a
 * change to either one alone fails here. The test fails when
 *   (a) a registered route has no entry in EXPECTED, or an entry matches no route (a route added or removed without
 *       saying who may call it);
 *   (b) EXPECTED and POLICY (read through the route's `config.access`) disagree on a role;
 *   (c) over HTTP, a denied role does not get exactly 401 (anonymous) or 403 (signed in), or an allowed role gets 401
 *       or 403 — unless its entry names that role in `refusedByHandler`, with the reason (a refusal that depends on
 *       the data, decided by the handler once the gate has let the request through).
 * Requests carry placeholder path parameters (ids of nothing) and an empty JSON body: the gate answers before the
 * body is read, and an allowed role's request goes on to a 400 or 404.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { test } from 'node:test'
import type { FastifyInstance, RouteOptions } from 'fastify'
import { buildTestApp } from '../../../test/app.js'
import { makeOrganization, makeUser, type TestUser } from '../../../test/factories.js'
import type { Role } from '../../shared/roles.js'
import { isAction, may } from './policy.js'

type Caller = 'anonymous' | Role
const CALLERS: readonly Caller[] = [
  'anonymous',
  'admin',
  'manager',
  'caller',
  'social_worker',
  'partner',
  'viewer',
  'dpo',
]

const EVERYONE: readonly Caller[] = CALLERS
const SIGNED_IN: readonly Caller[] = ['admin', 'manager', 'caller', 'social_worker', 'partner', 'viewer', 'dpo']
const ADMIN: readonly Caller[] = ['admin']
const MANAGERS: readonly Caller[] = ['admin', 'manager']
const CALLING: readonly Caller[] = ['admin', 'manager', 'caller']
/** Read their organisation's registry: list, search, any household's record. */
const REGISTRY_READERS: readonly Caller[] = ['admin', 'manager', 'social_worker']
const REVIEWERS: readonly Caller[] = ['admin', 'manager', 'viewer']
/** Read the audit log of their organisations. */
const AUDITORS: readonly Caller[] = ['admin', 'dpo']

interface Expectation {
  allowed: readonly Caller[]
  /** Allowed by the gate, refused (403) by the handler for a reason of data: which roles, and why (checked: 403). */
  refusedByHandler?: { roles: readonly Caller[]; reason: string }
  /** A query string that takes the request past validation to the handler's own refusal. */
  query?: string
}

/** 'METHOD /url' (as registered, with its :params) → who may call it. */
const EXPECTED: Record<string, Expectation> = {
  'GET /api/health': { allowed: EVERYONE },
  'GET /api/ready': { allowed: EVERYONE },
  'POST /api/auth/login': { allowed: EVERYONE },
  'POST /api/auth/logout': { allowed: EVERYONE },
  'GET /api/auth/me': { allowed: SIGNED_IN },
  'GET /api/home': { allowed: SIGNED_IN },
  // One's own sessions: an id that is not one of theirs is a 404.
  'GET /api/account/sessions': { allowed: SIGNED_IN },
  'DELETE /api/account/sessions/:id': { allowed: SIGNED_IN },
  'POST /api/account/password': { allowed: SIGNED_IN },
  // Reachable without signing in: a reset request, and the link of an invitation or a reset.
  'POST /api/account/password-reset': { allowed: EVERYONE },
  'POST /api/account/link': { allowed: EVERYONE },
  'POST /api/account/link/password': { allowed: EVERYONE },
  // The second step of signing in, gated by the pending sign-in's cookie (without it: 401 from the handler).
  'POST /api/auth/mfa/verify': { allowed: EVERYONE },
  'POST /api/auth/mfa/enrolment': { allowed: EVERYONE },
  'POST /api/auth/mfa/enrolment/confirm': { allowed: EVERYONE },
  // One's own second factor.
  'GET /api/account/mfa': { allowed: SIGNED_IN },
  'POST /api/account/mfa/enrolment': { allowed: SIGNED_IN },
  'POST /api/account/mfa/enrolment/confirm': { allowed: SIGNED_IN },
  'POST /api/account/mfa/disable': { allowed: SIGNED_IN },
  'POST /api/account/mfa/recovery-codes': { allowed: SIGNED_IN },
  // Single sign-on through an organisation's provider: before any session (a refusal is a redirect, never a 401).
  'GET /api/auth/sso/organizations': { allowed: EVERYONE },
  'GET /api/auth/sso/:code/start': { allowed: EVERYONE },
  'GET /api/auth/sso/callback': { allowed: EVERYONE },
  'POST /api/auth/sso/:code/backchannel-logout': { allowed: EVERYONE },

  'GET /api/organizations': { allowed: SIGNED_IN },
  'POST /api/organizations': { allowed: ADMIN },
  'GET /api/organizations/:code/agencies': { allowed: SIGNED_IN },
  'POST /api/organizations/:code/agencies': { allowed: MANAGERS },
  // An organisation's single sign-on settings: administrators of its network (404 for any other organisation).
  'GET /api/organizations/:code/sso': { allowed: ADMIN },
  'PUT /api/organizations/:code/sso': { allowed: ADMIN },
  'GET /api/users': { allowed: ADMIN },
  'POST /api/users': { allowed: ADMIN },
  'POST /api/users/invitations': { allowed: ADMIN },
  'POST /api/users/:id/disable': { allowed: ADMIN },
  'POST /api/users/:id/enable': { allowed: ADMIN },
  'POST /api/users/:id/mfa/reset': { allowed: ADMIN },
  'DELETE /api/users/:id/memberships/:code': { allowed: ADMIN },

  // Callers never list nor search the registry; they pass the gate of one household's routes, where the handler
  // answers 404 unless they are calling it now (a held target, a callback promised to them); partners read a
  // household's essentials while a referral to them is active. Viewers never read a household.
  'GET /api/households': { allowed: REGISTRY_READERS },
  // The filtered list as a spreadsheet: managers only (a whole registry leaves with it).
  'GET /api/households/export.csv': { allowed: MANAGERS },
  // The DPO passes the gate of a household's record and timeline and gets 404 unless a request of the register is
  // open about it (as for the dossier).
  'GET /api/households/:id': { allowed: [...REGISTRY_READERS, 'caller', 'partner', 'dpo'] },
  'GET /api/households/:id/timeline': { allowed: [...REGISTRY_READERS, 'caller', 'dpo'] },
  'POST /api/households/:id/objection': { allowed: [...REGISTRY_READERS, 'caller'] },
  'POST /api/households/:id/objection/withdraw': { allowed: MANAGERS },

  'POST /api/imports/preview': { allowed: MANAGERS },
  'POST /api/imports': { allowed: MANAGERS },
  'GET /api/imports/:id': { allowed: MANAGERS },
  'GET /api/imports/:id/rejected.csv': { allowed: MANAGERS },
  'GET /api/import-mappings': { allowed: MANAGERS },

  'GET /api/instruments': { allowed: SIGNED_IN },
  'POST /api/instruments/:code/score': { allowed: SIGNED_IN },

  'GET /api/campaign-templates': { allowed: MANAGERS },
  'GET /api/campaigns': { allowed: MANAGERS },
  'POST /api/campaigns': { allowed: MANAGERS },
  'POST /api/campaigns/preview': { allowed: MANAGERS },
  'POST /api/campaigns/preview/explain': { allowed: MANAGERS },
  'GET /api/campaigns/targeting-values': { allowed: MANAGERS },
  'GET /api/campaigns/:id': { allowed: MANAGERS },
  'PATCH /api/campaigns/:id': { allowed: MANAGERS },
  'GET /api/campaigns/:id/explain/:householdId': { allowed: MANAGERS },
  'POST /api/campaigns/:id/activate': { allowed: MANAGERS },
  'POST /api/campaigns/:id/pause': { allowed: MANAGERS },
  'POST /api/campaigns/:id/close': { allowed: MANAGERS },
  'PUT /api/campaigns/:id/targeting': { allowed: MANAGERS },
  'PUT /api/campaigns/:id/callers': { allowed: MANAGERS },
  'GET /api/campaigns/:id/callers': { allowed: MANAGERS },
  'POST /api/campaigns/:id/callers': { allowed: MANAGERS },
  'DELETE /api/campaigns/:id/callers/:userId': { allowed: MANAGERS },
  'GET /api/campaigns/:id/plan': { allowed: MANAGERS },

  'GET /api/calling/campaigns': { allowed: CALLING },
  'GET /api/calling/today': { allowed: CALLING },
  'GET /api/calling/callbacks': { allowed: CALLING },
  'POST /api/campaigns/:id/claim': { allowed: CALLING },
  'POST /api/assignments/:id/outcome': { allowed: CALLING },
  'POST /api/assignments/:id/release': { allowed: CALLING },
  'POST /api/assignments/:id/renew': { allowed: CALLING },

  'GET /api/campaigns/:id/supervision': { allowed: MANAGERS },
  'POST /api/campaigns/:id/held/:targetId/release': { allowed: MANAGERS },
  'GET /api/campaigns/:id/live': { allowed: MANAGERS },
  'POST /api/campaigns/:id/callbacks/:targetId/reassign': { allowed: MANAGERS },
  'GET /api/campaigns/:id/debriefs': { allowed: MANAGERS },
  'POST /api/debriefs/:id/handled': { allowed: MANAGERS },
  // Any signed-in user reaches the handler, which accepts only the campaign's callers (a 400 here: empty body).
  'POST /api/campaigns/:id/feedback': { allowed: SIGNED_IN },

  'GET /api/referrals/emergency-numbers': { allowed: SIGNED_IN },
  'POST /api/referrals': { allowed: ['admin', 'manager', 'caller', 'social_worker'] },
  // Who sees or moves a referral (sender, recipient, partner) is decided with the referral's data.
  'GET /api/referrals': { allowed: SIGNED_IN },
  'GET /api/referrals/:id': { allowed: SIGNED_IN },
  'POST /api/referrals/:id/transition': { allowed: SIGNED_IN },
  'POST /api/referrals/:id/notes': { allowed: SIGNED_IN },
  'POST /api/referrals/:id/follow-up': { allowed: SIGNED_IN },

  'GET /api/stats/summary': { allowed: REVIEWERS },
  'GET /api/stats/panels/:panel': { allowed: REVIEWERS },
  'GET /api/stats/review': { allowed: REVIEWERS },
  'GET /api/stats/review.pdf': { allowed: REVIEWERS },

  'GET /api/exports/:dataset.:format': {
    allowed: SIGNED_IN,
    // A valid query, so that the request reaches the handler's role gate (the organisation named exists nowhere).
    query: 'scope=organization:no-such-code&from=2025-01-01&to=2025-01-31',
    refusedByHandler: {
      roles: ['caller', 'viewer', 'dpo'],
      reason:
        'callers never export, viewers read aggregates only and the DPO reads tenant data only within a request, whatever the dataset (exports.routes.ts)',
    },
  },

  // Which category, where, who: never the text. The DPO follows them up; administrators appoint the DPO.
  'GET /api/sensitive-flags': { allowed: ['admin', 'dpo'] },
  'GET /api/audit': { allowed: AUDITORS },
  'GET /api/audit.csv': { allowed: AUDITORS },
  // Retention: the organisation's administrators and its DPO read; administrators change the periods.
  'GET /api/organizations/:code/retention': { allowed: ['admin', 'dpo'] },
  'PUT /api/organizations/:code/retention': { allowed: ADMIN },
  'GET /api/retention/due': { allowed: ['admin', 'dpo'] },
  'GET /api/retention/runs': { allowed: ['admin', 'dpo'] },
  // The DPO passes the gate of a dossier and gets 404 unless a request of the register is open about the household.
  'GET /api/households/:id/dossier': { allowed: ['admin', 'manager', 'dpo'] },
  'GET /api/data-requests': { allowed: ['admin', 'manager', 'dpo'] },
  'POST /api/data-requests': { allowed: ['admin', 'manager', 'dpo'] },
  'POST /api/data-requests/:id/close': { allowed: ['admin', 'manager', 'dpo'] },
  'POST /api/households/:id/rectification': { allowed: MANAGERS },
  'POST /api/households/:id/erasure': { allowed: MANAGERS },
}

/** Placeholder values for path parameters: ids of nothing, codes of nothing. */
const PLACEHOLDERS: Record<string, string> = {
  id: randomUUID(),
  householdId: randomUUID(),
  targetId: randomUUID(),
  userId: randomUUID(),
  code: 'no-such-code',
  panel: 'no-such-panel',
  dataset: 'referrals',
  format: 'csv',
}

function pathOf(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = PLACEHOLDERS[name]
    if (value === undefined) throw new Error(`no placeholder for the path parameter :${name} of ${url}`)
    return value
  })
}

interface RegisteredRoute {
  key: string
  method: string
  url: string
  access: unknown
}

/**
 * Builds the real app while listening to every route it registers: Fastify announces each new instance on the
 * `fastify.initialization` channel, early enough to add an `onRoute` hook before any plugin registers a route.
 */
async function buildAppCollectingRoutes(t: Parameters<typeof buildTestApp>[0]) {
  const seen: RouteOptions[] = []
  const onInstance = (message: unknown) => {
    const { fastify } = message as { fastify: FastifyInstance }
    fastify.addHook('onRoute', (route) => {
      seen.push(route)
    })
  }
  subscribe('fastify.initialization', onInstance)
  try {
    const testApp = await buildTestApp(t)
    await testApp.app.ready()
    const routes: RegisteredRoute[] = []
    for (const route of seen) {
      if (!route.url.startsWith('/api/') || route.schema?.hide) continue
      const methods = [route.method].flat()
      for (const method of methods) {
        // Fastify gives every GET a HEAD twin with the same options: the GET stands for both.
        if (method === 'HEAD' && seen.some((other) => other.url === route.url && [other.method].flat().includes('GET')))
          continue
        routes.push({ key: `${method} ${route.url}`, method, url: route.url, access: route.config?.access })
      }
    }
    return { ...testApp, routes }
  } finally {
    unsubscribe('fastify.initialization', onInstance)
  }
}

const policyAllows = (caller: Caller, action: Parameters<typeof may>[1]) =>
  may(caller === 'anonymous' ? null : { memberships: [{ organizationId: 'organization', role: caller }] }, action)

test('role × route matrix', async (t) => {
  const { app, db, routes, loginAs } = await buildAppCollectingRoutes(t)

  await t.test('(a) every /api route has an entry in the table, and every entry a route', () => {
    const registered = new Set(routes.map((route) => route.key))
    const withoutEntry = [...registered].filter((key) => !(key in EXPECTED))
    const withoutRoute = Object.keys(EXPECTED).filter((key) => !registered.has(key))
    assert.deepEqual(
      { withoutEntry, withoutRoute },
      { withoutEntry: [], withoutRoute: [] },
      'routes without an entry in EXPECTED (say who may call them) / entries of EXPECTED that match no route',
    )
    assert.ok(routes.length >= 50, `only ${routes.length} routes found: the collection missed some`)
  })

  await t.test('(b) the table and POLICY agree on every route and role', () => {
    const disagreements: string[] = []
    for (const route of routes) {
      const expectation = EXPECTED[route.key]
      if (!expectation) continue
      if (!isAction(route.access)) {
        disagreements.push(`${route.key}: config.access ${JSON.stringify(route.access)} is no action of POLICY`)
        continue
      }
      for (const caller of CALLERS) {
        const inTable = expectation.allowed.includes(caller)
        const inPolicy = policyAllows(caller, route.access)
        if (inTable !== inPolicy) {
          disagreements.push(
            `${route.key} (${route.access}) for ${caller}: table says ${inTable ? 'allowed' : 'denied'}, ` +
              `POLICY says ${inPolicy ? 'allowed' : 'denied'}`,
          )
        }
      }
    }
    assert.deepEqual(disagreements, [])
  })

  await t.test('(c) over HTTP, denied roles get 401/403 from the gate and allowed roles get past it', async () => {
    const landlord = await makeOrganization(db)
    const partnerOrganization = await makeOrganization(db, { type: 'partner' })
    const users = new Map<Caller, TestUser>()
    const cookies = new Map<Caller, string>()
    for (const role of SIGNED_IN as Role[]) {
      const organizationId = role === 'partner' ? partnerOrganization.id : landlord.id
      const user = await makeUser(db, role, { organizationId })
      users.set(role, user)
      cookies.set(role, (await loginAs(user)).cookie)
    }

    const failures: string[] = []
    for (const route of routes) {
      const expectation = EXPECTED[route.key]
      if (!expectation) continue
      const url = pathOf(route.url) + (expectation.query ? `?${expectation.query}` : '')
      for (const caller of CALLERS) {
        let cookie = cookies.get(caller)
        // Logging out ends the session: sign in afresh for that one request so the others keep theirs.
        if (cookie && route.key === 'POST /api/auth/logout') cookie = (await loginAs(users.get(caller)!)).cookie
        const response = await app.inject({
          method: route.method as 'GET',
          url,
          headers: cookie ? { cookie } : {},
          ...(route.method === 'GET' ? {} : { payload: {} }),
        })
        const status = response.statusCode
        const isAllowed = expectation.allowed.includes(caller)
        let problem: string | undefined
        if (!isAllowed) {
          const wanted = caller === 'anonymous' ? 401 : 403
          if (status !== wanted) problem = `denied, wanted ${wanted}`
        } else if (status === 401) {
          problem = 'allowed, got 401'
        } else if (expectation.refusedByHandler?.roles.includes(caller)) {
          if (status !== 403) problem = 'named in refusedByHandler, yet not refused: is the exception still true?'
        } else if (status === 403) {
          problem = 'allowed, got 403 (a refusal of the handler? name it in refusedByHandler with its reason)'
        }
        if (problem) failures.push(`${route.key} as ${caller}: ${status} — ${problem}: ${response.body.slice(0, 160)}`)
      }
    }
    assert.deepEqual(failures, [])
  })
})
