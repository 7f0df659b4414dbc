/**
 * Referrals: a situation raised about a household, sent to a team of its organisation or to a partner, and its life
 * from `sent` to `done`. Who sees what is decided with the referral's data (`referrals.service.ts`); these schemas
 * name every field that leaves the server.
 */
import { type Static, Type } from 'typebox'
import { REFERRAL_CATEGORIES, REFERRAL_EVENT_KINDS, REFERRAL_STATUSES, SIDES, URGENCIES } from '../referrals.js'
import { Day, IdParams, Instant, Nullable, Offset, Page } from './common.js'
import { route } from './route.js'

/** The boxes of the list: referrals addressed to the user's organisations, those they sent, or both. */
export const REFERRAL_BOXES = ['inbox', 'sent', 'all'] as const
export type ReferralBox = (typeof REFERRAL_BOXES)[number]

/** Referrals per page when the list is not told how many. */
export const REFERRAL_PAGE_SIZE = 50

export const ReferralCategorySchema = Type.Enum(REFERRAL_CATEGORIES)
export const UrgencySchema = Type.Enum(URGENCIES)
export const ReferralStatusSchema = Type.Enum(REFERRAL_STATUSES)

export const NewReferralSchema = Type.Object(
  {
    householdId: Type.String(),
    callId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    category: ReferralCategorySchema,
    urgency: UrgencySchema,
    recipient: Type.Union([
      Type.Object({ organization: Type.String() }, { additionalProperties: false }),
      Type.Object({ team: Type.String({ minLength: 2, maxLength: 100 }) }, { additionalProperties: false }),
    ]),
    summary: Type.String({ minLength: 5, maxLength: 2000 }),
    consent: Type.Object(
      {
        given: Type.Boolean(),
        // Not in the future (checked by the service).
        recordedAt: Type.Optional(Instant({ description: 'when the tenant gave their consent; not in the future' })),
      },
      { additionalProperties: false },
    ),
    overrideReason: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
)

/** Open: sent, accepted or in progress; closed: done, rejected or revoked. */
export const REFERRAL_STATES = ['open', 'closed'] as const
/** `recent`: newest first; `due`: the next deadline first (to accept while sent, to resolve once accepted). */
export const REFERRAL_SORTS = ['recent', 'due'] as const
export type ReferralState = (typeof REFERRAL_STATES)[number]
export type ReferralSort = (typeof REFERRAL_SORTS)[number]

export const ReferralListQuery = Type.Object({
  status: Type.Optional(ReferralStatusSchema),
  state: Type.Optional(Type.Enum(REFERRAL_STATES)),
  urgency: Type.Optional(UrgencySchema),
  overdue: Type.Optional(Type.Boolean({ description: 'true: only those past their deadline' })),
  assignedToMe: Type.Optional(Type.Boolean({ description: 'true: only those assigned to the user' })),
  sort: Type.Optional(Type.Enum(REFERRAL_SORTS, { default: 'recent' })),
  box: Type.Optional(Type.Enum(REFERRAL_BOXES, { default: 'all' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: REFERRAL_PAGE_SIZE })),
  offset: Type.Optional(Offset),
})

export const TransitionSchema = Type.Object(
  {
    to: ReferralStatusSchema,
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    outcome: Type.Optional(Type.String({ maxLength: 2000 })),
    assigneeId: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)

export const NewNoteSchema = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
)

/**
 * One call at a time, or the watch: a call every N days until a day. Both within the planning horizon: from now to
 * PLANNING_HORIZON_DAYS ahead (checked by the service).
 */
export const FollowUpRequestSchema = Type.Union([
  Type.Object(
    { at: Instant({ description: 'when to call, from now to two years ahead' }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      everyDays: Type.Integer({ minimum: 1, maximum: 31 }),
      until: Day({ description: 'the last day of the watch (YYYY-MM-DD), within two years' }),
    },
    { additionalProperties: false },
  ),
])

/**
 * A referral as its viewer may see it. Once a referral to an outside partner is over, the partner's view has no
 * category, summary, outcome nor household (null).
 */
export const ReferralSummarySchema = Type.Object({
  id: Type.String(),
  status: ReferralStatusSchema,
  category: Nullable(ReferralCategorySchema),
  urgency: UrgencySchema,
  summary: Nullable(Type.String()),
  /** The viewer's side of the referral. */
  side: Type.Enum(SIDES),
  recipient: Type.Object({ organization: Type.String(), name: Type.String(), team: Nullable(Type.String()) }),
  sender: Type.Object({ organization: Type.String(), name: Type.String() }),
  consent: Type.Object({ given: Type.Boolean(), recordedAt: Nullable(Type.String()) }),
  /** Why it was sent to a partner without consent: shown to the sender only. */
  overrideReason: Nullable(Type.String()),
  assigneeId: Nullable(Type.String()),
  outcome: Nullable(Type.String()),
  dueAcceptBy: Type.String(),
  dueResolveBy: Type.String(),
  isOverdue: Type.Boolean(),
  createdAt: Type.String(),
  householdId: Nullable(Type.String()),
  /** The household's last and first names (null when the viewer may no longer see the case). */
  householdName: Nullable(Type.String()),
})

/** The household's essentials, for a partner only while the referral is active. */
export const ReferredHouseholdSchema = Type.Object({
  id: Type.String(),
  lastName: Type.String(),
  firstName: Nullable(Type.String()),
  address: Type.String(),
  phones: Type.Array(Type.String()),
})

export const ReferralEventSchema = Type.Object({
  kind: Type.Enum(REFERRAL_EVENT_KINDS),
  fromStatus: Nullable(ReferralStatusSchema),
  toStatus: Nullable(ReferralStatusSchema),
  note: Nullable(Type.String()),
  /** The name of the person who acted. */
  actor: Type.String(),
  at: Type.String(),
})

/** The call an internal orientation came from, for its team: what the caller noted. */
export const OriginatingCallSchema = Type.Object({
  at: Type.String(),
  campaignName: Type.String(),
  /** Need codes ticked during the call. */
  needs: Type.Array(Type.String()),
  fragilityLevel: Nullable(Type.String()),
  /** The questionnaire's answers in its order; choices as their options' labels. */
  answers: Type.Array(
    Type.Object({
      label: Type.String(),
      labelEn: Nullable(Type.String()),
      value: Type.Union([Type.Boolean(), Type.Number(), Type.String(), Type.Array(Type.String())]),
    }),
  ),
})

export const ReferralDetailSchema = Type.Object({
  ...ReferralSummarySchema.properties,
  household: Nullable(ReferredHouseholdSchema),
  /** Only for an internal orientation (a team of the household's organisation): never for a partner. */
  call: Nullable(OriginatingCallSchema),
  events: Type.Array(ReferralEventSchema),
})

export const FollowUpSchema = Type.Object({
  campaignId: Type.String(),
  campaignName: Type.String(),
  nextCallAt: Type.String(),
  everyDays: Nullable(Type.Integer()),
  until: Nullable(Type.String()),
})

export const EmergencyNumbersSchema = Type.Object({
  numbers: Type.Array(
    Type.Object({ number: Type.String(), label: Type.Object({ fr: Type.String(), en: Type.String() }) }),
  ),
  /** The on-call contacts of the user's organisations that have one. */
  onCall: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), onCallContact: Type.String() })),
})

