import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { accountContract } from '../../../shared/contracts/account.js'
import { authContract } from '../../../shared/contracts/auth.js'
import { usersContract } from '../../../shared/contracts/users.js'
import { currentScope, currentUser } from '../../policy/policy.hook.js'
import { networksWhere } from '../../policy/policy.js'
import { assertSignsInWithPassword } from '../account/account.service.js'
import { openSession } from '../auth/open-session.js'
import { assertAccountOfCallerNetworks } from '../users/users.service.js'
import {
  beginEnrolment,
  clearChallengeCookie,
  confirmEnrolmentAtSignIn,
  confirmEnrolmentInAccount,
  currentChallenge,
  disableOwnMfa,
  mfaStatus,
  regenerateRecoveryCodes,
  resetMfaOf,
  verifySecondFactor,
} from './mfa.service.js'

/** The account of a pending sign-in (its row's own id is the challenge's). */
const accountOf = (challenge: { userId: string; email: string; name: string; locale: string }) => ({
  id: challenge.userId,
  email: challenge.email,
  name: challenge.name,
  locale: challenge.locale,
})

export const mfaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config, db } = app

  // The second step of signing in: reachable without a session, gated by the pending sign-in's cookie.
  app.route({
    ...authContract.mfaVerify,
    config: { access: 'auth.mfa' },
    handler: async (request, reply) => {
      const { challenge, method, recoveryCodesLeft } = await verifySecondFactor(db, config, request, request.body.code)
      clearChallengeCookie(reply)
      const user = await openSession(db, config, request, reply, accountOf(challenge), method)
      return { user, ...(recoveryCodesLeft === undefined ? {} : { recoveryCodesLeft }) }
    },
  })

  app.route({
    ...authContract.mfaEnrolment,
    config: { access: 'auth.mfa' },
    handler: async (request) => {
      const challenge = await currentChallenge(db, request, 'enrol')
      return beginEnrolment(db, config, { id: challenge.userId, email: challenge.email })
    },
  })

  app.route({
    ...authContract.mfaConfirm,
    config: { access: 'auth.mfa' },
    handler: async (request, reply) => {
      const { challenge, recoveryCodes } = await confirmEnrolmentAtSignIn(db, config, request, request.body.code)
      clearChallengeCookie(reply)
      const user = await openSession(db, config, request, reply, accountOf(challenge), 'enrolled')
      return { user, recoveryCodes }
    },
  })

  // « Mon compte »: one's own second factor.
  app.route({
    ...accountContract.mfa,
    config: { access: 'account.mfa' },
    handler: async (request) => mfaStatus(db, config, currentUser(request).id),
  })

  app.route({
    ...accountContract.mfaEnrolment,
    config: { access: 'account.mfa' },
    handler: async (request) => {
      const user = currentUser(request)
      // Only the password sign-in asks Allervers' second factor: an SSO account's provider asks its own.
      await assertSignsInWithPassword(db, user.id)
      return beginEnrolment(db, config, user)
    },
  })

  app.route({
    ...accountContract.mfaConfirm,
    config: { access: 'account.mfa' },
    handler: async (request) => {
      const user = currentUser(request)
      await assertSignsInWithPassword(db, user.id)
      return {
        recoveryCodes: await confirmEnrolmentInAccount(db, config, { user, code: request.body.code, ip: request.ip }),
      }
    },
  })

  app.route({
    ...accountContract.mfaDisable,
    config: { access: 'account.mfa' },
    handler: async (request, reply) => {
      const user = currentUser(request)
      // A second factor enrolled before the account was bound to its provider is never asked again; neither it nor its
      // recovery codes are the person's to change with a password that no longer signs in (an administrator's reset
      // removes it).
      await assertSignsInWithPassword(db, user.id)
      await disableOwnMfa(db, config, { user, password: request.body.password, ip: request.ip })
      return reply.status(204).send(null)
    },
  })

  app.route({
    ...accountContract.mfaRecoveryCodes,
    config: { access: 'account.mfa' },
    handler: async (request) => {
      const user = currentUser(request)
      await assertSignsInWithPassword(db, user.id)
      return { recoveryCodes: await regenerateRecoveryCodes(db, config, { user, ...request.body, ip: request.ip }) }
    },
  })

  // An administrator, for an account of their networks only (no other) whose owner lost their phone.
  app.route({
    ...usersContract.resetMfa,
    config: { access: 'user.resetMfa' },
    handler: async (request, reply) => {
      const actor = currentUser(request)
      const callerNetworkIds = networksWhere(currentScope(request), 'user.resetMfa')
      await assertAccountOfCallerNetworks(db, {
        userId: request.params.id,
        callerNetworkIds,
        // Its second factor protects the other network too: only its administrators may remove it.
        whenShared:
          'This account also works in another network: its second factor can only be reset by the administrators of that network',
      })
      await resetMfaOf(db, { userId: request.params.id, actorUserId: actor.id, ip: request.ip })
      return reply.status(204).send(null)
    },
  })
}
