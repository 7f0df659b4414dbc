import { existsSync } from 'node:fs'
import { join } from 'node:path'
import cookie from '@fastify/cookie'
import multipart from '@fastify/multipart'
import fastifyStatic from '@fastify/static'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify'
import type { DestinationStream } from 'pino'
import type { Config } from './config.js'
import { startChangeListener } from './db/broadcast.js'
import type { Db } from './db/database.js'
import { accountRoutes } from './features/account/account.routes.js'
import { authRoutes } from './features/auth/auth.routes.js'
import { callerRoutes } from './features/calling/callers.routes.js'
import { callingRoutes } from './features/calling/calling.routes.js'
import { supervisionRoutes } from './features/calling/supervision.routes.js'
import { campaignRoutes } from './features/campaigns/campaigns.routes.js'
import { dataProtectionRoutes } from './features/data-protection/data-protection.routes.js'
import { exportRoutes } from './features/exports/exports.routes.js'
import { feedbackRoutes } from './features/feedback/feedback.routes.js'
import { installMetrics } from './features/health/health.metrics.js'
import { healthRoutes } from './features/health/health.routes.js'
import { homeRoutes } from './features/home/home.routes.js'
import { householdRoutes } from './features/households/households.routes.js'
import { importRoutes } from './features/imports/imports.routes.js'
import { instrumentRoutes } from './features/instruments/instruments.routes.js'
import { mfaRoutes } from './features/mfa/mfa.routes.js'
import { organizationRoutes } from './features/organizations/organizations.routes.js'
import { planningRoutes } from './features/planning/planning.routes.js'
import { referralRoutes } from './features/referrals/referrals.routes.js'
import { retentionRoutes } from './features/retention/retention.routes.js'
import { sensitiveFlagRoutes } from './features/sensitive-flags/sensitive-flags.routes.js'
import { ssoRoutes } from './features/sso/sso.routes.js'
import { reviewPdfRoutes } from './features/stats/review-pdf.routes.js'
import { statsRoutes } from './features/stats/stats.routes.js'
import { userRoutes } from './features/users/users.routes.js'
import { loadSession, SESSION_COOKIE } from './http/auth.js'
import { AppError, ERROR_STATUS, type ErrorBody, type ErrorCode } from './http/errors.js'
import { boundDateFormats, refuseHostileInput } from './http/hostile-input.js'
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

/** Validation issues named in one answer; the message counts the others. */
const MAX_VALIDATION_DETAILS = 20

function errorBody(code: ErrorBody['error']['code'], message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } }
}

/** Refusals by Fastify and its plugins, by their code: what the client is told, in the one format. */
const FRAMEWORK_REFUSALS: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'BAD_REQUEST',
    message: 'The request body is not valid JSON (or holds a __proto__ or constructor.prototype key)',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'BAD_REQUEST', message: 'The request body is empty but JSON was announced' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'This content type is not accepted here' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'BAD_REQUEST',
    message: 'The request body is not as long as its Content-Length says',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' },
  FST_ERR_BAD_URL: {
    code: 'BAD_REQUEST',
    message: 'The address holds a percent-encoded sequence that is not UTF-8 text',
  },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'URI_TOO_LONG', message: 'A part of the address is longer than 100 characters' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'This route takes a multipart/form-data form',
  },
  FST_PROTO_VIOLATION: { code: 'BAD_REQUEST', message: 'A form part may not be named __proto__ or constructor' },
  FST_MP_PREMATURE_CLOSE: { code: 'BAD_REQUEST', message: 'The form ended before its last part' },
  FST_INVALID_JSON_FIELD_ERROR: { code: 'BAD_REQUEST', message: 'A form part announced as JSON is not valid JSON' },
  FST_PARTS_LIMIT: { code: 'PAYLOAD_TOO_LARGE', message: 'The form has too many parts' },
  FST_FILES_LIMIT: { code: 'PAYLOAD_TOO_LARGE', message: 'The form has too many files' },
  FST_FIELDS_LIMIT: { code: 'PAYLOAD_TOO_LARGE', message: 'The form has too many fields' },
  FST_REQ_FILE_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'The file is too large' },
}

/** The code a client error of another origin is answered under, by its status (400 BAD_REQUEST for the others). */
const CODE_OF_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
}

/**
 * A client error raised by Fastify, a plugin or a library (not an AppError) in the one format: by its code when
 * known, else under the code of its status (so that code and status always agree), else 400 BAD_REQUEST.
 */
function clientRefusal(error: FastifyError): { status: number; body: ErrorBody } | null {
  const known = error.code ? FRAMEWORK_REFUSALS[error.code] : undefined
  if (known) return { status: ERROR_STATUS[known.code], body: errorBody(known.code, known.message) }
  const status = error.statusCode
  if (!status || status < 400 || status >= 500) return null
  if (status === 429) return { status, body: errorBody('RATE_LIMITED', 'Too many requests; please wait a moment') }
  const code = CODE_OF_STATUS[status]
  return code
    ? { status, body: errorBody(code, error.message) }
    : { status: 400, body: errorBody('BAD_REQUEST', error.message) }
}

