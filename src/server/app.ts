import { existsSync } from 'node:fs'
import { join } from 'node:path'
import cookie from '@fastify/cookie'
import multipart from '@fastify/multipart'
import fastifyStatic from '@fastify/static'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { DestinationStream } from 'pino'
import type { Config } from './config.js'
import type { Db } from './db/database.js'
import { authRoutes } from './features/auth/auth.routes.js'
import { callingRoutes } from './features/calling/calling.routes.js'
import { supervisionRoutes } from './features/calling/supervision.routes.js'
import { campaignRoutes } from './features/campaigns/campaigns.routes.js'
import { exportRoutes } from './features/exports/exports.routes.js'
import { feedbackRoutes } from './features/feedback/feedback.routes.js'
import { installMetrics } from './features/health/health.metrics.js'
import { healthRoutes } from './features/health/health.routes.js'
import { householdRoutes } from './features/households/households.routes.js'
import { importRoutes } from './features/imports/imports.routes.js'
import { instrumentRoutes } from './features/instruments/instruments.routes.js'
import { organizationRoutes } from './features/organizations/organizations.routes.js'
import { planningRoutes } from './features/planning/planning.routes.js'
import { referralRoutes } from './features/referrals/referrals.routes.js'
import { reviewPdfRoutes } from './features/stats/review-pdf.routes.js'
import { statsRoutes } from './features/stats/stats.routes.js'
import { userRoutes } from './features/users/users.routes.js'
import { loadSession, SESSION_COOKIE } from './http/auth.js'
import { AppError, type ErrorBody } from './http/errors.js'
import { refuseHostileInput } from './http/hostile-input.js'
import { serializeError } from './http/log-errors.js'
import { addSecurityHeaders } from './http/security-headers.js'
import { enforceAccessPolicy } from './policy/policy.hook.js'
import { VERSION } from './version.js'
import { WorkerRegistry } from './workers.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
    config: Config
    workers: WorkerRegistry
  }
}

export interface BuildAppOptions {
  config: Config
  db: Db
  logger?: FastifyServerOptions['logger']
  /** Where the default logger writes (standard output unless given: the log tests read a buffer). */
  logStream?: DestinationStream
  /** The background workers of the running server, for GET /api/ready and /metrics (none in tests). */
  workers?: WorkerRegistry
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

function errorBody(code: ErrorBody['error']['code'], message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } }
}

