/**
 * The campaigns contract: every request and response of the campaign routes (templates, list, create, read, change,
 * preview, explain, retarget, activate/pause/close). The plan of a campaign has its own (`planning.ts`); the callers of
 * a campaign belong to calling.
 */
import { type Static, Type } from 'typebox'
import { CAMPAIGN_STATUSES, CAMPAIGN_TYPES, TARGET_STATUSES } from '../campaigns.js'
import { DETECTION_LIMITS } from '../detection.js'
import { QUESTION_TYPES, QUESTIONNAIRE_LIMITS, type QuestionnaireDefinition } from '../questionnaire.js'
import {
  LocalizedTextSchema,
  OPERATORS,
  type Rule,
  TARGETING_FIELD_NAMES,
  TargetingFieldSchema,
} from '../targeting-fields.js'
import { IdParams, Nullable } from './common.js'
import { route } from './route.js'

const TIME = '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$'

/** One weekly calling window in Europe/Paris time; day 1 = Monday … 7 = Sunday (ISO). */
export const CallingWindowSchema = Type.Object(
  {
    day: Type.Integer({ minimum: 1, maximum: 7, description: '1 = Monday … 7 = Sunday' }),
    from: Type.String({ pattern: TIME }),
    to: Type.String({ pattern: TIME }),
  },
  { additionalProperties: false },
)

export const CallingHoursSchema = Type.Union([
  Type.Literal('always'),
  Type.Array(CallingWindowSchema, { maxItems: 50 }),
])

const RETRY_MINUTES = { minimum: 1, maximum: 60 * 24 * 30 }
/** Minutes to wait before the next attempt, by outcome. */
export const RetryDelaysSchema = Type.Object(
  {
    no_answer: Type.Integer(RETRY_MINUTES),
    voicemail: Type.Integer(RETRY_MINUTES),
    busy: Type.Integer(RETRY_MINUTES),
    other: Type.Integer(RETRY_MINUTES),
  },
  { additionalProperties: false },
)

/** At most `maxAttempts` attempts per household in `days` days. */
export const FrequencyCapSchema = Type.Object(
  { maxAttempts: Type.Integer({ minimum: 1, maximum: 100 }), days: Type.Integer({ minimum: 1, maximum: 365 }) },
  { additionalProperties: false },
)

/** Bounds on a campaign's script and FAQ, which the script editor shows too. */
export const SCRIPT_LIMITS = { scriptLength: 20_000, faqEntries: 100, faqQuestionLength: 500, faqAnswerLength: 4000 }

export const FaqSchema = Type.Array(
  Type.Object(
    {
      question: Type.String({ minLength: 1, maxLength: SCRIPT_LIMITS.faqQuestionLength }),
      answer: Type.String({ minLength: 1, maxLength: SCRIPT_LIMITS.faqAnswerLength }),
    },
    { additionalProperties: false },
  ),
  { maxItems: SCRIPT_LIMITS.faqEntries },
)

/** A manager's priority weights: points by criterion key (validated against the criteria by the server). */
export const PriorityWeightsSchema = Nullable(Type.Record(Type.String(), Type.Integer()))

/**
 * A targeting rule as the API answers it (always a rule the server validated). Requests carry it as any JSON: the
 * server's `validateRule` names every mistake by its path, which a schema could not say as clearly.
 */
const RuleSchema = Type.Unsafe<Rule>(
  Type.Unknown({ description: 'targeting rule: {"all":[…]}, {"any":[…]}, {"not":…} or {"field","op","value"}' }),
)
const RuleInput = Type.Unknown({
  description: 'targeting rule: {"all":[…]}, {"any":[…]}, {"not":…} or {"field","op","value"}',
})
const QuestionnaireDefinitionSchema = Type.Unsafe<QuestionnaireDefinition>(
  Type.Unknown({ description: 'questionnaire definition: { sections: [...] }' }),
)

