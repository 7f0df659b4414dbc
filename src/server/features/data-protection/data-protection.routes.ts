import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { addDays, formatInstant, parisDayStart } from '../../../shared/clock.js'
import {
  AUDIT_CSV_MAX_ROWS,
  AUDIT_PAGE_SIZE,
  type AuditFilters,
  type AuditItem,
  dataProtectionContract,
} from '../../../shared/contracts/data-protection.js'
import type { Db } from '../../db/database.js'
import { csvText } from '../../files/csv.js'
import { AppError } from '../../http/errors.js'
import { currentScope, currentUser } from '../../policy/policy.hook.js'
import { organizationsWhere } from '../../policy/policy.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { badParameter } from '../stats/stats.scope.js'
import * as queries from './data-protection.queries.js'

/** The filters of an audit query, checked and resolved to what the queries take (400 / 404 otherwise). */
async function resolveAuditFilter(db: Db, request: FastifyRequest, filters: AuditFilters) {
  let organizationIds = organizationsWhere(currentScope(request), 'audit.read')
  if (filters.organization !== undefined) {
    const organization = await queries.findOrganizationByCode(db, filters.organization)
    if (!organization || !organizationIds.includes(organization.id)) {
      throw new AppError('NOT_FOUND', 'No such organisation among those you audit')
    }
    organizationIds = [organization.id]
  }
  if (filters.from && filters.to && filters.from > filters.to) {
    throw badParameter('to', filters.to, `the period ends (${filters.to}) before it starts (${filters.from})`)
  }
  const householdIds = filters.householdRef?.trim()
    ? await queries.householdIdsByRef(db, organizationIds, filters.householdRef)
    : undefined
  return {
    organizationIds,
    user: filters.user?.trim() || undefined,
    action: filters.action?.trim() || undefined,
    householdIds,
    start: filters.from ? parisDayStart(filters.from) : undefined,
    end: filters.to ? parisDayStart(addDays(filters.to, 1)) : undefined,
  } satisfies queries.AuditLogFilter
}

/** Which filters a read of the audit log used: their names, and the household's reference (an identifier). */
function filtersUsed(filters: AuditFilters) {
  return {
    filters: Object.entries(filters)
      .filter(([, value]) => value !== undefined && value !== '')
      .map(([name]) => name)
      .sort(),
    householdRef: filters.householdRef ?? null,
    organization: filters.organization ?? null,
    from: filters.from ?? null,
    to: filters.to ?? null,
  }
}

const CSV_HEADER = [
  'Date (heure de Paris)',
  'Action',
  'Utilisateur',
  'Rôle',
  'Organisme',
  'Objet',
  'Identifiant',
  'Référence du ménage',
  'Adresse IP',
  'Détails',
]

function csvCells(item: AuditItem) {
  return [
    formatInstant(item.at, 'fr-FR', { date: 'short' }),
    item.action,
    item.actor?.email ?? item.actorEmail,
    item.actorRole,
    item.organization?.code ?? null,
    item.entityType,
    item.entityId,
    item.householdRef,
    item.ip,
    item.details ? JSON.stringify(item.details) : null,
  ]
}

export const dataProtectionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  app.route({
    ...dataProtectionContract.audit,
    config: { access: 'audit.read' },
    handler: async (request) => {
      const { limit = AUDIT_PAGE_SIZE, offset = 0, ...filters } = request.query
      const filter = await resolveAuditFilter(db, request, filters)
      const [items, total] = await Promise.all([
        queries.listAuditEvents(db, filter, { limit, offset }),
        queries.countAuditEvents(db, filter),
      ])
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        action: 'audit.read',
        entityType: 'audit',
        ip: request.ip,
        details: { ...filtersUsed(filters), results: total },
      })
      return { items, total }
    },
  })

  app.route({
    ...dataProtectionContract.auditCsv,
    config: { access: 'audit.read' },
    handler: async (request, reply) => {
      const filters = request.query
      const filter = await resolveAuditFilter(db, request, filters)
      const total = await queries.countAuditEvents(db, filter)
      if (total > AUDIT_CSV_MAX_ROWS) {
        throw new AppError(
          'UNPROCESSABLE',
          `${total} lines match: an export holds at most ${AUDIT_CSV_MAX_ROWS}; narrow the period or the filters`,
          { total, max: AUDIT_CSV_MAX_ROWS },
        )
      }
      const items = await queries.listAuditEvents(db, filter, { offset: 0 })
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        action: 'audit.export',
        entityType: 'audit',
        ip: request.ip,
        details: { ...filtersUsed(filters), rows: items.length },
      })
      const name = `journal-acces${filters.from ? `-${filters.from}` : ''}${filters.to ? `-${filters.to}` : ''}.csv`
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'private, no-store')
        .send(csvText([CSV_HEADER, ...items.map(csvCells)]))
    },
  })
}
