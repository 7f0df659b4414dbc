/**
 * The calling feature's contract: the caller's workspace (campaigns to call for, claim, outcome, release, renew),
 * the manager's list of callers, and the supervision of a campaign (snapshot, live stream, callbacks).
 */
import { Type } from 'typebox'
import { DISPOSITIONS, FRAGILITY_LEVELS, NEED_CATEGORIES } from '../campaigns.js'
import { SUGGESTION_KINDS } from '../detection.js'
import type { QuestionnaireDefinition } from '../questionnaire.js'
import { URGENCIES } from '../referrals.js'
import { ROLES } from '../roles.js'
import { fileResponse, IdParams, NoContent, Nullable } from './common.js'
import { route } from './route.js'

/** The longest note a caller may write with an outcome; an earlier note is shown cut at this length. */
export const NOTE_MAX_LENGTH = 4000
/** How many earlier notes of the household a caller sees on screen: the most recent ones. */
export const EARLIER_NOTES_LIMIT = 5

export const CallableCampaignSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  /** The organisation's code. */
  organization: Type.String(),
  isWithinCallingHours: Type.Boolean(),
})

/** One household handed to a caller: what their screen shows of it, and nothing more. */
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
    /**
     * The notes of this household's earlier calls in the campaign's organisation, latest first, at most
     * EARLIER_NOTES_LIMIT; nothing of an erased household. Each names its author's role there, never their name. A
     * note flagged for words of a special category is `masked`: its text is not sent (`notes` null).
     */
    earlierNotes: Type.Array(
      Type.Object({
        at: Type.String(),
        /** The author's calling role in the organisation (null: they left it). */
        authorRole: Nullable(Type.Enum(ROLES)),
        disposition: Type.Enum(DISPOSITIONS),
        notes: Nullable(Type.String({ maxLength: NOTE_MAX_LENGTH })),
        masked: Type.Boolean(),
      }),
      { maxItems: EARLIER_NOTES_LIMIT },
    ),
  }),
  phones: Type.Array(Type.Object({ e164: Type.String(), kind: Type.String() })),
  script: Type.String(),
  faq: Type.Array(Type.Object({ question: Type.String(), answer: Type.String() })),
  questionnaire: Nullable(
    Type.Object({
      versionId: Type.String(),
      version: Type.Integer(),
      // Sent as stored: `checkQuestionnaire` checked it when the campaign saved this version, which never changes.
      definition: Type.Unsafe<QuestionnaireDefinition>(Type.Unknown()),
    }),
  ),
})

/**
 * How far an outcome's times may reach, checked against the server's clock when the outcome arrives (and by the
 * web's form before it is sent). A callback is agreed with the household for the coming weeks: 90 days covers a
 * stay in hospital or a summer away, and a campaign rarely runs longer; it may have passed by an hour when a save
 * delayed by a lost connection arrives (it is then due at once). A watch (follow-up calls) is planned for a season,
 * a year at most.
 */
export const OUTCOME_TIME_LIMITS = {
  callbackDaysAhead: 90,
  callbackMinutesLate: 60,
  followUpDaysAhead: 366,
} as const

