import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { isWithinCallingHours } from '../../../shared/calling-rules.js'
import type { CallingHours } from '../../../shared/campaigns.js'
import type { CallTable } from '../../db/schema.js'
import { addMinutes, nowTimestamp } from '../../db/time.js'
import { organizationIdsWithRole } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { findCampaignById } from '../campaigns/campaigns.queries.js'
import * as calling from './calling.queries.js'
import { AssignmentSchema, CallSchema, OutcomeSchema } from './calling.schemas.js'
import { claimNext, LEASE_MINUTES, recordOutcome } from './calling.service.js'

const CALLING_ROLES = ['caller', 'manager', 'admin'] as const

function presentCall(call: CallTable) {
  return {
    id: call.id,
    campaignId: call.campaignId,
    householdId: call.householdId,
    attempt: call.attempt,
    disposition: call.disposition,
    fragilityLevel: call.fragilityLevel,
    needs: call.needs ? (JSON.parse(call.needs) as string[]) : [],
    scores: call.scores ? (JSON.parse(call.scores) as Record<string, unknown>) : {},
    createdAt: call.createdAt,
  }
}

export const callingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  app.get(
    '/calling/campaigns',
    { config: { access: 'campaign.call' }, schema: { tags: ['calling'] } },
    async (request) => {
      const rows = await calling.listCallableCampaigns(
        db,
        request.user!.id,
        organizationIdsWithRole(request.scope, [...CALLING_ROLES]),
        organizationIdsWithRole(request.scope, ['manager', 'admin']),
      )
      const now = new Date()
      return {
        items: rows.map((row) => ({
          id: row.id,
          name: row.name,
          type: row.type,
          organization: row.organizationCode,
          isWithinCallingHours: isWithinCallingHours(JSON.parse(row.callingHours) as CallingHours, now),
        })),
      }
    },
  )

  app.put(
    '/campaigns/:id/callers',
    {
      config: { access: 'campaign.manage' },
      schema: {
        tags: ['calling'],
        params: Type.Object({ id: Type.String() }),
        body: Type.Object({ userIds: Type.Array(Type.String(), { maxItems: 5000 }) }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const campaign = await findCampaignById(
        db,
        organizationIdsWithRole(request.scope, ['manager', 'admin']),
        request.params.id,
      )
      if (!campaign) throw new AppError('NOT_FOUND', 'No such campaign')
      const userIds = [...new Set(request.body.userIds)]
      if (userIds.length) {
        const members = await db
          .selectFrom('membership')
          .select('userId')
          .where('organizationId', '=', campaign.organizationId)
          .where('role', 'in', ['caller', 'manager', 'admin'])
          .where('userId', 'in', userIds)
          .execute()
        const known = new Set(members.map((m) => m.userId))
        const strangers = userIds.filter((id) => !known.has(id))
        if (strangers.length) {
          throw new AppError('VALIDATION_FAILED', 'Some users are not callers of this campaign’s organisation', {
            field: 'userIds',
            value: strangers,
          })
        }
      }
      await calling.replaceCampaignCallers(db, campaign.id, userIds)
      await recordAuditEvent(db, {
        actorUserId: request.user!.id,
        organizationId: campaign.organizationId,
        action: 'campaign.callers',
        entityType: 'campaign',
        entityId: campaign.id,
        ip: request.ip,
        details: { callers: userIds.length },
      })
      return { userIds }
    },
  )

  app.post(
    '/campaigns/:id/claim',
    {
      config: { access: 'campaign.call' },
      schema: {
        tags: ['calling'],
        params: Type.Object({ id: Type.String() }),
        response: { 200: Type.Object({ assignment: AssignmentSchema }), 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const caller = { id: request.user!.id, name: request.user!.name, ip: request.ip }
      const assignment = await claimNext(db, request.scope, request.params.id, caller)
      if (!assignment) return reply.status(204).send(null)
      return { assignment }
    },
  )

  app.post(
    '/assignments/:id/outcome',
    {
      config: { access: 'campaign.call' },
      schema: {
        tags: ['calling'],
        params: Type.Object({ id: Type.String() }),
        headers: Type.Object({ 'idempotency-key': Type.String({ minLength: 8, maxLength: 128 }) }),
        body: OutcomeSchema,
        response: { 200: Type.Object({ call: CallSchema }), 201: Type.Object({ call: CallSchema }) },
      },
    },
    async (request, reply) => {
      const caller = { id: request.user!.id, name: request.user!.name, ip: request.ip }
      const { call, created } = await recordOutcome(
        db,
        request.params.id,
        caller,
        request.headers['idempotency-key'],
        request.body,
      )
      return reply.status(created ? 201 : 200).send({ call: presentCall(call) })
    },
  )

  app.post(
    '/assignments/:id/release',
    {
      config: { access: 'campaign.call' },
      schema: { tags: ['calling'], params: Type.Object({ id: Type.String() }) },
    },
    async (request, reply) => {
      const now = nowTimestamp()
      const target = await calling.findTargetById(db, request.params.id)
      if (!target || target.heldBy !== request.user!.id) throw new AppError('NOT_FOUND', 'No such assignment of yours')
      const released = await calling.releaseTarget(db, target.id, request.user!.id, now)
      if (!released) throw new AppError('CONFLICT', 'This household is no longer assigned to you')
      await calling.releaseHouseholdHold(db, target.householdId, target.id)
      return reply.status(204).send()
    },
  )

  app.post(
    '/assignments/:id/renew',
    {
      config: { access: 'campaign.call' },
      schema: { tags: ['calling'], params: Type.Object({ id: Type.String() }) },
    },
    async (request) => {
      const now = nowTimestamp()
      const leaseExpiresAt = addMinutes(now, LEASE_MINUTES)
      const renewed = await calling.renewLease(db, request.params.id, request.user!.id, leaseExpiresAt, now)
      if (!renewed) throw new AppError('CONFLICT', 'This household is no longer assigned to you')
      return { leaseExpiresAt }
    },
  )
}
