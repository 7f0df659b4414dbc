import {
  type FollowUpRequest,
  type NewReferral,
  type ReferralListQuery,
  type ReferralTransition,
  referralsContract,
} from '../../../shared/contracts/referrals.js'
import { call } from '../../api/client.js'

export const referralsApi = {
  list: (query: ReferralListQuery) => call(referralsContract.list, { query }),
  read: (id: string) => call(referralsContract.read, { params: { id } }),
  transition: (id: string, body: ReferralTransition) => call(referralsContract.transition, { params: { id }, body }),
  addNote: (id: string, note: string) => call(referralsContract.addNote, { params: { id }, body: { note } }),
  create: (body: NewReferral) => call(referralsContract.create, { body }),
  emergencyNumbers: () => call(referralsContract.emergencyNumbers),
  planFollowUp: (id: string, body: FollowUpRequest) => call(referralsContract.planFollowUp, { params: { id }, body }),
}