/** The body of an outcome. */
export const OutcomeSchema = Type.Object(
  {
    disposition: Type.Enum(DISPOSITIONS),
    answers: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    notes: Type.Optional(Type.String({ maxLength: NOTE_MAX_LENGTH })),
    callbackAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'from an hour ago to 90 days ahead (OUTCOME_TIME_LIMITS); 400 naming the field otherwise',
      }),
    ),
    sameCallerForCallback: Type.Optional(Type.Boolean()),
    fragilityLevel: Type.Optional(Type.Enum(FRAGILITY_LEVELS)),
    needs: Type.Optional(Type.Array(Type.Enum(NEED_CATEGORIES), { maxItems: 10 })),
    durationSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 6 * 3600 })),
    suggestions: Type.Optional(
      Type.Array(
        Type.Object(
          {
            kind: Type.Enum(SUGGESTION_KINDS),
            value: Type.String({ minLength: 1, maxLength: 40, description: 'a fragility level or a need category' }),
            urgency: Type.Optional(Type.Enum(URGENCIES)),
            followed: Type.Boolean({ description: 'whether the caller followed the suggestion' }),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: 10,
          description:
            'with "completed": the suggestions the questionnaire\'s rules gave for these answers, each followed or not; 400 naming suggestions[i] when the rules give no such suggestion',
        },
      ),
    ),
    phoneE164: Type.Optional(Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$' })),
    objection: Type.Optional(Type.Boolean({ description: 'with "refused": the tenant objects to any further call' })),
    followUp: Type.Optional(
      Type.Union([
        Type.Object(
          { at: Type.String({ format: 'date-time', description: 'in the future, 366 days ahead at most' }) },
          { additionalProperties: false },
        ),
        Type.Object(
          {
            everyDays: Type.Integer({ minimum: 1, maximum: 90 }),
            until: Type.String({
              format: 'date',
              description: 'last day (YYYY-MM-DD) of the watch, 366 days ahead at most',
            }),
          },
          { additionalProperties: false },
        ),
      ]),
    ),
  },
  { additionalProperties: false },
)

/** A recorded call, as its caller sees it once saved. */
export const CallSchema = Type.Object({
  id: Type.String(),
  campaignId: Type.String(),
  householdId: Type.String(),
  attempt: Type.Integer(),
  disposition: Type.Enum(DISPOSITIONS),
  fragilityLevel: Nullable(Type.Enum(FRAGILITY_LEVELS)),
  needs: Type.Array(Type.Enum(NEED_CATEGORIES)),
  /** Instrument code → its result. */
  scores: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String(),
})

/**
 * A saved outcome's answer: the call, and with `?next=claim` what the claim route would have answered, `{assignment}`,
 * or `{}` for its 204 (nothing due). Not a nullable `next`: the answer's serializer tells the two branches of a union
 * apart by validating the whole assignment against its schema, on every answer.
 */
export const SavedOutcomeSchema = Type.Object({
  call: CallSchema,
  next: Type.Optional(Type.Object({ assignment: Type.Optional(AssignmentSchema) })),
})

/** What a supervisor sees of a campaign, now: who calls, how fast, the last outcomes, the callbacks waiting. */
export const SupervisionSnapshotSchema = Type.Object({
  at: Type.String(),
  /** Targets by status (`pending`, `held`, …); a status without targets is absent. */
  counts: Type.Record(Type.String(), Type.Integer()),
  activeCallers: Type.Integer(),
  callers: Type.Array(
    Type.Object({ id: Type.String(), name: Type.String(), isCalling: Type.Boolean(), callsLast8Hours: Type.Integer() }),
  ),
  callsPerHour: Type.Array(Type.Object({ hour: Type.String(), calls: Type.Integer() })),
  lastOutcomes: Type.Array(Type.Object({ at: Type.String(), disposition: Type.String(), caller: Type.String() })),
  callbacks: Type.Array(
    Type.Object({
      targetId: Type.String(),
      at: Type.String(),
      preferredCaller: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
    }),
  ),
  callsLastHour: Type.Integer(),
  /** Households of the target (excluded ones aside), those called at least once, those reached (spoken to). */
  reach: Type.Object({ targeted: Type.Integer(), called: Type.Integer(), reached: Type.Integer() }),
  /** A household held longer than this is listed in `heldTooLong`, for a supervisor to release. */
  heldTooLongMinutes: Type.Integer(),
  /** Who holds which target since when: no household's identity (the view ticks every few seconds, unaudited). */
  heldTooLong: Type.Array(
    Type.Object({
      targetId: Type.String(),
      caller: Type.Object({ id: Type.String(), name: Type.String() }),
      heldSince: Type.String(),
      leaseUntil: Nullable(Type.String()),
    }),
  ),
  /** The target by the household's fragility level (null: not known yet): how many, how many done (completed or unreachable). */
  byFragility: Type.Array(
    Type.Object({ level: Nullable(Type.String()), targeted: Type.Integer(), done: Type.Integer() }),
  ),
})

