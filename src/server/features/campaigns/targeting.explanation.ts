/**
 * Why a household matches a rule or not, for the manager's "why" panel: the rule's tree with each condition's result
 * and the household's actual value, as short French and English texts.
 */
import { isCalendarDay, parisDayOf } from '../../../shared/clock.js'
import {
  type Condition,
  type ConditionValue,
  type LocalizedText,
  type Operator,
  type Rule,
  TARGETING_FIELD_SPECS,
  type TargetingFieldName,
} from '../../../shared/targeting-fields.js'
import { conditionHolds, evaluate, fieldValue, type TargetableHousehold } from './targeting.evaluation.js'
import { assertDay } from './targeting.plan.js'

export interface Explanation {
  holds: boolean
  /** Short text for the UI, e.g. { fr: 'Âge 82 ≥ 75 ✓', en: 'Age 82 ≥ 75 ✓' }. */
  text: LocalizedText
  /** On conditions: what was asked and the household's actual value (in the rule's units). */
  field?: TargetingFieldName
  op?: Operator
  value?: ConditionValue
  actual?: number | boolean | string | null
  /** On groups: which kind of group, for a screen to say it in its own words. */
  combinator?: 'all' | 'any' | 'not'
  /** On all/any/not: the explanation of each part. */
  children?: Explanation[]
}

const SYMBOLS: Record<Exclude<Operator, 'isSet' | 'isNotSet'>, string> = {
  '=': '=',
  '!=': '≠',
  '<': '<',
  '<=': '≤',
  '>': '>',
  '>=': '≥',
  in: '∈',
  notIn: '∉',
}

const FRAGILITY_LABELS: Record<string, LocalizedText> = {
  none: { fr: 'aucune', en: 'none' },
  watch: { fr: 'à surveiller', en: 'watch' },
  fragile: { fr: 'fragile', en: 'fragile' },
  high_vulnerability: { fr: 'grande vulnérabilité', en: 'high vulnerability' },
}

const euros = {
  fr: new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', minimumFractionDigits: 0 }),
  en: new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR', minimumFractionDigits: 0 }),
}

function formatValue(field: TargetingFieldName, value: unknown, locale: 'fr' | 'en'): string {
  if (value === null || value === undefined) return locale === 'fr' ? 'inconnu' : 'unknown'
  if (typeof value === 'boolean') return locale === 'fr' ? (value ? 'oui' : 'non') : value ? 'yes' : 'no'
  if (field === 'arrears') return euros[locale].format(value as number).replace(/\u202f/g, '\u00a0')
  if (field === 'fragilityLevel') return FRAGILITY_LABELS[value as string]?.[locale] ?? String(value)
  if (typeof value === 'string' && isCalendarDay(value) && locale === 'fr') return value.split('-').reverse().join('/')
  return String(value)
}

function explainCondition(condition: Condition, household: TargetableHousehold, today: string): Explanation {
  const holds = conditionHolds(condition, household, today)
  const label = TARGETING_FIELD_SPECS[condition.field].label
  let actual = fieldValue(household, condition.field, today)
  // Against a Paris day, show the Paris day of the last contact: it is what the condition compared.
  if (condition.field === 'lastContactedAt' && typeof actual === 'string' && isCalendarDay(String(condition.value))) {
    actual = parisDayOf(actual)
  }
  const mark = holds ? '✓' : '✗'
  const text = (locale: 'fr' | 'en') => {
    const shown = formatValue(condition.field, actual, locale)
    if (condition.op === 'isSet') {
      const word = locale === 'fr' ? 'renseigné' : 'set'
      return actual === null ? `${label[locale]} ${word} ${mark}` : `${label[locale]} ${word} (${shown}) ${mark}`
    }
    if (condition.op === 'isNotSet') {
      const word = locale === 'fr' ? 'non renseigné' : 'not set'
      return actual === null ? `${label[locale]} ${word} ${mark}` : `${label[locale]} ${word} (${shown}) ${mark}`
    }
    const expected = Array.isArray(condition.value)
      ? `{${condition.value.map((value) => formatValue(condition.field, value, locale)).join(', ')}}`
      : formatValue(condition.field, condition.value, locale)
    return `${label[locale]} ${shown} ${SYMBOLS[condition.op]} ${expected} ${mark}`
  }
  return {
    holds,
    text: { fr: text('fr'), en: text('en') },
    field: condition.field,
    op: condition.op,
    ...(condition.value === undefined ? {} : { value: condition.value }),
    actual,
  }
}

function explain(rule: Rule, household: TargetableHousehold, today: string): Explanation {
  if ('field' in rule) return explainCondition(rule, household, today)
  const holds = evaluate(rule, household, today)
  const mark = holds ? '✓' : '✗'
  if ('not' in rule) {
    return {
      holds,
      text: { fr: `Sauf si : ${mark}`, en: `Unless: ${mark}` },
      combinator: 'not',
      children: [explain(rule.not, household, today)],
    }
  }
  const isAll = 'all' in rule
  const parts = isAll ? (rule as { all: Rule[] }).all : (rule as { any: Rule[] }).any
  return {
    holds,
    text: isAll
      ? { fr: `Toutes les conditions ${mark}`, en: `All of these ${mark}` }
      : { fr: `Au moins une condition ${mark}`, en: `Any of these ${mark}` },
    combinator: isAll ? 'all' : 'any',
    children: parts.map((child) => explain(child, household, today)),
  }
}

/**
 * Why a household matches a rule or not, for the manager's "why" panel: the rule's tree with each condition's result
 * and the household's actual value, as short French and English texts ("Âge 82 ≥ 75 ✓", "Vit seul·e non = oui ✗").
 */
export function explainRule(rule: Rule, household: TargetableHousehold, today: string): Explanation {
  assertDay(today)
  return explain(rule, household, today)
}
