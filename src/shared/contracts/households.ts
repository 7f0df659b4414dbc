/** Households: search, record, history, and the tenant's objection to calls. The `/households` routes. */
import { type Static, Type } from 'typebox'
import { FRAGILITY_LEVELS } from '../campaigns.js'
import { CIVILITIES } from '../households.js'
import { Day, fileResponse, IdParams, Nullable, Offset, Page } from './common.js'
import { RectifiedFieldsSchema } from './data-protection.js'
import { route } from './route.js'

export const HOUSEHOLD_STATUSES = ['active', 'left'] as const
export type HouseholdStatus = (typeof HOUSEHOLD_STATUSES)[number]

/** How a tenant told us they object to calls. */
export const OBJECTION_CHANNELS = ['phone', 'mail', 'email', 'in_person', 'other'] as const
export type ObjectionChannel = (typeof OBJECTION_CHANNELS)[number]

/** What a line of a household's history is; `kind` says which of the entry's optional fields are filled. */
export const TIMELINE_KINDS = [
  'call',
  'referral',
  'referral_step',
  'import_update',
  'objection',
  'objection_withdrawn',
  'rectification',
] as const
export type TimelineKind = (typeof TIMELINE_KINDS)[number]

/** Households a search answers when the query names no limit. */
export const SEARCH_PAGE_SIZE = 50

const NullableNumber = Nullable(Type.Number())
const NullableBoolean = Nullable(Type.Boolean())

/** How a household list may be ordered: a column, `-` before it for the reverse order; ties by reference. */
export const HOUSEHOLD_SORTS = [
  'name',
  '-name',
  'reference',
  '-reference',
  'city',
  '-city',
  'age',
  '-age',
  'lastContact',
  '-lastContact',
] as const
export type HouseholdSort = (typeof HOUSEHOLD_SORTS)[number]

/** The fragility filter: a level found by a call, or `unknown` for households no call has assessed. */
export const HOUSEHOLD_FRAGILITY_FILTERS = [...FRAGILITY_LEVELS, 'unknown'] as const

/** What narrows a household list: shared by the list and its CSV export. */
const HouseholdFilters = {
  q: Type.Optional(
    Type.String({
      maxLength: 200,
      description:
        'reference, names in any order ignoring case and accents ("Lefevre", "Emma Benali", "benali emma"), or a phone number in any common format ("+33 3 83…", "03.83…", "0033…")',
    }),
  ),
  ref: Type.Optional(Type.String({ maxLength: 100, description: 'exactly this reference' })),
  agency: Type.Optional(Type.String({ maxLength: 40, description: 'agency code' })),
  fragility: Type.Optional(Type.Enum(HOUSEHOLD_FRAGILITY_FILTERS)),
  objection: Type.Optional(Type.Boolean({ description: 'true: only tenants who object to calls; false: the others' })),
  status: Type.Optional(Type.Enum(HOUSEHOLD_STATUSES, { description: 'active, or left (no longer in the file)' })),
  inCampaign: Type.Optional(
    Type.Boolean({ description: 'true: only households targeted by a running campaign; false: the others' }),
  ),
  sort: Type.Optional(Type.Enum(HOUSEHOLD_SORTS, { default: 'name' })),
}

export const HouseholdSearchQuery = Type.Object({
  ...HouseholdFilters,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: SEARCH_PAGE_SIZE })),
  offset: Type.Optional(Offset),
})

export const HouseholdExportQuery = Type.Object(HouseholdFilters)

export const HouseholdSummarySchema = Type.Object({
  id: Type.String(),
  externalRef: Type.String(),
  lastName: Type.String(),
  firstName: Nullable(Type.String()),
  postcode: Nullable(Type.String()),
  city: Nullable(Type.String()),
  status: Type.Enum(HOUSEHOLD_STATUSES),
  agencyCode: Nullable(Type.String()),
  /** The age of the oldest known occupant. */
  age: NullableNumber,
  fragilityLevel: Nullable(Type.String()),
  objection: Type.Boolean(),
  lastContactedAt: Nullable(Type.String()),
})

