import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { Static } from 'typebox'
import { type CallSchema, callingContract } from '../../../shared/contracts/calling.js'
import type { CallTable } from '../../db/schema.js'
import { AppError } from '../../http/errors.js'
import { currentScope, currentUser } from '../../policy/policy.hook.js'
import { organizationsWhere } from '../../policy/policy.js'
import {
  type Caller,
  countCallsToday,
  listCallableCampaigns,
  listMyCallbacks,
  releaseAssignment,
  renewAssignment,
  setCampaignCallers,
} from './calling.service.js'
import { claimNext } from './claim.service.js'
import { recordOutcome } from './outcome.service.js'

type PresentedCall = Static<typeof CallSchema>

/** A stored call as its caller sees it (its codes were checked against the contract's lists when it was recorded). */
function presentCall(call: CallTable): PresentedCall {
  return {
    id: call.id,
    campaignId: call.campaignId,
    householdId: call.householdId,
    attempt: call.attempt,
    disposition: call.disposition as PresentedCall['disposition'],
    fragilityLevel: call.fragilityLevel as PresentedCall['fragilityLevel'],
    needs: call.needs ? (JSON.parse(call.needs) as PresentedCall['needs']) : [],
    scores: call.scores ? (JSON.parse(call.scores) as Record<string, unknown>) : {},
    createdAt: call.createdAt,
  }
}

/** The organisations whose assignments the caller may act on: another organisation's assignment is 404. */
function callingOrganizations(request: FastifyRequest): string[] {
  return organizationsWhere(currentScope(request), 'campaign.call')
}

/** The signed-in caller, as the claim and the outcome name them (and the audit log records them). */
function callerOf(request: FastifyRequest): Caller {
  const user = currentUser(request)
  return { id: user.id, name: user.name, ip: request.ip }
}

/** The claims made with an outcome (`?next=claim`), for the metrics: a household assigned, or nothing due. */
export const chainedClaims = new WeakMap<FastifyRequest, 'assigned' | 'empty'>()

export const callingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  /**
   * « Enchaîner »: the next household of the campaign, claimed once the call is saved, as the claim route would. A
   * refusal (campaign paused, caller taken off its list…) leaves `next` out: the call is saved all the same, and the
   * claim route tells the caller why. Any other failure is logged and left out too, for the same reason.
   */
  async function claimAfterOutcome(request: FastifyRequest, campaignId: string) {
    try {
      const assignment = await claimNext(db, currentScope(request), campaignId, callerOf(request))
      chainedClaims.set(request, assignment ? 'assigned' : 'empty')
      return { next: assignment ? { assignment } : {} }
    } catch (error) {
      if (!(error instanceof AppError)) request.log.error({ err: error }, 'the claim after an outcome failed')
      return {}
    }
  }

  app.route({
    ...callingContract.campaigns,
    config: { access: 'campaign.call' },
    handler: async (request) => ({ items: await listCallableCampaigns(db, currentScope(request)) }),
  })

  app.route({
    ...callingContract.today,
    config: { access: 'campaign.call' },
    handler: async (request) => countCallsToday(db, currentUser(request).id),
  })

  app.route({
    ...callingContract.callbacks,
    config: { access: 'campaign.call' },
    handler: async (request) => listMyCallbacks(db, currentScope(request), request.ip),
  })

  app.route({
    ...callingContract.setCallers,
    config: { access: 'campaign.manage' },
    handler: async (request) => {
      const actor = { id: currentUser(request).id, ip: request.ip }
      const userIds = await setCampaignCallers(
        db,
        currentScope(request),
        request.params.id,
        request.body.userIds,
        actor,
      )
      return { userIds }
    },
  })

  app.route({
    ...callingContract.claim,
    config: { access: 'campaign.call' },
    handler: async (request, reply) => {
      const assignment = await claimNext(db, currentScope(request), request.params.id, callerOf(request))
      if (!assignment) return reply.status(204).send(null)
      return { assignment }
    },
  })

  app.route({
    ...callingContract.outcome,
    config: { access: 'campaign.call' },
    handler: async (request, reply) => {
      const { call, created } = await recordOutcome(
        db,
        request.params.id,
        callerOf(request),
        callingOrganizations(request),
        request.headers['idempotency-key'],
        request.body,
      )
      const next = request.query.next === 'claim' ? await claimAfterOutcome(request, call.campaignId) : undefined
      return reply.status(created ? 201 : 200).send({ call: presentCall(call), ...next })
    },
  })

  app.route({
    ...callingContract.release,
    config: { access: 'campaign.call' },
    handler: async (request, reply) => {
      await releaseAssignment(db, request.params.id, currentUser(request).id, callingOrganizations(request))
      return reply.status(204).send(null)
    },
  })

  app.route({
    ...callingContract.renew,
    config: { access: 'campaign.call' },
    handler: async (request) => ({
      leaseExpiresAt: await renewAssignment(
        db,
        request.params.id,
        currentUser(request).id,
        callingOrganizations(request),
      ),
    }),
  })
}
