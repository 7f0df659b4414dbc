import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { ageOn, parisDayStart, parisToday } from '../../../shared/clock.js'
import { parseRectifiedFields } from '../../../shared/contracts/data-protection.js'
import { type HouseholdSearch, householdsContract, SEARCH_PAGE_SIZE } from '../../../shared/contracts/households.js'
import { addressOnOneLine, isCivility } from '../../../shared/households.js'
import { labelOf } from '../../../shared/labels.js'
import { inTransaction, openLongReader } from '../../db/database.js'
import { fromFlag, nowTimestamp } from '../../db/time.js'
import { type CsvCell, csvText } from '../../files/csv.js'
import { AppError } from '../../http/errors.js'
import { currentScope, currentUser } from '../../policy/policy.hook.js'
import { organizationsWhere } from '../../policy/policy.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { findOpenRequestId } from '../data-protection/data-protection.queries.js'
import { hasActiveReferral } from '../referrals/referrals.queries.js'
import { flagSensitiveTexts } from '../sensitive-flags/sensitive-flags.service.js'
import * as households from './households.queries.js'
import { buildTimeline } from './timeline.js'

type Found = NonNullable<Awaited<ReturnType<typeof households.findHouseholdById>>>

function presentHousehold({ household, members, phones }: Found, today: string) {
  return {
    id: household.id,
    externalRef: household.externalRef,
    civility: isCivility(household.civility) ? household.civility : null,
    lastName: household.lastName,
    firstName: household.firstName,
    birthDate: household.birthDate,
    age: ageOn(household.birthDate, today),
    status: household.status,
    email: household.email,
    rectifiedFields: parseRectifiedFields(household.rectifiedFields),
    agency: household.agencyCode
      ? { code: household.agencyCode, name: household.agencyName ?? household.agencyCode }
      : null,
    members: members.map((member) => ({
      id: member.id,
      lastName: member.lastName,
      firstName: member.firstName,
      birthDate: member.birthDate,
      age: ageOn(member.birthDate, today),
      isLeaseholder: member.isLeaseholder === 1,
      role: member.role,
    })),
    phones: phones.map((phone) => ({
      e164: phone.e164,
      raw: phone.raw,
      kind: phone.kind,
      isValid: phone.isValid === 1,
    })),
    address: {
      line1: household.addressLine1,
      line2: household.addressLine2,
      postcode: household.postcode,
      city: household.city,
      inseeCode: household.inseeCode,
    },
    flags: {
      livesAlone: fromFlag(household.livesAlone),
      occupants: household.occupants,
      supportProgramme: fromFlag(household.supportProgramme),
      housingBenefit: fromFlag(household.housingBenefit),
      arrears: household.arrearsCents === null ? null : household.arrearsCents / 100,
      worksProgramme: household.worksProgramme,
      floor: household.floor,
      hasLift: fromFlag(household.hasLift),
      leaseStart: household.leaseStart,
      fragilityLevel: household.fragilityLevel,
      lastContactedAt: household.lastContactedAt,
    },
    objection: household.objectionAt
      ? {
          at: household.objectionAt,
          channel: household.objectionChannel,
          recordedBy: household.objectionRecordedBy,
          note: household.objectionNote,
        }
      : null,
    erasedAt: household.erasedAt ?? null,
    birthYear: household.birthYear ?? null,
  }
}

type SummaryRow = Awaited<ReturnType<typeof households.searchHouseholds>>['items'][number]

/** The age of the oldest known occupant on `today`. */
function eldestAge(row: { birthDate: string | null; oldestBirthDate: string | null }, today: string) {
  const ages = [ageOn(row.birthDate, today), ageOn(row.oldestBirthDate, today)].filter((age) => age !== null)
  return ages.length ? Math.max(...ages) : null
}