/** The most callbacks « Mes rappels » lists (soonest first): a day's work and more. */
export const CALLBACKS_LIMIT = 100

/** One callback in « Mes rappels »: which household, when, for which campaign. */
export const CallbackSchema = Type.Object({
  targetId: Type.String(),
  at: Type.String({ description: 'when the household asked to be called back (ISO UTC)' }),
  /** Its time has passed and nobody called yet. */
  overdue: Type.Boolean(),
  /** Kept for this caller (« même appelant·e »); otherwise open to any caller of the campaign. */
  keptForMe: Type.Boolean(),
  campaign: Type.Object({ id: Type.String(), name: Type.String() }),
  household: Type.Object({ id: Type.String(), lastName: Type.String(), firstName: Nullable(Type.String()) }),
})

const CallerIds = Type.Object(
  { userIds: Type.Array(Type.String(), { maxItems: 5000 }) },
  { additionalProperties: false },
)
/** A person of the campaign's organisation who may call: listed on the campaign, or a candidate to add. */
export const CampaignCallerSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: Type.String(),
  /** Their roles in the campaign's organisation that let them call (`caller`, `manager`, `admin`). */
  roles: Type.Array(Type.String()),
})
const CallerParams = Type.Object({ id: Type.String({ maxLength: 64 }), userId: Type.String({ maxLength: 64 }) })
const CallersAnswer = Type.Object({
  /** False when no caller is listed: every caller of the organisation may then call for the campaign. */
  restricted: Type.Boolean(),
  items: Type.Array(CampaignCallerSchema),
})
const CallbackParams = Type.Object({ id: Type.String({ maxLength: 64 }), targetId: Type.String({ maxLength: 64 }) })
const CallbackCaller = Type.Object({ callerId: Nullable(Type.String()) }, { additionalProperties: false })