const LIMITS = QUESTIONNAIRE_LIMITS
const CodeSchema = Type.String({ minLength: 1, maxLength: LIMITS.idLength })
const BoundedNumber = Type.Number({ minimum: -LIMITS.numberBound, maximum: LIMITS.numberBound })
const ChoiceOptionInput = Type.Object(
  {
    code: CodeSchema,
    label: Type.String({ maxLength: LIMITS.optionLabelLength }),
    labelEn: Type.Optional(Type.String({ maxLength: LIMITS.optionLabelLength })),
    need: Type.Optional(Type.String({ maxLength: LIMITS.idLength, description: 'a need category' })),
  },
  { additionalProperties: false },
)
const QuestionInput = Type.Object(
  {
    id: CodeSchema,
    type: Type.Enum(QUESTION_TYPES),
    label: Type.String({ maxLength: LIMITS.labelLength }),
    labelEn: Type.Optional(Type.String({ maxLength: LIMITS.labelLength })),
    required: Type.Boolean(),
    options: Type.Optional(Type.Array(ChoiceOptionInput, { maxItems: LIMITS.options })),
    needIfYes: Type.Optional(Type.String({ maxLength: LIMITS.idLength, description: 'a need category' })),
    showIf: Type.Optional(
      Type.Object(
        {
          question: CodeSchema,
          // Boolean first: the validator coerces, and a string first would turn `true` into "true".
          equals: Type.Optional(
            Type.Union([Type.Boolean(), BoundedNumber, Type.String({ maxLength: LIMITS.idLength })]),
          ),
          in: Type.Optional(Type.Array(CodeSchema, { maxItems: LIMITS.options })),
        },
        { additionalProperties: false },
      ),
    ),
    min: Type.Optional(BoundedNumber),
    max: Type.Optional(BoundedNumber),
  },
  { additionalProperties: false },
)
/**
 * A questionnaire as a request carries it: its shape and every bound (QUESTIONNAIRE_LIMITS). A section holds either
 * `questions` or an `instrument`; what the shape cannot say (unique ids, conditions on earlier questions, known needs
 * and instruments, at most LIMITS.questions in all) `checkQuestionnaire` says by path.
 */
export const QuestionnaireInputSchema = Type.Object(
  {
    sections: Type.Array(
      Type.Object(
        {
          id: CodeSchema,
          title: Type.Optional(Type.String({ maxLength: LIMITS.titleLength })),
          titleEn: Type.Optional(Type.String({ maxLength: LIMITS.titleLength })),
          questions: Type.Optional(Type.Array(QuestionInput, { maxItems: LIMITS.questionsPerSection })),
          instrument: Type.Optional(Type.String({ maxLength: LIMITS.idLength, description: 'an instrument code' })),
        },
        { additionalProperties: false },
      ),
      { maxItems: LIMITS.sections },
    ),
    rules: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: CodeSchema,
            label: Type.String({ maxLength: DETECTION_LIMITS.labelLength }),
            labelEn: Type.Optional(Type.String({ maxLength: DETECTION_LIMITS.labelLength })),
            when: Type.Array(
              Type.Object(
                {
                  question: Type.Optional(CodeSchema),
                  equals: Type.Optional(
                    Type.Union([Type.Boolean(), Type.String({ maxLength: LIMITS.idLength }), BoundedNumber]),
                  ),
                  in: Type.Optional(Type.Array(CodeSchema, { maxItems: LIMITS.options })),
                  instrument: Type.Optional(CodeSchema),
                  positive: Type.Optional(Type.Literal(true)),
                },
                { additionalProperties: false },
              ),
              { maxItems: DETECTION_LIMITS.conditions },
            ),
            suggest: Type.Object(
              {
                fragility: Type.Optional(CodeSchema),
                referral: Type.Optional(
                  Type.Object({ category: CodeSchema, urgency: CodeSchema }, { additionalProperties: false }),
                ),
              },
              { additionalProperties: false },
            ),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: DETECTION_LIMITS.rules,
          description: 'detection rules (src/shared/detection.ts); checkQuestionnaire checks what they refer to',
        },
      ),
    ),
  },
  { additionalProperties: false },
)

const editable = {
  name: Type.String({ minLength: 2, maxLength: 200 }),
  callingHours: CallingHoursSchema,
  maxAttempts: Type.Integer({ minimum: 1, maximum: 20 }),
  retryDelays: RetryDelaysSchema,
  frequencyCap: FrequencyCapSchema,
  script: Type.String({ maxLength: SCRIPT_LIMITS.scriptLength }),
  faq: FaqSchema,
  questionnaire: QuestionnaireInputSchema,
  priorityWeights: PriorityWeightsSchema,
}

export const NewCampaignSchema = Type.Object(
  {
    type: Type.Enum(CAMPAIGN_TYPES),
    organization: Type.String({ description: 'organisation code' }),
    name: editable.name,
    targeting: Type.Optional(RuleInput),
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

/** What PATCH may change; the targeting has its own route (it resyncs the queue). */
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

/** A campaign's queue in figures; `targeted` leaves out excluded households. */
export const ProgressSchema = Type.Object({
  targeted: Type.Integer(),
  pending: Type.Integer(),
  inProgress: Type.Integer(),
  completed: Type.Integer(),
  unreachable: Type.Integer(),
  /** Of the unreachable, those without any usable number (never served to a caller): for a letter or a visit. */
  noUsablePhone: Type.Integer(),
  excluded: Type.Integer(),
})

export const CampaignSummarySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.Enum(CAMPAIGN_TYPES),
  status: Type.Enum(CAMPAIGN_STATUSES),
  organization: Type.String({ description: 'organisation code' }),
  createdAt: Type.String(),
  activatedAt: Nullable(Type.String()),
  progress: ProgressSchema,
})

