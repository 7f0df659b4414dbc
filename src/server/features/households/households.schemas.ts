import { Type } from 'typebox'

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])
const NullableNumber = Type.Union([Type.Number(), Type.Null()])
const NullableBoolean = Type.Union([Type.Boolean(), Type.Null()])

export const HouseholdSummarySchema = Type.Object({
  id: Type.String(),
  externalRef: Type.String(),
  lastName: Type.String(),
  firstName: Nullable(Type.String()),
  postcode: Nullable(Type.String()),
  city: Nullable(Type.String()),
  status: Type.String(),
})

export const HouseholdDetailSchema = Type.Object({
  id: Type.String(),
  externalRef: Type.String(),
  lastName: Type.String(),
  firstName: Nullable(Type.String()),
  birthDate: Nullable(Type.String()),
  age: NullableNumber,
  status: Type.String(),
  email: Nullable(Type.String()),
  agency: Type.Union([Type.Object({ code: Type.String(), name: Type.String() }), Type.Null()]),
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
  objection: Type.Union([
    Type.Object({
      at: Type.String(),
      channel: Nullable(Type.String()),
      recordedBy: Nullable(Type.String()),
      note: Nullable(Type.String()),
    }),
    Type.Null(),
  ]),
})

export const OBJECTION_CHANNELS = ['phone', 'mail', 'email', 'in_person', 'other'] as const

/** One line of a household's history. `kind` says which of the optional fields are filled. */
export const TimelineEntrySchema = Type.Object({
  id: Type.String(),
  at: Type.String(),
  kind: Type.Union([
    Type.Literal('call'),
    Type.Literal('referral'),
    Type.Literal('referral_step'),
    Type.Literal('import_update'),
    Type.Literal('objection'),
    Type.Literal('objection_withdrawn'),
  ]),
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
  fields: Type.Optional(Type.Array(Type.String())),
  channel: Type.Optional(Nullable(Type.String())),
})
