import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DateTime } from 'luxon'
import { Type } from 'typebox'
import { ageOn, parisToday } from '../../../shared/dates.js'
import { HOUSEHOLD_READER_ROLES } from '../../../shared/roles.js'
import { inTransaction } from '../../db/database.js'
import { fromFlag, nowTimestamp } from '../../db/time.js'
import { organizationIdsWithRole } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { hasActiveReferral } from '../referrals/referrals.queries.js'
import * as households from './households.queries.js'
import {
  HouseholdDetailSchema,
  HouseholdSummarySchema,
  OBJECTION_CHANNELS,
  TimelineEntrySchema,
} from './households.schemas.js'
import { buildTimeline } from './timeline.js'

/** Who may record a tenant's objection (the tenant may say it to anyone who calls or visits). */
const OBJECTION_RECORDER_ROLES = HOUSEHOLD_READER_ROLES
/** Only managers and administrators may lift an objection, when the tenant withdraws it. */
const OBJECTION_WITHDRAWER_ROLES = ['manager', 'admin'] as const

type Found = NonNullable<Awaited<ReturnType<typeof households.findHouseholdById>>>

function presentHousehold({ household, members, phones }: Found, today: string) {
  return {
    id: household.id,
    externalRef: household.externalRef,
    lastName: household.lastName,
    firstName: household.firstName,
    birthDate: household.birthDate,
    age: ageOn(household.birthDate, today),
    status: household.status,
    email: household.email,
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
  }
}

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

  app.get(
    '/households',
    {
      config: { access: 'household.search' },
      schema: {
        tags: ['households'],
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 200 })),
          ref: Type.Optional(Type.String({ maxLength: 100 })),
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          offset: Type.Integer({ minimum: 0, default: 0 }),
        }),
        response: { 200: Type.Object({ items: Type.Array(HouseholdSummarySchema), total: Type.Integer() }) },
      },
    },
    async (request) => {
      const organizationIds = organizationIdsWithRole(request.scope, HOUSEHOLD_READER_ROLES)
      const result = await households.searchHouseholds(db, { organizationIds, ...request.query })
      await recordAuditEvent(db, {
        actorUserId: request.user!.id,
        action: 'household.search',
        entityType: 'household',
        ip: request.ip,
        details: { results: result.total, byReference: Boolean(request.query.ref) },
      })
      return result
    },
  )

  app.get(
    '/households/:id',
    {
      config: { access: 'household.read' },
      schema: {
        tags: ['households'],
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: HouseholdDetailSchema },
      },
    },
    async (request) => {
      const organizationIds = organizationIdsWithRole(request.scope, HOUSEHOLD_READER_ROLES)
      let found = await households.findHouseholdById(db, organizationIds, request.params.id)
      let isThroughReferral = false
      if (!found) {
        // A partner opens a household only while a referral to their organisation about it is active, and sees only
        // its essentials; otherwise 404, never revealing that the household exists.
        const partnerOrganizations = organizationIdsWithRole(request.scope, ['partner'])
        if (await hasActiveReferral(db, request.params.id, partnerOrganizations)) {
          const candidate = await db
            .selectFrom('household')
            .select('organizationId')
            .where('id', '=', request.params.id)
            .executeTakeFirst()
          found = candidate
            ? await households.findHouseholdById(db, [candidate.organizationId], request.params.id)
            : undefined
          isThroughReferral = found !== undefined
        }
      }
      if (!found) throw new AppError('NOT_FOUND', 'No such household')
      await recordAuditEvent(db, {
        actorUserId: request.user!.id,
        organizationId: found.household.organizationId,
        action: 'household.read',
        entityType: 'household',
        entityId: found.household.id,
        ip: request.ip,
        details: isThroughReferral ? { via: 'referral' } : null,
      })
      const household = presentHousehold(found, parisToday())
      return isThroughReferral ? essentialsOnly(household) : household
    },
  )

  app.get(
    '/households/:id/timeline',
    {
      config: { access: 'household.timeline' },
      schema: {
        tags: ['households'],
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: Type.Object({ items: Type.Array(TimelineEntrySchema) }) },
      },
    },
    async (request) => {
      const organizationIds = organizationIdsWithRole(request.scope, HOUSEHOLD_READER_ROLES)
      const found = await households.findHouseholdById(db, organizationIds, request.params.id)
      if (!found) throw new AppError('NOT_FOUND', 'No such household')
      const history = await households.householdTimeline(db, found.household.id)
      await recordAuditEvent(db, {
        actorUserId: request.user!.id,
        organizationId: found.household.organizationId,
        action: 'household.timeline_read',
        entityType: 'household',
        entityId: found.household.id,
        ip: request.ip,
      })
      return { items: buildTimeline(history, organizationIds) }
    },
  )

  app.post(
    '/households/:id/objection',
    {
      config: { access: 'household.recordObjection' },
      schema: {
        tags: ['households'],
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        body: Type.Object(
          {
            channel: Type.Enum(OBJECTION_CHANNELS),
            at: Type.Optional(Type.String({ format: 'date', description: 'the day the tenant objected (YYYY-MM-DD)' })),
            note: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const organizationIds = organizationIdsWithRole(request.scope, OBJECTION_RECORDER_ROLES)
      const found = await households.findHouseholdById(db, organizationIds, request.params.id)
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
      const at = day === today ? now : DateTime.fromISO(day, { zone: 'Europe/Paris' }).startOf('day').toUTC().toISO()!
      const result = await inTransaction(db, async (tx) => {
        const outcome = await households.recordObjection(tx, found.household.id, {
          at,
          channel: request.body.channel,
          recordedBy: request.user!.id,
          note: request.body.note?.trim() || null,
          now,
        })
        if (outcome.recorded) {
          await recordAuditEvent(tx, {
            actorUserId: request.user!.id,
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
  )

  app.post(
    '/households/:id/objection/withdraw',
    {
      config: { access: 'household.withdrawObjection' },
      schema: {
        tags: ['households'],
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        body: Type.Object({ reason: Type.String({ minLength: 5, maxLength: 500 }) }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const organizationIds = organizationIdsWithRole(request.scope, OBJECTION_WITHDRAWER_ROLES)
      const found = await households.findHouseholdById(db, organizationIds, request.params.id)
      if (!found) throw new AppError('NOT_FOUND', 'No such household')
      const withdrawn = await inTransaction(db, async (tx) => {
        const done = await households.withdrawObjection(tx, found.household.id, nowTimestamp())
        if (done) {
          await recordAuditEvent(tx, {
            actorUserId: request.user!.id,
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
  )
}