export const CampaignSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.Enum(CAMPAIGN_TYPES),
  status: Type.Enum(CAMPAIGN_STATUSES),
  organization: Type.String({ description: 'organisation code' }),
  targeting: RuleSchema,
  priorityWeights: PriorityWeightsSchema,
  callingHours: CallingHoursSchema,
  maxAttempts: Type.Integer(),
  retryDelays: RetryDelaysSchema,
  frequencyCap: FrequencyCapSchema,
  script: Type.String(),
  faq: FaqSchema,
  questionnaire: Nullable(
    Type.Object({ versionId: Type.String(), version: Type.Integer(), definition: QuestionnaireDefinitionSchema }),
  ),
  createdAt: Type.String(),
  activatedAt: Nullable(Type.String()),
  closedAt: Nullable(Type.String()),
  progress: ProgressSchema,
})
export type Campaign = Static<typeof CampaignSchema>

const CampaignAnswer = Type.Object({ campaign: CampaignSchema })

export const CampaignTemplateSchema = Type.Object({
  type: Type.Enum(CAMPAIGN_TYPES),
  name: Type.String(),
  nameEn: Type.String(),
  description: Type.String(),
  targeting: RuleSchema,
  script: Type.String(),
  faq: FaqSchema,
  questionnaire: QuestionnaireDefinitionSchema,
  callingHours: CallingHoursSchema,
  maxAttempts: Type.Integer(),
})

/** One criterion of the fragility priority with its default points. */
export const PriorityWeightSchema = Type.Object({
  key: Type.String(),
  points: Type.Integer(),
  label: LocalizedTextSchema,
})

export const TemplatesSchema = Type.Object({
  items: Type.Array(CampaignTemplateSchema),
  priorityWeights: Type.Array(PriorityWeightSchema),
  targetingFields: Type.Array(TargetingFieldSchema),
})

export const PreviewBodySchema = Type.Object(
  {
    organization: Type.String({ description: 'organisation code' }),
    targeting: RuleInput,
    priorityWeights: Type.Optional(PriorityWeightsSchema),
    sampleSize: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
)

export const HouseholdSampleSchema = Type.Object({
  id: Type.String(),
  externalRef: Type.String(),
  lastName: Type.String(),
  firstName: Nullable(Type.String()),
  age: Nullable(Type.Integer()),
  city: Nullable(Type.String()),
  priority: Type.Integer(),
})

export const PreviewSchema = Type.Object({ count: Type.Integer(), sample: Type.Array(HouseholdSampleSchema) })

/** "Pourquoi ce ménage" while a rule is being edited: the rule and weights of the preview, and one household. */
export const PreviewExplainBodySchema = Type.Object(
  {
    organization: Type.String({ description: 'organisation code' }),
    targeting: RuleInput,
    priorityWeights: Type.Optional(PriorityWeightsSchema),
    householdId: Type.String({ maxLength: 64 }),
  },
  { additionalProperties: false },
)

/** A household's fragility priority: the score (0–100) and each criterion that gave points. */
export const PrioritySchema = Type.Object({
  score: Type.Integer(),
  reasons: Type.Array(PriorityWeightSchema),
})

const ConditionValueSchema = Type.Union([
  Type.Number(),
  Type.Boolean(),
  Type.String(),
  Type.Array(Type.Number()),
  Type.Array(Type.String()),
])

/**
 * Why a household matches a rule or not: the rule's tree with each part's result, a short text in both languages
 * ("Âge 82 ≥ 75 ✓"), and on conditions what was asked and the household's actual value.
 */
export const ExplanationSchema = Type.Cyclic(
  {
    Explanation: Type.Object({
      holds: Type.Boolean(),
      text: LocalizedTextSchema,
      field: Type.Optional(Type.Enum(TARGETING_FIELD_NAMES)),
      op: Type.Optional(Type.Enum(OPERATORS)),
      value: Type.Optional(ConditionValueSchema),
      actual: Type.Optional(Nullable(Type.Union([Type.Number(), Type.Boolean(), Type.String()]))),
      combinator: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('any'), Type.Literal('not')])),
      children: Type.Optional(Type.Array(Type.Ref('Explanation'))),
    }),
  },
  'Explanation',
)
export type Explanation = Static<typeof ExplanationSchema>

export const ExplainSchema = Type.Object({
  matches: Type.Boolean(),
  /** The household objects to calls: never targeted, whatever the rule. */
  objection: Type.Boolean(),
  /** The household's own status (`active` tenants only are targeted). */
  status: Type.String(),
  explanation: ExplanationSchema,
  priority: PrioritySchema,
  target: Nullable(
    Type.Object({ status: Type.Enum(TARGET_STATUSES), attempts: Type.Integer(), priority: Type.Integer() }),
  ),
})

