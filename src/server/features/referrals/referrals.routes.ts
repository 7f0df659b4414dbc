import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { REFERRAL_PAGE_SIZE, referralsContract } from '../../../shared/contracts/referrals.js'
import { EMERGENCY_NUMBERS } from '../../../shared/referrals.js'
import { nowTimestamp } from '../../db/time.js'
import { currentScope, currentUser } from '../../policy/policy.hook.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { listOrganizations } from '../organizations/organizations.queries.js'
import { presentReferral, presentReferralDetail } from './referrals.presenter.js'
import * as referrals from './referrals.queries.js'
import {
  addReferralNote,
  createReferral,
  findVisibleReferral,
  listScope,
  planFollowUp,
  transitionReferral,
  viewerSide,
} from './referrals.service.js'

export const referralRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, config } = app

  app.route({
    ...referralsContract.emergencyNumbers,
    config: { access: 'referral.emergencyNumbers' },
    handler: async (request) => {
      const scope = currentScope(request)
      const memberOf = new Set(scope.memberships.map((membership) => membership.organizationId))
      const networks = [...new Set(scope.memberships.map((membership) => membership.networkId))]
      const onCall = (await listOrganizations(db, networks)).flatMap((organization) =>
        memberOf.has(organization.id) && organization.onCallContact
          ? [{ code: organization.code, name: organization.name, onCallContact: organization.onCallContact }]
          : [],
      )
      return { numbers: [...EMERGENCY_NUMBERS], onCall }
    },
  })

  app.route({
    ...referralsContract.create,
    config: { access: 'referral.send' },
    handler: async (request, reply) => {
      const scope = currentScope(request)
      const { referral, side } = await createReferral(
        db,
        scope,
        { id: currentUser(request).id, ip: request.ip },
        request.body,
        config.publicUrl,
        config.referralDueHours,
      )
      return reply.status(201).send({ referral: presentReferral(referral, side) })
    },
  })

  app.route({
    ...referralsContract.list,
    config: { access: 'referral.list' },
    handler: async (request) => {
      const scope = currentScope(request)
      const { items, total } = await referrals.listReferrals(db, {
        ...listScope(scope),
        box: request.query.box ?? 'all',
        status: request.query.status,
        state: request.query.state,
        urgency: request.query.urgency,
        overdue: request.query.overdue,
        assignedToMe: request.query.assignedToMe,
        sort: request.query.sort ?? 'recent',
        now: nowTimestamp(),
        limit: request.query.limit ?? REFERRAL_PAGE_SIZE,
        offset: request.query.offset ?? 0,
      })
      // The page names households: a read of tenant data, logged with how many it showed.
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        action: 'referral.list',
        entityType: 'referral',
        ip: request.ip,
        details: { results: items.length, total },
      })
      return {
        items: items.flatMap((item) => {
          const side = viewerSide(scope, item)
          return side ? [presentReferral(item, side)] : []
        }),
        total,
      }
    },
  })

  app.route({
    ...referralsContract.read,
    config: { access: 'referral.read' },
    handler: async (request) => {
      const scope = currentScope(request)
      const { referral, side } = await findVisibleReferral(db, scope, request.params.id)
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        organizationId: referral.recipientOrganizationId,
        action: 'referral.read',
        entityType: 'referral',
        entityId: referral.id,
        ip: request.ip,
      })
      return { referral: await presentReferralDetail(db, referral, side) }
    },
  })

  app.route({
    ...referralsContract.transition,
    config: { access: 'referral.act' },
    handler: async (request) => {
      const scope = currentScope(request)
      const { referral, side } = await transitionReferral(
        db,
        scope,
        { id: currentUser(request).id, ip: request.ip },
        request.params.id,
        request.body,
        config.publicUrl,
      )
      return { referral: presentReferral(referral, side) }
    },
  })

  app.route({
    ...referralsContract.addNote,
    config: { access: 'referral.act' },
    handler: async (request, reply) => {
      await addReferralNote(
        db,
        currentScope(request),
        { id: currentUser(request).id, ip: request.ip },
        request.params.id,
        request.body.note,
      )
      return reply.status(201).send({ ok: true as const })
    },
  })

  app.route({
    ...referralsContract.planFollowUp,
    config: { access: 'referral.act' },
    handler: async (request, reply) => {
      const followUp = await planFollowUp(
        db,
        currentScope(request),
        { id: currentUser(request).id, ip: request.ip },
        request.params.id,
        request.body,
      )
      return reply.status(201).send({ followUp })
    },
  })
}
