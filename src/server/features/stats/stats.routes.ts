import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { parseScope, type StatsPeriod, type StatsScope } from '../../../shared/stats.js'
import { AppError } from '../../http/errors.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { computeReview, PANELS, resolveStatsContext, summaryOf } from './stats.service.js'

export const StatsQuerySchema = Type.Object(
  {
    scope: Type.String({ description: '`network`, `organization:<code>` or `campaign:<id>`' }),
    from: Type.String({ description: 'first Europe/Paris day, YYYY-MM-DD' }),
    to: Type.String({ description: 'last Europe/Paris day, YYYY-MM-DD (inclusive)' }),
    agency: Type.Optional(Type.String({ description: 'agency code, with an organisation scope only' })),
  },
  { additionalProperties: false },
)

/** The scope and period of a stats query string; 400 naming the parameter and its value otherwise. */
export function scopeAndPeriodOf(query: { scope: string; from: string; to: string; agency?: string }) {
  const parsed = parseScope(query.scope)
  if (!parsed) {
    throw new AppError(
      'VALIDATION_FAILED',
      `scope "${query.scope}" is not one of network, organization:<code>, campaign:<id>`,
      { field: 'scope', value: query.scope },
    )
  }
  let scope: StatsScope = parsed
  if (query.agency !== undefined) {
    if (parsed.kind !== 'organization') {
      throw new AppError('VALIDATION_FAILED', `agency "${query.agency}" applies to an organisation scope only`, {
        field: 'agency',
        value: query.agency,
      })
    }
    scope = { ...parsed, agencyCode: query.agency }
  }
  const period: StatsPeriod = { from: query.from, to: query.to }
  return { scope, period }
}

export const statsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  app.get(
    '/stats/summary',
    { config: { access: 'review.read' }, schema: { tags: ['stats'], querystring: StatsQuerySchema } },
    async (request) => {
      const { scope, period } = scopeAndPeriodOf(request.query)
      return summaryOf(await resolveStatsContext(db, request.scope, scope, period))
    },
  )

  app.get(
    '/stats/panels/:panel',
    {
      config: { access: 'review.read' },
      schema: {
        tags: ['stats'],
        params: Type.Object({
          panel: Type.Union([
            Type.Literal('reach'),
            Type.Literal('calls'),
            Type.Literal('findings'),
            Type.Literal('referrals'),
            Type.Literal('callers'),
          ]),
        }),
        querystring: StatsQuerySchema,
      },
    },
    async (request) => {
      const { scope, period } = scopeAndPeriodOf(request.query)
      const ctx = await resolveStatsContext(db, request.scope, scope, period)
      return PANELS[request.params.panel](ctx)
    },
  )

  app.get(
    '/stats/review',
    { config: { access: 'review.read' }, schema: { tags: ['stats'], querystring: StatsQuerySchema } },
    async (request) => {
      const { scope, period } = scopeAndPeriodOf(request.query)
      const review = await computeReview(db, request.scope, scope, period)
      await recordAuditEvent(db, {
        actorUserId: request.user!.id,
        action: 'stats.review_read',
        entityType: 'stats',
        entityId: request.query.scope,
        ip: request.ip,
        details: { from: period.from, to: period.to, agency: request.query.agency ?? null },
      })
      return review
    },
  )
}
