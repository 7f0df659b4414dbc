import { api } from '../../api/client.js'

export interface Progress {
  targeted: number
  pending: number
  inProgress: number
  completed: number
  unreachable: number
  excluded: number
}

export interface CampaignSummary {
  id: string
  name: string
  type: string
  status: 'draft' | 'active' | 'paused' | 'closed'
  organization: string
  createdAt: string
  activatedAt: string | null
  progress: Progress
}

export interface Campaign extends CampaignSummary {
  targeting: unknown
  priorityWeights: Record<string, number> | null
  callingHours: 'always' | { day: number; from: string; to: string }[]
  maxAttempts: number
  script: string
  faq: { question: string; answer: string }[]
  questionnaire: { versionId: string; version: number; definition: { sections: unknown[] } } | null
}

export interface TargetingField {
  field: string
  type: 'number' | 'boolean' | 'text' | 'date' | 'enum'
  label: { fr: string; en: string }
  values?: string[]
}

export interface Templates {
  items: { type: string; name: string; nameEn: string; description: string; targeting: unknown }[]
  targetingFields: TargetingField[]
}

export interface Preview {
  count: number
  sample: {
    id: string
    externalRef: string
    lastName: string
    firstName: string | null
    age: number | null
    city: string | null
    priority: number
  }[]
}

export const campaignsApi = {
  list: () => api<{ items: CampaignSummary[] }>('/campaigns'),
  get: (id: string) => api<{ campaign: Campaign }>(`/campaigns/${id}`),
  templates: () => api<Templates>('/campaign-templates'),
  create: (body: { type: string; organization: string; name: string }) =>
    api<{ campaign: Campaign }>('/campaigns', { method: 'POST', body }),
  preview: (organization: string, targeting: unknown) =>
    api<Preview>('/campaigns/preview', { method: 'POST', body: { organization, targeting } }),
  retarget: (id: string, targeting: unknown) =>
    api<{ campaign: Campaign; changes: { added: number; removed: number; restored: number } | null }>(
      `/campaigns/${id}/targeting`,
      {
        method: 'PUT',
        body: { targeting },
      },
    ),
  update: (id: string, body: Record<string, unknown>) =>
    api<{ campaign: Campaign }>(`/campaigns/${id}`, { method: 'PATCH', body }),
  act: (id: string, action: 'activate' | 'pause' | 'close') =>
    api<{ campaign: Campaign }>(`/campaigns/${id}/${action}`, { method: 'POST' }),
  explain: (id: string, householdId: string) => api<Record<string, unknown>>(`/campaigns/${id}/explain/${householdId}`),
}
