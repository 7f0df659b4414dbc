import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { type ImportReport, type ImportRun, importsContract } from '../../../shared/contracts/imports.js'
import { IMPORT_FIELDS, type ImportStatus, isImportField, type Mapping } from '../../../shared/import-fields.js'
import type { Db } from '../../db/database.js'
import { nowTimestamp } from '../../db/time.js'
import type { Scope } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { currentUser } from '../../policy/policy.hook.js'
import { may, organizationsWhere } from '../../policy/policy.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { findOrganizationByCode } from '../organizations/organizations.queries.js'
import { autoMap, checkMapping, HEADER_ALIASES, MappingError, mappingFromNamed } from './imports.columns.js'
import * as imports from './imports.queries.js'
import { FileRefusedError, openTable } from './imports.reader.js'
import { runImport } from './imports.service.js'

const UPLOADS = join(tmpdir(), 'allervers-uploads')

async function resolveOrganization(db: Db, scope: Scope, code: string) {
  const organization = code ? await findOrganizationByCode(db, code) : undefined
  if (!organization || !may(scope, 'import.run', organization.id)) {
    throw new AppError('VALIDATION_FAILED', `You do not manage an organisation with code "${code}"`, {
      field: 'organization',
      value: code,
    })
  }
  return organization
}

interface Upload {
  id: string
  path: string
  fileName: string
}

/** The file part of each multipart request, once written to a temporary upload (see `receiveForm`). */
const uploadedFiles = new WeakMap<FastifyRequest, Upload>()

/**
 * Reads a multipart request before validation (a route's preValidation hook): the file goes to a temporary upload,
 * the other parts become the body, which the contract's form schema then validates like any JSON body.
 */
async function receiveForm(request: FastifyRequest) {
  await mkdir(UPLOADS, { recursive: true })
  const fields: Record<string, string> = {}
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const id = randomUUID()
      const path = join(UPLOADS, id)
      await pipeline(part.file, createWriteStream(path))
      if (part.file.truncated) throw new AppError('PAYLOAD_TOO_LARGE', 'The file is larger than the 200 MB accepted')
      uploadedFiles.set(request, { id, path, fileName: part.filename })
    } else fields[part.fieldname] = String(part.value)
  }
  request.body = fields
}

/** The file of the request, or the earlier upload its `uploadId` names (its form is checked against the contract). */
function uploadOf(request: FastifyRequest, form: { uploadId?: string; fileName?: string }): Upload {
  const upload = uploadedFiles.get(request)
  if (upload) return upload
  if (form.uploadId) {
    return { id: form.uploadId, path: join(UPLOADS, form.uploadId), fileName: form.fileName ?? 'import' }
  }
  throw new AppError('VALIDATION_FAILED', 'Send the file in a part named "file"', { field: 'file' })
}

async function openOrRefuse(path: string) {
  try {
    return await openTable(path)
  } catch (error) {
    if (error instanceof FileRefusedError) throw new AppError('UNPROCESSABLE', error.message, { field: 'file' })
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new AppError('NOT_FOUND', 'This upload is no longer available')
    throw error
  }
}

/** A run as the contract gives it. The stored report also holds the headers and the rejected rows whole (for the CSV). */
function presentRun(run: NonNullable<Awaited<ReturnType<typeof imports.findImportRun>>>): ImportRun {
  const report = run.report ? (JSON.parse(run.report) as ImportReport & { rejectedRows?: unknown }) : null
  if (report) delete report.rejectedRows
  return {
    id: run.id,
    status: run.status as ImportStatus,
    fileName: run.fileName,
    isSnapshot: run.isSnapshot === 1,
    isDryRun: run.isDryRun === 1,
    rowsTotal: run.rowsTotal,
    rowsDone: run.rowsDone,
    report,
    error: run.error,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
  }
}