function presentSummary(row: SummaryRow, today: string) {
  return {
    id: row.id,
    externalRef: row.externalRef,
    lastName: row.lastName,
    firstName: row.firstName,
    postcode: row.postcode,
    city: row.city,
    status: row.status,
    agencyCode: row.agencyCode,
    age: eldestAge(row, today),
    fragilityLevel: row.fragilityLevel,
    objection: row.objectionAt !== null,
    lastContactedAt: row.lastContactedAt,
  }
}

/** The filters of a list, for its audit trail: which were used, never the text searched (it may be a name). */
function filtersOf(query: HouseholdSearch) {
  const { q, ref, limit: _limit, offset: _offset, ...filters } = query
  return { ...filters, q: Boolean(q?.trim()), ref: Boolean(ref) }
}

/** The most rows one export of the list holds: the largest landlord's file, with room. */
const MAX_EXPORT_ROWS = 200_000

type ExportRow = Awaited<ReturnType<typeof households.listHouseholdsForExport>>[number]
/** The columns of the list's CSV export, in French (the managers' spreadsheets). */
const HOUSEHOLD_EXPORT_COLUMNS: ReadonlyArray<{ header: string; value: (row: ExportRow, today: string) => CsvCell }> = [
  { header: 'Référence', value: (row) => row.externalRef },
  { header: 'Nom', value: (row) => row.lastName },
  { header: 'Prénom', value: (row) => row.firstName },
  { header: 'Âge (occupant le plus âgé)', value: (row, today) => eldestAge(row, today) },
  { header: 'Agence', value: (row) => row.agencyCode },
  { header: 'Adresse', value: (row) => addressOnOneLine(row) },
  { header: 'Téléphone', value: (row) => row.firstPhone },
  { header: 'Courriel', value: (row) => row.email },
  { header: 'Vit seul·e', value: (row) => (row.livesAlone === null ? null : row.livesAlone === 1 ? 'oui' : 'non') },
  {
    header: 'Fragilité',
    value: (row) => (row.fragilityLevel ? labelOf('fragility', row.fragilityLevel, 'fr') : null),
  },
  { header: 'Opposition aux appels', value: (row) => (row.objectionAt ? 'oui' : 'non') },
  { header: 'Statut', value: (row) => (row.status === 'left' ? 'parti' : 'actif') },
  { header: 'Dernier contact', value: (row) => row.lastContactedAt },
]

/** What a partner may see through an active referral: who, where, how to reach them; nothing of their situation. */
function essentialsOnly(household: ReturnType<typeof presentHousehold>) {
  return {
    ...household,
    birthDate: null,
    age: null,
    email: null,
    members: household.members
      .filter((member) => member.isLeaseholder)
      .map((member) => ({ ...member, birthDate: null, age: null })),
    flags: Object.fromEntries(Object.keys(household.flags).map((key) => [key, null])) as typeof household.flags,
    objection: null,
  }
}

