import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { addDays, addMonths, formatInstant, parisDayStart, parisToday } from '../../../shared/clock.js'
import {
  AUDIT_CSV_MAX_ROWS,
  AUDIT_PAGE_SIZE,
  type AuditFilters,
  type AuditItem,
  type DataRequest,
  type DataRequestKind,
  type DataRequestOutcome,
  dataProtectionContract,
  type ErasureRefusal,
  NOTHING_TO_RECTIFY,
  parseRectifiedFields,
  RECTIFIABLE_FIELDS,
  type RectifiableField,
  rectifiedFieldsText,
} from '../../../shared/contracts/data-protection.js'
import { deriveHouseholdFacts, householdSearchName } from '../../../shared/households.js'
import { type Db, inTransaction } from '../../db/database.js'
import { nowTimestamp } from '../../db/time.js'
import { csvText } from '../../files/csv.js'
import { AppError } from '../../http/errors.js'
import { currentScope, currentUser } from '../../policy/policy.hook.js'
import { organizationsWhere } from '../../policy/policy.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { checkAddress, noCommuneMessage } from '../imports/imports.communes.js'
import { eraseWithin, type KeptReason } from '../retention/retention.service.js'
import { recountHouseholds } from '../stats/stats.refresh.js'
import { badParameter } from '../stats/stats.scope.js'
import * as queries from './data-protection.queries.js'
import { buildDossier } from './dossier.js'
import { renderDossierPdf } from './dossier.pdf.js'

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

