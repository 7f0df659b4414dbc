import { Type } from 'typebox'
import { ORGANIZATION_TYPES } from '../../../shared/roles.js'

export const CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$'

export const OrganizationTypeSchema = Type.Enum(ORGANIZATION_TYPES)

export const OrganizationSchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  type: OrganizationTypeSchema,
})

export const NewOrganizationSchema = Type.Object(
  {
    code: Type.String({ pattern: CODE_PATTERN, description: '2–40 letters, digits, - or _' }),
    name: Type.String({ minLength: 2, maxLength: 200 }),
    type: OrganizationTypeSchema,
    onCallContact: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
)

export const AgencySchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  inseeCode: Type.Union([Type.String(), Type.Null()]),
})

export const NewAgencySchema = Type.Object(
  {
    code: Type.String({ pattern: CODE_PATTERN }),
    name: Type.String({ minLength: 2, maxLength: 200 }),
    inseeCode: Type.Optional(Type.String({ pattern: '^[0-9][0-9AB][0-9]{3}$' })),
  },
  { additionalProperties: false },
)
