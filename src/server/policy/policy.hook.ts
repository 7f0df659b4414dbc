import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { CurrentUser, Scope } from '../http/auth.js'
import { AppError } from '../http/errors.js'
import { type Action, ANYONE, grantOf, isAction, may } from './policy.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The policy's action this route performs (`policy.ts`); every route under /api names one. */
    access?: Action
  }
}

/**
 * Makes the policy the gate of every route registered in `app` (the /api scope): a route without `config.access`
 * stops the server at start-up, naming it; a request is refused before its body is read, 401 without a session and
 * 403 when none of the user's roles grants the action anywhere. What the user may reach within the action is for
 * the handler to ask with `organizationsWhere` / `may`.
 */
export function enforceAccessPolicy(app: FastifyInstance) {
  app.addHook('onRoute', (route) => {
    const access = (route.config as { access?: unknown } | undefined)?.access
    if (route.schema?.hide) return
    if (!isAction(access)) {
      const methods = Array.isArray(route.method) ? route.method.join(',') : route.method
      throw new Error(`Route ${methods} ${route.url} declares no access policy (config.access); see src/server/policy/`)
    }
  })
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access
    if (access === undefined) return // a hidden route (the OpenAPI document) or a 404
    if (grantOf(access) === ANYONE) return
    if (!request.user) throw new AppError('UNAUTHENTICATED', 'Please sign in first')
    if (!may(request.scope, access)) {
      throw new AppError('FORBIDDEN', `Your roles do not allow this action (${access})`)
    }
  })
}

/** The signed-in user of a request whose route the policy has let through (never null there). */
export function currentUser(request: FastifyRequest): CurrentUser {
  if (!request.user) throw new AppError('UNAUTHENTICATED', 'Please sign in first')
  return request.user
}

/** The signed-in user's memberships, as the policy reads them. */
export function currentScope(request: FastifyRequest): Scope {
  if (!request.user) throw new AppError('UNAUTHENTICATED', 'Please sign in first')
  return request.scope
}
