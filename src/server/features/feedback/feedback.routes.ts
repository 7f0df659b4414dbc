import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { inTransaction } from '../../db/database.js'
import { nowTimestamp } from '../../db/time.js'
import { hasRole, organizationIdsWithRole } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { isListedCaller } from '../calling/calling.queries.js'
import { findCampaignById } from '../campaigns/campaigns.queries.js'
import { queueEmails } from '../mail/outbox.queries.js'
import * as feedback from './feedback.queries.js'

const SUPERVISING_ROLES = ['manager', 'admin'] as const
const Scale = Type.Integer({ minimum: 1, maximum: 5 })

const FeedbackSchema = Type.Object(
  {
    meaningful: Scale,
    useful: Scale,
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
    debriefRequested: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

/** Mail holds a link only: no caller's name, no tenant, no comment. */
function debriefEmail(publicUrl: string | null, campaignId: string) {
  const subject = 'Allervers : un appelant demande un temps d’échange'
  const link = `${publicUrl ?? 'http://localhost:3000'}/campaigns/${campaignId}`
  return { subject, body: `Bonjour,\n\n${subject}.\nConnectez-vous pour le voir : ${link}\n\n— Allervers` }
}

export const feedbackRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, config } = app

  app.post(
    '/campaigns/:id/feedback',
    {
      config: { access: 'campaign.feedback' },
      schema: { tags: ['feedback'], params: Type.Object({ id: Type.String() }), body: FeedbackSchema },
    },
    async (request, reply) => {
      const scope = request.scope
      const campaign = await findCampaignById(
        db,
        scope.memberships.map((m) => m.organizationId),
        request.params.id,
      )
      if (!campaign) throw new AppError('NOT_FOUND', `No campaign "${request.params.id}" within your reach`)
      const isCaller =
        (hasRole(scope, ['caller'], campaign.organizationId) &&
          (campaign.callersRestricted !== 1 || (await isListedCaller(db, campaign.id, scope.userId)))) ||
        (await isListedCaller(db, campaign.id, scope.userId))
      if (!isCaller) throw new AppError('FORBIDDEN', 'Only the callers of this campaign give feedback on it')
      const body = request.body
      const now = nowTimestamp()
      const row = await inTransaction(db, async (tx) => {
        const saved = await feedback.insertFeedback(tx, {
          organizationId: campaign.organizationId,
          campaignId: campaign.id,
          callerId: scope.userId,
          meaningful: body.meaningful,
          useful: body.useful,
          comment: body.comment?.trim() || null,
          debriefRequested: body.debriefRequested ? 1 : 0,
          debriefHandledBy: null,
          debriefHandledAt: null,
          createdAt: now,
        })
        if (body.debriefRequested) {
          const recipients = await feedback.listManagerEmails(tx, campaign.organizationId)
          const email = debriefEmail(config.publicUrl, campaign.id)
          await queueEmails(
            tx,
            recipients.map((recipient) => ({ recipient, ...email })),
            now,
          )
        }
        await recordAuditEvent(tx, {
          actorUserId: scope.userId,
          organizationId: campaign.organizationId,
          action: 'feedback.create',
          entityType: 'caller_feedback',
          entityId: saved.id,
          ip: request.ip,
          details: { campaignId: campaign.id, debriefRequested: saved.debriefRequested === 1 },
        })
        return saved
      })
      return reply.status(201).send({
        feedback: {
          id: row.id,
          campaignId: row.campaignId,
          meaningful: row.meaningful,
          useful: row.useful,
          comment: row.comment,
          debriefRequested: row.debriefRequested === 1,
          createdAt: row.createdAt,
        },
      })
    },
  )

  app.get(
    '/campaigns/:id/debriefs',
    {
      config: { access: 'campaign.supervise' },
      schema: { tags: ['feedback'], params: Type.Object({ id: Type.String() }) },
    },
    async (request) => {
      if (!hasRole(request.scope, SUPERVISING_ROLES)) {
        throw new AppError('FORBIDDEN', `Debriefs are for ${SUPERVISING_ROLES.join(', ')}`)
      }
      const campaign = await findCampaignById(
        db,
        organizationIdsWithRole(request.scope, [...SUPERVISING_ROLES]),
        request.params.id,
      )
      if (!campaign) throw new AppError('NOT_FOUND', `No campaign "${request.params.id}" within your reach`)
      const items = await feedback.listPendingDebriefs(db, campaign.id)
      return {
        items: items.map((item) => ({
          id: item.id,
          caller: { id: item.callerId, name: item.callerName },
          requestedAt: item.requestedAt,
        })),
      }
    },
  )

  app.post(
    '/debriefs/:id/handled',
    {
      config: { access: 'campaign.supervise' },
      schema: { tags: ['feedback'], params: Type.Object({ id: Type.String() }) },
    },
    async (request) => {
      if (!hasRole(request.scope, SUPERVISING_ROLES)) {
        throw new AppError('FORBIDDEN', `Debriefs are for ${SUPERVISING_ROLES.join(', ')}`)
      }
      const row = await feedback.findFeedback(db, request.params.id)
      if (row?.debriefRequested !== 1 || !hasRole(request.scope, SUPERVISING_ROLES, row.organizationId)) {
        throw new AppError('NOT_FOUND', `No debrief request "${request.params.id}" within your reach`)
      }
      const now = nowTimestamp()
      const handled = await inTransaction(db, async (tx) => {
        const done = await feedback.markDebriefHandled(tx, row.id, request.scope.userId, now)
        if (done) {
          await recordAuditEvent(tx, {
            actorUserId: request.scope.userId,
            organizationId: row.organizationId,
            action: 'feedback.debrief_handled',
            entityType: 'caller_feedback',
            entityId: row.id,
            ip: request.ip,
          })
        }
        return done
      })
      if (!handled) {
        throw new AppError('CONFLICT', 'This debrief was already handled', { handledAt: row.debriefHandledAt })
      }
      return { debrief: { id: row.id, handledAt: now, handledBy: request.scope.userId } }
    },
  )
}