export const HouseholdDetailSchema = Type.Object({
  id: Type.String(),
  externalRef: Type.String(),
  /** The leaseholder's civility from the landlord's file, or null when it gave none. */
  civility: Nullable(Type.Enum(CIVILITIES)),
  lastName: Type.String(),
  firstName: Nullable(Type.String()),
  birthDate: Nullable(Type.String()),
  age: NullableNumber,
  status: Type.Enum(HOUSEHOLD_STATUSES),
  email: Nullable(Type.String()),
  rectifiedFields: RectifiedFieldsSchema,
  agency: Nullable(Type.Object({ code: Type.String(), name: Type.String() })),
  members: Type.Array(
    Type.Object({
      id: Type.String(),
      lastName: Type.String(),
      firstName: Nullable(Type.String()),
      birthDate: Nullable(Type.String()),
      age: NullableNumber,
      isLeaseholder: Type.Boolean(),
      role: Nullable(Type.String()),
    }),
  ),
  phones: Type.Array(
    Type.Object({
      e164: Nullable(Type.String()),
      raw: Type.String(),
      kind: Type.Union([Type.Literal('mobile'), Type.Literal('landline'), Type.Literal('other')]),
      isValid: Type.Boolean(),
    }),
  ),
  address: Type.Object({
    line1: Nullable(Type.String()),
    line2: Nullable(Type.String()),
    postcode: Nullable(Type.String()),
    city: Nullable(Type.String()),
    inseeCode: Nullable(Type.String()),
  }),
  flags: Type.Object({
    livesAlone: NullableBoolean,
    occupants: NullableNumber,
    supportProgramme: NullableBoolean,
    housingBenefit: NullableBoolean,
    arrears: NullableNumber,
    worksProgramme: Nullable(Type.String()),
    floor: NullableNumber,
    hasLift: NullableBoolean,
    leaseStart: Nullable(Type.String()),
    fragilityLevel: Nullable(Type.String()),
    lastContactedAt: Nullable(Type.String()),
  }),
  objection: Nullable(
    Type.Object({
      at: Type.String(),
      channel: Nullable(Type.String()),
      recordedBy: Nullable(Type.String()),
      note: Nullable(Type.String()),
    }),
  ),
  /** When retention erased its identity and free texts (names blank, no phone, address down to the commune). */
  erasedAt: Type.Optional(Nullable(Type.String())),
  /** The leaseholder's year of birth, kept once the birth date is erased. */
  birthYear: Type.Optional(Nullable(Type.Integer())),
})

/** One line of a household's history. `kind` says which of the optional fields are filled. */
export const TimelineEntrySchema = Type.Object({
  id: Type.String(),
  at: Type.String(),
  kind: Type.Enum(TIMELINE_KINDS),
  actor: Nullable(Type.String()),
  call: Type.Optional(
    Type.Object({
      campaignId: Type.String(),
      campaignName: Type.String(),
      disposition: Type.String(),
      attempt: Type.Integer(),
      fragilityLevel: Nullable(Type.String()),
      needs: Type.Array(Type.String()),
      notes: Nullable(Type.String()),
      durationSeconds: NullableNumber,
    }),
  ),
  referral: Type.Optional(
    Type.Object({
      id: Type.String(),
      category: Type.String(),
      urgency: Type.String(),
      status: Type.String(),
      recipient: Type.String(),
      fromStatus: Nullable(Type.String()),
      toStatus: Nullable(Type.String()),
    }),
  ),
  /** Import updates and rectifications: the names of the fields that changed, never their values. */
  fields: Type.Optional(Type.Array(Type.String())),
  channel: Type.Optional(Nullable(Type.String())),
})

export const ObjectionBodySchema = Type.Object(
  {
    channel: Type.Enum(OBJECTION_CHANNELS),
    // From EARLIEST_DAY; not after today (checked by the handler, in Paris days).
    at: Type.Optional(Day({ description: 'the day the tenant objected (YYYY-MM-DD), not in the future' })),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
)

export const ObjectionRecordedSchema = Type.Object({
  objection: Type.Object({ at: Type.String(), channel: Type.Enum(OBJECTION_CHANNELS) }),
  /** Campaign targets the household was waiting in, now excluded. */
  targetsRemoved: Type.Integer(),
})

export const WithdrawObjectionBodySchema = Type.Object(
  { reason: Type.String({ minLength: 5, maxLength: 500 }) },
  { additionalProperties: false },
)

export type HouseholdSummary = Static<typeof HouseholdSummarySchema>
export type HouseholdSearch = Static<typeof HouseholdSearchQuery>
export type HouseholdDetail = Static<typeof HouseholdDetailSchema>
export type TimelineEntry = Static<typeof TimelineEntrySchema>

export const householdsContract = {
  search: route('GET', '/households', {
    tags: ['households'],
    querystring: HouseholdSearchQuery,
    response: { 200: Page(HouseholdSummarySchema) },
  }),
  exportList: route('GET', '/households/export.csv', {
    tags: ['households'],
    summary: 'The filtered household list as CSV (UTF-8 with BOM, semicolons), for managers',
    querystring: HouseholdExportQuery,
    produces: ['text/csv'],
    response: { 200: fileResponse('CSV file', ['text/csv']) },
  }),
  read: route('GET', '/households/:id', {
    tags: ['households'],
    params: IdParams,
    response: { 200: HouseholdDetailSchema },
  }),
  timeline: route('GET', '/households/:id/timeline', {
    tags: ['households'],
    params: IdParams,
    response: { 200: Type.Object({ items: Type.Array(TimelineEntrySchema) }) },
  }),
  recordObjection: route('POST', '/households/:id/objection', {
    tags: ['households'],
    params: IdParams,
    body: ObjectionBodySchema,
    response: { 201: ObjectionRecordedSchema },
  }),
  withdrawObjection: route('POST', '/households/:id/objection/withdraw', {
    tags: ['households'],
    params: IdParams,
    body: WithdrawObjectionBodySchema,
    response: { 200: Type.Object({ objection: Type.Null() }) },
  }),
}
