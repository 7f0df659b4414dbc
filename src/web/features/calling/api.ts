import type { Static } from 'typebox'
import {
  type AssignmentSchema,
  type CallableCampaignSchema,
  type CallbackSchema,
  type CallSchema,
  callingContract,
  type OutcomeSchema,
} from '../../../shared/contracts/calling.js'
import { type FeedbackInputSchema, feedbackContract } from '../../../shared/contracts/feedback.js'
import { type Answer, call } from '../../api/client.js'

export type CallableCampaign = Static<typeof CallableCampaignSchema>
/** One household handed to the caller, as the claim presents it. */
export type Assignment = Static<typeof AssignmentSchema>
/** The body of an outcome. */
export type OutcomeBody = Static<typeof OutcomeSchema>
export type SavedCall = Static<typeof CallSchema>
export type Callback = Static<typeof CallbackSchema>

export const callingApi = {
  campaigns: () => call(callingContract.campaigns),
  /** The signed-in user's calls of the day, counted by the server. */
  today: () => call(callingContract.today),
  /** « Mes rappels »: the callbacks the signed-in caller may make, soonest first. */
  callbacks: () => call(callingContract.callbacks),
  /** The next household, or null when nothing is due (204). Reload-safe: a held household comes back. */
  claim: async (campaignId: string) => {
    // A 204 answers undefined, which the client's type (the 200 body) does not say.
    const result: Answer<typeof callingContract.claim> | undefined = await call(callingContract.claim, {
      params: { id: campaignId },
    })
    return result?.assignment ?? null
  },
  /**
   * Saves a call; with `claimNext` (« Enchaîner »), the same request claims the next household: `next` is it, null
   * when nothing is due, undefined when not asked or when the claim was refused (the claim route says why).
   */
  saveOutcome: async (assignmentId: string, idempotencyKey: string, body: OutcomeBody, claimNext = false) => {
    const saved = await call(callingContract.outcome, {
      params: { id: assignmentId },
      headers: { 'idempotency-key': idempotencyKey },
      query: claimNext ? { next: 'claim' } : {},
      body,
    })
    return { call: saved.call, next: saved.next && (saved.next.assignment ?? null) }
  },
  release: (assignmentId: string) => call(callingContract.release, { params: { id: assignmentId } }),
  renew: (assignmentId: string) => call(callingContract.renew, { params: { id: assignmentId } }),
  /** The caller's end-of-session answers, and a request for a debrief with a supervisor. */
  feedback: (campaignId: string, body: Static<typeof FeedbackInputSchema>) =>
    call(feedbackContract.create, { params: { id: campaignId }, body }),
}
