import type { Disposition, FragilityLevel, NeedCategory } from '../../../shared/campaigns.js'
import type { QuestionnaireDefinition } from '../../../shared/questionnaire.js'
import type { CallerFeedbackInput } from '../../../shared/stats.js'
import { api } from '../../api/client.js'

export interface CallableCampaign {
  id: string
  name: string
  type: string
  organization: string
  isWithinCallingHours: boolean
}

/** One household handed to the caller, as `POST /api/campaigns/:id/claim` presents it. */
export interface Assignment {
  id: string
  campaignId: string
  campaignName: string
  attempt: number
  leaseExpiresAt: string
  household: {
    id: string
    externalRef: string
    lastName: string
    firstName: string | null
    address: string
    floor: number | null
    hasLift: boolean | null
    fragilityLevel: string | null
    members: { firstName: string | null; lastName: string; age: number | null; isLeaseholder: boolean }[]
    earlierCalls: { at: string; campaign: string; disposition: string; fragilityLevel: string | null }[]
  }
  phones: { e164: string; kind: string }[]
  script: string
  faq: { question: string; answer: string }[]
  questionnaire: { versionId: string; version: number; definition: QuestionnaireDefinition } | null
}

/** The body of `POST /api/assignments/:id/outcome`. */
export interface OutcomeBody {
  disposition: Disposition
  answers?: Record<string, unknown>
  notes?: string
  callbackAt?: string
  sameCallerForCallback?: boolean
  fragilityLevel?: FragilityLevel
  needs?: NeedCategory[]
  phoneE164?: string
  objection?: boolean
}

export interface SavedCall {
  id: string
  campaignId: string
  householdId: string
  attempt: number
  disposition: Disposition
  fragilityLevel: string | null
  needs: string[]
  scores: Record<string, unknown>
  createdAt: string
}

export const callingApi = {
  campaigns: () => api<{ items: CallableCampaign[] }>('/calling/campaigns'),
  /** The next household, or null when nothing is due (204). Reload-safe: a held household comes back. */
  claim: async (campaignId: string) => {
    const result = await api<{ assignment: Assignment } | undefined>(`/campaigns/${campaignId}/claim`, {
      method: 'POST',
    })
    return result?.assignment ?? null
  },
  saveOutcome: (assignmentId: string, idempotencyKey: string, body: OutcomeBody) =>
    api<{ call: SavedCall }>(`/assignments/${assignmentId}/outcome`, {
      method: 'POST',
      headers: { 'idempotency-key': idempotencyKey },
      body,
    }),
  release: (assignmentId: string) => api<void>(`/assignments/${assignmentId}/release`, { method: 'POST' }),
  renew: (assignmentId: string) =>
    api<{ leaseExpiresAt: string }>(`/assignments/${assignmentId}/renew`, { method: 'POST' }),
  /** The caller's end-of-session answers, and a request for a debrief with a supervisor. */
  feedback: (campaignId: string, body: Omit<CallerFeedbackInput, 'campaignId'>) =>
    api<{ feedback: { id: string } }>(`/campaigns/${encodeURIComponent(campaignId)}/feedback`, {
      method: 'POST',
      body,
    }),
}
