import type { Static, TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { importsContract, type StartForm } from '../../../shared/contracts/imports.js'
import type { Mapping } from '../../../shared/import-fields.js'
import { ApiError, call, urlOf } from '../../api/client.js'

/**
 * POSTs a multipart form (the typed client sends JSON only): errors become ApiError and the answer is checked against
 * the contract's response schema, as `call()` does.
 */
async function postForm<S extends TSchema>(url: string, form: FormData, schema: S): Promise<Static<S>> {
  let response: Response
  try {
    response = await fetch(url, { method: 'POST', credentials: 'same-origin', body: form })
  } catch {
    throw new ApiError(0, 'NETWORK', 'network')
  }
  const text = await response.text()
  let body: unknown
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    body = undefined
  }
  if (!response.ok) {
    const error = (body as { error?: { code: string; message: string; details?: unknown } } | undefined)?.error ?? {
      code: 'INTERNAL',
      message: response.statusText,
    }
    throw new ApiError(response.status, error.code, error.message, error.details)
  }
  if (!Value.Check(schema, body)) {
    throw new ApiError(response.status, 'UNEXPECTED_RESPONSE', `The answer of POST ${url} does not match its contract`)
  }
  return body as Static<S>
}

/** Reads a file for the organisation it is for: its upload can then be imported for that organisation only. */
export function previewFile({ file, organization }: { file: File; organization: string }) {
  const form = new FormData()
  form.append('organization', organization)
  form.append('file', file, file.name)
  const { preview } = importsContract
  return postForm(urlOf(preview), form, preview.schema.response[200])
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
  const fields: StartForm = {
    uploadId: input.uploadId,
    fileName: input.fileName,
    organization: input.organization,
    mapping: JSON.stringify(input.mapping),
    saveMappingAs: input.saveMappingAs?.trim() || undefined,
    snapshot: input.snapshot ? 'true' : undefined,
    dryRun: input.dryRun ? 'true' : undefined,
  }
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.append(name, value)
  const { start } = importsContract
  return postForm(urlOf(start), form, start.schema.response[202])
}

export function getImport(id: string) {
  return call(importsContract.read, { params: { id } })
}

export function listMappings(organization: string) {
  return call(importsContract.mappings, { query: { organization } })
}

/** The link to a finished import's rejected rows (CSV). */
export function rejectedRowsUrl(id: string) {
  return urlOf(importsContract.rejectedRows, { params: { id } })
}
