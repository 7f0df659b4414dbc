import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { callingContract } from '../../../shared/contracts/calling.js'
import { nowTimestamp } from '../../db/time.js'
import type { Scope } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { currentScope, currentUser } from '../../policy/policy.hook.js'
import { organizationsWhere } from '../../policy/policy.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { findCampaignById } from '../campaigns/campaigns.queries.js'
import { findStrangers } from './calling.service.js'
import { campaignSnapshot, reassignCallback } from './supervision.queries.js'

const LIVE_INTERVAL_MS = 3000

export const supervisionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  async function loadSupervisedCampaign(scope: Scope, campaignId: string) {
    const campaign = await findCampaignById(db, organizationsWhere(scope, 'campaign.supervise'), campaignId)
    if (!campaign) throw new AppError('NOT_FOUND', 'No such campaign')
    return campaign
  }

  app.route({
    ...callingContract.supervision,
    config: { access: 'campaign.supervise' },
    handler: async (request) => {
      const campaign = await loadSupervisedCampaign(currentScope(request), request.params.id)
      return campaignSnapshot(db, campaign.id, nowTimestamp())
    },
  })

  // Server-sent events: a snapshot every few seconds, read from the database, so any app instance can serve it.
  app.route({
    ...callingContract.live,
    config: { access: 'campaign.supervise' },
    handler: async (request, reply) => {
      const campaign = await loadSupervisedCampaign(currentScope(request), request.params.id)
      reply.hijack()
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      })
      let closed = false
      const send = async () => {
        if (closed) return
        try {
          const snapshot = await campaignSnapshot(db, campaign.id, nowTimestamp())
          if (!closed) reply.raw.write(`event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`)
        } catch (error) {
          request.log.error({ err: error }, 'live snapshot failed')
        }
      }
      const timer = setInterval(send, LIVE_INTERVAL_MS)
      request.raw.on('close', () => {
        closed = true
        clearInterval(timer)
      })
      await send()
    },
  })

  app.route({
    ...callingContract.reassignCallback,
    config: { access: 'campaign.supervise' },
    handler: async (request) => {
      const campaign = await loadSupervisedCampaign(currentScope(request), request.params.id)
      const { callerId } = request.body
      if (callerId) {
        const strangers = await findStrangers(db, campaign.organizationId, [callerId])
        if (strangers.length) {
          throw new AppError('VALIDATION_FAILED', 'This person is not a caller of the campaign’s organisation', {
            field: 'callerId',
            value: callerId,
          })
        }
      }
      const done = await reassignCallback(db, campaign.id, request.params.targetId, callerId, nowTimestamp())
      if (!done) throw new AppError('NOT_FOUND', 'No pending callback with this id in the campaign')
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        organizationId: campaign.organizationId,
        action: 'callback.reassign',
        entityType: 'campaign_target',
        entityId: request.params.targetId,
        ip: request.ip,
      })
      return { targetId: request.params.targetId, callerId }
    },
  })
}
