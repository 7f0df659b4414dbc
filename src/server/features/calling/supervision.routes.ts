import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { nowTimestamp } from '../../db/time.js'
import { organizationIdsWithRole } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { findCampaignById } from '../campaigns/campaigns.queries.js'
import { campaignSnapshot, reassignCallback } from './supervision.queries.js'

const SUPERVISING_ROLES = ['manager', 'admin'] as const
const LIVE_INTERVAL_MS = 3000

export const supervisionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  async function loadSupervisedCampaign(scope: Parameters<typeof organizationIdsWithRole>[0], campaignId: string) {
    const campaign = await findCampaignById(db, organizationIdsWithRole(scope, [...SUPERVISING_ROLES]), campaignId)
    if (!campaign) throw new AppError('NOT_FOUND', 'No such campaign')
    return campaign
  }

  app.get(
    '/campaigns/:id/supervision',
    {
      config: { access: 'campaign.supervise' },
      schema: { tags: ['calling'], params: Type.Object({ id: Type.String() }) },
    },
    async (request) => {
      const campaign = await loadSupervisedCampaign(request.scope, request.params.id)
      return campaignSnapshot(db, campaign.id, nowTimestamp())
    },
  )

  // Server-sent events: a snapshot every few seconds, read from the database, so any app instance can serve it.
  app.get(
    '/campaigns/:id/live',
    {
      config: { access: 'campaign.supervise' },
      schema: { tags: ['calling'], params: Type.Object({ id: Type.String() }) },
    },
    async (request, reply) => {
      const campaign = await loadSupervisedCampaign(request.scope, request.params.id)
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
  )

  app.post(
    '/campaigns/:id/callbacks/:targetId/reassign',
    {
      config: { access: 'campaign.supervise' },
      schema: {
        tags: ['calling'],
        params: Type.Object({ id: Type.String(), targetId: Type.String() }),
        body: Type.Object({ callerId: Type.Union([Type.String(), Type.Null()]) }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const campaign = await loadSupervisedCampaign(request.scope, request.params.id)
      const { callerId } = request.body
      if (callerId) {
        const member = await db
          .selectFrom('membership')
          .select('userId')
          .where('userId', '=', callerId)
          .where('organizationId', '=', campaign.organizationId)
          .where('role', 'in', ['caller', 'manager', 'admin'])
          .executeTakeFirst()
        if (!member) {
          throw new AppError('VALIDATION_FAILED', 'This person is not a caller of the campaign’s organisation', {
            field: 'callerId',
            value: callerId,
          })
        }
      }
      const done = await reassignCallback(db, campaign.id, request.params.targetId, callerId, nowTimestamp())
      if (!done) throw new AppError('NOT_FOUND', 'No pending callback with this id in the campaign')
      await recordAuditEvent(db, {
        actorUserId: request.user!.id,
        organizationId: campaign.organizationId,
        action: 'callback.reassign',
        entityType: 'campaign_target',
        entityId: request.params.targetId,
        ip: request.ip,
      })
      return { targetId: request.params.targetId, callerId }
    },
  )
}
