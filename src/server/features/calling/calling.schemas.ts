import { Type } from 'typebox'
import { DISPOSITIONS, FRAGILITY_LEVELS, NEED_CATEGORIES } from '../../../shared/campaigns.js'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()])

export const AssignmentSchema = Type.Object({
  id: Type.String(),
  campaignId: Type.String(),
  campaignName: Type.String(),
  attempt: Type.Integer(),
  leaseExpiresAt: Type.String(),
  household: Type.Object({
    id: Type.String(),
    externalRef: Type.String(),
    lastName: Type.String(),
    firstName: Nullable(Type.String()),
    address: Type.String(),
    floor: Nullable(Type.Integer()),
    hasLift: Nullable(Type.Boolean()),
    fragilityLevel: Nullable(Type.String()),
    members: Type.Array(
      Type.Object({
        firstName: Nullable(Type.String()),
        lastName: Type.String(),
        age: Nullable(Type.Integer()),
        isLeaseholder: Type.Boolean(),
      }),
    ),
    earlierCalls: Type.Array(
      Type.Object({
        at: Type.String(),
        campaign: Type.String(),
        disposition: Type.String(),
        fragilityLevel: Nullable(Type.String()),
      }),
    ),
  }),
  phones: Type.Array(Type.Object({ e164: Type.String(), kind: Type.String() })),
  script: Type.String(),
  faq: Type.Array(Type.Object({ question: Type.String(), answer: Type.String() })),
  questionnaire: Type.Union([
    Type.Object({ versionId: Type.String(), version: Type.Integer(), definition: Type.Unknown() }),
    Type.Null(),
  ]),
})

export const OutcomeSchema = Type.Object(
  {
    disposition: Type.Enum(DISPOSITIONS),
    answers: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    notes: Type.Optional(Type.String({ maxLength: 4000 })),
    callbackAt: Type.Optional(Type.String({ format: 'date-time' })),
    sameCallerForCallback: Type.Optional(Type.Boolean()),
    fragilityLevel: Type.Optional(Type.Enum(FRAGILITY_LEVELS)),
    needs: Type.Optional(Type.Array(Type.Enum(NEED_CATEGORIES), { maxItems: 10 })),
    durationSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 6 * 3600 })),
    phoneE164: Type.Optional(Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$' })),
    objection: Type.Optional(Type.Boolean({ description: 'with "refused": the tenant objects to any further call' })),
    followUp: Type.Optional(
      Type.Union([
        Type.Object({ at: Type.String({ format: 'date-time' }) }, { additionalProperties: false }),
        Type.Object(
          {
            everyDays: Type.Integer({ minimum: 1, maximum: 90 }),
            until: Type.String({ format: 'date', description: 'last day (YYYY-MM-DD) of the watch' }),
          },
          { additionalProperties: false },
        ),
      ]),
    ),
  },
  { additionalProperties: false },
)

export const CallSchema = Type.Object({
  id: Type.String(),
  campaignId: Type.String(),
  householdId: Type.String(),
  attempt: Type.Integer(),
  disposition: Type.String(),
  fragilityLevel: Nullable(Type.String()),
  needs: Type.Array(Type.String()),
  scores: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String(),
})
