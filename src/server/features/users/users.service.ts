import type { Role } from '../../../shared/roles.js'
import { type Db, inTransaction } from '../../db/database.js'
import { AppError } from '../../http/errors.js'
import { forgetSessions } from '../../http/session-cache.js'
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH } from '../auth/passwords.js'
import * as users from './users.queries.js'

export interface NewUser {
  email: string
  name: string
  organizationId: string
  role: Role
  /** When absent a password is generated and returned once. */
  password?: string
  locale?: string
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/**
 * Creates a user with one membership, or adds the membership to an existing user with that email.
 * Returns the generated password when none was given (shown once, never stored in clear).
 */
export async function createUserWithMembership(db: Db, input: NewUser) {
  const email = input.email.trim().toLowerCase()
  if (!EMAIL_PATTERN.test(email)) {
    throw new AppError('VALIDATION_FAILED', `"${input.email}" is not an email address`, {
      field: 'email',
      value: input.email,
    })
  }
  if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError('VALIDATION_FAILED', `The password must have at least ${MIN_PASSWORD_LENGTH} characters`, {
      field: 'password',
    })
  }
  const generatedPassword = input.password === undefined ? generatePassword() : null
  const passwordHash = await hashPassword(input.password ?? generatedPassword!)
  const result = await inTransaction(db, async (tx) => {
    const existing = await users.findUserByEmail(tx, email)
    if (existing) {
      await users.upsertMembership(tx, { userId: existing.id, organizationId: input.organizationId, role: input.role })
      return {
        user: { id: existing.id, email: existing.email, name: existing.name },
        created: false,
        generatedPassword: null,
      }
    }
    const user = await users.insertUser(tx, { email, name: input.name.trim(), passwordHash, locale: input.locale })
    await users.upsertMembership(tx, { userId: user.id, organizationId: input.organizationId, role: input.role })
    return { user: { id: user.id, email: user.email, name: user.name }, created: true, generatedPassword }
  })
  // Once committed: no session remembered in this process keeps the memberships it had before.
  forgetSessions()
  return result
}
