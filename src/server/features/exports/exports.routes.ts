import { PassThrough, Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { stringify } from 'csv-stringify'
import type ExcelJSModule from 'exceljs'
import type { FastifyBaseLogger } from 'fastify'
import { Type } from 'typebox'
import type { Role } from '../../../shared/roles.js'
import { parseScope } from '../../../shared/stats.js'
import { type Db, openLongReader } from '../../db/database.js'
import type { Scope } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import {
  type Cell,
  COLUMNS,
  callCells,
  csvValue,
  DATASETS,
  type Dataset,
  decideExportAccess,
  type ExportFormat,
  exportFileName,
  FORMATS,
  isCalendarDay,
  parisDayRange,
  referralCells,
  unreachableCells,
  VIEWER_REFUSAL,
  xlsxValue,
} from './exports.format.js'
import * as exportsQueries from './exports.queries.js'

/** The longest period one export may cover, in days: a decade is already more than any campaign. */
const MAX_PERIOD_DAYS = 3660

function badParameter(field: string, value: unknown, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field}: ${message} (got "${String(value)}")`, [{ field, value, message }])
}

function rolesIn(scope: Scope, organizationId: string): Role[] {
  return scope.memberships.filter((m) => m.organizationId === organizationId).map((m) => m.role)
}

interface ResolvedExport {
  organizationIds: string[]
  campaignId?: string
  agencyId?: string
  /** Organisations whose referrals the user reads as a partner only (addressed to them, case hidden once over). */
  partnerOrganizationIds: Set<string>
  recipientOnly: boolean
  scopeLabel: string
  /** The organisation the audit row is filed under (none for the network). */
  auditOrganizationId: string | null
}

/** Resolves the scope parameter to what the user may read, or throws 400/403/404. */
async function resolveExport(
  db: Db,
  scope: Scope,
  dataset: Dataset,
  scopeParameter: string,
  agencyCode: string | undefined,
): Promise<ResolvedExport> {
  const parsed = parseScope(scopeParameter)
  if (!parsed) {
    throw badParameter('scope', scopeParameter, 'expected network, organization:<code> or campaign:<id>')
  }
  if (parsed.kind === 'network') {
    if (agencyCode !== undefined) {
      throw badParameter('agency', agencyCode, 'an agency narrows an organisation or a campaign, not the network')
    }
    const adminNetworks = [...new Set(scope.memberships.filter((m) => m.role === 'admin').map((m) => m.networkId))]
    if (adminNetworks.length === 0) {
      if (scope.memberships.every((m) => m.role === 'viewer')) throw new AppError('FORBIDDEN', VIEWER_REFUSAL)
      throw new AppError('FORBIDDEN', 'Exports of the whole network are for administrators')
    }
    return {
      organizationIds: await exportsQueries.listNetworkOrganizationIds(db, adminNetworks),
      partnerOrganizationIds: new Set(),
      recipientOnly: false,
      scopeLabel: 'reseau',
      auditOrganizationId: null,
    }
  }

  let organizationId: string
  let organizationCode: string
  let campaignId: string | undefined
  if (parsed.kind === 'organization') {
    const organization = await exportsQueries.findOrganizationByCode(db, parsed.code)
    // An organisation the user has no role in is answered exactly like one that does not exist.
    if (!organization || rolesIn(scope, organization.id).length === 0) {
      throw new AppError('NOT_FOUND', `No organisation "${parsed.code}" among yours`)
    }
    organizationId = organization.id
    organizationCode = organization.code
  } else {
    const campaign = await exportsQueries.findCampaignWithOrganization(db, parsed.id)
    if (!campaign || rolesIn(scope, campaign.organizationId).length === 0) {
      throw new AppError('NOT_FOUND', `No campaign "${parsed.id}" among yours`)
    }
    organizationId = campaign.organizationId
    organizationCode = campaign.organizationCode
    campaignId = campaign.id
  }
  const roles = rolesIn(scope, organizationId)
  const access = decideExportAccess(dataset, roles)
  if (!access.allowed) throw new AppError(access.status === 404 ? 'NOT_FOUND' : 'FORBIDDEN', access.message)
  if (campaignId && access.partnerOnly) {
    throw new AppError('FORBIDDEN', 'A partner exports the referrals addressed to their organisation, not a campaign')
  }
  let agencyId: string | undefined
  if (agencyCode !== undefined) {
    const agency = await exportsQueries.findAgency(db, organizationId, agencyCode)
    if (!agency) throw badParameter('agency', agencyCode, `no such agency in organisation ${organizationCode}`)
    agencyId = agency.id
  }
  return {
    organizationIds: [organizationId],
    campaignId,
    agencyId,
    partnerOrganizationIds: access.partnerOnly ? new Set([organizationId]) : new Set(),
    recipientOnly: access.partnerOnly,
    scopeLabel: campaignId
      ? `${organizationCode}_campagne-${campaignId.slice(0, 8)}`
      : `${organizationCode}${agencyCode ? `_${agencyCode}` : ''}`,
    auditOrganizationId: organizationId,
  }
}

function rowsOf(reader: Db, dataset: Dataset, resolved: ResolvedExport, start: string, end: string) {
  const filter = {
    organizationIds: resolved.organizationIds,
    campaignId: resolved.campaignId,
    agencyId: resolved.agencyId,
    start,
    end,
  }
  switch (dataset) {
    case 'calls':
      return mapRows(exportsQueries.streamCalls(reader, filter), callCells)
    case 'referrals':
      return mapRows(
        exportsQueries.streamReferrals(reader, { ...filter, recipientOnly: resolved.recipientOnly }),
        (row) => referralCells(row, resolved.partnerOrganizationIds),
      )
    case 'unreachable':
      return mapRows(exportsQueries.streamUnreachable(reader, filter), unreachableCells)
  }
}

/** Rows between two turns given back to the event loop, so a long export never starves other requests. */
const ROWS_PER_TURN = 1000

async function* mapRows<T>(rows: AsyncIterable<T>, toCells: (row: T) => Cell[]): AsyncGenerator<Cell[]> {
  let count = 0
  for await (const row of rows) {
    yield toCells(row)
    if (++count % ROWS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve))
  }
}

// exceljs (about 20 MB resident) is loaded with the first workbook, not with the server.
let exceljs: Promise<typeof ExcelJSModule> | undefined
const loadExcel = () => {
  exceljs ??= import('exceljs').then((module) => module.default)
  return exceljs
}

/** Writes a streamed sheet, waiting whenever the client reads slower than the database gives rows. */
async function writeWorkbook(
  output: PassThrough,
  dataset: Dataset,
  rows: AsyncIterable<Cell[]>,
  log: FastifyBaseLogger,
): Promise<void> {
  const ExcelJS = await loadExcel()
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false })
  const names: Record<Dataset, string> = { calls: 'Appels', referrals: 'Orientations', unreachable: 'Injoignables' }
  const columns = COLUMNS[dataset]
  const sheet = workbook.addWorksheet(names[dataset], { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = columns.map((column) => ({
    header: column.header,
    width: column.width,
    style: column.kind === 'datetime' ? { numFmt: 'dd/mm/yyyy hh:mm' } : {},
  }))
  sheet.getRow(1).font = { bold: true }
  sheet.getRow(1).commit()
  for await (const cells of rows) {
    if (output.destroyed) throw new Error('the client closed the download')
    sheet.addRow(cells.map(xlsxValue)).commit()
    if (output.writableNeedDrain) await new Promise((resolve) => output.once('drain', resolve))
  }
  sheet.commit()
  await workbook.commit()
  log.debug({ dataset }, 'export workbook written')
}

export const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  app.get(
    '/exports/:dataset.:format',
    {
      config: { access: 'export.download' },
      schema: {
        tags: ['exports'],
        description:
          'Calls, referrals or unreachable households of a scope and a period (Europe/Paris days, both inclusive), ' +
          'as CSV (UTF-8 with BOM, `;`, CRLF) or XLSX. Streamed; audited.',
        params: Type.Object({ dataset: Type.String(), format: Type.String() }),
        querystring: Type.Object({
          scope: Type.String({ maxLength: 100 }),
          from: Type.String({ maxLength: 20 }),
          to: Type.String({ maxLength: 20 }),
          agency: Type.Optional(Type.String({ maxLength: 64 })),
        }),
      },
    },
    async (request, reply) => {
      const scope = request.scope
      // Role gates first: callers and viewers never export, whatever the parameters.
      const roles = new Set(scope.memberships.map((m) => m.role))
      if (![...roles].some((role) => ['admin', 'manager', 'social_worker', 'partner'].includes(role))) {
        if (roles.has('viewer')) throw new AppError('FORBIDDEN', VIEWER_REFUSAL)
        throw new AppError('FORBIDDEN', 'Exports need the role admin, manager, social_worker or partner')
      }
      const { dataset, format } = request.params
      if (!(DATASETS as readonly string[]).includes(dataset)) {
        throw badParameter('dataset', dataset, `expected one of ${DATASETS.join(', ')}`)
      }
      if (!(FORMATS as readonly string[]).includes(format)) {
        throw badParameter('format', format, `expected one of ${FORMATS.join(', ')}`)
      }
      const { from, to, agency } = request.query
      if (!isCalendarDay(from)) throw badParameter('from', from, 'expected a day YYYY-MM-DD')
      if (!isCalendarDay(to)) throw badParameter('to', to, 'expected a day YYYY-MM-DD')
      if (to < from) throw badParameter('to', to, `the period ends before it starts (from ${from})`)
      const { start, end } = parisDayRange(from, to)
      if (Date.parse(end) - Date.parse(start) > MAX_PERIOD_DAYS * 86_400_000) {
        throw badParameter('to', to, `a period covers at most ${MAX_PERIOD_DAYS} days`)
      }

      const resolved = await resolveExport(db, scope, dataset as Dataset, request.query.scope, agency)
      const fileName = exportFileName(dataset as Dataset, resolved.scopeLabel, from, to, format as ExportFormat)

      const { reader, close } = openLongReader(db)
      let rowCount = 0
      let isComplete = false
      const user = request.user!
      async function* counted(): AsyncGenerator<Cell[]> {
        try {
          for await (const cells of rowsOf(reader, dataset as Dataset, resolved, start, end)) {
            rowCount++
            yield cells
          }
          isComplete = true
        } finally {
          // The read is over (or the client left): release the connection, then log who took what — never the rows.
          await close()
          await recordAuditEvent(db, {
            actorUserId: user.id,
            organizationId: resolved.auditOrganizationId,
            action: 'export.download',
            entityType: 'export',
            entityId: dataset,
            ip: request.ip,
            details: {
              dataset,
              format,
              scope: request.query.scope,
              agency: agency ?? null,
              from,
              to,
              rows: rowCount,
              complete: isComplete,
            },
          })
        }
      }

      reply
        .header('Content-Disposition', `attachment; filename="${fileName}"`)
        .header('Cache-Control', 'no-store')
        .header('X-Content-Type-Options', 'nosniff')

      if (format === 'csv') {
        const header = COLUMNS[dataset as Dataset].map((column) => column.header)
        const lines = Readable.from(
          (async function* () {
            yield header
            for await (const cells of counted())
              yield cells.map((cell) => (typeof cell === 'number' ? cell : csvValue(cell)))
          })(),
        )
        const csv = stringify({ delimiter: ';', record_delimiter: '\r\n', bom: true, escape_formulas: true })
        pipeline(lines, csv).catch((error) => request.log.warn({ err: error }, 'export stopped'))
        return reply.type('text/csv; charset=utf-8').send(csv)
      }

      const output = new PassThrough()
      writeWorkbook(output, dataset as Dataset, counted(), request.log).then(
        () => output.end(),
        (error) => {
          request.log.warn({ err: error }, 'export stopped')
          output.destroy(error)
        },
      )
      return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(output)
    },
  )
}