export const callingContract = {
  /** The campaigns the signed-in user may call for now. */
  campaigns: route('GET', '/calling/campaigns', {
    tags: ['calling'],
    response: { 200: Type.Object({ items: Type.Array(CallableCampaignSchema) }) },
  }),
  /**
   * The signed-in user's calls of the day (Paris time), every campaign and organisation: « Votre journée », the same
   * on every browser and after signing in again.
   */
  today: route('GET', '/calling/today', {
    tags: ['calling'],
    response: {
      200: Type.Object({
        /** YYYY-MM-DD, Paris. */
        day: Type.String(),
        total: Type.Integer(),
        /** Disposition → calls; a disposition without calls is absent. */
        byDisposition: Type.Record(Type.String(), Type.Integer()),
      }),
    },
  }),
  /**
   * « Mes rappels »: the callbacks kept for the signed-in caller and those open to any caller, in the active campaigns
   * they may call for, soonest first (overdue ones first), CALLBACKS_LIMIT at most. Audited (`callback.list`).
   */
  callbacks: route('GET', '/calling/callbacks', {
    tags: ['calling'],
    response: {
      200: Type.Object({
        /** The server's clock when it answered: `overdue` is judged against it. */
        at: Type.String(),
        items: Type.Array(CallbackSchema, { maxItems: CALLBACKS_LIMIT }),
      }),
    },
  }),
  /** Restricts a campaign to these callers (an empty list opens it to every caller of its organisation). */
  setCallers: route('PUT', '/campaigns/:id/callers', {
    tags: ['calling'],
    params: IdParams,
    body: CallerIds,
    response: { 200: CallerIds },
  }),
  /**
   * The campaign's listed callers, and (with `q`) up to 20 other people of its organisation who may call, whose name
   * or e-mail holds `q` (case and accents ignored).
   */
  callers: route('GET', '/campaigns/:id/callers', {
    tags: ['calling'],
    params: IdParams,
    querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })) }),
    response: {
      200: Type.Object({
        restricted: Type.Boolean(),
        items: Type.Array(CampaignCallerSchema),
        candidates: Type.Array(CampaignCallerSchema),
      }),
    },
  }),
  /** Lists one more caller (the first one restricts the campaign to its list); already listed is no change. */
  addCaller: route('POST', '/campaigns/:id/callers', {
    tags: ['calling'],
    params: IdParams,
    body: Type.Object({ userId: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
    response: { 200: CallersAnswer },
  }),
  /** Takes a caller off the list (removing the last one opens the campaign to every caller of its organisation). */
  removeCaller: route('DELETE', '/campaigns/:id/callers/:userId', {
    tags: ['calling'],
    params: CallerParams,
    response: { 200: CallersAnswer },
  }),
  /** The next household, or 204 when nothing is due. Reload-safe: a household already held comes back. */
  claim: route('POST', '/campaigns/:id/claim', {
    tags: ['calling'],
    params: IdParams,
    response: { 200: Type.Object({ assignment: AssignmentSchema }), 204: NoContent },
  }),
  /**
   * Records the call (201). The same Idempotency-Key from the same caller, for the same assignment with the same body,
   * answers the first call again (200); with another assignment or another body it is refused (409
   * IDEMPOTENCY_KEY_REUSED) and nothing changes. Another organisation's assignment is 404.
   *
   * `?next=claim` (« Enchaîner »): once the call is saved, the next household of the same campaign is claimed in the
   * same request, as the claim route would: `next` is `{assignment}` (the one already held, for a retry), or `{}`
   * when nothing is due. `next` is absent when the claim was refused (campaign paused, caller taken off its list…):
   * the call is saved all the same, and the claim route says why.
   */
  outcome: route('POST', '/assignments/:id/outcome', {
    tags: ['calling'],
    params: IdParams,
    headers: Type.Object({ 'idempotency-key': Type.String({ minLength: 8, maxLength: 128 }) }),
    querystring: Type.Object({ next: Type.Optional(Type.Literal('claim')) }, { additionalProperties: false }),
    body: OutcomeSchema,
    response: { 200: SavedOutcomeSchema, 201: SavedOutcomeSchema },
  }),
  /** Gives the household back to the queue. */
  release: route('POST', '/assignments/:id/release', {
    tags: ['calling'],
    params: IdParams,
    response: { 204: NoContent },
  }),
  /** Extends the caller's lease on the household. */
  renew: route('POST', '/assignments/:id/renew', {
    tags: ['calling'],
    params: IdParams,
    response: { 200: Type.Object({ leaseExpiresAt: Type.String() }) },
  }),
  supervision: route('GET', '/campaigns/:id/supervision', {
    tags: ['calling'],
    params: IdParams,
    response: { 200: SupervisionSnapshotSchema },
  }),
  /** The same snapshot every few seconds, as server-sent events (`event: snapshot`, `data: <JSON snapshot>`). */
  live: route('GET', '/campaigns/:id/live', {
    tags: ['calling'],
    params: IdParams,
    response: {
      200: fileResponse('Server-sent events: a `snapshot` event (the supervision snapshot as JSON) every few seconds', [
        'text/event-stream',
      ]),
    },
  }),
  /** Gives back to the queue a household a caller has held too long (their screen loses it at the next save or renewal). */
  releaseHeld: route('POST', '/campaigns/:id/held/:targetId/release', {
    tags: ['calling'],
    params: CallbackParams,
    response: { 200: Type.Object({ targetId: Type.String() }) },
  }),
  /** Gives a pending callback to another caller of the organisation, or to anyone (`callerId: null`). */
  reassignCallback: route('POST', '/campaigns/:id/callbacks/:targetId/reassign', {
    tags: ['calling'],
    params: CallbackParams,
    body: CallbackCaller,
    response: { 200: Type.Object({ targetId: Type.String(), callerId: Nullable(Type.String()) }) },
  }),
}
