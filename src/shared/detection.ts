/**
 * Detection rules: answers and validated instruments' results that suggest a fragility level and an orientation
 * (category and urgency). A rule is met when all its conditions are; a suggestion is only a suggestion: the caller
 * follows or declines each, and the outcome records which (`suggestions` of an outcome). The server recomputes the
 * suggestions from the answers and accepts only those the questionnaire's rules give.
 */
import { FRAGILITY_LEVELS, type FragilityLevel, NEED_CATEGORIES, type NeedCategory } from './campaigns.js'
import { suggestedNeeds } from './instruments/index.js'
import { INSTRUMENT_CODES, type InstrumentCode, type InstrumentResult } from './instruments/types.js'
import { URGENCIES, type Urgency } from './referrals.js'

export const SUGGESTION_KINDS = ['fragility', 'referral'] as const
export type SuggestionKind = (typeof SUGGESTION_KINDS)[number]

/** An answer equal to a value (yes/no, an option code, a number), or, for choices, among values. */
export interface AnswerCondition {
  question: string
  equals?: boolean | string | number
  in?: string[]
}
/** A validated instrument whose result is past its published threshold (the categories that suggest a need). */
export interface InstrumentCondition {
  instrument: InstrumentCode
  positive: true
}
export type RuleCondition = AnswerCondition | InstrumentCondition

export interface DetectionRule {
  id: string
  /** Why, in the caller's words: shown with the suggestion. */
  label: string
  labelEn?: string
  when: RuleCondition[]
  suggest: { fragility?: FragilityLevel; referral?: { category: NeedCategory; urgency: Urgency } }
}

export const DETECTION_LIMITS = { rules: 30, conditions: 10, idLength: 40, labelLength: 300 } as const

/** One suggestion as the caller sees it and the outcome records it (`followed` added by the caller's choice). */
export interface Suggestion {
  kind: SuggestionKind
  /** A fragility level, or an orientation's need category. */
  value: string
  /** For an orientation: how soon. */
  urgency?: Urgency
  /** The rules that gave it. */
  rules: string[]
}

const isInstrumentCondition = (condition: RuleCondition): condition is InstrumentCondition => 'instrument' in condition

function answerMeets(answer: unknown, condition: AnswerCondition): boolean {
  if (answer === undefined || answer === null || answer === '') return false
  if (condition.equals !== undefined) return answer === condition.equals
  if (Array.isArray(condition.in)) {
    const given = Array.isArray(answer) ? answer : [answer]
    return given.some((value) => typeof value === 'string' && condition.in!.includes(value))
  }
  return false
}

/** Whether every condition of a rule is met by these answers and instrument results. */
export function ruleIsMet(
  rule: DetectionRule,
  answers: Record<string, unknown>,
  results: Partial<Record<string, InstrumentResult>>,
): boolean {
  return (
    rule.when.length > 0 &&
    rule.when.every((condition) => {
      if (isInstrumentCondition(condition)) {
        const result = results[condition.instrument]
        return result !== undefined && suggestedNeeds(condition.instrument, result).length > 0
      }
      return answerMeets(answers[condition.question], condition)
    })
  )
}

const FRAGILITY_ORDER: readonly string[] = FRAGILITY_LEVELS

/**
 * The suggestions of the rules met: the highest fragility level among them, and one orientation per category with
 * its most urgent delay (URGENCIES is ordered from the most urgent).
 */
export function detect(
  rules: readonly DetectionRule[] | undefined,
  answers: Record<string, unknown>,
  results: Partial<Record<string, InstrumentResult>> = {},
): Suggestion[] {
  let fragility: Suggestion | null = null
  const referrals = new Map<string, Suggestion>()
  for (const rule of rules ?? []) {
    if (!ruleIsMet(rule, answers, results)) continue
    const { fragility: level, referral } = rule.suggest
    if (level) {
      if (!fragility || FRAGILITY_ORDER.indexOf(level) > FRAGILITY_ORDER.indexOf(fragility.value)) {
        fragility = { kind: 'fragility', value: level, rules: [rule.id] }
      } else if (fragility.value === level) fragility.rules.push(rule.id)
    }
    if (referral) {
      const known = referrals.get(referral.category)
      if (!known) {
        referrals.set(referral.category, {
          kind: 'referral',
          value: referral.category,
          urgency: referral.urgency,
          rules: [rule.id],
        })
      } else {
        known.rules.push(rule.id)
        if (URGENCIES.indexOf(referral.urgency) < URGENCIES.indexOf(known.urgency!)) known.urgency = referral.urgency
      }
    }
  }
  return [...(fragility ? [fragility] : []), ...referrals.values()]
}