function parseObject(text: string | null): Record<string, unknown> | null {
  if (!text) return null
  try {
    const value = JSON.parse(text) as unknown
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

export function presentRequest(row: queries.DataRequestRow, today: string): DataRequest {
  return {
    id: row.id,
    organization: { code: row.organizationCode, name: row.organizationName },
    householdId: row.householdId,
    householdRef: row.householdRef,
    kind: row.kind as DataRequestKind,
    channel: row.channel,
    receivedOn: row.receivedOn,
    dueOn: row.dueOn,
    status: row.status as 'open' | 'closed',
    overdue: row.status === 'open' && row.dueOn < today,
    recordedBy: { id: row.recordedBy, name: row.recorderName },
    createdAt: row.createdAt,
    handledBy: row.handledBy ? { id: row.handledBy, name: row.handlerName ?? '' } : null,
    handledAt: row.handledAt,
    outcome: row.outcome as DataRequestOutcome | null,
    response: row.response,
    details: parseObject(row.details),
  }
}

/** The organisation a request is registered in: the one named, or the user's only one; 400 / 404 otherwise. */
function organizationToRegister(request: FastifyRequest, code: string | undefined) {
  const memberships = currentScope(request).memberships.filter((membership) =>
    organizationsWhere(currentScope(request), 'dataRequest.manage').includes(membership.organizationId),
  )
  const ids = [...new Set(memberships.map((membership) => membership.organizationId))]
  if (code === undefined) {
    if (ids.length === 1) return ids[0]
    throw badParameter('organization', code, 'name the organisation (its code): you handle requests for several')
  }
  const found = memberships.find((membership) => membership.organizationCode === code)
  if (!found) throw new AppError('NOT_FOUND', 'No such organisation among those whose requests you handle')
  return found.organizationId
}

/** Why a household's data must be kept, in words, for the 409 of an erasure on request (the codes go in details). */
export function keptMessage(reasons: readonly KeptReason[]): string {
  const parts = reasons.map((reason) =>
    reason.reason === 'active_referral'
      ? `an orientation (${reason.category}) is active, ${reason.status} since ${reason.since.slice(0, 10)}`
      : `a follow-up is planned in the campaign “${reason.campaignName}”, next call ${reason.nextAttemptAt.slice(0, 10)}` +
        (reason.until ? `, until ${reason.until}` : ''),
  )
  return `This household’s data must be kept: ${parts.join('; ')}`
}

export const dataProtectionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  /**
   * Who may read this household's dossier: a manager or administrator of its organisation, or its DPO while a request
   * of the register is open about it. Undefined otherwise (404: nothing said about whether it exists).
   */
  async function dossierAccess(request: FastifyRequest, householdId: string) {
    const scope = currentScope(request)
    const direct = await queries.findHouseholdIn(
      db,
      organizationsWhere(scope, 'household.dossierOfOrganization'),
      householdId,
    )
    if (direct) return { household: direct, via: null, requestId: null }
    const dpoIds = organizationsWhere(scope, 'household.readThroughRequest')
    const throughRequest = await queries.findHouseholdIn(db, dpoIds, householdId)
    const requestId = throughRequest
      ? await queries.findOpenRequestId(db, [throughRequest.organizationId], householdId)
      : undefined
    if (throughRequest && requestId) return { household: throughRequest, via: 'request' as const, requestId }
    return undefined
  }

  app.route({
    ...dataProtectionContract.dossier,
    config: { access: 'household.dossier' },
    handler: async (request, reply) => {
      const access = await dossierAccess(request, request.params.id)
      if (!access) throw new AppError('NOT_FOUND', 'No such household')
      const household = await queries.findDossierHousehold(db, access.household.id)
      if (!household) throw new AppError('NOT_FOUND', 'No such household')
      const format = request.query.format ?? 'json'
      const dossier = buildDossier(household, await queries.dossierRecords(db, household.id), nowTimestamp())
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        organizationId: household.organizationId,
        action: 'household.dossier',
        entityType: 'household',
        entityId: household.id,
        ip: request.ip,
        details: { format, ...(access.via ? { via: access.via, requestId: access.requestId } : {}) },
      })
      const name = `dossier-${household.externalRef.replace(/[^A-Za-z0-9_-]+/g, '-')}-${parisToday()}.${format}`
      reply.header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'private, no-store')
      if (format === 'pdf') {
        return reply.type('application/pdf').send((await renderDossierPdf(dossier)) as unknown as string)
      }
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(dossier, null, 2))
    },
  })

  app.route({
    ...dataProtectionContract.listRequests,
    config: { access: 'dataRequest.manage' },
    handler: async (request) => {
      const { status = 'all', householdRef, limit = 50, offset = 0 } = request.query
      const organizationIds = organizationsWhere(currentScope(request), 'dataRequest.manage')
      const householdIds = householdRef?.trim()
        ? await queries.householdIdsByRef(db, organizationIds, householdRef)
        : undefined
      const { rows, total } = await queries.listDataRequests(
        db,
        { organizationIds, status: status === 'all' ? undefined : status, householdIds },
        { limit, offset },
      )
      const today = parisToday()
      return { items: rows.map((row) => presentRequest(row, today)), total }
    },
  })

  app.route({
    ...dataProtectionContract.createRequest,
    config: { access: 'dataRequest.manage' },
    handler: async (request, reply) => {
      const user = currentUser(request)
      const organizationId = organizationToRegister(request, request.body.organization)
      const household = await queries.findHouseholdByRef(db, organizationId, request.body.householdRef)
      if (!household) {
        throw new AppError('NOT_FOUND', 'No household with this reference in the organisation', {
          field: 'householdRef',
        })
      }
      const today = parisToday()
      const receivedOn = request.body.receivedOn ?? today
      if (receivedOn > today) throw badParameter('receivedOn', receivedOn, `the day ${receivedOn} is in the future`)
      const id = randomUUID()
      await inTransaction(db, async (tx) => {
        await queries.insertDataRequest(tx, {
          id,
          organizationId,
          householdId: household.id,
          householdRef: household.externalRef,
          kind: request.body.kind,
          channel: request.body.channel ?? null,
          receivedOn,
          dueOn: addMonths(receivedOn, 1),
          status: 'open',
          recordedBy: user.id,
          createdAt: nowTimestamp(),
          handledBy: null,
          handledAt: null,
          outcome: null,
          response: null,
          details: null,
        })
        await recordAuditEvent(tx, {
          actorUserId: user.id,
          organizationId,
          action: 'dataRequest.create',
          entityType: 'household',
          entityId: household.id,
          ip: request.ip,
          details: { requestId: id, kind: request.body.kind },
        })
      })
      const row = await queries.findDataRequest(db, [organizationId], id)
      return reply.status(201).send(presentRequest(row!, today))
    },
  })

  app.route({
    ...dataProtectionContract.closeRequest,
    config: { access: 'dataRequest.manage' },
    handler: async (request) => {
      const user = currentUser(request)
      const organizationIds = organizationsWhere(currentScope(request), 'dataRequest.manage')
      const found = await queries.findDataRequest(db, organizationIds, request.params.id)
      if (!found) throw new AppError('NOT_FOUND', 'No such request')
      const { outcome } = request.body
      const response = request.body.response?.trim() || null
      if (outcome === 'refused' && !response) {
        throw badParameter('response', response, 'say why the request is refused: the tenant is told the reason')
      }
      if (outcome === 'objection_recorded' && found.kind !== 'objection') {
        throw badParameter('outcome', outcome, `a request of ${found.kind} is not answered by recording an objection`)
      }
      if (outcome === 'answered' && (found.kind === 'rectification' || found.kind === 'erasure')) {
        throw badParameter('outcome', outcome, `a request of ${found.kind} is closed by doing it, or refused`)
      }
      const closed = await inTransaction(db, async (tx) => {
        const done = await queries.closeDataRequest(tx, found.id, {
          handledBy: user.id,
          handledAt: nowTimestamp(),
          outcome,
          response,
          details: null,
        })
        if (done) {
          await recordAuditEvent(tx, {
            actorUserId: user.id,
            organizationId: found.organizationId,
            action: 'dataRequest.close',
            entityType: 'household',
            entityId: found.householdId,
            ip: request.ip,
            details: { requestId: found.id, kind: found.kind, outcome },
          })
        }
        return done
      })
      if (!closed) throw new AppError('CONFLICT', 'This request is closed already', { field: 'status' })
      const row = await queries.findDataRequest(db, organizationIds, found.id)
      return presentRequest(row!, parisToday())
    },
  })

  app.route({
    ...dataProtectionContract.rectify,
    config: { access: 'household.rectify' },
    handler: async (request) => {
      const user = currentUser(request)
      const organizationIds = organizationsWhere(currentScope(request), 'household.rectify')
      const household = await queries.findHouseholdIn(db, organizationIds, request.params.id)
      if (!household) throw new AppError('NOT_FOUND', 'No such household')
      // An erased household's identity does not come back through a rectification.
      if (household.erasedAt) {
        throw new AppError('CONFLICT', 'This household is erased', { field: 'erasedAt', erasedAt: household.erasedAt })
      }
      const { requestId, changes } = request.body
      let open: queries.DataRequestRow | undefined
      if (requestId !== undefined) {
        open = await queries.findDataRequest(db, [household.organizationId], requestId)
        if (!open || open.householdId !== household.id || open.kind !== 'rectification') {
          throw new AppError('NOT_FOUND', 'No such request of rectification about this household', {
            field: 'requestId',
          })
        }
        if (open.status !== 'open')
          throw new AppError('CONFLICT', 'This request is closed already', { field: 'status' })
      }
      const update: Record<string, string | null> = {}
      for (const field of RECTIFIABLE_FIELDS) {
        const value = changes[field]
        if (value === undefined) continue
        const trimmed = typeof value === 'string' ? value.trim() || null : value
        // Stored as the server stores it (an address in lower case), so that the same value is no change.
        const cleaned = field === 'email' && trimmed ? trimmed.toLowerCase() : trimmed
        if ((household as Record<string, unknown>)[field] === cleaned) continue
        if (field === 'lastName' && !cleaned) throw badParameter('changes.lastName', value, 'a household keeps a name')
        if (field === 'birthDate' && cleaned && cleaned > parisToday()) {
          throw badParameter('changes.birthDate', value, 'a birth date is not in the future')
        }
        update[field] = cleaned
      }
      const { inseeCode, malformed } = officialAddress(update, household)
      const fields = Object.keys(update).sort()
      // A rectification that changes nothing is not one: the request it would answer stays open, nothing is audited.
      if (fields.length === 0) {
        throw new AppError('UNPROCESSABLE', 'Nothing to rectify: every field given already holds that value', {
          field: 'changes',
          reason: NOTHING_TO_RECTIFY,
          fields: RECTIFIABLE_FIELDS.filter((field) => changes[field] !== undefined),
        })
      }
      // The list's search reads the names as the import folded them: folded again from the rectified ones.
      const searchName =
        update.lastName !== undefined || update.firstName !== undefined
          ? householdSearchName(
              update.lastName ?? household.lastName,
              update.firstName !== undefined ? update.firstName : household.firstName,
            )
          : undefined
      const now = nowTimestamp()
      const today = parisToday()
      const id = open?.id ?? randomUUID()
      await inTransaction(db, async (tx) => {
        await queries.updateHouseholdFields(tx, household.id, {
          ...update,
          ...(searchName !== undefined ? { searchName } : {}),
          ...(inseeCode !== undefined ? { inseeCode } : {}),
          // Remembered, so that the next import of the landlord's file keeps these values rather than the file's.
          rectifiedFields: rectifiedFieldsText([...parseRectifiedFields(household.rectifiedFields), ...fields]),
          updatedAt: now,
        })
        // The leaseholder's occupant row holds the same names and birth date: rectified with them.
        const memberChanges = Object.fromEntries(
          (['lastName', 'firstName', 'birthDate'] as const)
            .filter((field) => update[field] !== undefined)
            .map((field) => [field, update[field]]),
        )
        if (Object.keys(memberChanges).length > 0) {
          await queries.updateLeaseholderMember(tx, household.id, memberChanges)
        }
        if (update.birthDate !== undefined) {
          // The oldest occupant's birth date derived again from the occupants; without occupants on file, it
          // follows the leaseholder's when it was theirs.
          const occupants = await queries.listMemberBirthDates(tx, household.id)
          const oldestBirthDate = occupants.length
            ? deriveHouseholdFacts(occupants).oldestBirthDate
            : household.oldestBirthDate === household.birthDate
              ? update.birthDate
              : household.oldestBirthDate
          if (oldestBirthDate !== household.oldestBirthDate) {
            await queries.updateHouseholdFields(tx, household.id, { oldestBirthDate })
          }
        }
        // The review's home key (postcode, address, name) the household was counted under moves with them.
        if (update.lastName !== undefined || update.addressLine1 !== undefined || update.postcode !== undefined) {
          await recountHouseholds(tx, [household.id])
        }
        if (!open) {
          await queries.insertDataRequest(tx, {
            id,
            organizationId: household.organizationId,
            householdId: household.id,
            householdRef: household.externalRef,
            kind: 'rectification',
            channel: null,
            receivedOn: today,
            dueOn: addMonths(today, 1),
            status: 'open',
            recordedBy: user.id,
            createdAt: now,
            handledBy: null,
            handledAt: null,
            outcome: null,
            response: null,
            details: null,
          })
        }
        await queries.closeDataRequest(tx, id, {
          handledBy: user.id,
          handledAt: now,
          outcome: 'rectified',
          response: null,
          details: JSON.stringify({ fields }),
        })
        await recordAuditEvent(tx, {
          actorUserId: user.id,
          organizationId: household.organizationId,
          action: 'household.rectify',
          entityType: 'household',
          entityId: household.id,
          ip: request.ip,
          details: { requestId: id, fields },
        })
      })
      const row = await queries.findDataRequest(db, [household.organizationId], id)
      return { request: presentRequest(row!, today), fields, malformed }
    },
  })

  app.route({
    ...dataProtectionContract.erase,
    config: { access: 'household.erase' },
    handler: async (request) => {
      const user = currentUser(request)
      const organizationIds = organizationsWhere(currentScope(request), 'household.erase')
      const household = await queries.findHouseholdIn(db, organizationIds, request.params.id)
      if (!household) throw new AppError('NOT_FOUND', 'No such household')
      const { requestId } = request.body
      let open: queries.DataRequestRow | undefined
      if (requestId !== undefined) {
        open = await queries.findDataRequest(db, [household.organizationId], requestId)
        if (!open || open.householdId !== household.id || open.kind !== 'erasure') {
          throw new AppError('NOT_FOUND', 'No such request of erasure about this household', { field: 'requestId' })
        }
        if (open.status !== 'open')
          throw new AppError('CONFLICT', 'This request is closed already', { field: 'status' })
      }
      const now = nowTimestamp()
      const today = parisToday()
      const id = open?.id ?? randomUUID()
      const result = await inTransaction(db, async (tx) => {
        const erased = await eraseWithin(tx, household.id, 'request', {
          now,
          today,
          actorUserId: user.id,
          ip: request.ip,
          requestId: id,
        })
        // Kept: nothing changes, the request stays open. Erased already: only a request named is closed.
        if (erased.status === 'kept' || erased.status === 'not_found') return erased
        if (erased.status === 'already_erased' && !open) return erased
        if (!open) {
          await queries.insertDataRequest(tx, {
            id,
            organizationId: household.organizationId,
            householdId: household.id,
            // The reference of the landlord's file as it was: the register proves the request was handled.
            householdRef: household.externalRef,
            kind: 'erasure',
            channel: null,
            receivedOn: today,
            dueOn: addMonths(today, 1),
            status: 'open',
            recordedBy: user.id,
            createdAt: now,
            handledBy: null,
            handledAt: null,
            outcome: null,
            response: null,
            details: null,
          })
        }
        const closed = await queries.closeDataRequest(tx, id, {
          handledBy: user.id,
          handledAt: now,
          outcome: 'erased',
          response: null,
          details: JSON.stringify({
            erasedAt: erased.erasedAt,
            ...(erased.status === 'already_erased' ? { alreadyErased: true } : {}),
          }),
        })
        if (!closed) throw new AppError('CONFLICT', 'This request is closed already', { field: 'status' })
        await recordAuditEvent(tx, {
          actorUserId: user.id,
          organizationId: household.organizationId,
          action: 'dataRequest.close',
          entityType: 'household',
          entityId: household.id,
          ip: request.ip,
          details: { requestId: id, kind: 'erasure', outcome: 'erased' },
        })
        return erased
      })
      if (result.status === 'not_found') throw new AppError('NOT_FOUND', 'No such household')
      if (result.status === 'kept') {
        await recordAuditEvent(db, {
          actorUserId: user.id,
          organizationId: household.organizationId,
          action: 'household.erasure_refused',
          entityType: 'household',
          entityId: household.id,
          ip: request.ip,
          details: { requestId: open?.id ?? null, keptBecause: result.keptBecause.map((reason) => reason.reason) },
        })
        const details: ErasureRefusal = { keptBecause: result.keptBecause }
        throw new AppError('CONFLICT', keptMessage(result.keptBecause), details)
      }
      if (result.status === 'already_erased' && !open) {
        throw new AppError('CONFLICT', 'This household is erased already', {
          field: 'erasedAt',
          erasedAt: result.erasedAt,
        })
      }
      const row = await queries.findDataRequest(db, [household.organizationId], id)
      return { request: presentRequest(row!, today), erasedAt: result.erasedAt }
    },
  })

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

