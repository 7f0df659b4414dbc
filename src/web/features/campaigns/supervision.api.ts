import type { Static } from 'typebox'
import {
  type CampaignCallerSchema,
  callingContract,
  type SupervisionSnapshotSchema,
} from '../../../shared/contracts/calling.js'
import { feedbackContract } from '../../../shared/contracts/feedback.js'
import { call, urlOf } from '../../api/client.js'

export type CampaignCaller = Static<typeof CampaignCallerSchema>
export type SupervisionSnapshot = Static<typeof SupervisionSnapshotSchema>

/** The manager's side of a running campaign: its callers, the live view, the debrief requests. */
export const supervisionApi = {
  callers: (id: string, q: string) => call(callingContract.callers, { params: { id }, query: { q } }),
  addCaller: (id: string, userId: string) => call(callingContract.addCaller, { params: { id }, body: { userId } }),
  removeCaller: (id: string, userId: string) => call(callingContract.removeCaller, { params: { id, userId } }),
  snapshot: (id: string) => call(callingContract.supervision, { params: { id } }),
  liveUrl: (id: string) => urlOf(callingContract.live, { params: { id } }),
  releaseHeld: (id: string, targetId: string) => call(callingContract.releaseHeld, { params: { id, targetId } }),
  debriefs: (id: string) => call(feedbackContract.debriefs, { params: { id } }),
  debriefHandled: (id: string) => call(feedbackContract.debriefHandled, { params: { id } }),
}
