import { ageOn } from '../../../shared/dates.js'
import type { TargetableHousehold } from './targeting.js'

/**
 * The fragility priority: who is called first. Points add up, capped at 100; a manager may change any weight.
 * Defaults follow the source document's priorities (seniors, isolated people, support programmes) and what earlier
 * calls found.
 */
export const DEFAULT_PRIORITY_WEIGHTS = [
  { key: 'age85', points: 30, label: { fr: '85 ans ou plus', en: 'Aged 85 or more' } },
  { key: 'age75', points: 20, label: { fr: '75 à 84 ans', en: 'Aged 75 to 84' } },
  { key: 'age70', points: 10, label: { fr: '70 à 74 ans', en: 'Aged 70 to 74' } },
  { key: 'livesAlone', points: 20, label: { fr: 'Vit seul·e', en: 'Lives alone' } },
  { key: 'supportProgramme', points: 15, label: { fr: 'Dispositif d’accompagnement', en: 'Support programme' } },
  {
    key: 'highVulnerability',
    points: 30,
    label: { fr: 'Grande vulnérabilité repérée', en: 'High vulnerability found' },
  },
  { key: 'fragile', points: 20, label: { fr: 'Fragilité repérée', en: 'Fragility found' } },
  { key: 'watch', points: 10, label: { fr: 'À surveiller', en: 'To watch' } },
  { key: 'arrears', points: 10, label: { fr: 'Impayé', en: 'Arrears' } },
  { key: 'arrearsOver500', points: 5, label: { fr: 'Impayé de plus de 500 €', en: 'Arrears over €500' } },
  {
    key: 'highFloorNoLift',
    points: 5,
    label: { fr: '3e étage ou plus sans ascenseur', en: '3rd floor or higher without lift' },
  },
  { key: 'noRecentContact', points: 5, label: { fr: 'Pas de contact depuis 90 jours', en: 'No contact for 90 days' } },
] as const

export type PriorityKey = (typeof DEFAULT_PRIORITY_WEIGHTS)[number]['key']
export type PriorityWeights = Partial<Record<PriorityKey, number>>

/** Problems with a manager's weights: unknown keys, or points that are not whole numbers from 0 to 100. */
export function validatePriorityWeights(input: unknown): { field: string; message: string; value?: unknown }[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [{ field: 'priorityWeights', message: 'expected an object of points by key' }]
  }
  const known = DEFAULT_PRIORITY_WEIGHTS.map((weight) => weight.key as string)
  const problems: { field: string; message: string; value?: unknown }[] = []
  for (const [key, value] of Object.entries(input)) {
    if (!known.includes(key))
      problems.push({ field: `priorityWeights.${key}`, message: `unknown weight "${key}"; known: ${known.join(', ')}` })
    else if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 100) {
      problems.push({ field: `priorityWeights.${key}`, message: 'points are whole numbers from 0 to 100', value })
    }
  }
  return problems
}

export interface PriorityResult {
  score: number
  reasons: { key: PriorityKey; points: number; label: { fr: string; en: string } }[]
}

/** The household's priority score (0–100) and the reasons behind it. */
export function computePriority(
  household: TargetableHousehold,
  today: string,
  overrides?: PriorityWeights,
): PriorityResult {
  const age = ageOn(household.birthDate, today)
  const oldest = ageOn(household.oldestBirthDate, today)
  const eldest = Math.max(age ?? -1, oldest ?? -1)
  const ninetyDaysAgo = new Date(Date.parse(`${today}T00:00:00Z`) - 90 * 86_400_000).toISOString()
  const applies: Record<PriorityKey, boolean> = {
    age85: eldest >= 85,
    age75: eldest >= 75 && eldest < 85,
    age70: eldest >= 70 && eldest < 75,
    livesAlone: household.livesAlone === 1,
    supportProgramme: household.supportProgramme === 1,
    highVulnerability: household.fragilityLevel === 'high_vulnerability',
    fragile: household.fragilityLevel === 'fragile',
    watch: household.fragilityLevel === 'watch',
    arrears: (household.arrearsCents ?? 0) > 0,
    arrearsOver500: (household.arrearsCents ?? 0) > 50_000,
    highFloorNoLift: (household.floor ?? 0) >= 3 && household.hasLift === 0,
    noRecentContact: household.lastContactedAt === null || household.lastContactedAt < ninetyDaysAgo,
  }
  const reasons = DEFAULT_PRIORITY_WEIGHTS.filter((weight) => applies[weight.key])
    .map((weight) => ({ key: weight.key, points: overrides?.[weight.key] ?? weight.points, label: weight.label }))
    .filter((reason) => reason.points > 0)
  const score = Math.min(
    100,
    reasons.reduce((sum, reason) => sum + reason.points, 0),
  )
  return { score, reasons }
}
