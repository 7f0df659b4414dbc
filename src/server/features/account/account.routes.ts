import { createHash } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { accountContract, RESET_ANSWER } from '../../../shared/contracts/account.js'
import { nowTimestamp } from '../../db/time.js'
import { AppError } from '../../http/errors.js'
import { currentUser } from '../../policy/policy.hook.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { deleteSession } from '../auth/auth.queries.js'
import * as account from './account.queries.js'
import {
  changePassword,
  readLink,
  requestPasswordReset,
  setPasswordWithLink,
  ssoProvidersOfAccount,
} from './account.service.js'
import { describeUserAgent } from './user-agent.js'

/**
 * The name a session is shown under: derived from its stored id (itself the hash of the cookie's token), so that
 * neither the token nor the row's key ever leaves the server.
 */
export function publicSessionId(sessionId: string): string {
  return createHash('sha256').update(`session-name:${sessionId}`).digest('base64url').slice(0, 22)
}

export const accountRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  app.route({
    ...accountContract.sessions,
    config: { access: 'account.sessions' },
    handler: async (request) => {
      const user = currentUser(request)
      const rows = await account.listSessionsOfUser(db, user.id, nowTimestamp())
      return {
        items: rows.map((row) => ({
          id: publicSessionId(row.id),
          ...describeUserAgent(row.userAgent),
          startedAt: row.createdAt,
          lastSeenAt: row.lastSeenAt,
          isCurrent: row.id === user.sessionId,
          openedThrough: row.openedThrough,
        })),
      }
    },
  })

  app.route({
    ...accountContract.endSession,
    config: { access: 'account.endSession' },
    handler: async (request, reply) => {
      const user = currentUser(request)
      const rows = await account.listSessionsOfUser(db, user.id, nowTimestamp())
      const session = rows.find((row) => publicSessionId(row.id) === request.params.id)
      if (!session) throw new AppError('NOT_FOUND', 'No such session of yours')
      await deleteSession(db, session.id)
      await recordAuditEvent(db, {
        actorUserId: user.id,
        action: 'account.session_end',
        entityType: 'session',
        entityId: request.params.id,
        ip: request.ip,
        details: { isCurrent: session.id === user.sessionId },
      })
      return reply.status(204).send(null)
    },
  })

  app.route({
    ...accountContract.requestReset,
    config: { access: 'account.requestReset' },
    handler: async (request, reply) => {
      await requestPasswordReset(db, app.config, { email: request.body.email, ip: request.ip })
      return reply.status(202).send({ message: RESET_ANSWER })
    },
  })

  app.route({
    ...accountContract.readLink,
    config: { access: 'account.useLink' },
    handler: async (request) => {
      const link = await readLink(db, request.body.token)
      const ssoProviders = await ssoProvidersOfAccount(db, link.userId)
      return { purpose: link.purpose, email: link.email, name: link.name, expiresAt: link.expiresAt, ssoProviders }
    },
  })

  app.route({
    ...accountContract.setPassword,
    config: { access: 'account.useLink' },
    handler: async (request, reply) => {
      await setPasswordWithLink(db, { ...request.body, ip: request.ip })
      return reply.status(204).send(null)
    },
  })

  app.route({
    ...accountContract.changePassword,
    config: { access: 'account.changePassword' },
    handler: async (request, reply) => {
      await changePassword(db, app.config, {
        user: currentUser(request),
        current: request.body.currentPassword,
        next: request.body.newPassword,
        ip: request.ip,
      })
      return reply.status(204).send(null)
    },
  })
}
