import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { hasRole, type Scope } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import * as organizations from './organizations.queries.js'
import { AgencySchema, NewAgencySchema, NewOrganizationSchema, OrganizationSchema } from './organizations.schemas.js'

/** The networks in which the user is an administrator (an admin of any of its organisations). */
export function administeredNetworkIds(scope: Scope): string[] {
  return [...new Set(scope.memberships.filter((m) => m.role === 'admin').map((m) => m.networkId))]
}

export const organizationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  app.get(
    '/organizations',
    {
      config: { access: 'organization.list' },
      schema: { tags: ['organizations'], response: { 200: Type.Object({ items: Type.Array(OrganizationSchema) }) } },
    },
    async (request) => {
      const networkIds = [...new Set(request.scope.memberships.map((m) => m.networkId))]
      return { items: await organizations.listOrganizations(db, networkIds) }
    },
  )

  app.post(
    '/organizations',
    {
      config: { access: 'organization.create' },
      schema: {
        tags: ['organizations'],
        body: NewOrganizationSchema,
        response: { 201: Type.Object({ organization: OrganizationSchema }) },
      },
    },
    async (request, reply) => {
      const [networkId] = administeredNetworkIds(request.scope)
      if (await organizations.findOrganizationByCode(db, request.body.code)) {
        throw new AppError('CONFLICT', `An organisation with code "${request.body.code}" already exists`, {
          field: 'code',
          value: request.body.code,
        })
      }
      const organization = await organizations.createOrganization(db, { ...request.body, networkId })
      await recordAuditEvent(db, {
        actorUserId: request.user!.id,
        organizationId: organization.id,
        action: 'organization.create',
        entityType: 'organization',
        entityId: organization.id,
        ip: request.ip,
      })
      return reply.status(201).send({ organization })
    },
  )

  app.get(
    '/organizations/:code/agencies',
    {
      config: { access: 'agency.list' },
      schema: {
        tags: ['organizations'],
        params: Type.Object({ code: Type.String() }),
        response: { 200: Type.Object({ items: Type.Array(AgencySchema) }) },
      },
    },
    async (request) => {
      const organization = await organizations.findOrganizationByCode(db, request.params.code)
      const networkIds = request.scope.memberships.map((m) => m.networkId)
      if (!organization || !networkIds.includes(organization.networkId)) {
        throw new AppError('NOT_FOUND', `No organisation "${request.params.code}"`)
      }
      return { items: await organizations.listAgencies(db, organization.id) }
    },
  )

  app.post(
    '/organizations/:code/agencies',
    {
      config: { access: 'agency.create' },
      schema: {
        tags: ['organizations'],
        params: Type.Object({ code: Type.String() }),
        body: NewAgencySchema,
        response: { 201: Type.Object({ agency: AgencySchema }) },
      },
    },
    async (request, reply) => {
      const organization = await organizations.findOrganizationByCode(db, request.params.code)
      const isNetworkAdmin = organization && administeredNetworkIds(request.scope).includes(organization.networkId)
      const isOrganizationManager = organization && hasRole(request.scope, ['manager'], organization.id)
      if (!organization || !(isNetworkAdmin || isOrganizationManager)) {
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
        actorUserId: request.user!.id,
        organizationId: organization.id,
        action: 'agency.create',
        entityType: 'agency',
        entityId: agency.id,
        ip: request.ip,
      })
      return reply.status(201).send({ agency })
    },
  )
}
