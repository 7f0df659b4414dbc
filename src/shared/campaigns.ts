/** Campaign vocabulary shared by server and web. The shapes of a campaign's settings are its contract's schemas. */
import type { Static } from 'typebox'
import type {
  CallingHoursSchema,
  CallingWindowSchema,
  FrequencyCapSchema,
  RetryDelaysSchema,
} from './contracts/campaigns.js'

export const CAMPAIGN_TYPES = [
  'crisis_check',
  'heat_wave',
  'arrears_prevention',
  'renovation_works',
  'satisfaction',
  'custom',
] as const
export type CampaignType = (typeof CAMPAIGN_TYPES)[number]

export const CAMPAIGN_STATUSES = ['draft', 'active', 'paused', 'closed'] as const
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number]

/** Where a household stands in one campaign's queue. */
export const TARGET_STATUSES = [
  'pending', // due now: the claim picks among these by priority
  'scheduled', // waiting for its next attempt time (retry, callback, follow-up)
  'held', // claimed by a caller under a lease
  'completed', // reached and interviewed, or ended by its outcome (refused, moved out, deceased)
  'unreachable', // attempts exhausted or no usable number: listed for a letter or a visit
  'excluded', // no longer targeted (narrowed, objection, left): kept for the history, never called
] as const
export type TargetStatus = (typeof TARGET_STATUSES)[number]

export const DISPOSITIONS = [
  'completed',
  'refused',
  'callback',
  'no_answer',
  'voicemail',
  'busy',
  'wrong_number',
  'not_in_service',
  'moved_out',
  'deceased',
  'other',
] as const
export type Disposition = (typeof DISPOSITIONS)[number]

export const NEED_CATEGORIES = [
  'isolation',
  'health_autonomy',
  'food',
  'finances_arrears',
  'income_loss',
  'family_violence',
  'housing_repair',
  'admin_digital',
  'psychological_distress',
  'other',
] as const
export type NeedCategory = (typeof NEED_CATEGORIES)[number]

export const FRAGILITY_LEVELS = ['none', 'watch', 'fragile', 'high_vulnerability'] as const
export type FragilityLevel = (typeof FRAGILITY_LEVELS)[number]

/** One weekly calling window in Europe/Paris time; day 1 = Monday … 7 = Sunday (ISO). */
export type CallingWindow = Static<typeof CallingWindowSchema>
export type CallingHours = Static<typeof CallingHoursSchema>

export const DEFAULT_CALLING_HOURS: CallingWindow[] = [
  ...[1, 2, 3, 4, 5].flatMap((day) => [
    { day, from: '09:00', to: '12:30' },
    { day, from: '14:00', to: '19:00' },
  ]),
  { day: 6, from: '09:00', to: '12:00' },
]

/** Minutes to wait before the next attempt, by outcome. */
export type RetryDelays = Static<typeof RetryDelaysSchema>

export const DEFAULT_RETRY_DELAYS: RetryDelays = { no_answer: 120, voicemail: 240, busy: 15, other: 1440 }

/** At most `maxAttempts` attempts per household in `days` days. */
export type FrequencyCap = Static<typeof FrequencyCapSchema>

export const DEFAULT_FREQUENCY_CAP: FrequencyCap = { maxAttempts: 3, days: 7 }
export const DEFAULT_MAX_ATTEMPTS = 5
