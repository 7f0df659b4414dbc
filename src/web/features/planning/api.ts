import { planningContract } from '../../../shared/contracts/planning.js'
import { call } from '../../api/client.js'

export type { Assumption, CampaignPlan } from '../../../shared/contracts/planning.js'

export const planningApi = {
  plan: (campaignId: string, query: { callers?: number; hoursPerWeek?: number; days?: number }) =>
    call(planningContract.plan, {
      params: { id: campaignId },
      query: {
        callers: query.callers?.toString(),
        hoursPerWeek: query.hoursPerWeek?.toString(),
        days: query.days?.toString(),
      },
    }),
}
