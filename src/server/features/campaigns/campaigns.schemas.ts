import { Type } from 'typebox'
import { CAMPAIGN_TYPES } from '../../../shared/campaigns.js'

const TIME = '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$'

export const CallingHoursSchema = Type.Union([
  Type.Literal('always'),
  Type.Array(
    Type.Object(
      {
        day: Type.Integer({ minimum: 1, maximum: 7, description: '1 = Monday … 7 = Sunday' }),
        from: Type.String({ pattern: TIME }),
        to: Type.String({ pattern: TIME }),
      },
      { additionalProperties: false },
    ),
    { maxItems: 50 },
  ),
])

export const RetryDelaysSchema = Type.Object(
  {
    no_answer: Type.Integer({ minimum: 1, maximum: 60 * 24 * 30 }),
    voicemail: Type.Integer({ minimum: 1, maximum: 60 * 24 * 30 }),
    busy: Type.Integer({ minimum: 1, maximum: 60 * 24 * 30 }),
    other: Type.Integer({ minimum: 1, maximum: 60 * 24 * 30 }),
  },
  { additionalProperties: false },
)

export const FrequencyCapSchema = Type.Object(
  { maxAttempts: Type.Integer({ minimum: 1, maximum: 100 }), days: Type.Integer({ minimum: 1, maximum: 365 }) },
  { additionalProperties: false },
)

export const FaqSchema = Type.Array(
  Type.Object(
    { question: Type.String({ minLength: 1, maxLength: 500 }), answer: Type.String({ minLength: 1, maxLength: 4000 }) },
    { additionalProperties: false },
  ),
  { maxItems: 100 },
)

const editable = {
  name: Type.String({ minLength: 2, maxLength: 200 }),
  targeting: Type.Unknown({
    description: 'targeting rule: {"all":[…]}, {"any":[…]}, {"not":…} or {"field","op","value"}',
  }),
  callingHours: CallingHoursSchema,
  maxAttempts: Type.Integer({ minimum: 1, maximum: 20 }),
  retryDelays: RetryDelaysSchema,
  frequencyCap: FrequencyCapSchema,
  script: Type.String({ maxLength: 20_000 }),
  faq: FaqSchema,
  questionnaire: Type.Unknown({ description: 'questionnaire definition: { sections: [...] }' }),
  priorityWeights: Type.Union([Type.Record(Type.String(), Type.Integer()), Type.Null()]),
}

export const NewCampaignSchema = Type.Object(
  {
    type: Type.Enum(CAMPAIGN_TYPES),
    organization: Type.String({ description: 'organisation code' }),
    name: editable.name,
    targeting: Type.Optional(editable.targeting),
    callingHours: Type.Optional(editable.callingHours),
    maxAttempts: Type.Optional(editable.maxAttempts),
    retryDelays: Type.Optional(editable.retryDelays),
    frequencyCap: Type.Optional(editable.frequencyCap),
    script: Type.Optional(editable.script),
    faq: Type.Optional(editable.faq),
    questionnaire: Type.Optional(editable.questionnaire),
    priorityWeights: Type.Optional(editable.priorityWeights),
  },
  { additionalProperties: false },
)

export const CampaignChangesSchema = Type.Object(
  {
    name: Type.Optional(editable.name),
    callingHours: Type.Optional(editable.callingHours),
    maxAttempts: Type.Optional(editable.maxAttempts),
    retryDelays: Type.Optional(editable.retryDelays),
    frequencyCap: Type.Optional(editable.frequencyCap),
    script: Type.Optional(editable.script),
    faq: Type.Optional(editable.faq),
    questionnaire: Type.Optional(editable.questionnaire),
    priorityWeights: Type.Optional(editable.priorityWeights),
  },
  { additionalProperties: false },
)

export const ProgressSchema = Type.Object({
  targeted: Type.Integer(),
  pending: Type.Integer(),
  inProgress: Type.Integer(),
  completed: Type.Integer(),
  unreachable: Type.Integer(),
  excluded: Type.Integer(),
})

export const CampaignSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  status: Type.String(),
  organization: Type.String(),
  targeting: Type.Unknown(),
  priorityWeights: Type.Union([Type.Record(Type.String(), Type.Integer()), Type.Null()]),
  callingHours: CallingHoursSchema,
  maxAttempts: Type.Integer(),
  retryDelays: RetryDelaysSchema,
  frequencyCap: FrequencyCapSchema,
  script: Type.String(),
  faq: FaqSchema,
  questionnaire: Type.Union([
    Type.Object({ versionId: Type.String(), version: Type.Integer(), definition: Type.Unknown() }),
    Type.Null(),
  ]),
  createdAt: Type.String(),
  activatedAt: Type.Union([Type.String(), Type.Null()]),
  closedAt: Type.Union([Type.String(), Type.Null()]),
  progress: ProgressSchema,
})

export const HouseholdSampleSchema = Type.Object({
  id: Type.String(),
  externalRef: Type.String(),
  lastName: Type.String(),
  firstName: Type.Union([Type.String(), Type.Null()]),
  age: Type.Union([Type.Integer(), Type.Null()]),
  city: Type.Union([Type.String(), Type.Null()]),
  priority: Type.Integer(),
})
