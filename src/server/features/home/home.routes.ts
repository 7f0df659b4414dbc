import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { parisToday } from '../../../shared/clock.js'
import { homeContract } from '../../../shared/contracts/home.js'
import { addMinutes, nowTimestamp } from '../../db/time.js'
import type { Scope } from '../../http/auth.js'
import { currentScope } from '../../policy/policy.hook.js'
import { networksWhere, organizationsWhere } from '../../policy/policy.js'
import { countCallsToday, countMyCallbacks, listCallableCampaigns } from '../calling/calling.service.js'
import { countOpenRequests } from '../data-protection/data-protection.queries.js'
import { countRemainingTargets } from '../planning/planning.queries.js'
import { countReferrals } from '../referrals/referrals.queries.js'
import { listScope } from '../referrals/referrals.service.js'
import { listOrganizationsRetention } from '../retention/retention.queries.js'
import { listDueHouseholds } from '../retention/retention.service.js'
import * as home from './home.queries.js'

/** A count a viewer reads: 1 to 4 are withheld (null), as in the review. */
const suppressed = (count: number) => (count > 0 && count < 5 ? null : count)

export const homeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, config } = app

  /** The DPO's figures over their organisations, through the register's and retention's own queries. */
  async function dataProtectionFigures(organizationIds: string[]) {
    if (organizationIds.length === 0) return null
    const today = parisToday()
    const organizations = (await listOrganizationsRetention(db)).filter((o) => organizationIds.includes(o.id))
    const [requests, due] = await Promise.all([
      countOpenRequests(db, organizationIds, today),
      listDueHouseholds(db, organizations, config.retention, { today, days: 30 }),
    ])
    const kept = due.filter((household) => household.keptBecause.length > 0).length
    return {
      openRequests: requests.open,
      overdueRequests: requests.overdue,
      dueForErasure: due.length - kept,
      keptPastDue: kept,
    }
  }

  /**
   * « Vos appels », over the organisations where the user may call (home.call): the calling workspace's campaigns, each
   * with the planning's households left, « Mes rappels » counted (not listed: no household read, so not audited) and
   * the calls of « Votre journée ». For whoever may call for at least one running campaign, whatever their role (a
   * manager calls for their organisation's campaigns even when reserved to a list); and for a caller with none, who is
   * told there is none for now (calling is their whole work). Null for a manager or administrator with none.
   */
  async function callerDay(scope: Scope, organizationIds: string[]) {
    if (organizationIds.length === 0) return null
    const campaigns = await listCallableCampaigns(db, scope, new Date(), organizationIds)
    const isCaller = scope.memberships.some(
      (membership) => membership.role === 'caller' && organizationIds.includes(membership.organizationId),
    )
    if (campaigns.length === 0 && !isCaller) return null
    const [left, callbacks, today] = await Promise.all([
      countRemainingTargets(
        db,
        campaigns.map((campaign) => campaign.id),
      ),
      countMyCallbacks(db, scope, organizationIds),
      countCallsToday(db, scope.userId),
    ])
    return {
      campaigns: campaigns.map((campaign) => ({
        id: campaign.id,
        name: campaign.name,
        organization: campaign.organization,
        left: left.get(campaign.id) ?? 0,
        isWithinCallingHours: campaign.isWithinCallingHours,
      })),
      callbacksOverdue: callbacks.overdue,
      callbacksDueToday: callbacks.dueToday,
      callsToday: today.total,
    }
  }

  /**
   * The orientations in the inbox of the organisations where the user is a social worker or a partner, as the list
   * (`listScope`, `box: inbox`) counts them: waiting to be accepted, and overdue. Counts only: not audited, as above.
   */
  async function orientationsWaiting(scope: Scope, organizationIds: string[], now: string) {
    if (organizationIds.length === 0) return null
    const inbox = listScope(scope)
    const filter = {
      ...inbox,
      inboxOrganizationIds: inbox.inboxOrganizationIds.filter((id) => organizationIds.includes(id)),
      teamInboxOrganizationIds: inbox.teamInboxOrganizationIds.filter((id) => organizationIds.includes(id)),
      box: 'inbox' as const,
      now,
    }
    const [waiting, overdue] = await Promise.all([
      countReferrals(db, { ...filter, status: 'sent' }),
      countReferrals(db, { ...filter, overdue: true }),
    ])
    return { waiting, overdue }
  }

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
      const [campaigns, referrals, debriefs, lastImports, network, figures, dataProtection, calling, orientations] =
        await Promise.all([
          home.runningCampaigns(db, managed),
          home.overdueReferrals(db, managed, now),
          home.debriefsWaiting(db, managed),
          home.lastImports(db, managed),
          home.networkActivity(db, networks, addMinutes(now, -7 * 24 * 60)),
          home.keyFigures(db, viewed, addMinutes(now, -30 * 24 * 60)),
          dataProtectionFigures(organizationsWhere(scope, 'home.dataProtection')),
          callerDay(scope, organizationsWhere(scope, 'home.call')),
          orientationsWaiting(scope, organizationsWhere(scope, 'home.orientations'), now),
        ])
      return {
        campaigns,
        overdueReferrals: referrals.items,
        overdueReferralsTotal: referrals.total,
        debriefs,
        lastImports,
        network,
        dataProtection,
        calling,
        orientations,
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
