import type { TFunction } from 'i18next'
import { RECTIFIABLE_FIELDS } from '../../../shared/contracts/data-protection.js'
import { DATASETS } from '../../../shared/contracts/exports.js'
import { HOUSEHOLD_SORTS } from '../../../shared/contracts/households.js'
import { KEPT_REASONS } from '../../../shared/contracts/retention.js'
import { type LabelKind, type Locale, labelOf } from '../../../shared/labels.js'
import { LANGUAGES } from '../../i18n/index.js'
import { dataProtectionFr } from './data-protection.i18n.js'

/** One detail of an audit line as the DPO reads it: « Tri : nom ». */
export interface DetailWord {
  label: string
  value: string
}

/** The most items of a list, entries of a nested object and characters of a text one detail shows. */
export const DETAIL_MAX_ITEMS = 5
export const DETAIL_MAX_CHARS = 80

/** Keys whose code reads through a shared vocabulary. */
const VOCABULARY_OF: Readonly<Record<string, LabelKind>> = {
  urgency: 'urgency',
  disposition: 'disposition',
  role: 'role',
  formerRole: 'role',
  category: 'sensitiveCategory',
  source: 'sensitiveFlagSource',
}

/**
 * Keys whose codes read through `dataProtection.journal.detailValues` (why a sign-in was refused, how a reset request
 * ended, why a household was erased, by which way it was read…). `reason` is also a typed text on some lines (an
 * objection withdrawn, retention periods changed): a text that is not a known code is shown as it is.
 */
const CODED_KEYS = new Set(['reason', 'outcome', 'via', 'trigger', 'purpose', 'secondFactor', 'problem', 'refused'])
const CODED_VALUES: Readonly<Record<string, string>> = dataProtectionFr.journal.detailValues

/** Keys and values already labelled elsewhere in the app: read from there, not copied. */
const KEY_LABEL_ELSEWHERE: Readonly<Record<string, string>> = { provisioning: 'admin.sso.provisioning' }
const CODES_ELSEWHERE: Readonly<Record<string, { prefix: string; codes: readonly string[] }>> = {
  provisioning: { prefix: 'admin.sso.provisioningOptions', codes: ['first_sign_in', 'invitation_only'] },
  keptBecause: { prefix: 'retention.keptReasons', codes: KEPT_REASONS },
}

/** Keys whose values are names of rectifiable fields: a rectification's, and an import's kept or cleared ones. */
const RECTIFIED_KEYS = new Set(['fields', 'keptRectified', 'rectificationCleared'])

/** Flags saying a filter was used (the search text itself is never logged): only shown when it was. */
const USED_FLAGS = new Set(['q', 'ref', 'byReference'])

/** The household list's filters, logged as an object under `filters`: read as details of their own. */
const FLATTENED = new Set(['filters'])

/** The names of the access log's own filters (logged as a list under `filters` when the log is read). */
const JOURNAL_FILTERS = new Set(['user', 'householdRef', 'action', 'organization', 'from', 'to'])

