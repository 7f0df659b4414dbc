import type { TFunction } from 'i18next'
import { ApiError } from '../../api/client.js'
import { describeError } from '../../components/errors.js'

const REFUSALS: [RegExp, string][] = [
  [/^Line (\d+): a quote/, 'quote'],
  [/^Line 1: no column separator/, 'noSeparator'],
  [/^The file is empty/, 'empty'],
  [/^This looks like an Excel workbook/, 'badWorkbook'],
  [/^The workbook’s first sheet is empty/, 'emptySheet'],
  [/header (row|line) but no data rows/, 'noRows'],
  [/^This is not a text table/, 'binary'],
]

const LIMITS = new Set([
  'maxUncompressedBytes',
  'maxRows',
  'maxColumns',
  'maxCells',
  'maxSharedStrings',
  'cellBytes',
  'memoryMb',
  'seconds',
])
const MB = 1024 * 1024

/** The column letters Excel shows for a column number (16384 → XFD). */
function columnName(column: number): string {
  let name = ''
  for (let rest = column; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    name = String.fromCharCode(65 + ((rest - 1) % 26)) + name
  }
  return name
}

/** A limit the file crossed (`details` of a 413 or 422: limit, max, found), in the reader's words. */
function explainLimit(t: TFunction, details: unknown): string | null {
  const { limit, max, found } = (details ?? {}) as { limit?: string; max?: number; found?: number }
  if (typeof limit !== 'string' || typeof max !== 'number') return null
  const count = (value: number) => value.toLocaleString('fr-FR')
  if (limit === 'fileBytes') return t('imports.refusals.tooLarge', { max: count(Math.round(max / MB)) })
  if (limit === 'lineBytes') return t('imports.refusals.lineTooLong')
  if (!LIMITS.has(limit)) return null
  return t(`imports.refusals.limits.${limit}`, {
    max: count(limit === 'maxUncompressedBytes' ? Math.round(max / MB) : max),
    found: limit === 'maxColumns' && typeof found === 'number' ? columnName(found) : found,
  })
}

/** Why a file was refused, in plain words: the server's reason translated when we know it, else as written. */
export function explainRefusal(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'PAYLOAD_TOO_LARGE') {
      return explainLimit(t, error.details) ?? t('imports.refusals.tooLarge', { max: '200' })
    }
    if (error.code === 'UNPROCESSABLE') {
      const limit = explainLimit(t, error.details)
      if (limit) return limit
    }
    if (error.code === 'UNPROCESSABLE' || error.code === 'VALIDATION_FAILED') {
      for (const [pattern, key] of REFUSALS) {
        const match = pattern.exec(error.message)
        if (match) return t(`imports.refusals.${key}`, { line: match[1] })
      }
      return error.message
    }
  }
  return describeError(t, error)
}

/** A row's rejection reason or a value's warning, translated when it is one of the server's known phrases. */
export function explainReason(t: TFunction, reason: string): string {
  const commune = noCommuneOf(reason)
  if (commune) return t('imports.noCommune', commune)
  const replaced = /^not the commune of postcode (\d+); recorded as (.*)$/.exec(reason)
  if (replaced) return t('imports.notTheCommune', { postcode: replaced[1], city: replaced[2] })
  const several = /^no commune given, and postcode (\d+) has several \((.*)\)$/.exec(reason)
  if (several) return t('imports.severalCommunes', { postcode: several[1], communes: several[2] })
  const padded = /^not a postcode: 4 digits, and (\d+) is not a known postcode$/.exec(reason)
  if (padded) return t('imports.fourDigits', { padded: padded[1] })
  if (/[.:]/.test(reason)) return reason
  return t(`imports.reasons.${reason}`, { defaultValue: reason })
}

/** The town and postcode of the server's "no commune "X" with postcode N" (imports.communes.ts), or undefined. */
export function noCommuneOf(message: string): { city: string; postcode: string } | undefined {
  const found = /^no commune "(.*)" with postcode (\d+)$/.exec(message)
  return found ? { city: found[1], postcode: found[2] } : undefined
}