export interface RuleQuestion {
  id: string
  type: string
  options?: { code: string }[]
}

/**
 * What is wrong with a questionnaire's rules, by path (`rules[2].when[0].question`): unknown questions, values a
 * question cannot take, unknown instruments or ones the questionnaire does not ask, unknown levels, categories or
 * urgencies, a rule that suggests nothing. `questions` and `instruments` are the questionnaire's.
 */
export function checkRules(
  rules: unknown,
  questions: ReadonlyMap<string, RuleQuestion>,
  instruments: ReadonlySet<string>,
): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = []
  const add = (path: string, message: string) => issues.push({ path, message })
  if (rules === undefined) return issues
  if (!Array.isArray(rules)) return [{ path: 'rules', message: 'rules are an array' }]
  const L = DETECTION_LIMITS
  if (rules.length > L.rules) add('rules', `at most ${L.rules} rules`)
  const ids = new Set<string>()
  rules.slice(0, L.rules).forEach((rule: Partial<DetectionRule>, index) => {
    const path = `rules[${index}]`
    if (typeof rule !== 'object' || rule === null) {
      add(path, 'a rule is an object')
      return
    }
    if (typeof rule.id !== 'string' || !rule.id || rule.id.length > L.idLength) add(`${path}.id`, 'an id is required')
    else if (ids.has(rule.id)) add(`${path}.id`, `"${rule.id}" is used twice`)
    else ids.add(rule.id)
    if (typeof rule.label !== 'string' || !rule.label.trim()) add(`${path}.label`, 'a label is required')
    else if (rule.label.length > L.labelLength) add(`${path}.label`, `at most ${L.labelLength} characters`)
    if (!Array.isArray(rule.when) || rule.when.length === 0) add(`${path}.when`, 'give at least one condition')
    else if (rule.when.length > L.conditions) add(`${path}.when`, `at most ${L.conditions} conditions`)
    else {
      rule.when.forEach((condition, at) => {
        const where = `${path}.when[${at}]`
        if (typeof condition !== 'object' || condition === null) {
          add(where, 'a condition is an object')
          return
        }
        if (isInstrumentCondition(condition)) {
          if (!(INSTRUMENT_CODES as readonly string[]).includes(condition.instrument)) {
            add(`${where}.instrument`, `unknown instrument "${String(condition.instrument)}"`)
          } else if (!instruments.has(condition.instrument)) {
            add(`${where}.instrument`, `this questionnaire does not ask "${condition.instrument}"`)
          }
          return
        }
        const question = questions.get(condition.question)
        if (!question) {
          add(`${where}.question`, `"${String(condition.question)}" is not a question`)
          return
        }
        const codes = new Set((question.options ?? []).map((option) => option.code))
        if (condition.equals !== undefined) {
          const fits =
            question.type === 'yes_no'
              ? typeof condition.equals === 'boolean'
              : question.type === 'single_choice' || question.type === 'multiple_choice'
                ? typeof condition.equals === 'string' && codes.has(condition.equals)
                : question.type === 'number' && typeof condition.equals === 'number'
          if (!fits) add(`${where}.equals`, 'a value this question cannot take')
        } else if (Array.isArray(condition.in)) {
          if (condition.in.length === 0) add(`${where}.in`, 'give at least one value')
          else if (!condition.in.every((code) => codes.has(code))) add(`${where}.in`, 'an option this question lacks')
        } else add(where, 'give "equals" or "in"')
      })
    }
    const suggest = rule.suggest
    if (typeof suggest !== 'object' || suggest === null || (!suggest.fragility && !suggest.referral)) {
      add(`${path}.suggest`, 'a rule suggests a fragility level, an orientation or both')
      return
    }
    if (suggest.fragility !== undefined && !(FRAGILITY_LEVELS as readonly string[]).includes(suggest.fragility)) {
      add(`${path}.suggest.fragility`, `unknown fragility level "${String(suggest.fragility)}"`)
    }
    if (suggest.referral !== undefined) {
      if (!(NEED_CATEGORIES as readonly string[]).includes(suggest.referral?.category)) {
        add(`${path}.suggest.referral.category`, 'unknown category')
      }
      if (!(URGENCIES as readonly string[]).includes(suggest.referral?.urgency)) {
        add(`${path}.suggest.referral.urgency`, 'unknown urgency')
      }
    }
  })
  return issues
}
