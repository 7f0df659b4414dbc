import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ROLES } from '../../../shared/roles.js'
import { AppError } from '../../http/errors.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { findOrganizationByCode } from '../organizations/organizations.queries.js'
import { administeredNetworkIds } from '../organizations/organizations.routes.js'
import * as users from './users.queries.js'
import { createUserWithMembership } from './users.service.js'

const RoleSchema = Type.Enum(ROLES)

const UserSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  isActive: Type.Boolean(),
  lastLoginAt: Type.Union([Type.String(), Type.Null()]),
  memberships: Type.Array(
    Type.Object({ organization: Type.Object({ code: Type.String(), name: Type.String() }), role: Type.String() }),
  ),
})

export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  app.get(
    '/users',
    {
      config: { access: 'user.list' },
      schema: { tags: ['users'], response: { 200: Type.Object({ items: Type.Array(UserSchema) }) } },
    },
    async (request) => ({ items: await users.listUsersOfNetworks(db, administeredNetworkIds(request.scope)) }),
  )

  app.post(
    '/users',
    {
      config: { access: 'user.create' },
      schema: {
        tags: ['users'],
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 254 }),
            name: Type.String({ minLength: 2, maxLength: 200 }),
            organization: Type.String(),
            role: RoleSchema,
            password: Type.Optional(Type.String({ maxLength: 1024 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            user: Type.Object({ id: Type.String(), email: Type.String(), name: Type.String() }),
            created: Type.Boolean(),
            generatedPassword: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request, reply) => {
      const organization = await findOrganizationByCode(db, request.body.organization)
      if (!organization || !administeredNetworkIds(request.scope).includes(organization.networkId)) {
        throw new AppError('VALIDATION_FAILED', `No organisation "${request.body.organization}" in your network`, {
          field: 'organization',
          value: request.body.organization,
        })
      }
      const result = await createUserWithMembership(db, { ...request.body, organizationId: organization.id })
      await recordAuditEvent(db, {
        actorUserId: request.user!.id,
        organizationId: organization.id,
        action: result.created ? 'user.create' : 'membership.upsert',
        entityType: 'user',
        entityId: result.user.id,
        ip: request.ip,
        details: { role: request.body.role },
      })
      return reply.status(201).send(result)
    },
  )
}
