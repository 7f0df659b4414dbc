import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { authContract } from '../../../shared/contracts/auth.js'
import { SESSION_COOKIE } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { currentScope, currentUser } from '../../policy/policy.hook.js'
import { ssoAccountRefusal, ssoProvidersOfAccount } from '../account/account.service.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { startSecondStep } from '../mfa/mfa.service.js'
import { findUserByEmail } from '../users/users.queries.js'
import * as authQueries from './auth.queries.js'
import { type LoginReservation, reserveLoginAttempt, settleLoginAttempt } from './login-throttle.js'
import { openSession, presentSessionUser } from './open-session.js'
import { verifyAgainstNothing, verifyPassword } from './passwords.js'

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config, db } = app
  app.route({
    ...authContract.login,
    config: { access: 'auth.login' },
    handler: async (request, reply) => {
      const email = request.body.email.trim().toLowerCase()
      const ip = request.ip
      // Counted before the password is checked: a refused attempt never runs argon2 (login-throttle.ts).
      let reservation: LoginReservation
      try {
        reservation = await reserveLoginAttempt(db, config, { email, ip })
      } catch (error) {
        if (error instanceof AppError && error.code === 'RATE_LIMITED') {
          await recordAuditEvent(db, { actorUserId: null, actorEmail: email, action: 'auth.login_rate_limited', ip })
        }
        throw error
      }

      const user = await findUserByEmail(db, email)
      // An invited account without a password yet (an empty hash) costs the same time as an unknown one.
      const isValid = user?.passwordHash ? await verifyPassword(user.passwordHash, request.body.password) : false
      if (!user?.passwordHash) await verifyAgainstNothing(request.body.password)
      const isSuccess = Boolean(user && isValid && user.isActive === 1)
      await settleLoginAttempt(db, reservation, isSuccess)
      // An account bound to an organisation's provider signs in there only: its access ends when the provider says so.
      // The refusal names where to sign in instead (the password was right: nothing is revealed to a stranger).
      const providers = user && isValid && user.isActive === 1 ? await ssoProvidersOfAccount(db, user.id) : null
      if (user && providers) {
        await recordAuditEvent(db, {
          actorUserId: user.id,
          actorEmail: email,
          action: 'auth.login_failed',
          ip,
          details: { reason: 'sso_account' },
        })
        throw ssoAccountRefusal(providers)
      }
      if (!user || !isValid || user.isActive !== 1) {
        await recordAuditEvent(db, {
          actorUserId: user?.id ?? null,
          actorEmail: email,
          action: 'auth.login_failed',
          ip,
          details: { reason: !user ? 'unknown_account' : !isValid ? 'wrong_password' : 'inactive_account' },
        })
        throw new AppError('INVALID_CREDENTIALS', 'The email address or the password is not right')
      }

      // A second factor to give, or to enrol, before any session (features/mfa).
      const secondStep = await startSecondStep(db, config, request, reply, user)
      if (secondStep) return secondStep
      return { user: await openSession(db, config, request, reply, user) }
    },
  })

  app.route({
    ...authContract.logout,
    config: { access: 'auth.logout' },
    handler: async (request, reply) => {
      if (request.user) {
        await authQueries.deleteSession(db, request.user.sessionId)
        await recordAuditEvent(db, { actorUserId: request.user.id, action: 'auth.logout', ip: request.ip })
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      return reply.status(204).send(null)
    },
  })

  app.route({
    ...authContract.me,
    config: { access: 'auth.me' },
    handler: async (request) => {
      const user = currentUser(request)
      return { user: await presentSessionUser(db, user, currentScope(request).memberships) }
    },
  })
}
