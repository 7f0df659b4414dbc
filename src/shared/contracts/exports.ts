/**
 * Exports: `GET /exports/<dataset>.<format>`, rows of a scope and a period as CSV or XLSX. Same query as the review
 * (`ScopeQuerySchema`: one scope grammar, one resolver on the server).
 */
import { Type } from 'typebox'
import { fileResponse } from './common.js'
import { route } from './route.js'
import { ScopeQuerySchema } from './stats.js'

export const DATASETS = ['calls', 'referrals', 'unreachable'] as const
export type Dataset = (typeof DATASETS)[number]
export const FORMATS = ['csv', 'xlsx'] as const
export type ExportFormat = (typeof FORMATS)[number]

export function isDataset(value: string): value is Dataset {
  return (DATASETS as readonly string[]).includes(value)
}

export function isFormat(value: string): value is ExportFormat {
  return (FORMATS as readonly string[]).includes(value)
}

export const MEDIA_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

export const exportsContract = {
  download: route('GET', '/exports/:dataset.:format', {
    tags: ['exports'],
    description:
      'Calls, referrals or unreachable households of a scope and a period (Europe/Paris days, both inclusive), ' +
      'as CSV (UTF-8 with BOM, `;`, CRLF) or XLSX. Streamed; audited.',
    // Checked by the route, which answers 400 naming the parameter and the value it got.
    params: Type.Object({
      dataset: Type.String({ maxLength: 40, description: DATASETS.join(', ') }),
      format: Type.String({ maxLength: 10, description: FORMATS.join(', ') }),
    }),
    querystring: ScopeQuerySchema,
    response: { 200: fileResponse('The rows, as an attachment', Object.values(MEDIA_TYPES)) },
  }),
}