/** Assembles the HTTP application around an open database; `main.ts` and the tests both call it. */
export async function buildApp({ config, db, logger, logStream, workers }: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? {
      level: config.logLevel,
      stream: logStream,
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      serializers: {
        // Query strings can hold a tenant's name or phone (registry search): log the path only.
        req: (request) => ({ method: request.method, url: request.url.split('?')[0], reqId: request.id }),
        err: serializeError,
      },
    },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.decorate('db', db)
  app.decorate('config', config)
  app.decorate('workers', workers ?? new WorkerRegistry())
  app.decorateRequest('user', null)
  app.decorateRequest('scope', null as never)

  const isHttps = config.publicUrl?.startsWith('https://') ?? false
  addSecurityHeaders(app, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Mantine writes its CSS variables in a <style> element; scripts stay strictly same-origin.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: isHttps ? [] : null,
      },
    },
    hsts: isHttps,
  })
  await app.register(cookie)
  await app.register(multipart, { limits: { fileSize: 200 * 1024 * 1024, files: 1 } })

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      if (error.code === 'RATE_LIMITED' && typeof error.details === 'object' && error.details) {
        const retryAfter = (error.details as { retryAfterSeconds?: number }).retryAfterSeconds
        if (retryAfter) reply.header('Retry-After', String(retryAfter))
      }
      return reply.status(error.statusCode).send(errorBody(error.code, error.message, error.details))
    }
    const fastifyError = error as FastifyError
    if (fastifyError.validation) {
      const details = fastifyError.validation.map((issue) => {
        const params = issue.params as Record<string, unknown>
        const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.')
        const field =
          (params.missingProperty as string | undefined) ??
          (params.additionalProperty as string | undefined) ??
          (path || fastifyError.validationContext || 'body')
        const message =
          params.additionalProperty !== undefined ? `unknown field "${params.additionalProperty}"` : issue.message
        return { field: path && params.additionalProperty !== undefined ? `${path}.${field}` : field, message }
      })
      const summary = details.map((detail) => `${detail.field}: ${detail.message}`).join('; ')
      return reply
        .status(400)
        .send(
          errorBody('VALIDATION_FAILED', `Invalid ${fastifyError.validationContext ?? 'request'}: ${summary}`, details),
        )
    }
    switch (fastifyError.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return reply.status(400).send(errorBody('BAD_REQUEST', 'The request body is not valid JSON'))
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.status(400).send(errorBody('BAD_REQUEST', 'The request body is empty but JSON was announced'))
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.status(415).send(errorBody('UNSUPPORTED_MEDIA_TYPE', 'This content type is not accepted here'))
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.status(413).send(errorBody('PAYLOAD_TOO_LARGE', 'The request body is too large'))
    }
    if (fastifyError.statusCode === 429) {
      return reply.status(429).send(errorBody('RATE_LIMITED', 'Too many requests; please wait a moment'))
    }
    if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return reply.status(fastifyError.statusCode).send(errorBody('BAD_REQUEST', fastifyError.message))
    }
    request.log.error({ err: error }, 'unhandled error')
    return reply.status(500).send(errorBody('INTERNAL', 'Something went wrong on our side; the error has been logged'))
  })

  // Cross-site request forgery: a browser always names the page's origin on a state-changing request.
  app.addHook('onRequest', async (request) => {
    if (!STATE_CHANGING.has(request.method)) return
    const origin = request.headers.origin
    if (origin === undefined) return
    const allowed = new Set([`${request.protocol}://${request.host}`])
    if (config.publicUrl) allowed.add(new URL(config.publicUrl).origin)
    if (!allowed.has(origin)) {
      throw new AppError('CROSS_ORIGIN_REFUSED', 'Requests from another site are refused')
    }
  })

  app.addHook('onRequest', async (request) => {
    request.scope = { userId: '', memberships: [] }
    if (!request.url.startsWith('/api/')) return
    const session = await loadSession(db, request.cookies[SESSION_COOKIE], {
      idleMinutes: config.sessionIdleMinutes,
      maxHours: config.sessionMaxHours,
    })
    if (session) {
      request.user = session.user
      request.scope = session.scope
    }
  })

  // Before the routes: its hook times every answer.
  installMetrics(app, { config, db, workers: app.workers })

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Allervers API',
        version: VERSION,
        description: 'Phone outreach to fragile social-housing tenants.',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
      security: [{ session: [] }],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs' })

  await app.register(
    async (api) => {
      enforceAccessPolicy(api)
      refuseHostileInput(api)
      // Answers of the API may carry personal data: no browser or proxy keeps a copy.
      api.addHook('onSend', (_request, reply, payload, done) => {
        if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store')
        done(null, payload)
      })
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
      await api.register(healthRoutes)
      await api.register(authRoutes)
      await api.register(organizationRoutes)
      await api.register(userRoutes)
      await api.register(householdRoutes)
      await api.register(importRoutes)
      await api.register(instrumentRoutes)
      await api.register(campaignRoutes)
      await api.register(callingRoutes)
      await api.register(supervisionRoutes)
      await api.register(referralRoutes)
      await api.register(statsRoutes)
      await api.register(feedbackRoutes)
      await api.register(reviewPdfRoutes)
      await api.register(exportRoutes)
      await api.register(planningRoutes)
    },
    { prefix: '/api' },
  )

  const webRootExists = existsSync(join(config.webRoot, 'index.html'))
  if (webRootExists) {
    await app.register(fastifyStatic, { root: config.webRoot, wildcard: false, index: ['index.html'] })
  }
  app.setNotFoundHandler((request, reply) => {
    if (request.method === 'GET' && !request.url.startsWith('/api/')) {
      if (webRootExists) return reply.type('text/html').sendFile('index.html')
      return reply
        .type('text/plain; charset=utf-8')
        .send('The web app is not built yet: run `npm run build`, then restart the server.')
    }
    return reply.status(404).send(errorBody('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`))
  })

  return app
}
