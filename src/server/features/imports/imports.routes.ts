import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { type ImportReport, type ImportRun, importsContract } from '../../../shared/contracts/imports.js'
import { IMPORT_FIELDS, type ImportStatus, isImportField, type Mapping } from '../../../shared/import-fields.js'
import type { Db } from '../../db/database.js'
import { nowTimestamp } from '../../db/time.js'
import { csvText } from '../../files/csv.js'
import { LIMIT_SETTINGS } from '../../files/limits.js'
import { type Upload, type UploadOwner, UploadStore, UploadTooLargeError } from '../../files/uploads.js'
import type { Scope } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { currentUser } from '../../policy/policy.hook.js'
import { may, organizationsWhere } from '../../policy/policy.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { findOrganizationByCode } from '../organizations/organizations.queries.js'
import { autoMap, checkMapping, HEADER_ALIASES, MappingError, mappingFromNamed } from './imports.columns.js'
import * as imports from './imports.queries.js'
import { FileRefusedError, type OpenedTable } from './imports.reader.js'
import { openTableInWorker, type ReaderOptions, ReaderSlots, ReadersBusyError } from './imports.reading.js'
import { runImport } from './imports.service.js'

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

/** The upload a request's file part was written to, and whether it outlives the request (see `discardUnkept`). */
interface Received {
  upload: Upload
  /** The preview answered with its id, or an import took it: not deleted when the request ends. */
  keep: boolean
  /** The request ended (answered, or the client went away) without keeping it: deleted. */
  discarded: boolean
}

