import { addDays, ageOn, parisDayStart } from '../../../shared/clock.js'
import type { TargetableHousehold } from './targeting.evaluation.js'

/**
 * The fragility priority: who is called first. Each criterion that applies adds its points; the sum is capped at 100.
 * Tiers of one criterion exclude each other (an 88-year-old scores the 85+ points only, not 85+ and 75–84). Defaults
 * follow the source document's priorities — seniors, isolated people, support programmes — and what earlier calls
 * found; a manager may change any weight (0 turns a criterion off). Unknown data never adds points.
 */
export const DEFAULT_PRIORITY_WEIGHTS = [
  {
    key: 'age85',
    points: 30,
    label: { fr: '85 ans ou plus (occupant le plus âgé)', en: 'Aged 85 or more (oldest occupant)' },
  },
  {
    key: 'age75',
    points: 20,
    label: { fr: '75 à 84 ans (occupant le plus âgé)', en: 'Aged 75 to 84 (oldest occupant)' },
  },
  {
    key: 'age70',
    points: 10,
    label: { fr: '70 à 74 ans (occupant le plus âgé)', en: 'Aged 70 to 74 (oldest occupant)' },
  },
  { key: 'livesAlone', points: 20, label: { fr: 'Vit seul·e', en: 'Lives alone' } },
  { key: 'supportProgramme', points: 15, label: { fr: 'Dispositif d’accompagnement', en: 'Support programme' } },
  {
    key: 'highVulnerability',
    points: 30,
    label: { fr: 'Grande vulnérabilité repérée lors d’un appel', en: 'High vulnerability found by a call' },
  },
  { key: 'fragile', points: 20, label: { fr: 'Fragilité repérée lors d’un appel', en: 'Fragility found by a call' } },
  { key: 'watch', points: 10, label: { fr: 'À surveiller (appel précédent)', en: 'To watch (earlier call)' } },
  { key: 'arrears', points: 10, label: { fr: 'Impayé jusqu’à 500 €', en: 'Arrears up to €500' } },
  { key: 'arrearsOver500', points: 15, label: { fr: 'Impayé de plus de 500 €', en: 'Arrears over €500' } },
  {
    key: 'highFloorNoLift',
    points: 5,
    label: { fr: '3e étage ou plus sans ascenseur', en: '3rd floor or higher without a lift' },
  },
  {
    key: 'noRecentContact',
    points: 5,
    label: { fr: 'Aucun contact depuis 90 jours ou jamais', en: 'No contact for 90 days, or never' },
  },
] as const

export type PriorityKey = (typeof DEFAULT_PRIORITY_WEIGHTS)[number]['key']
/** A manager's overrides: points by key; keys left out keep their default. */
export type PriorityWeights = Partial<Record<PriorityKey, number>>

export const MAX_PRIORITY = 100
export const RECENT_CONTACT_DAYS = 90

export interface PriorityWeightProblem {
  /** `priorityWeights.<key>`, as the API reports fields. */
  field: string
  message: string
  value?: unknown
}

/** Problems with a manager's weights, each naming its key: unknown keys, or points that are not whole numbers 0–100. */
export function validatePriorityWeights(input: unknown): PriorityWeightProblem[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [
      {
        field: 'priorityWeights',
        message: 'expected an object of points by key, e.g. {"livesAlone": 25}',
        value: input,
      },
    ]
  }
  const known: string[] = DEFAULT_PRIORITY_WEIGHTS.map((weight) => weight.key)
  const problems: PriorityWeightProblem[] = []
  for (const [key, value] of Object.entries(input)) {
    if (!known.includes(key)) {
      problems.push({
        field: `priorityWeights.${key}`,
        message: `unknown priority weight "${key}"; known weights: ${known.join(', ')}`,
        value,
      })
    } else if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_PRIORITY) {
      problems.push({
        field: `priorityWeights.${key}`,
        message: `priority weight "${key}" must be a whole number of points from 0 to ${MAX_PRIORITY}, got ${JSON.stringify(value)}`,
        value,
      })
    }
  }
  return problems
}

