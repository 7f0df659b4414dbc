/**
 * Left for the calling screen's feedback call (`src/web/features/calling/api.ts`) until the feedback contract
 * (`src/shared/contracts/feedback.ts`) replaces it: the review's shapes are in `src/shared/contracts/stats.ts`.
 */

/** Feedback a caller may give at the end of a calling session. */
export interface CallerFeedbackInput {
  campaignId: string
  meaningful: 1 | 2 | 3 | 4 | 5
  useful: 1 | 2 | 3 | 4 | 5
  comment?: string
  /** The caller asks a supervisor for a debrief after a hard call. */
  debriefRequested?: boolean
}
