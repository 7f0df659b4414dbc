/** Signing in and out, and who the signed-in user is: the `/auth` routes. */
import { type Static, Type } from 'typebox'
import { ROLES } from '../roles.js'
import { NoContent } from './common.js'
import { OrganizationTypeSchema } from './organizations.js'
import { route } from './route.js'

export const RoleSchema = Type.Enum(ROLES)

/** One of the user's roles, in one organisation. */
export const MembershipSchema = Type.Object({
  organization: Type.Object({
    code: Type.String(),
    name: Type.String(),
    type: OrganizationTypeSchema,
  }),
  role: RoleSchema,
})

/** The signed-in user as the web app knows them: never their password hash or their sessions. */
export const SessionUserSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  locale: Type.String(),
  memberships: Type.Array(MembershipSchema),
})

export const LoginBodySchema = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
)

export const SessionSchema = Type.Object({ user: SessionUserSchema })

export type Membership = Static<typeof MembershipSchema>
export type SessionUser = Static<typeof SessionUserSchema>

export const authContract = {
  login: route('POST', '/auth/login', {
    tags: ['auth'],
    security: [],
    body: LoginBodySchema,
    response: { 200: SessionSchema },
  }),
  // Without a session it only clears the cookie.
  logout: route('POST', '/auth/logout', { tags: ['auth'], response: { 204: NoContent } }),
  me: route('GET', '/auth/me', { tags: ['auth'], response: { 200: SessionSchema } }),
}