/** The router answers before any hook runs: the headers that matter for a JSON error are set here. */
function answerFrameworkError(error: FastifyError, reply: FastifyReply) {
  reply.header('x-content-type-options', 'nosniff').header('cache-control', 'no-store')
  const refusal = clientRefusal(error)
  if (refusal) return reply.status(refusal.status).send(refusal.body)
  reply.log.error({ err: error }, 'router error')
  return reply.status(500).send(errorBody('INTERNAL', 'Something went wrong on our side; the error has been logged'))
}

/** Assembles the HTTP application around an open database; `main.ts` and the tests both call it. */
export async function buildApp({ config, db, logger, logStream, workers }: BuildAppOptions): Promise<FastifyInstance> {
  const { trustProxy } = config
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
    // A hop count is given to Fastify as a function: Fastify 5.12 reads a bare number as "trust no one", since a client
    // that reaches the app without its proxy could write the entries. A count is for an app only its proxy reaches.
    trustProxy: typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy,
    bodyLimit: 1024 * 1024,
    ajv: {
      // Scalars only: query strings and forms carry numbers as text. Coercing arrays ('array') rewrote a one-item
      // array into its item while trying the first branch of a union, so the union's array branch then refused it
      // (one calling window was refused); and no query parameter is an array.
      customOptions: { removeAdditional: false, allErrors: true, coerceTypes: true, useDefaults: true },
      onCreate: boundDateFormats,
    },
    // The router's own refusals (an address that is not UTF-8, a path parameter over 100 characters) would
    // otherwise answer in Fastify's format, before any hook or error handler runs.
    frameworkErrors: (error, _request, reply) => answerFrameworkError(error, reply as FastifyReply),
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.decorate('db', db)
  app.decorate('config', config)
  app.decorate('workers', workers ?? new WorkerRegistry())
  app.decorateRequest('user', null)
  app.decorateRequest('scope', null as never)

  // On PostgreSQL, what other instances announce (a session ended, an account disabled) applies here at once.
  const changes = startChangeListener(db, {
    onError: (error) => app.log.warn({ err: error }, 'change listener: connection lost, reconnecting'),
  })
  app.addHook('onClose', () => changes.stop())
  await Promise.race([changes.ready, new Promise((resolve) => setTimeout(resolve, 5000).unref())])

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
  // The API reads JSON and multipart forms only: without Fastify's default text/plain parser, a text body is a 415
  // like any other content type, instead of a string the route's schema then refuses (or a body-less route ignores).
  app.removeContentTypeParser('text/plain')
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
      // A list of 250,000 wrong items yields as many issues: a 500 KB request must not buy a 20 MB answer.
      const issues = fastifyError.validation
      const mapped = issues.map((issue) => {
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
      // One problem per field: a date out of both the contract's and the API-wide bounds is one mistake, not two.
      const firstPerField = new Map(mapped.toReversed().map((detail) => [detail.field, detail]))
      const details = mapped
        .filter((detail) => firstPerField.get(detail.field) === detail)
        .slice(0, MAX_VALIDATION_DETAILS)
      const more = mapped.length > details.length ? `; and ${mapped.length - details.length} more` : ''
      const summary = details.map((detail) => `${detail.field}: ${detail.message}`).join('; ') + more
      return reply
        .status(400)
        .send(
          errorBody('VALIDATION_FAILED', `Invalid ${fastifyError.validationContext ?? 'request'}: ${summary}`, details),
        )
    }
    const refusal = clientRefusal(fastifyError)
    if (refusal) return reply.status(refusal.status).send(refusal.body)
    // The multipart parser (busboy) throws plain errors on a malformed form: the client's mistake, not ours.
    if (request.isMultipart() && /[\\/]@fastify[\\/]busboy[\\/]/.test(fastifyError.stack ?? '')) {
      return reply
        .status(400)
        .send(errorBody('BAD_REQUEST', `The multipart form is malformed: ${fastifyError.message}`))
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
      await api.register(ssoRoutes)
      await api.register(accountRoutes)
      await api.register(mfaRoutes)
      await api.register(organizationRoutes)
      await api.register(userRoutes)
      await api.register(householdRoutes)
      await api.register(importRoutes)
      await api.register(instrumentRoutes)
      await api.register(campaignRoutes)
      await api.register(callingRoutes)
      await api.register(callerRoutes)
      await api.register(supervisionRoutes)
      await api.register(referralRoutes)
      await api.register(statsRoutes)
      await api.register(feedbackRoutes)
      await api.register(reviewPdfRoutes)
      await api.register(exportRoutes)
      await api.register(planningRoutes)
      await api.register(sensitiveFlagRoutes)
      await api.register(dataProtectionRoutes)
      await api.register(homeRoutes)
      await api.register(retentionRoutes)
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
