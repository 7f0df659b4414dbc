import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { usersContract } from '../../../shared/contracts/users.js'
import { AppError } from '../../http/errors.js'
import { currentScope, currentUser } from '../../policy/policy.hook.js'
import { networksWhere } from '../../policy/policy.js'
import { sendInvitation } from '../account/account.service.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { findOrganizationByCode } from '../organizations/organizations.queries.js'
import * as users from './users.queries.js'
import { createUserWithMembership, removeMembership, setAccountActive } from './users.service.js'

export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  app.route({
    ...usersContract.list,
    config: { access: 'user.list' },
    handler: async (request) => ({
      items: await users.listUsersOfNetworks(db, networksWhere(currentScope(request), 'user.list')),
    }),
  })

  app.route({
    ...usersContract.create,
    config: { access: 'user.create' },
    handler: async (request, reply) => {
      const callerNetworkIds = networksWhere(currentScope(request), 'user.create')
      const organization = await findOrganizationByCode(db, request.body.organization)
      if (!organization || !callerNetworkIds.includes(organization.networkId)) {
        throw new AppError('VALIDATION_FAILED', `No organisation "${request.body.organization}" in your network`, {
          field: 'organization',
          value: request.body.organization,
        })
      }
      const result = await createUserWithMembership(db, {
        ...request.body,
        organizationId: organization.id,
        callerNetworkIds,
      })
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        organizationId: organization.id,
        action: result.created ? 'user.create' : 'membership.upsert',
        entityType: 'user',
        entityId: result.user.id,
        ip: request.ip,
        details: { role: request.body.role, ...(result.isReactivated ? { reactivated: true } : {}) },
      })
      // Only what the contract names: an existing account of the caller's networks is described by its id, email and
      // name, which the caller's user list shows already.
      return reply.status(201).send({
        user: { id: result.user.id, email: result.user.email, name: result.user.name },
        created: result.created,
        generatedPassword: result.generatedPassword,
      })
    },
  })

  app.route({
    ...usersContract.invite,
    config: { access: 'user.create' },
    handler: async (request, reply) => {
      const callerNetworkIds = networksWhere(currentScope(request), 'user.create')
      const organization = await findOrganizationByCode(db, request.body.organization)
      if (!organization || !callerNetworkIds.includes(organization.networkId)) {
        throw new AppError('VALIDATION_FAILED', `No organisation "${request.body.organization}" in your network`, {
          field: 'organization',
          value: request.body.organization,
        })
      }
      const actor = currentUser(request)
      const result = await createUserWithMembership(db, {
        ...request.body,
        invite: true,
        organizationId: organization.id,
        callerNetworkIds,
      })
      const invitation = result.hasPassword
        ? null
        : await sendInvitation(db, app.config, {
            user: result.user,
            organizationName: organization.name,
            invitedBy: actor.id,
          })
      await recordAuditEvent(db, {
        actorUserId: actor.id,
        organizationId: organization.id,
        action: invitation ? 'user.invite' : 'membership.upsert',
        entityType: 'user',
        entityId: result.user.id,
        ip: request.ip,
        details: {
          role: request.body.role,
          created: result.created,
          ...(result.isReactivated ? { reactivated: true } : {}),
        },
      })
      return reply.status(201).send({
        user: { id: result.user.id, email: result.user.email, name: result.user.name },
        created: result.created,
        invited: invitation !== null,
        expiresAt: invitation?.expiresAt ?? null,
      })
    },
  })

  for (const [contract, isActive] of [
    [usersContract.disable, false],
    [usersContract.enable, true],
  ] as const) {
    app.route({
      ...contract,
      config: { access: 'user.disable' },
      handler: async (request, reply) => {
        const actor = currentUser(request)
        await setAccountActive(db, {
          userId: request.params.id,
          isActive,
          actorUserId: actor.id,
          callerNetworkIds: networksWhere(currentScope(request), 'user.disable'),
        })
        await recordAuditEvent(db, {
          actorUserId: actor.id,
          action: isActive ? 'user.enable' : 'user.disable',
          entityType: 'user',
          entityId: request.params.id,
          ip: request.ip,
        })
        return reply.status(204).send(null)
      },
    })
  }

  app.route({
    ...usersContract.removeMembership,
    config: { access: 'user.removeMembership' },
    handler: async (request) =>
      removeMembership(db, {
        userId: request.params.id,
        organizationCode: request.params.code,
        actorUserId: currentUser(request).id,
        callerNetworkIds: networksWhere(currentScope(request), 'user.removeMembership'),
        ip: request.ip,
      }),
  })
}
