import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { feedbackContract } from '../../../shared/contracts/feedback.js'
import { inTransaction } from '../../db/database.js'
import { nowTimestamp } from '../../db/time.js'
import { AppError } from '../../http/errors.js'
import { currentScope, currentUser } from '../../policy/policy.hook.js'
import { may, organizationsWhere } from '../../policy/policy.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { isListedCaller } from '../calling/calling.queries.js'
import { findCampaignById } from '../campaigns/campaigns.queries.js'
import { queueEmails } from '../mail/outbox.queries.js'
import { flagSensitiveTexts } from '../sensitive-flags/sensitive-flags.service.js'
import { emailsOfMembers } from '../users/users.queries.js'
import * as feedback from './feedback.queries.js'

/** Mail holds a link only: no caller's name, no tenant, no comment. */
function debriefEmail(publicUrl: string | null, campaignId: string) {
  const subject = 'Allervers : un appelant demande un temps d’échange'
  const link = `${publicUrl ?? 'http://localhost:3000'}/campaigns/${campaignId}`
  return { subject, body: `Bonjour,\n\n${subject}.\nConnectez-vous pour le voir : ${link}\n\n— Allervers` }
}

export const feedbackRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, config } = app

  app.route({
    ...feedbackContract.create,
    config: { access: 'campaign.feedback' },
    handler: async (request, reply) => {
      const scope = currentScope(request)
      const campaign = await findCampaignById(db, organizationsWhere(scope, 'campaign.feedback'), request.params.id)
      if (!campaign) throw new AppError('NOT_FOUND', `No campaign "${request.params.id}" within your reach`)
      // A listed caller, or a caller of the organisation when the campaign is open to them all.
      const isCaller =
        (campaign.callersRestricted !== 1 && may(scope, 'campaign.feedbackAsCaller', campaign.organizationId)) ||
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
        // The comment is about the session, not a household, but may name one and what it confided: flagged like
        // every free text, in the same transaction, never with its text.
        await flagSensitiveTexts(
          tx,
          {
            organizationId: campaign.organizationId,
            householdId: null,
            authorUserId: scope.userId,
            authorOrganizationId: campaign.organizationId,
            at: now,
          },
          [{ source: 'feedback_comment', sourceId: saved.id, text: saved.comment }],
        )
        if (body.debriefRequested) {
          const recipients = (await emailsOfMembers(tx, campaign.organizationId, ['manager'])).sort()
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
  })

  app.route({
    ...feedbackContract.debriefs,
    config: { access: 'campaign.supervise' },
    handler: async (request) => {
      const campaign = await findCampaignById(
        db,
        organizationsWhere(currentScope(request), 'campaign.supervise'),
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
  })

  app.route({
    ...feedbackContract.debriefHandled,
    config: { access: 'campaign.supervise' },
    handler: async (request) => {
      const userId = currentUser(request).id
      const row = await feedback.findFeedback(db, request.params.id)
      if (row?.debriefRequested !== 1 || !may(currentScope(request), 'campaign.supervise', row.organizationId)) {
        throw new AppError('NOT_FOUND', `No debrief request "${request.params.id}" within your reach`)
      }
      const now = nowTimestamp()
      const handled = await inTransaction(db, async (tx) => {
        const done = await feedback.markDebriefHandled(tx, row.id, userId, now)
        if (done) {
          await recordAuditEvent(tx, {
            actorUserId: userId,
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
      return { debrief: { id: row.id, handledAt: now, handledBy: userId } }
    },
  })
}