/** A file refused while read (a limit crossed, damage): 422 with the reason, and the limit in `details`. */
function refusal(error: unknown): never {
  if (error instanceof ReadersBusyError) {
    throw new AppError('SERVICE_UNAVAILABLE', 'Too many files are being read right now; please try again in a minute')
  }
  if (error instanceof FileRefusedError) {
    throw new AppError('UNPROCESSABLE', error.message, { field: 'file', ...error.limit })
  }
  if ((error as NodeJS.ErrnoException).code === 'ENOENT')
    throw new AppError('NOT_FOUND', 'This upload is no longer available')
  throw error
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
  const settings = app.config.imports
  const reader: ReaderOptions = {
    limits: settings.limits,
    memoryMb: settings.readerMemoryMb,
    seconds: settings.readerSeconds,
    slots: new ReaderSlots(settings.readers),
  }
  const uploads = new UploadStore(app.config.dataDir, {
    maxBytes: settings.uploadMaxBytes,
    maxAgeMs: settings.uploadHours * 3600_000,
  })
  // At start: the folder private again, and what stopped server processes left behind deleted.
  await uploads.prepare()
  const sweeper = setInterval(
    () => void uploads.sweep().catch((error) => app.log.warn({ err: error }, 'uploads: sweep failed')),
    Math.min(15 * 60_000, (settings.uploadHours * 3600_000) / 4),
  )
  sweeper.unref()
  app.addHook('onClose', async () => {
    clearInterval(sweeper)
    await uploads.removeOwn()
  })

  const received = new WeakMap<FastifyRequest, Received>()

  /**
   * Reads a multipart request before validation (a route's preValidation hook): the file goes to the private upload
   * folder, bound to the user; the other parts become the body, which the contract's form schema then validates like
   * any JSON body. A file over the size limit, or cut short by the client, is deleted at once.
   */
  async function receiveForm(request: FastifyRequest) {
    const owner: UploadOwner = { userId: currentUser(request).id, organizationId: null }
    const fields: Record<string, string> = {}
    try {
      const parts = request.parts({
        limits: { fileSize: settings.uploadMaxBytes, files: 1, fields: 20, fieldSize: 1024 * 1024 },
      })
      for await (const part of parts) {
        if (part.type === 'file') {
          // The name as the user knows it: no folders (some browsers send them), bounded like the contract's.
          const fileName = (part.filename ?? '').split(/[/\\]/).pop()?.slice(0, 255) || 'import'
          const upload = await uploads.receive(part.file, fileName, owner)
          received.set(request, { upload, keep: false, discarded: false })
        } else fields[part.fieldname] = String(part.value)
      }
    } catch (error) {
      await discardUnkept(request)
      if (error instanceof UploadTooLargeError) {
        throw new AppError('PAYLOAD_TOO_LARGE', error.message, {
          field: 'file',
          limit: 'fileBytes',
          max: error.maxBytes,
          setting: LIMIT_SETTINGS.fileBytes,
        })
      }
      throw error
    }
    request.body = fields
  }

  /** When a request ends: the upload it received is deleted unless the preview or the import kept it. */
  async function discardUnkept(request: FastifyRequest) {
    const entry = received.get(request)
    if (!entry || entry.keep || entry.discarded) return
    entry.discarded = true
    await uploads.remove(entry.upload.id)
  }
  const uploadHooks = {
    preValidation: receiveForm,
    onResponse: async (request: FastifyRequest, _reply: FastifyReply) => discardUnkept(request),
    onRequestAbort: async (request: FastifyRequest) => discardUnkept(request),
  }

  const readTable = (upload: Upload) => openTableInWorker(upload.path, reader).catch(refusal)

  app.route({
    ...importsContract.preview,
    config: { access: 'import.run' },
    ...uploadHooks,
    handler: async (request) => {
      const user = currentUser(request)
      const entry = received.get(request)
      if (!entry) throw new AppError('VALIDATION_FAILED', 'Send the file in a part named "file"', { field: 'file' })
      const { upload } = entry
      // The upload is for the organisation the form names, or the only one the user imports for.
      const named = request.body.organization
      const organizationId = named
        ? (await resolveOrganization(db, request.scope, named)).id
        : (() => {
            const ids = organizationsWhere(request.scope, 'import.run')
            return ids.length === 1 ? ids[0] : null
          })()
      if (organizationId) await uploads.bind(upload.id, organizationId)
      const audit = (details: Record<string, unknown>) =>
        recordAuditEvent(db, {
          actorUserId: user.id,
          organizationId,
          action: 'import.preview',
          entityType: 'upload',
          entityId: upload.id,
          ip: request.ip,
          details,
        })
      let table: OpenedTable
      try {
        table = await readTable(upload)
      } catch (error) {
        // A refused file was read too: who tried, and which limit stopped it (never its name or content).
        if (error instanceof AppError && error.code === 'UNPROCESSABLE') {
          const limit = (error.details as { limit?: string } | undefined)?.limit
          await audit({ refused: limit ?? 'unreadable' })
        }
        throw error
      }
      await table.close()
      if (entry.discarded) throw new AppError('NOT_FOUND', 'This upload is no longer available')
      entry.keep = true
      await audit({ format: table.format, rows: table.rowCount, columns: table.headers.length })
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
    ...uploadHooks,
    handler: async (request, reply) => {
      const form = request.body
      const user = currentUser(request)
      const organization = await resolveOrganization(db, request.scope, form.organization)
      const entry = received.get(request)
      let upload: Upload
      if (entry) upload = entry.upload
      else if (form.uploadId) {
        // Someone else's upload, or one made for another organisation, is as unknown as one that never was.
        const found = await uploads.find(form.uploadId, { userId: user.id, organizationId: organization.id })
        if (!found) throw new AppError('NOT_FOUND', 'This upload is no longer available')
        upload = found
      } else throw new AppError('VALIDATION_FAILED', 'Send the file in a part named "file"', { field: 'file' })
      let table: OpenedTable
      try {
        table = await readTable(upload)
      } catch (error) {
        // A refused file is deleted (a fresh one when the request ends, an earlier upload here).
        if (error instanceof AppError && error.code === 'UNPROCESSABLE') await uploads.remove(upload.id)
        throw error
      }
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
        await table.close()
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
      // From here the import owns the upload: deleted when it ends, whatever the outcome.
      if (entry) entry.keep = true
      uploads.claim(upload.id)
      const finish = async () => {
        await table.close()
        await uploads.remove(upload.id)
      }
      let run: Awaited<ReturnType<typeof imports.insertImportRun>>
      try {
        run = await imports.insertImportRun(db, {
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
      } catch (error) {
        await finish()
        throw error
      }
      // The import goes on after the answer; the page follows it through GET /api/imports/:id.
      let lastProgress = 0
      // Progress writes go one after the other, and the last word (done, failed) waits for them: a late progress
      // write would otherwise land after it and put back a smaller count.
      let progressWritten: Promise<unknown> = Promise.resolve()
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
          progressWritten = progressWritten
            .then(() => imports.updateImportRun(db, run.id, { rowsDone: done }))
            .catch(() => {})
        },
      })
        .then(async (report) => {
          await progressWritten
          await imports.updateImportRun(db, run.id, {
            status: 'done',
            rowsDone: report.rows,
            report: JSON.stringify({ ...report, headers: table.headers, rejectedRows }),
            finishedAt: nowTimestamp(),
          })
        })
        .catch(async (error) => {
          request.log.error({ err: error }, 'import failed')
          await progressWritten
          await imports.updateImportRun(db, run.id, {
            status: 'failed',
            // A limit the reading crossed half-way (its time, its memory) is said as such; anything else is ours.
            error:
              error instanceof FileRefusedError
                ? error.message
                : 'The import stopped on an unexpected error; it can be run again safely',
            finishedAt: nowTimestamp(),
          })
        })
        .catch((error) => request.log.error({ err: error }, 'import: could not record the failure'))
        .finally(finish)
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
      // Tenants' cells, whole: read like any tenant data (who, which import, how many rows; never a cell).
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        organizationId: run.organizationId,
        action: 'import.rejected_read',
        entityType: 'import',
        entityId: run.id,
        ip: request.ip,
        details: { rows: report.rejectedRows.length },
      })
      // Cells such as =HYPERLINK(…) are written as text (csv.ts), never as formulas a spreadsheet would run.
      const csv = csvText([
        ['Ligne', 'Motif', ...report.headers],
        ...report.rejectedRows.map((row) => [String(row.line), row.reason, ...row.cells]),
      ])
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="lignes-rejetees-${run.id.slice(0, 8)}.csv"`)
        .send(csv)
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
