/**
 * The fragility priority (`priority.ts`) as one SQL expression over the household's columns, so that the database
 * orders a rule's households by priority and keeps the first ones: the preview's sample is the true top 20 of
 * 100,000 households without reading them all into memory. `priority.sql.test.ts` checks on both engines that it
 * gives the score `computePriority` gives, household by household.
 */
import { type RawBuilder, sql } from 'kysely'
import { addDays, parisDayStart } from '../../../shared/clock.js'
import {
  DEFAULT_PRIORITY_WEIGHTS,
  MAX_PRIORITY,
  type PriorityKey,
  type PriorityWeights,
  RECENT_CONTACT_DAYS,
} from './priority.js'
import { yearsBefore } from './targeting.plan.js'

/** Points as an SQL literal: weights are validated whole numbers 0–100; anything else is a programming error. */
function points(weights: PriorityWeights | null | undefined, key: PriorityKey): RawBuilder<number> {
  const value = weights?.[key] ?? DEFAULT_PRIORITY_WEIGHTS.find((weight) => weight.key === key)?.points ?? 0
  if (!Number.isInteger(value) || value < 0 || value > MAX_PRIORITY) throw new TypeError(`bad priority weight ${key}`)
  return sql.lit(value)
}

/** The priority (0–100) of the household in the query's `household` table on the Paris day `today`. */
export function prioritySql(today: string, weights?: PriorityWeights | null): RawBuilder<number> {
  const w = (key: PriorityKey) => points(weights, key)
  const birth = sql.ref('household.birthDate')
  const oldest = sql.ref('household.oldestBirthDate')
  // The earliest known birth date of the home: the oldest person's (dates as YYYY-MM-DD sort as text).
  const eldest = sql`(case when ${birth} is null then ${oldest} when ${oldest} is null or ${birth} <= ${oldest} then ${birth} else ${oldest} end)`
  // Tiers exclude each other: the first that holds gives its points (an 88-year-old scores the 85+ points only).
  const age = sql`(case when ${eldest} <= ${yearsBefore(today, 85)} then ${w('age85')} when ${eldest} <= ${yearsBefore(today, 75)} then ${w('age75')} when ${eldest} <= ${yearsBefore(today, 70)} then ${w('age70')} else 0 end)`
  const flag = (column: string, key: PriorityKey) => sql`(case when ${sql.ref(column)} = 1 then ${w(key)} else 0 end)`
  const fragility = sql`(case ${sql.ref('household.fragilityLevel')} when 'high_vulnerability' then ${w('highVulnerability')} when 'fragile' then ${w('fragile')} when 'watch' then ${w('watch')} else 0 end)`
  const arrears = sql.ref('household.arrearsCents')
  const debt = sql`(case when ${arrears} > 50000 then ${w('arrearsOver500')} when ${arrears} > 0 then ${w('arrears')} else 0 end)`
  const floor = sql`(case when ${sql.ref('household.floor')} >= 3 and ${sql.ref('household.hasLift')} = 0 then ${w('highFloorNoLift')} else 0 end)`
  const contacted = sql.ref('household.lastContactedAt')
  const since = parisDayStart(addDays(today, -RECENT_CONTACT_DAYS))
  const contact = sql`(case when ${contacted} is null or ${contacted} < ${since} then ${w('noRecentContact')} else 0 end)`
  const total = sql`(${age} + ${flag('household.livesAlone', 'livesAlone')} + ${flag('household.supportProgramme', 'supportProgramme')} + ${fragility} + ${debt} + ${floor} + ${contact})`
  return sql<number>`(case when ${total} > ${sql.lit(MAX_PRIORITY)} then ${sql.lit(MAX_PRIORITY)} else ${total} end)`
}
