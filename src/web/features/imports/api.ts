import type { ImportField, Mapping } from '../../../shared/import-fields.js'
import { ApiError, api } from '../../api/client.js'

export interface Preview {
  uploadId: string
  fileName: string
  format: 'csv' | 'xlsx'
  encoding: 'utf-8' | 'windows-1252' | null
  separator: string | null
  headers: string[]
  rowCount: number
  preview: { line: number; cells: string[] }[]
  mapping: Mapping
  unmapped: string[]
  ignoredSensitive: string[]
  fields: ImportField[]
  aliases: Record<ImportField, string[]>
}

export interface ImportReport {
  rows: number
  households: { created: number; updated: number; unchanged: number; left: number }
  rejected: { line: number; reason: string }[]
  warnings: { line: number; column: string; value: string; message: string }[]
  warningsTotal: number
}

export interface ImportRun {
  id: string
  status: 'running' | 'done' | 'failed'
  fileName: string
  isSnapshot: boolean
  isDryRun: boolean
  rowsTotal: number
  rowsDone: number
  report: ImportReport | null
  error: string | null
}

export interface SavedMapping {
  name: string
  columns: Record<string, string>
}

/** POSTs a multipart form; errors are mapped to ApiError exactly as `api()` does for JSON. */
async function postForm<T>(path: string, form: FormData): Promise<T> {
  let response: Response
  try {
    response = await fetch(`/api${path}`, { method: 'POST', credentials: 'same-origin', body: form })
  } catch {
    throw new ApiError(0, 'NETWORK', 'network')
  }
  const text = await response.text()
  let body: { error?: { code: string; message: string; details?: unknown } } | undefined
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    body = undefined
  }
  if (!response.ok) {
    const error = body?.error ?? { code: 'INTERNAL', message: response.statusText }
    throw new ApiError(response.status, error.code, error.message, error.details)
  }
  return body as T
}

export function previewFile(file: File) {
  const form = new FormData()
  form.append('file', file, file.name)
  return postForm<Preview>('/imports/preview', form)
}

export function startImport(input: {
  uploadId: string
  fileName: string
  organization: string
  mapping: Mapping
  saveMappingAs?: string
  snapshot: boolean
  dryRun: boolean
}) {
  const form = new FormData()
  form.append('uploadId', input.uploadId)
  form.append('fileName', input.fileName)
  form.append('organization', input.organization)
  form.append('mapping', JSON.stringify(input.mapping))
  if (input.saveMappingAs?.trim()) form.append('saveMappingAs', input.saveMappingAs.trim())
  if (input.snapshot) form.append('snapshot', 'true')
  if (input.dryRun) form.append('dryRun', 'true')
  return postForm<{ import: ImportRun }>('/imports', form)
}

export function getImport(id: string) {
  return api<{ import: ImportRun }>(`/imports/${encodeURIComponent(id)}`)
}

export function listMappings(organization: string) {
  return api<{ items: SavedMapping[] }>(`/import-mappings?organization=${encodeURIComponent(organization)}`)
}
