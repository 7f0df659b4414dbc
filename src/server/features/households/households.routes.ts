import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ageOn, parisToday } from '../../../shared/dates.js'
import { HOUSEHOLD_READER_ROLES } from '../../../shared/roles.js'
import { fromFlag } from '../../db/time.js'
import { organizationIdsWithRole, requireRole } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { hasActiveReferral } from '../referrals/referrals.queries.js'
import * as households from './households.queries.js'
import { HouseholdDetailSchema, HouseholdSummarySchema } from './households.schemas.js'

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
      preHandler: requireRole(...HOUSEHOLD_READER_ROLES),
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
      preHandler: requireRole(...HOUSEHOLD_READER_ROLES, 'partner'),
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
}
