/** The organisations of a network and their agencies: the `/organizations` routes. */
import { type Static, Type } from 'typebox'
import { ORGANIZATION_TYPES } from '../roles.js'
import { Nullable } from './common.js'
import { route } from './route.js'

/** An organisation's or an agency's code: 2–40 letters, digits, - or _. */
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
  inseeCode: Nullable(Type.String()),
})

export const NewAgencySchema = Type.Object(
  {
    code: Type.String({ pattern: CODE_PATTERN }),
    name: Type.String({ minLength: 2, maxLength: 200 }),
    inseeCode: Type.Optional(Type.String({ pattern: '^[0-9][0-9AB][0-9]{3}$' })),
  },
  { additionalProperties: false },
)

const OrganizationCodeParams = Type.Object({ code: Type.String() })

export type Organization = Static<typeof OrganizationSchema>
export type Agency = Static<typeof AgencySchema>
export type NewOrganization = Static<typeof NewOrganizationSchema>

export const organizationsContract = {
  /** The organisations of the user's networks. */
  list: route('GET', '/organizations', {
    tags: ['organizations'],
    response: { 200: Type.Object({ items: Type.Array(OrganizationSchema) }) },
  }),
  create: route('POST', '/organizations', {
    tags: ['organizations'],
    body: NewOrganizationSchema,
    response: { 201: Type.Object({ organization: OrganizationSchema }) },
  }),
  listAgencies: route('GET', '/organizations/:code/agencies', {
    tags: ['organizations'],
    params: OrganizationCodeParams,
    response: { 200: Type.Object({ items: Type.Array(AgencySchema) }) },
  }),
  createAgency: route('POST', '/organizations/:code/agencies', {
    tags: ['organizations'],
    params: OrganizationCodeParams,
    body: NewAgencySchema,
    response: { 201: Type.Object({ agency: AgencySchema }) },
  }),
}
