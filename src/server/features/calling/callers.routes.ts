import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { callingContract } from '../../../shared/contracts/calling.js'
import { currentScope, currentUser } from '../../policy/policy.hook.js'
import { campaignCallers, changeCampaignCaller } from './callers.service.js'

/** The manager's choice of a campaign's callers, one person at a time (PUT /campaigns/:id/callers sets the whole list). */
export const callerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  app.route({
    ...callingContract.callers,
    config: { access: 'campaign.manage' },
    handler: async (request) => campaignCallers(db, currentScope(request), request.params.id, request.query.q),
  })

  app.route({
    ...callingContract.addCaller,
    config: { access: 'campaign.manage' },
    handler: async (request) =>
      changeCampaignCaller(db, currentScope(request), request.params.id, request.body.userId, 'add', {
        id: currentUser(request).id,
        ip: request.ip,
      }),
  })

  app.route({
    ...callingContract.removeCaller,
    config: { access: 'campaign.manage' },
    handler: async (request) =>
      changeCampaignCaller(db, currentScope(request), request.params.id, request.params.userId, 'remove', {
        id: currentUser(request).id,
        ip: request.ip,
      }),
  })
}
