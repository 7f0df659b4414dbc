import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { organizationsContract } from '../../../shared/contracts/organizations.js'
import { AppError } from '../../http/errors.js'
import { currentScope, currentUser } from '../../policy/policy.hook.js'
import { may, networksWhere } from '../../policy/policy.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import * as organizations from './organizations.queries.js'

export const organizationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  app.route({
    ...organizationsContract.list,
    config: { access: 'organization.list' },
    handler: async (request) => ({
      items: await organizations.listOrganizations(db, networksWhere(currentScope(request), 'organization.list')),
    }),
  })

  app.route({
    ...organizationsContract.create,
    config: { access: 'organization.create' },
    handler: async (request, reply) => {
      const [networkId] = networksWhere(currentScope(request), 'organization.create')
      if (await organizations.findOrganizationByCode(db, request.body.code)) {
        throw new AppError('CONFLICT', `An organisation with code "${request.body.code}" already exists`, {
          field: 'code',
          value: request.body.code,
        })
      }
      const organization = await organizations.createOrganization(db, { ...request.body, networkId })
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        organizationId: organization.id,
        action: 'organization.create',
        entityType: 'organization',
        entityId: organization.id,
        ip: request.ip,
      })
      return reply.status(201).send({ organization })
    },
  })

  app.route({
    ...organizationsContract.listAgencies,
    config: { access: 'agency.list' },
    handler: async (request) => {
      const organization = await organizations.findOrganizationByCode(db, request.params.code)
      if (!organization || !networksWhere(currentScope(request), 'agency.list').includes(organization.networkId)) {
        throw new AppError('NOT_FOUND', `No organisation "${request.params.code}"`)
      }
      return { items: await organizations.listAgencies(db, organization.id) }
    },
  })

  app.route({
    ...organizationsContract.createAgency,
    config: { access: 'agency.create' },
    handler: async (request, reply) => {
      const scope = currentScope(request)
      const organization = await organizations.findOrganizationByCode(db, request.params.code)
      const mayCreate =
        organization !== undefined &&
        (may(scope, 'agency.create', organization.id) ||
          networksWhere(scope, 'agency.createInNetwork').includes(organization.networkId))
      if (!organization || !mayCreate) {
        throw new AppError('NOT_FOUND', `No organisation "${request.params.code}" that you manage`)
      }
      if (await organizations.findAgencyByCode(db, organization.id, request.body.code)) {
        throw new AppError('CONFLICT', `Agency "${request.body.code}" already exists in ${organization.code}`, {
          field: 'code',
          value: request.body.code,
        })
      }
      const agency = await organizations.createAgency(db, { ...request.body, organizationId: organization.id })
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        organizationId: organization.id,
        action: 'agency.create',
        entityType: 'agency',
        entityId: agency.id,
        ip: request.ip,
      })
      return reply.status(201).send({ agency })
    },
  })
}