export const householdRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  app.route({
    ...householdsContract.search,
    config: { access: 'household.search' },
    handler: async (request) => {
      const { limit = SEARCH_PAGE_SIZE, offset = 0, ...criteria } = request.query
      const organizationIds = organizationsWhere(currentScope(request), 'household.search')
      const result = await households.searchHouseholds(db, { organizationIds, ...criteria, limit, offset })
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        action: 'household.search',
        entityType: 'household',
        ip: request.ip,
        details: { results: result.total, byReference: Boolean(request.query.ref), filters: filtersOf(criteria) },
      })
      const today = parisToday()
      return { items: result.items.map((row) => presentSummary(row, today)), total: result.total }
    },
  })

  app.route({
    ...householdsContract.exportList,
    config: { access: 'household.exportList' },
    handler: async (request, reply) => {
      const organizationIds = organizationsWhere(currentScope(request), 'household.exportList')
      // Up to MAX_EXPORT_ROWS read at once: on a connection of its own, not one the calls share.
      const { reader, close } = openLongReader(db)
      const rows = await households
        .listHouseholdsForExport(reader, { organizationIds, ...request.query }, MAX_EXPORT_ROWS)
        .finally(close)
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        organizationId: organizationIds.length === 1 ? organizationIds[0] : null,
        action: 'household.export',
        entityType: 'household',
        ip: request.ip,
        details: { rows: rows.length, filters: filtersOf(request.query), truncated: rows.length === MAX_EXPORT_ROWS },
      })
      const today = parisToday()
      const file = csvText([
        HOUSEHOLD_EXPORT_COLUMNS.map((column) => column.header),
        ...rows.map((row) => HOUSEHOLD_EXPORT_COLUMNS.map((column) => column.value(row, today))),
      ])
      return reply
        .header('Content-Disposition', `attachment; filename="menages-${today}.csv"`)
        .header('Cache-Control', 'no-store')
        .header('X-Content-Type-Options', 'nosniff')
        .type('text/csv; charset=utf-8')
        .send(file)
    },
  })

  /**
   * The household a request may read, and how: the whole record of one of the user's organisations (`readRecord`), or
   * the record of a household the caller is calling right now (`readWhileCalling`: a held target, a promised
   * callback), or, for reads only (`throughRequest`), the record of a household the DPO handles a request of the
   * register about (`readThroughRequest`: a request open). Undefined otherwise: the route answers 404, never revealing
   * that the household exists.
   */
  async function findReadableHousehold(
    request: FastifyRequest,
    householdId: string,
    options: { throughRequest?: boolean } = {},
  ) {
    const scope = currentScope(request)
    const organizationIds = organizationsWhere(scope, 'household.readRecord')
    const found = await households.findHouseholdById(db, organizationIds, householdId)
    if (found) return { found, organizationIds, via: null, requestId: null }
    const callingIds = organizationsWhere(scope, 'household.readWhileCalling')
    if (await households.isCallingHousehold(db, currentUser(request).id, callingIds, householdId, nowTimestamp())) {
      const whileCalling = await households.findHouseholdById(db, callingIds, householdId)
      if (whileCalling)
        return { found: whileCalling, organizationIds: callingIds, via: 'calling' as const, requestId: null }
    }
    if (!options.throughRequest) return undefined
    const requestIds = organizationsWhere(scope, 'household.readThroughRequest')
    const requestId = await findOpenRequestId(db, requestIds, householdId)
    if (!requestId) return undefined
    const throughRequest = await households.findHouseholdById(db, requestIds, householdId)
    return throughRequest
      ? { found: throughRequest, organizationIds: requestIds, via: 'request' as const, requestId }
      : undefined
  }

  /** What the audit entry of a read says about how it was allowed: through a call, a referral, a request (named). */
  function readDetails(via: 'calling' | 'referral' | 'request' | null, requestId: string | null) {
    if (!via) return null
    return via === 'request' ? { via, requestId } : { via }
  }

  app.route({
    ...householdsContract.read,
    config: { access: 'household.read' },
    handler: async (request) => {
      const scope = currentScope(request)
      const readable = await findReadableHousehold(request, request.params.id, { throughRequest: true })
      let found = readable?.found
      let via: 'calling' | 'referral' | 'request' | null = readable?.via ?? null
      if (!found) {
        // A partner opens a household only while a referral to their organisation about it is active, and sees only
        // its essentials; otherwise 404, never revealing that the household exists.
        const partnerOrganizations = organizationsWhere(scope, 'household.readThroughReferral')
        if (await hasActiveReferral(db, request.params.id, partnerOrganizations)) {
          const organizationId = await households.findHouseholdOrganizationId(db, request.params.id)
          found = organizationId
            ? await households.findHouseholdById(db, [organizationId], request.params.id)
            : undefined
          if (found) via = 'referral'
        }
      }
      if (!found) throw new AppError('NOT_FOUND', 'No such household')
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        organizationId: found.household.organizationId,
        action: 'household.read',
        entityType: 'household',
        entityId: found.household.id,
        ip: request.ip,
        details: readDetails(via, readable?.requestId ?? null),
      })
      const household = presentHousehold(found, parisToday())
      return via === 'referral' ? essentialsOnly(household) : household
    },
  })

  app.route({
    ...householdsContract.timeline,
    config: { access: 'household.timeline' },
    handler: async (request) => {
      const readable = await findReadableHousehold(request, request.params.id, { throughRequest: true })
      if (!readable) throw new AppError('NOT_FOUND', 'No such household')
      const { found, organizationIds, via, requestId } = readable
      const history = await households.householdTimeline(db, found.household.id)
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        organizationId: found.household.organizationId,
        action: 'household.timeline_read',
        entityType: 'household',
        entityId: found.household.id,
        ip: request.ip,
        details: readDetails(via, requestId),
      })
      return { items: buildTimeline(history, organizationIds) }
    },
  })

  app.route({
    ...householdsContract.recordObjection,
    config: { access: 'household.recordObjection' },
    handler: async (request, reply) => {
      const user = currentUser(request)
      const found = (await findReadableHousehold(request, request.params.id))?.found
      if (!found) throw new AppError('NOT_FOUND', 'No such household')
      const now = nowTimestamp()
      const today = parisToday()
      const day = request.body.at ?? today
      if (day > today) {
        throw new AppError('VALIDATION_FAILED', `The objection date ${day} is in the future`, {
          field: 'at',
          value: day,
        })
      }
      // Today's objection is dated now; an earlier one, from the start of that Paris day.
      const at = day === today ? now : parisDayStart(day)
      const result = await inTransaction(db, async (tx) => {
        const outcome = await households.recordObjection(tx, found.household.id, {
          at,
          channel: request.body.channel,
          recordedBy: user.id,
          note: request.body.note?.trim() || null,
          now,
        })
        if (outcome.recorded) {
          await flagSensitiveTexts(
            tx,
            {
              organizationId: found.household.organizationId,
              householdId: found.household.id,
              authorUserId: user.id,
              authorOrganizationId: found.household.organizationId,
              at: now,
            },
            [{ source: 'objection_note', text: request.body.note }],
          )
          await recordAuditEvent(tx, {
            actorUserId: user.id,
            organizationId: found.household.organizationId,
            action: 'household.objection',
            entityType: 'household',
            entityId: found.household.id,
            ip: request.ip,
            details: { channel: request.body.channel, targetsRemoved: outcome.targetsRemoved },
          })
        }
        return outcome
      })
      if (!result.recorded) {
        throw new AppError('CONFLICT', 'This tenant’s objection to calls is already recorded', {
          field: 'objection',
          at: found.household.objectionAt,
        })
      }
      return reply
        .status(201)
        .send({ objection: { at, channel: request.body.channel }, targetsRemoved: result.targetsRemoved })
    },
  })

  app.route({
    ...householdsContract.withdrawObjection,
    config: { access: 'household.withdrawObjection' },
    handler: async (request) => {
      const user = currentUser(request)
      const organizationIds = organizationsWhere(currentScope(request), 'household.withdrawObjection')
      const found = await households.findHouseholdById(db, organizationIds, request.params.id)
      if (!found) throw new AppError('NOT_FOUND', 'No such household')
      const withdrawn = await inTransaction(db, async (tx) => {
        const now = nowTimestamp()
        const done = await households.withdrawObjection(tx, found.household.id, now)
        if (done) {
          await flagSensitiveTexts(
            tx,
            {
              organizationId: found.household.organizationId,
              householdId: found.household.id,
              authorUserId: user.id,
              authorOrganizationId: found.household.organizationId,
              at: now,
            },
            [{ source: 'objection_withdrawal', text: request.body.reason }],
          )
          await recordAuditEvent(tx, {
            actorUserId: user.id,
            organizationId: found.household.organizationId,
            action: 'household.objection_withdrawn',
            entityType: 'household',
            entityId: found.household.id,
            ip: request.ip,
            details: { reason: request.body.reason.trim() },
          })
        }
        return done
      })
      if (!withdrawn) throw new AppError('CONFLICT', 'This tenant has no objection to withdraw', { field: 'objection' })
      return { objection: null }
    },
  })
}