function bounded(text: string): string {
  return text.length > DETAIL_MAX_CHARS ? `${text.slice(0, DETAIL_MAX_CHARS - 1)}…` : text
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isShown(value: unknown): boolean {
  if (isRecord(value)) return Object.values(value).some(isShown)
  return value !== null && value !== undefined && value !== ''
}

/**
 * The details of an access-log line in words: each known key labelled (`dataProtection.journal.detailKeys`), codes
 * read through their vocabulary, yes/no for flags, the household list's filters as details of their own; an unknown
 * key shown as it is with its value. Never raw JSON: lists show their first items, nested objects one level of
 * « key : value », texts their first characters.
 */
export function auditDetailWords(
  details: Record<string, unknown> | null | undefined,
  t: TFunction,
  locale: Locale,
): DetailWord[] {
  if (!details) return []
  const pair = ({ label, value }: DetailWord) => t('dataProtection.journal.detail', { label, value })
  const label = (key: string) =>
    KEY_LABEL_ELSEWHERE[key]
      ? t(KEY_LABEL_ELSEWHERE[key])
      : t(`dataProtection.journal.detailKeys.${key}`, { defaultValue: key })

  const scalar = (key: string, value: unknown): string => {
    if (typeof value === 'boolean') return t(value ? 'households.yes' : 'households.no')
    if (typeof value === 'number') return value.toLocaleString(locale)
    if (typeof value !== 'string') return value === null || value === undefined ? '—' : '…'
    const vocabulary = VOCABULARY_OF[key]
    if (vocabulary) return labelOf(vocabulary, value, locale)
    if (key === 'sort' && (HOUSEHOLD_SORTS as readonly string[]).includes(value)) {
      const column = t(`householdList.columns.${value.replace(/^-/, '')}`)
      return value.startsWith('-') ? t('dataProtection.journal.descending', { column }) : column
    }
    if (key === 'fragility') {
      return value === 'unknown' ? t('householdList.fragilityUnknown') : labelOf('fragility', value, locale)
    }
    if (key === 'status' && (value === 'active' || value === 'left')) return t(`householdList.${value}`)
    if (key === 'kind') return t(`dataProtection.kinds.${value}`, { defaultValue: value })
    if (key === 'outcome' && Object.hasOwn(dataProtectionFr.outcomes, value))
      return t(`dataProtection.outcomes.${value}`)
    if (CODED_KEYS.has(key) && Object.hasOwn(CODED_VALUES, value)) {
      return t(`dataProtection.journal.detailValues.${value}`)
    }
    const elsewhere = CODES_ELSEWHERE[key]
    if (elsewhere?.codes.includes(value)) return t(`${elsewhere.prefix}.${value}`)
    if (key === 'method' && value === 'sso') return t('admin.sso.tab')
    if (key === 'lang') return LANGUAGES.find((language) => language.code === value)?.label ?? value
    if (key === 'format') return value.toUpperCase()
    // An export's data, by the names of the review's export buttons.
    if (key === 'dataset' && (DATASETS as readonly string[]).includes(value)) return t(`stats.actions.${value}`)
    if (key === 'channel') return t(`dataProtection.channels.${value}`, { defaultValue: value })
    if (key === 'filters' && JOURNAL_FILTERS.has(value)) return t(`dataProtection.journal.${value}`)
    // The fields a rectification changed (or an import kept, or took back), by the rectification form's names.
    if (RECTIFIED_KEYS.has(key) && (RECTIFIABLE_FIELDS as readonly string[]).includes(value)) {
      return t(`dataProtection.rectification.fields.${value}`)
    }
    return bounded(value)
  }

  const withMore = (shown: string[], more: number) =>
    shown.join(', ') + (more > 0 ? ` ${t('dataProtection.journal.more', { count: more })}` : '')

  const list = (key: string, items: unknown[]): string => {
    const shown = items.slice(0, DETAIL_MAX_ITEMS).map((item) => (isRecord(item) ? nested(item) : scalar(key, item)))
    const more = items.length - shown.length
    return withMore(shown, more)
  }

  // One level of « key : value »; what lies deeper shows as « … ».
  const nested = (object: Record<string, unknown>): string => {
    const entries = Object.entries(object).filter(([, value]) => isShown(value))
    const shown = entries
      .slice(0, DETAIL_MAX_ITEMS)
      .map(([key, value]) =>
        pair({ label: label(key), value: typeof value === 'object' && value !== null ? '…' : scalar(key, value) }),
      )
    const more = entries.length - shown.length
    return `(${withMore(shown, more)})`
  }

  const word = (key: string, value: unknown): DetailWord[] => {
    if (!isShown(value)) return []
    if (USED_FLAGS.has(key) && value === false) return []
    if (FLATTENED.has(key) && isRecord(value)) return Object.entries(value).flatMap(([inner, v]) => word(inner, v))
    if (Array.isArray(value)) return value.length === 0 ? [] : [{ label: label(key), value: list(key, value) }]
    if (isRecord(value)) return [{ label: label(key), value: nested(value) }]
    return [{ label: label(key), value: scalar(key, value) }]
  }

  return Object.entries(details).flatMap(([key, value]) => word(key, value))
}

/** The details on one line, « Tri : nom · Agence : NORD », French typography from the words. */
export function auditDetailsText(
  details: Record<string, unknown> | null | undefined,
  t: TFunction,
  locale: Locale,
): string {
  return auditDetailWords(details, t, locale)
    .map(({ label, value }) => t('dataProtection.journal.detail', { label, value }))
    .join(' · ')
}
