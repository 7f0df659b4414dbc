/**
 * The feedback feature's contract: a caller's end-of-session answers (how meaningful, how useful, a comment) with an
 * optional request for a debrief, and the managers' list of debriefs to hold.
 */
import { Type } from 'typebox'
import { IdParams, Nullable } from './common.js'
import { route } from './route.js'

/** 1 (not at all) to 5 (very). */
const Scale = Type.Integer({ minimum: 1, maximum: 5 })

export const FeedbackInputSchema = Type.Object(
  {
    meaningful: Scale,
    useful: Scale,
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
    /** The caller asks a supervisor for a debrief after a hard call. */
    debriefRequested: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

export const FeedbackSchema = Type.Object({
  id: Type.String(),
  campaignId: Type.String(),
  meaningful: Type.Integer(),
  useful: Type.Integer(),
  comment: Nullable(Type.String()),
  debriefRequested: Type.Boolean(),
  createdAt: Type.String(),
})

/** A debrief asked for: who asked and when, nothing about any tenant nor the caller's comment. */
export const DebriefRequestSchema = Type.Object({
  id: Type.String(),
  caller: Type.Object({ id: Type.String(), name: Type.String() }),
  requestedAt: Type.String(),
})

export const feedbackContract = {
  /** Only the campaign's callers answer. */
  create: route('POST', '/campaigns/:id/feedback', {
    tags: ['feedback'],
    params: IdParams,
    body: FeedbackInputSchema,
    response: { 201: Type.Object({ feedback: FeedbackSchema }) },
  }),
  /** Debriefs asked for and not yet held, oldest first. */
  debriefs: route('GET', '/campaigns/:id/debriefs', {
    tags: ['feedback'],
    params: IdParams,
    response: { 200: Type.Object({ items: Type.Array(DebriefRequestSchema) }) },
  }),
  /** A manager held the debrief; 409 when someone already marked it. */
  debriefHandled: route('POST', '/debriefs/:id/handled', {
    tags: ['feedback'],
    params: IdParams,
    response: {
      200: Type.Object({
        debrief: Type.Object({ id: Type.String(), handledAt: Type.String(), handledBy: Type.String() }),
      }),
    },
  }),
}
