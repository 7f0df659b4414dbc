import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { statsContract } from '../../../shared/contracts/stats.js'
import { localeOf } from '../../../shared/labels.js'
import { currentScope, currentUser } from '../../policy/policy.hook.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { renderReviewPdf } from './review.pdf.js'
import { computeReview } from './stats.service.js'

/**
 * `GET /api/stats/review.pdf`: the review of `computeReview` as a printable PDF, with the same checks as
 * `GET /api/stats/review` (400 naming the parameter, 403 without a review role, 404 out of reach, "< 5" for viewers).
 */
export const reviewPdfRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  app.route({
    ...statsContract.reviewPdf,
    config: { access: 'review.read' },
    handler: async (request, reply) => {
      const { lang, ...query } = request.query
      const user = currentUser(request)
      const review = await computeReview(db, currentScope(request), query)
      const locale = lang ?? localeOf(user.locale)
      await recordAuditEvent(db, {
        actorUserId: user.id,
        action: 'stats.review_pdf',
        entityType: 'stats',
        entityId: query.scope,
        ip: request.ip,
        details: { from: review.period.from, to: review.period.to, agency: query.agency ?? null, lang: locale },
      })
      const { from, to } = review.period
      const name = `bilan-${query.scope.replace(/[^A-Za-z0-9_-]+/g, '-')}-${from}-${to}.pdf`
      return (
        reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="${name}"`)
          .header('cache-control', 'private, no-store')
          // A stream, documented by the contract as a file: never serialised by a schema.
          .send((await renderReviewPdf(review, locale)) as unknown as string)
      )
    },
  })
}
