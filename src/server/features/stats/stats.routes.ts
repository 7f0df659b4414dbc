import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { statsContract } from '../../../shared/contracts/stats.js'
import { currentScope, currentUser } from '../../policy/policy.hook.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { computeReview, PANELS, resolveStatsContext, summaryOf } from './stats.service.js'

export const statsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  app.route({
    ...statsContract.summary,
    config: { access: 'review.read' },
    handler: async (request) => summaryOf(await resolveStatsContext(db, currentScope(request), request.query)),
  })

  app.route({
    ...statsContract.panel,
    config: { access: 'review.read' },
    handler: async (request) => {
      const ctx = await resolveStatsContext(db, currentScope(request), request.query)
      return PANELS[request.params.panel](ctx)
    },
  })

  app.route({
    ...statsContract.review,
    config: { access: 'review.read' },
    handler: async (request) => {
      const review = await computeReview(db, currentScope(request), request.query)
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        action: 'stats.review_read',
        entityType: 'stats',
        entityId: request.query.scope,
        ip: request.ip,
        details: { from: review.period.from, to: review.period.to, agency: request.query.agency ?? null },
      })
      return review
    },
  })
}
