import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { homeContract } from '../../../shared/contracts/home.js'
import { addMinutes, nowTimestamp } from '../../db/time.js'
import { currentScope } from '../../policy/policy.hook.js'
import { networksWhere, organizationsWhere } from '../../policy/policy.js'
import * as home from './home.queries.js'

/** A count a viewer reads: 1 to 4 are withheld (null), as in the review. */
const suppressed = (count: number) => (count > 0 && count < 5 ? null : count)

export const homeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  // Each section is read for the organisations where the user holds the role that opens it (home.* in the policy).
  app.route({
    ...homeContract.today,
    config: { access: 'home.read' },
    handler: async (request) => {
      const scope = currentScope(request)
      const now = nowTimestamp()
      const managed = organizationsWhere(scope, 'home.manage')
      const viewed = organizationsWhere(scope, 'home.figures')
      const networks = networksWhere(scope, 'home.network')
      const [campaigns, referrals, debriefs, lastImports, network, figures] = await Promise.all([
        home.runningCampaigns(db, managed),
        home.overdueReferrals(db, managed, now),
        home.debriefsWaiting(db, managed),
        home.lastImports(db, managed),
        home.networkActivity(db, networks, addMinutes(now, -7 * 24 * 60)),
        home.keyFigures(db, viewed, addMinutes(now, -30 * 24 * 60)),
      ])
      return {
        campaigns,
        overdueReferrals: referrals.items,
        overdueReferralsTotal: referrals.total,
        debriefs,
        lastImports,
        network,
        keyFigures: figures && {
          runningCampaigns: figures.runningCampaigns,
          householdsCalled: suppressed(figures.householdsCalled),
          householdsReached: suppressed(figures.householdsReached),
          referralsSent: suppressed(figures.referralsSent),
        },
      }
    },
  })
}
