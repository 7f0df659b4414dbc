import { Type } from 'typebox'
import { ORGANIZATION_TYPES, ROLES } from '../../../shared/roles.js'

export const MembershipSchema = Type.Object({
  organization: Type.Object({
    code: Type.String(),
    name: Type.String(),
    type: Type.Enum(ORGANIZATION_TYPES),
  }),
  role: Type.Enum(ROLES),
})

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