export const importRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  app.route({
    ...importsContract.preview,
    config: { access: 'import.run' },
    preValidation: receiveForm,
    handler: async (request) => {
      const upload = uploadOf(request, {})
      const table = await openOrRefuse(upload.path)
      const { mapping, unmapped, ignoredSensitive } = autoMap(table.headers)
      return {
        uploadId: upload.id,
        fileName: upload.fileName,
        format: table.format,
        encoding: table.encoding,
        separator: table.separator,
        headers: table.headers,
        rowCount: table.rowCount,
        preview: table.preview.slice(0, 10),
        mapping,
        unmapped,
        ignoredSensitive,
        fields: [...IMPORT_FIELDS],
        aliases: HEADER_ALIASES,
      }
    },
  })

  app.route({
    ...importsContract.start,
    config: { access: 'import.run' },
    preValidation: receiveForm,
    handler: async (request, reply) => {
      const form = request.body
      const upload = uploadOf(request, form)
      const user = currentUser(request)
      const organization = await resolveOrganization(db, request.scope, form.organization)
      const table = await openOrRefuse(upload.path)
      let mapping: Mapping
      try {
        if (form.mapping) {
          const parsed = JSON.parse(form.mapping) as unknown
          if (!Array.isArray(parsed) || parsed.length !== table.headers.length) {
            throw new MappingError(
              `"mapping" must list one field (or null) for each of the ${table.headers.length} columns`,
            )
          }
          for (const field of parsed) {
            if (field !== null && !isImportField(field)) throw new MappingError(`Unknown field "${field}"`)
          }
          mapping = parsed as Mapping
        } else if (form.mappingName) {
          const saved = await imports.findMapping(db, organization.id, form.mappingName)
          if (!saved) throw new MappingError(`No saved mapping named "${form.mappingName}"`)
          mapping = mappingFromNamed(table.headers, JSON.parse(saved.columns))
        } else mapping = autoMap(table.headers).mapping
        checkMapping(mapping, table.headers)
      } catch (error) {
        if (error instanceof MappingError || error instanceof SyntaxError) {
          throw new AppError('VALIDATION_FAILED', error.message, { field: 'mapping' })
        }
        throw error
      }
      if (form.saveMappingAs?.trim()) {
        const columns = Object.fromEntries(
          mapping.flatMap((field, index) => (field ? [[table.headers[index], field]] : [])),
        )
        await imports.saveMapping(
          db,
          { organizationId: organization.id, name: form.saveMappingAs.trim(), columns },
          nowTimestamp(),
        )
      }
      const run = await imports.insertImportRun(db, {
        id: randomUUID(),
        organizationId: organization.id,
        createdBy: user.id,
        fileName: upload.fileName,
        status: 'running',
        isSnapshot: form.snapshot === 'true' ? 1 : 0,
        isDryRun: form.dryRun === 'true' ? 1 : 0,
        rowsTotal: table.rowCount,
        rowsDone: 0,
        report: null,
        error: null,
        createdAt: nowTimestamp(),
        finishedAt: null,
      })
      await recordAuditEvent(db, {
        actorUserId: user.id,
        organizationId: organization.id,
        action: 'import.start',
        entityType: 'import',
        entityId: run.id,
        ip: request.ip,
      })
      // The import goes on after the answer; the page follows it through GET /api/imports/:id.
      let lastProgress = 0
      const rejectedRows: { line: number; reason: string; cells: string[] }[] = []
      void runImport(db, {
        importId: run.id,
        organizationId: organization.id,
        actorUserId: user.id,
        table,
        mapping,
        snapshot: run.isSnapshot === 1,
        dryRun: run.isDryRun === 1,
        onRejected: (line, cells, reason) => rejectedRows.push({ line, reason, cells }),
        onProgress: (done) => {
          if (Date.now() - lastProgress < 500) return
          lastProgress = Date.now()
          void imports.updateImportRun(db, run.id, { rowsDone: done }).catch(() => {})
        },
      })
        .then(async (report) => {
          await imports.updateImportRun(db, run.id, {
            status: 'done',
            rowsDone: report.rows,
            report: JSON.stringify({ ...report, headers: table.headers, rejectedRows }),
            finishedAt: nowTimestamp(),
          })
        })
        .catch(async (error) => {
          request.log.error({ err: error }, 'import failed')
          await imports.updateImportRun(db, run.id, {
            status: 'failed',
            error: 'The import stopped on an unexpected error; it can be run again safely',
            finishedAt: nowTimestamp(),
          })
        })
        .finally(() => rm(upload.path, { force: true }))
      return reply.status(202).send({ import: presentRun(run) })
    },
  })

  app.route({
    ...importsContract.read,
    config: { access: 'import.run' },
    handler: async (request) => {
      const run = await imports.findImportRun(db, organizationsWhere(request.scope, 'import.run'), request.params.id)
      if (!run) throw new AppError('NOT_FOUND', 'No such import')
      return { import: presentRun(run) }
    },
  })

  app.route({
    ...importsContract.rejectedRows,
    config: { access: 'import.run' },
    handler: async (request, reply) => {
      const run = await imports.findImportRun(db, organizationsWhere(request.scope, 'import.run'), request.params.id)
      if (!run?.report) throw new AppError('NOT_FOUND', 'No finished import with this id')
      const report = JSON.parse(run.report) as {
        headers: string[]
        rejectedRows: { line: number; reason: string; cells: string[] }[]
      }
      const quote = (value: string) => (/[;"\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value)
      const lines = [
        ['Ligne', 'Motif', ...report.headers].map(quote).join(';'),
        ...report.rejectedRows.map((row) => [String(row.line), row.reason, ...row.cells].map(quote).join(';')),
      ]
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="lignes-rejetees-${run.id.slice(0, 8)}.csv"`)
        .send(`\uFEFF${lines.join('\r\n')}\r\n`)
    },
  })

  app.route({
    ...importsContract.mappings,
    config: { access: 'import.run' },
    handler: async (request) => {
      const organization = await resolveOrganization(db, request.scope, request.query.organization)
      const rows = await imports.listMappings(db, organization.id)
      return { items: rows.map((row) => ({ name: row.name, columns: JSON.parse(row.columns) })) }
    },
  })
}
