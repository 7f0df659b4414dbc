import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { renderReviewPdf } from './review.pdf.js'
import { StatsQuerySchema, scopeAndPeriodOf } from './stats.routes.js'
import { computeReview } from './stats.service.js'

const ReviewPdfQuery = Type.Object(
  {
    ...StatsQuerySchema.properties,
    lang: Type.Optional(
      Type.Union([Type.Literal('fr'), Type.Literal('en')], { description: 'language of the PDF, French by default' }),
    ),
  },
  { additionalProperties: false },
)

/**
 * `GET /api/stats/review.pdf`: the review of `computeReview` as a printable PDF, with the same checks as
 * `GET /api/stats/review` (400 naming the parameter, 403 without a review role, 404 out of reach, "< 5" for viewers).
 */
export const reviewPdfRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  app.get(
    '/stats/review.pdf',
    {
      config: { access: 'review.read' },
      schema: {
        tags: ['stats'],
        summary: 'The review as a PDF: cover, key figures, charts, tables, method notes',
        querystring: ReviewPdfQuery,
      },
    },
    async (request, reply) => {
      const { scope, period } = scopeAndPeriodOf(request.query)
      const review = await computeReview(db, request.scope, scope, period)
      const locale = request.query.lang ?? (request.user?.locale === 'en' ? 'en' : 'fr')
      await recordAuditEvent(db, {
        actorUserId: request.user!.id,
        action: 'stats.review_pdf',
        entityType: 'stats',
        entityId: request.query.scope,
        ip: request.ip,
        details: { from: period.from, to: period.to, agency: request.query.agency ?? null, lang: locale },
      })
      const name = `bilan-${request.query.scope.replace(/[^A-Za-z0-9_-]+/g, '-')}-${period.from}-${period.to}.pdf`
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'private, no-store')
        .send(await renderReviewPdf(review, locale))
    },
  )
}