/**
 * A rectified postcode or town, checked against the official communes as the import checks them (`checkAddress`):
 * written as the list writes them (« vandoeuvre les nancy » becomes « Vandœuvre-lès-Nancy », 4 digits get their
 * zero back), and refused, naming the field that changed, when the list knows the postcode and the town is none of
 * its communes: a rectification must not leave an address that contradicts itself. A postcode the list does not know
 * is kept as typed, without a commune. Only what changes is checked: a stored postcode that is not one (the landlord's
 * file may say anything) does not stop the town's rectification; the town is kept as typed, without a commune, and
 * the postcode is named in `malformed`. Changes `update` (an entry now equal to the stored value is dropped) and
 * returns the commune's code to store: targeting by commune and the review's communes must not keep counting the
 * household where it no longer lives; undefined when neither changed.
 */
function officialAddress(
  update: Record<string, string | null>,
  stored: { postcode: string | null; city: string | null },
): { inseeCode: string | null | undefined; malformed: { field: RectifiableField; value: string; message: string }[] } {
  if (update.postcode === undefined && update.city === undefined) return { inseeCode: undefined, malformed: [] }
  const postcode = update.postcode !== undefined ? update.postcode : stored.postcode
  const city = update.city !== undefined ? update.city : stored.city
  if (!postcode) return { inseeCode: null, malformed: [] }
  const address = checkAddress(postcode, city ?? '')
  const refusedField = update.city !== undefined ? 'changes.city' : 'changes.postcode'
  const refusedValue = update.city !== undefined ? update.city : update.postcode
  if (address.ok && !address.isCityMatched && city) {
    throw badParameter(refusedField, refusedValue, noCommuneMessage(city, address.postcode))
  }
  if (!address.ok) {
    if (address.column === 'city' && city) throw badParameter(refusedField, refusedValue, address.message)
    if (/^not a postcode/.test(address.message)) {
      if (update.postcode !== undefined) throw badParameter('changes.postcode', postcode, address.message)
      return { inseeCode: null, malformed: [{ field: 'postcode', value: postcode, message: address.message }] }
    }
    return { inseeCode: null, malformed: [] }
  }
  const official = { postcode: address.postcode, city: address.city }
  // What was typed is spelt as the list spells it; a town that was empty, and not emptied now, takes the name of the
  // postcode's only commune; a town emptied now stays empty.
  const respelt = {
    postcode: update.postcode !== undefined,
    city: update.city === undefined ? !city : update.city !== null,
  }
  for (const field of ['postcode', 'city'] as const) {
    if (!respelt[field]) continue
    if (official[field] === stored[field]) delete update[field]
    else update[field] = official[field]
  }
  return { inseeCode: address.inseeCode, malformed: [] }
}