/** The organisation whose values the builder's pickers need. */
export const TargetingValuesQuery = Type.Object(
  { organization: Type.String({ maxLength: 40, description: 'organisation code' }) },
  { additionalProperties: false },
)

/**
 * What the targeting builder's pickers offer, from the organisation's own data: its agencies, and the communes where it
 * has households that a campaign could target (active, not erased), each with that number of households.
 */
export const TargetingValuesSchema = Type.Object({
  agencies: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), households: Type.Integer() })),
  communes: Type.Array(
    Type.Object({
      inseeCode: Type.String(),
      name: Type.String(),
      postcode: Nullable(Type.String()),
      households: Type.Integer(),
    }),
  ),
})
export type TargetingValues = Static<typeof TargetingValuesSchema>

/** What a change of rule did to a running campaign's queue. */
export const RetargetChangesSchema = Type.Object({
  added: Type.Integer(),
  restored: Type.Integer(),
  removed: Type.Integer(),
  targeted: Type.Integer(),
  /** Waiting targets found without a usable number (listed unreachable) and those that have one again (queued). */
  noUsablePhone: Type.Integer(),
  phoneFound: Type.Integer(),
})

const tags = ['campaigns']

export const campaignsContract = {
  templates: route('GET', '/campaign-templates', {
    tags,
    summary: 'Campaign templates, default priority weights and the targeting catalogue',
    response: { 200: TemplatesSchema },
  }),
  list: route('GET', '/campaigns', {
    tags,
    summary: 'Campaigns of the organisations the user manages, newest first',
    response: { 200: Type.Object({ items: Type.Array(CampaignSummarySchema) }) },
  }),
  create: route('POST', '/campaigns', {
    tags,
    summary: 'A draft campaign from its type’s template and the manager’s choices',
    body: NewCampaignSchema,
    response: { 201: CampaignAnswer },
  }),
  read: route('GET', '/campaigns/:id', { tags, params: IdParams, response: { 200: CampaignAnswer } }),
  update: route('PATCH', '/campaigns/:id', {
    tags,
    summary: 'Changes a campaign; a new questionnaire makes a new version',
    params: IdParams,
    body: CampaignChangesSchema,
    response: { 200: CampaignAnswer },
  }),
  preview: route('POST', '/campaigns/preview', {
    tags,
    summary: 'How many households a rule selects today, with a sample ordered by priority',
    body: PreviewBodySchema,
    response: { 200: PreviewSchema },
  }),
  targetingValues: route('GET', '/campaigns/targeting-values', {
    tags,
    summary:
      'The agencies and communes (INSEE code and name) of an organisation’s households, for the builder’s pickers',
    querystring: TargetingValuesQuery,
    response: { 200: TargetingValuesSchema },
  }),
  previewExplain: route('POST', '/campaigns/preview/explain', {
    tags,
    summary: 'Why a household matches a rule being edited or not, and its priority with these weights',
    body: PreviewExplainBodySchema,
    response: { 200: ExplainSchema },
  }),
  explain: route('GET', '/campaigns/:id/explain/:householdId', {
    tags,
    summary: 'Why a household matches the campaign’s rule or not, and its priority',
    params: Type.Object({ id: Type.String({ maxLength: 64 }), householdId: Type.String({ maxLength: 64 }) }),
    response: { 200: ExplainSchema },
  }),
  retarget: route('PUT', '/campaigns/:id/targeting', {
    tags,
    summary: 'Changes the rule; a running or paused campaign’s queue follows it at once',
    params: IdParams,
    body: Type.Object({ targeting: RuleInput }, { additionalProperties: false }),
    response: { 200: Type.Object({ campaign: CampaignSchema, changes: Nullable(RetargetChangesSchema) }) },
  }),
  activate: route('POST', '/campaigns/:id/activate', {
    tags,
    summary: 'Starts a draft (building its queue) or resumes a paused campaign',
    params: IdParams,
    response: { 200: CampaignAnswer },
  }),
  pause: route('POST', '/campaigns/:id/pause', { tags, params: IdParams, response: { 200: CampaignAnswer } }),
  close: route('POST', '/campaigns/:id/close', {
    tags,
    summary: 'Closes a campaign: nothing of it is called any more, its history stays',
    params: IdParams,
    response: { 200: CampaignAnswer },
  }),
}

/** The status changes a manager may ask for, each its own route. */
export const CAMPAIGN_ACTIONS = ['activate', 'pause', 'close'] as const
export type CampaignAction = (typeof CAMPAIGN_ACTIONS)[number]
