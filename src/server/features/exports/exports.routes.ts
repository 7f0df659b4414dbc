import { PassThrough, Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  DATASETS,
  type Dataset,
  type ExportFormat,
  exportsContract,
  FORMATS,
  isDataset,
  isFormat,
  MEDIA_TYPES,
} from '../../../shared/contracts/exports.js'
import { type Db, openLongReader } from '../../db/database.js'
import { csvStream } from '../../files/csv.js'
import type { Scope } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { currentScope, currentUser } from '../../policy/policy.hook.js'
import { may, networksWhere } from '../../policy/policy.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { listNetworkOrganizations } from '../stats/stats.queries.js'
import { badParameter, periodOf, resolveScope } from '../stats/stats.scope.js'
import { decideExportAccess, EXPORT_ACTIONS, exportingRoles, VIEWER_REFUSAL } from './exports.access.js'
import {
  type Cell,
  COLUMNS,
  callCells,
  csvValue,
  exportFileName,
  referralCells,
  unreachableCells,
} from './exports.format.js'
import * as exportsQueries from './exports.queries.js'
import { writeWorkbook } from './exports.xlsx.js'

/** A stream sent as the file the contract documents (`fileResponse`): streams are never serialised by a schema. */
const asFile = (stream: NodeJS.ReadableStream) => stream as unknown as string

/** The longest period one export may cover, in days: a decade is already more than any campaign. */
const MAX_PERIOD_DAYS = 3660

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

/** Resolves the scope (the review's one resolver) to what the user may export, or throws 400/403/404. */
async function resolveExport(
  db: Db,
  user: Scope,
  dataset: Dataset,
  query: { scope: string; agency?: string },
): Promise<ResolvedExport> {
  const resolved = await resolveScope(db, user, query, { reach: 'export.download', network: 'export.network' })
  if (resolved.kind === 'network') {
    const networkIds = networksWhere(user, 'export.network')
    if (networkIds.length === 0) throw new AppError('FORBIDDEN', 'Exports of the whole network are for administrators')
    return {
      organizationIds: (await listNetworkOrganizations(db, networkIds)).map((organization) => organization.id),
      partnerOrganizationIds: new Set(),
      recipientOnly: false,
      scopeLabel: 'reseau',
      auditOrganizationId: null,
    }
  }
  const { organization, agency, campaign, subject } = resolved
  const access = decideExportAccess(dataset, subject, organization.id)
  if (!access.allowed) throw new AppError(access.status === 404 ? 'NOT_FOUND' : 'FORBIDDEN', access.message)
  if (campaign && access.partnerOnly) {
    throw new AppError('FORBIDDEN', 'A partner exports the referrals addressed to their organisation, not a campaign')
  }
  return {
    organizationIds: [organization.id],
    campaignId: campaign?.id,
    agencyId: agency?.id,
    partnerOrganizationIds: access.partnerOnly ? new Set([organization.id]) : new Set(),
    recipientOnly: access.partnerOnly,
    scopeLabel: campaign
      ? `${organization.code}_campagne-${campaign.id.slice(0, 8)}`
      : `${organization.code}${agency ? `_${agency.code}` : ''}`,
    auditOrganizationId: organization.id,
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

export const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  app.route({
    ...exportsContract.download,
    config: { access: 'export.download' },
    handler: async (request, reply) => {
      const scope = currentScope(request)
      // Role gates first: callers and viewers never export, whatever the parameters.
      if (!Object.values(EXPORT_ACTIONS).some((action) => may(scope, action))) {
        // Reading the review without exporting anything is the viewer's lot.
        if (may(scope, 'review.read')) throw new AppError('FORBIDDEN', VIEWER_REFUSAL)
        throw new AppError('FORBIDDEN', `Exports need the role ${exportingRoles().join(', ')}`)
      }
      const { params } = request
      if (!isDataset(params.dataset)) {
        throw badParameter(
          'dataset',
          params.dataset,
          `dataset "${params.dataset}" is not one of ${DATASETS.join(', ')}`,
        )
      }
      if (!isFormat(params.format)) {
        throw badParameter('format', params.format, `format "${params.format}" is not one of ${FORMATS.join(', ')}`)
      }
      const dataset: Dataset = params.dataset
      const format: ExportFormat = params.format
      const { agency } = request.query
      const { period, start, end } = periodOf(request.query, MAX_PERIOD_DAYS)
      const { from, to } = period
      const resolved = await resolveExport(db, scope, dataset, request.query)
      const fileName = exportFileName(dataset, resolved.scopeLabel, from, to, format)

      let rowCount = 0
      let isComplete = false
      const user = currentUser(request)
      async function* counted(): AsyncGenerator<Cell[]> {
        // Opened at the first row asked for, closed below: a client gone before that leaves nothing open.
        const { reader, close } = openLongReader(db)
        try {
          for await (const cells of rowsOf(reader, dataset, resolved, start, end)) {
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
        const header = COLUMNS[dataset].map((column) => column.header)
        const lines = Readable.from(
          (async function* () {
            yield header
            for await (const cells of counted())
              yield cells.map((cell) => (typeof cell === 'number' ? cell : csvValue(cell)))
          })(),
        )
        const csv = csvStream()
        pipeline(lines, csv).catch((error) => request.log.warn({ err: error }, 'export stopped'))
        return reply.type(`${MEDIA_TYPES.csv}; charset=utf-8`).send(asFile(csv))
      }

      const output = new PassThrough()
      writeWorkbook(output, dataset, counted()).then(
        () => {
          request.log.debug({ dataset }, 'export workbook written')
          output.end()
        },
        (error) => {
          request.log.warn({ err: error }, 'export stopped')
          output.destroy(error)
        },
      )
      return reply.type(MEDIA_TYPES.xlsx).send(asFile(output))
    },
  })
}
