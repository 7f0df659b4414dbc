import { api } from '../../api/client.js'

export interface Assumption {
  value: number
  source: 'observed' | 'default'
  sample: number
}

export interface CampaignPlan {
  campaign: { id: string; name: string; status: string }
  availableCallers: { count: number; source: 'assigned' | 'organization' }
  callersSource: 'requested' | 'assigned' | 'organization' | null
  hoursPerWeekSource: 'requested' | 'default'
  remainingHouseholds: number
  assumptions: {
    reachRate: Assumption
    attemptsPerHousehold: Assumption
    conversationMinutes: Assumption
    wrapUpMinutes: Assumption
    unansweredAttemptMinutes: Assumption
    hoursPerWeekPerCaller: { requested: number; used: number; campaignWeeklyHours: number; isCapped: boolean }
  }
  minutesPerHousehold: number
  totalHours: number
  minimumDays: number
  estimate: { callers: number; teamHoursPerWeek: number; days: number | null; weeks: number } | null
  requirement: { days: number; callers: number | null; reason?: 'frequency_cap' } | null
}

export const planningApi = {
  plan: (campaignId: string, query: { callers?: number; hoursPerWeek?: number; days?: number }) => {
    const parameters = new URLSearchParams()
    for (const [key, value] of Object.entries(query)) if (value !== undefined) parameters.set(key, String(value))
    const search = parameters.toString()
    return api<CampaignPlan>(`/campaigns/${campaignId}/plan${search ? `?${search}` : ''}`)
  },
}
