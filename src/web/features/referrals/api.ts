import { api } from '../../api/client.js'

export interface ReferralSummary {
  id: string
  status: 'sent' | 'accepted' | 'rejected' | 'in_progress' | 'done' | 'revoked'
  category: string | null
  urgency: string
  summary: string | null
  side: 'sender' | 'recipient' | null
  recipient: { organization: string; name: string; team: string | null }
  sender: { organization: string; name: string }
  consent: { given: boolean; recordedAt: string | null }
  outcome: string | null
  dueAcceptBy: string
  dueResolveBy: string
  isOverdue: boolean
  createdAt: string
  householdId: string | null
}

export interface ReferralDetail extends ReferralSummary {
  household: { id: string; lastName: string; firstName: string | null; address: string; phones: string[] } | null
  events: {
    kind: string
    fromStatus: string | null
    toStatus: string | null
    note: string | null
    actor: string
    at: string
  }[]
}

export const referralsApi = {
  list: (box: 'inbox' | 'sent') => api<{ items: ReferralSummary[]; total: number }>(`/referrals?box=${box}`),
  get: (id: string) => api<{ referral: ReferralDetail }>(`/referrals/${id}`),
  transition: (id: string, body: { to: string; reason?: string; outcome?: string; note?: string }) =>
    api<{ referral: ReferralSummary }>(`/referrals/${id}/transition`, { method: 'POST', body }),
  note: (id: string, note: string) => api(`/referrals/${id}/notes`, { method: 'POST', body: { note } }),
  create: (body: unknown) => api<{ referral: ReferralSummary }>('/referrals', { method: 'POST', body }),
  emergency: () =>
    api<{
      numbers: { number: string; label: { fr: string; en: string } }[]
      onCall: { code: string; name: string; onCallContact: string }[]
    }>('/referrals/emergency-numbers'),
}
