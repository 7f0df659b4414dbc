import { NEED_CATEGORIES } from './campaigns.js'

/** Referral categories are the same closed list as the needs a call records. */
export const REFERRAL_CATEGORIES = NEED_CATEGORIES
export type ReferralCategory = (typeof REFERRAL_CATEGORIES)[number]

export const URGENCIES = ['immediate', 'within_24h', 'within_7_days', 'routine'] as const
export type Urgency = (typeof URGENCIES)[number]

export const REFERRAL_STATUSES = ['sent', 'accepted', 'rejected', 'in_progress', 'done', 'revoked'] as const
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number]

/** While a referral is active its recipient sees the household's essentials; after, only their own notes. */
export const ACTIVE_REFERRAL_STATUSES: readonly ReferralStatus[] = ['sent', 'accepted', 'in_progress']

/** A referral waits for its recipient to accept it while `sent`, then to resolve it while accepted or in progress. */
export const AWAITING_ACCEPTANCE: readonly ReferralStatus[] = ['sent']
export const AWAITING_RESOLUTION: readonly ReferralStatus[] = ['accepted', 'in_progress']

/** Whether a referral has passed the time it had to be accepted or resolved by (ISO instants compare as text). */
export function isOverdue(
  referral: { status: string; dueAcceptBy: string; dueResolveBy: string },
  now: string,
): boolean {
  const status = referral.status as ReferralStatus
  return (
    (AWAITING_ACCEPTANCE.includes(status) && referral.dueAcceptBy < now) ||
    (AWAITING_RESOLUTION.includes(status) && referral.dueResolveBy < now)
  )
}

/** The two sides of a referral: the organisation that raised it and the one (or the team) it is addressed to. */
export const SIDES = ['sender', 'recipient'] as const
export type Side = (typeof SIDES)[number]

/** What a referral's history records: its creation, each move of its lifecycle, and notes. */
export const REFERRAL_EVENT_KINDS = ['created', 'transition', 'note'] as const
export type ReferralEventKind = (typeof REFERRAL_EVENT_KINDS)[number]

/** The allowed moves, who may make each, and what each requires. Anything else is refused (409). */
export const TRANSITIONS: ReadonlyArray<{
  from: ReferralStatus
  to: ReferralStatus
  by: Side
  requires?: 'reason' | 'outcome'
}> = [
  { from: 'sent', to: 'accepted', by: 'recipient' },
  { from: 'sent', to: 'rejected', by: 'recipient', requires: 'reason' },
  { from: 'accepted', to: 'in_progress', by: 'recipient' },
  { from: 'in_progress', to: 'done', by: 'recipient', requires: 'outcome' },
  { from: 'sent', to: 'revoked', by: 'sender' },
  { from: 'accepted', to: 'revoked', by: 'sender' },
  { from: 'in_progress', to: 'revoked', by: 'sender' },
]

export function findTransition(from: string, to: string) {
  return TRANSITIONS.find((transition) => transition.from === from && transition.to === to)
}

/** Default delays, in hours, to accept and to resolve a referral, by urgency. */
export const DEFAULT_DUE_HOURS: Record<Urgency, { accept: number; resolve: number }> = {
  immediate: { accept: 1, resolve: 24 },
  within_24h: { accept: 24, resolve: 72 },
  within_7_days: { accept: 72, resolve: 14 * 24 },
  routine: { accept: 7 * 24, resolve: 30 * 24 },
}

/** Shown first, before anything else, when a caller reports immediate danger. */
export const EMERGENCY_NUMBERS = [
  { number: '15', label: { fr: 'SAMU — urgence médicale', en: 'SAMU — medical emergency' } },
  { number: '17', label: { fr: 'Police secours', en: 'Police' } },
  { number: '18', label: { fr: 'Pompiers', en: 'Fire brigade' } },
  { number: '112', label: { fr: 'Numéro d’urgence européen', en: 'European emergency number' } },
  {
    number: '114',
    label: {
      fr: 'Urgence par SMS (personnes sourdes ou malentendantes)',
      en: 'Emergency by text message (deaf or hard of hearing)',
    },
  },
] as const
