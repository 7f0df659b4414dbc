import { UnknownInstrumentError } from './answers.js'
import { EPICES, type EpicesResult, scoreEpices } from './epices.js'
import { FRAIL, type FrailResult, scoreFrail } from './frail.js'
import { LSNS6, type Lsns6Result, scoreLsns6 } from './lsns6.js'
import {
  INSTRUMENT_CODES,
  type InstrumentCode,
  type InstrumentDefinition,
  type InstrumentResult,
  type RawAnswers,
} from './types.js'
import { scoreUcla3, UCLA3, type Ucla3Result } from './ucla3.js'
import { scoreUsda6, USDA6, type Usda6Result } from './usda6.js'

export { InstrumentAnswerError, UnknownInstrumentError } from './answers.js'
export { EPICES, type EpicesCategory, type EpicesQuintile, type EpicesResult, scoreEpices } from './epices.js'
export {
  FATIGUE_CODES,
  type FatigueCode,
  FRAIL,
  type FrailCategory,
  type FrailDetails,
  type FrailResult,
  hasLostMoreThanFivePercent,
  ILLNESS_CODES,
  type IllnessCode,
  scoreFrail,
} from './frail.js'
export { LSNS6, type Lsns6Category, type Lsns6Details, type Lsns6Result, scoreLsns6 } from './lsns6.js'
export * from './types.js'
export { scoreUcla3, UCLA3, type Ucla3Category, type Ucla3Result } from './ucla3.js'
export { scoreUsda6, USDA6, type Usda6Category, type Usda6Result } from './usda6.js'

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

/** Every scored instrument with its wording and options, as `GET /api/instruments` serves it. Frozen: shared. */
export const INSTRUMENTS: readonly InstrumentDefinition[] = deepFreeze([EPICES, LSNS6, UCLA3, FRAIL, USDA6])

export interface InstrumentResults {
  epices: EpicesResult
  lsns6: Lsns6Result
  ucla3: Ucla3Result
  frail: FrailResult
  usda6: Usda6Result
}

const SCORERS: { [Code in InstrumentCode]: (answers: RawAnswers) => InstrumentResults[Code] } = {
  epices: scoreEpices,
  lsns6: scoreLsns6,
  ucla3: scoreUcla3,
  frail: scoreFrail,
  usda6: scoreUsda6,
}

export function isInstrumentCode(code: unknown): code is InstrumentCode {
  return typeof code === 'string' && (INSTRUMENT_CODES as readonly string[]).includes(code)
}

/**
 * Scores one instrument exactly as published. Every answer is checked against the item's options first
 * (InstrumentAnswerError, naming the item, for anything else, including keys that are not items); then a missing
 * item (undefined or null) gives `{ score: null, category: null, complete: false }`, never a guessed score.
 * @throws UnknownInstrumentError when the code is not one of INSTRUMENT_CODES.
 */
export function scoreInstrument<Code extends InstrumentCode>(code: Code, answers: RawAnswers): InstrumentResults[Code]
export function scoreInstrument(code: string, answers: RawAnswers): InstrumentResult
export function scoreInstrument(code: string, answers: RawAnswers): InstrumentResult {
  if (!isInstrumentCode(code)) throw new UnknownInstrumentError(code, INSTRUMENT_CODES)
  return SCORERS[code](answers)
}

/** The need categories an instrument's result can suggest (codes of the household needs list). */
export type SuggestedNeed = 'food' | 'isolation' | 'finances_arrears' | 'health_autonomy'

const NEEDS_BY_CATEGORY: { [Code in InstrumentCode]: Partial<Record<string, SuggestedNeed>> } = {
  usda6: { low: 'food', very_low: 'food' },
  lsns6: { at_risk: 'isolation' },
  ucla3: { lonely: 'isolation' },
  // EPICES measures deprivation as a whole; "social support" is the needs list's finances and arrears category.
  epices: { precarious: 'finances_arrears' },
  frail: { frail: 'health_autonomy' },
}

/**
 * The needs a result suggests, per instruments.md "How scores are used": USDA low or very low → food; LSNS-6 at
 * risk or UCLA-3 lonely → isolation; EPICES precarious → finances_arrears (social support); FRAIL frail →
 * health_autonomy. Only suggestions: a person confirms them. An incomplete result suggests nothing.
 * @throws UnknownInstrumentError when the code is not one of INSTRUMENT_CODES.
 */
export function suggestedNeeds(code: string, result: InstrumentResult): SuggestedNeed[] {
  if (!isInstrumentCode(code)) throw new UnknownInstrumentError(code, INSTRUMENT_CODES)
  if (!result.complete || result.category === null) return []
  // Own keys only: a category named like an Object method must not find one.
  const needs = NEEDS_BY_CATEGORY[code]
  const need = Object.hasOwn(needs, result.category) ? needs[result.category] : undefined
  return need ? [need] : []
}
