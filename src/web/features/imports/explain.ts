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

/** Why a file was refused, in plain words: the server's reason translated when we know it, else as written. */
export function explainRefusal(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'PAYLOAD_TOO_LARGE') return t('imports.refusals.tooLarge')
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
  const commune = /^no commune "(.*)" with postcode (\d+)$/.exec(reason)
  if (commune) return t('imports.noCommune', { city: commune[1], postcode: commune[2] })
  if (/[.:]/.test(reason)) return reason
  return t(`imports.reasons.${reason}`, { defaultValue: reason })
}