export type NewReferral = Static<typeof NewReferralSchema>
export type ReferralListQuery = Static<typeof ReferralListQuery>
export type ReferralTransition = Static<typeof TransitionSchema>
export type FollowUpRequest = Static<typeof FollowUpRequestSchema>
export type ReferralSummary = Static<typeof ReferralSummarySchema>
export type ReferralDetail = Static<typeof ReferralDetailSchema>
export type FollowUp = Static<typeof FollowUpSchema>

const tags = ['referrals']

export const referralsContract = {
  /** The emergency numbers, and the on-call contacts of the user's organisations: shown before any form. */
  emergencyNumbers: route('GET', '/referrals/emergency-numbers', {
    tags,
    response: { 200: EmergencyNumbersSchema },
  }),
  create: route('POST', '/referrals', {
    tags,
    body: NewReferralSchema,
    response: { 201: Type.Object({ referral: ReferralSummarySchema }) },
  }),
  list: route('GET', '/referrals', {
    tags,
    querystring: ReferralListQuery,
    response: { 200: Page(ReferralSummarySchema) },
  }),
  read: route('GET', '/referrals/:id', {
    tags,
    params: IdParams,
    response: { 200: Type.Object({ referral: ReferralDetailSchema }) },
  }),
  transition: route('POST', '/referrals/:id/transition', {
    tags,
    params: IdParams,
    body: TransitionSchema,
    response: { 200: Type.Object({ referral: ReferralSummarySchema }) },
  }),
  addNote: route('POST', '/referrals/:id/notes', {
    tags,
    params: IdParams,
    body: NewNoteSchema,
    response: { 201: Type.Object({ ok: Type.Literal(true) }) },
  }),
  planFollowUp: route('POST', '/referrals/:id/follow-up', {
    tags,
    params: IdParams,
    body: FollowUpRequestSchema,
    response: { 201: Type.Object({ followUp: FollowUpSchema }) },
  }),
}