export interface PriorityReason {
  key: PriorityKey
  points: number
  label: { fr: string; en: string }
}

export interface PriorityResult {
  /** 0 to 100: higher is called first. */
  score: number
  /** The criteria that applied, with the points each gave (before the cap), in the weights' order. */
  reasons: PriorityReason[]
}

/** The household columns the priority reads: activation selects these and nothing more. */
export const PRIORITY_COLUMNS = [
  'birthDate',
  'oldestBirthDate',
  'livesAlone',
  'supportProgramme',
  'fragilityLevel',
  'arrearsCents',
  'floor',
  'hasLift',
  'lastContactedAt',
] as const satisfies readonly (keyof TargetableHousehold)[]
export type PriorityHousehold = Pick<TargetableHousehold, (typeof PRIORITY_COLUMNS)[number]>

let recentSince = { today: '', since: '' }
/** The start of the Paris day RECENT_CONTACT_DAYS before `today`, worked out once per day (it takes ~0.1 ms with time zones). */
function recentSinceOn(today: string): string {
  if (recentSince.today !== today) recentSince = { today, since: parisDayStart(addDays(today, -RECENT_CONTACT_DAYS)) }
  return recentSince.since
}

/** Which criteria apply to a household on the Paris day `today`. */
export function priorityCriteria(household: PriorityHousehold, today: string): Record<PriorityKey, boolean> {
  // The oldest person in the home sets the age tier: an old parent living with a younger leaseholder counts.
  const ages = [ageOn(household.birthDate, today), ageOn(household.oldestBirthDate, today)].filter(
    (age): age is number => age !== null,
  )
  const eldest = ages.length ? Math.max(...ages) : null
  const arrearsCents = household.arrearsCents === null ? null : Number(household.arrearsCents)
  // "Recent" is since the start of the Paris day 90 days ago: the same bound as the rule lastContactedAt < that day.
  const recentSince = recentSinceOn(today)
  return {
    age85: eldest !== null && eldest >= 85,
    age75: eldest !== null && eldest >= 75 && eldest < 85,
    age70: eldest !== null && eldest >= 70 && eldest < 75,
    livesAlone: household.livesAlone === 1,
    supportProgramme: household.supportProgramme === 1,
    highVulnerability: household.fragilityLevel === 'high_vulnerability',
    fragile: household.fragilityLevel === 'fragile',
    watch: household.fragilityLevel === 'watch',
    arrears: arrearsCents !== null && arrearsCents > 0 && arrearsCents <= 50_000,
    arrearsOver500: arrearsCents !== null && arrearsCents > 50_000,
    noRecentContact: household.lastContactedAt === null || household.lastContactedAt < recentSince,
    // Without a lift only when the file says so: an unknown lift gives no points.
    highFloorNoLift: household.floor !== null && household.floor >= 3 && household.hasLift === 0,
  }
}

/**
 * A household's fragility priority on the Paris day `today`: the points of every criterion that applies, capped at
 * 100, with the reasons so the UI can say why. `overrides` (validated with `validatePriorityWeights`) replace default
 * points by key; a criterion weighted 0 gives no reason.
 */
export function computePriority(
  household: PriorityHousehold,
  today: string,
  overrides?: PriorityWeights | null,
): PriorityResult {
  const applies = priorityCriteria(household, today)
  const reasons: PriorityReason[] = []
  for (const weight of DEFAULT_PRIORITY_WEIGHTS) {
    if (!applies[weight.key]) continue
    const points = overrides?.[weight.key] ?? weight.points
    if (points > 0) reasons.push({ key: weight.key, points, label: weight.label })
  }
  const total = reasons.reduce((sum, reason) => sum + reason.points, 0)
  return { score: Math.min(MAX_PRIORITY, total), reasons }
}
