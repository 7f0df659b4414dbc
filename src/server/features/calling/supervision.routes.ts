import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { callingContract } from '../../../shared/contracts/calling.js'
import { nowTimestamp } from '../../db/time.js'
import { loadSession, type Scope, SESSION_COOKIE } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { currentScope, currentUser } from '../../policy/policy.hook.js'
import { may, organizationsWhere } from '../../policy/policy.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { findCampaignById } from '../campaigns/campaigns.queries.js'
import { findStrangers } from './calling.service.js'
import { campaignSnapshot, reassignCallback, releaseHeldTarget } from './supervision.queries.js'

const LIVE_INTERVAL_MS = 3000

export const supervisionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, config } = app
  const sessionPolicy = { idleMinutes: config.sessionIdleMinutes, maxHours: config.sessionMaxHours }
  // Open live views, ended when the app closes (a stream never idles, so the server would wait for it forever).
  const streams = new Set<() => void>()
  app.addHook('preClose', async () => {
    for (const end of streams) end()
  })

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

  // Server-sent events: a snapshot every few seconds, read from the database, so any app instance can serve it. Each
  // tick first checks that the session that opened the view still stands and may still supervise the campaign: the
  // view ends at logout (at once on this instance, within the session cache's 5 s on another), at the session's idle
  // or absolute end, when the user is disabled or loses the role. The tick does not count as the user's activity:
  // an unattended screen showing a live view does not keep its session, which opens everything else, alive.
  app.route({
    ...callingContract.live,
    config: { access: 'campaign.supervise' },
    handler: async (request, reply) => {
      const campaign = await loadSupervisedCampaign(currentScope(request), request.params.id)
      const token = request.cookies[SESSION_COOKIE]
      reply.hijack()
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      })
      let closed = false
      const end = () => {
        if (closed) return
        closed = true
        clearInterval(timer)
        streams.delete(end)
        reply.raw.end()
      }
      const isStillAllowed = async () => {
        const session = await loadSession(db, token, sessionPolicy, nowTimestamp(), { isActivity: false })
        return session !== null && may(session.scope, 'campaign.supervise', campaign.organizationId)
      }
      const send = async () => {
        if (closed) return
        try {
          if (!(await isStillAllowed())) return end()
          const snapshot = await campaignSnapshot(db, campaign.id, nowTimestamp())
          if (!closed) reply.raw.write(`event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`)
        } catch (error) {
          request.log.error({ err: error }, 'live snapshot failed')
        }
      }
      const timer = setInterval(send, LIVE_INTERVAL_MS)
      streams.add(end)
      reply.raw.on('close', end) // the client went away (or the response ended)
      await send()
    },
  })

  app.route({
    ...callingContract.releaseHeld,
    config: { access: 'campaign.supervise' },
    handler: async (request) => {
      const campaign = await loadSupervisedCampaign(currentScope(request), request.params.id)
      const done = await releaseHeldTarget(db, campaign.id, request.params.targetId, nowTimestamp())
      if (!done) throw new AppError('NOT_FOUND', 'No household held with this id in the campaign')
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        organizationId: campaign.organizationId,
        action: 'target.release',
        entityType: 'campaign_target',
        entityId: request.params.targetId,
        ip: request.ip,
      })
      return { targetId: request.params.targetId }
    },
  })

  app.route({
    ...callingContract.reassignCallback,
    config: { access: 'campaign.supervise' },
    handler: async (request) => {
      const campaign = await loadSupervisedCampaign(currentScope(request), request.params.id)
      // An empty text (a null coerced by the validator) means anyone, never a caller named "".
      const callerId = request.body.callerId || null
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
