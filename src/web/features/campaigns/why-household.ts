/**
 * « Pourquoi ce ménage » in words: each condition of an explanation said with the builder's own words (the field's
 * label, the operator's label from `labels.ts`), the value asked and the household's actual value, and the priority's
 * points line by line. Pure, for the dialog and its tests.
 */
import { formatDay } from '../../../shared/clock.js'
import type { Explanation } from '../../../shared/contracts/campaigns.js'
import { type Locale, labelOf } from '../../../shared/labels.js'
import { findTargetingField, PRESENCE_OPERATORS } from '../../../shared/targeting-fields.js'

const WORDS = {
  fr: { yes: 'oui', no: 'non', unknown: 'inconnu', or: ' ou ' },
  en: { yes: 'yes', no: 'no', unknown: 'unknown', or: ' or ' },
} as const

/** Names the web knows for some codes (an agency's name, a commune's): shown beside the code. */
export type CodeNames = Partial<Record<'agency' | 'inseeCode', ReadonlyMap<string, string>>>

/** One value of a field as a manager reads it: yes/no, a level's label, a French date, euros, a named code. */
export function valueInWords(field: string, value: unknown, locale: Locale, names: CodeNames = {}): string {
  const words = WORDS[locale]
  if (value === null || value === undefined || value === '') return words.unknown
  if (Array.isArray(value)) return value.map((item) => valueInWords(field, item, locale, names)).join(words.or)
  if (typeof value === 'boolean') return value ? words.yes : words.no
  if (field === 'fragilityLevel') return labelOf('fragility', String(value), locale)
  if (field === 'arrears' && typeof value === 'number') {
    return new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { style: 'currency', currency: 'EUR' }).format(
      value,
    )
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDay(value, locale)
  if ((field === 'agency' || field === 'inseeCode') && typeof value === 'string') {
    const name = names[field]?.get(value)
    return name ? `${name} (${value})` : value
  }
  return String(value)
}

/** A condition in the builder's words: "Âge au moins 75", "Vit seul·e est oui", "Agence fait partie de A ou B". */
export function conditionInWords(node: Explanation, locale: Locale, names: CodeNames = {}): string {
  if (!node.field || !node.op) return node.text[locale]
  const label = findTargetingField(node.field)?.label[locale] ?? node.field
  const operator = labelOf('targetingOperator', node.op, locale)
  if ((PRESENCE_OPERATORS as readonly string[]).includes(node.op)) return `${label} ${operator}`
  return `${label} ${operator} ${valueInWords(node.field, node.value, locale, names)}`
}

/** The household's own value for a condition ("82", "non", "inconnu"). */
export function actualInWords(node: Explanation, locale: Locale, names: CodeNames = {}): string | null {
  if (!node.field) return null
  return valueInWords(node.field, node.actual, locale, names)
}

/** The priority's lines and total; `capped` when the points add up to more than the score's ceiling. */
export function priorityLines(
  priority: { score: number; reasons: { key: string; points: number; label: { fr: string; en: string } }[] },
  locale: Locale,
) {
  const lines = priority.reasons.map((reason) => ({
    key: reason.key,
    label: reason.label[locale],
    points: reason.points,
  }))
  const sum = lines.reduce((total, line) => total + line.points, 0)
  return { lines, sum, total: priority.score, capped: sum > priority.score }
}
