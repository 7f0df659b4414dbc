import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  ACTIVE_REFERRAL_STATUSES,
  EMERGENCY_NUMBERS,
  REFERRAL_CATEGORIES,
  REFERRAL_STATUSES,
  type ReferralStatus,
  URGENCIES,
} from '../../../shared/referrals.js'
import type { Db } from '../../db/database.js'
import type { ReferralTable } from '../../db/schema.js'
import { nowTimestamp } from '../../db/time.js'
import { organizationIdsWithRole, type Scope } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import * as referrals from './referrals.queries.js'
import {
  addReferralNote,
  createReferral,
  mayView,
  planFollowUp,
  RECIPIENT_ROLES,
  SENDER_ROLES,
  sideOf,
  transitionReferral,
} from './referrals.service.js'

const NewReferralSchema = Type.Object(
  {
    householdId: Type.String(),
    callId: Type.Optional(Type.String()),
    category: Type.Enum(REFERRAL_CATEGORIES),
    urgency: Type.Enum(URGENCIES),
    recipient: Type.Union([
      Type.Object({ organization: Type.String() }, { additionalProperties: false }),
      Type.Object({ team: Type.String({ minLength: 2, maxLength: 100 }) }, { additionalProperties: false }),
    ]),
    summary: Type.String({ minLength: 5, maxLength: 2000 }),
    consent: Type.Object(
      { given: Type.Boolean(), recordedAt: Type.Optional(Type.String({ format: 'date-time' })) },
      { additionalProperties: false },
    ),
    overrideReason: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
)

async function presentReferral(db: Db, scope: Scope, referral: ReferralTable, withDetail: boolean) {
  const side = sideOf(scope, referral)
  const isActive = ACTIVE_REFERRAL_STATUSES.includes(referral.status as ReferralStatus)
  const isExternalRecipient = side === 'recipient' && referral.recipientOrganizationId !== referral.senderOrganizationId
  // A partner keeps only their own notes once the referral is over: no household, no summary.
  const hidesCase = isExternalRecipient && !isActive
  const organizations = await db
    .selectFrom('organization')
    .select(['id', 'code', 'name'])
    .where('id', 'in', [referral.recipientOrganizationId, referral.senderOrganizationId])
    .execute()
  const organization = (id: string) => organizations.find((o) => o.id === id)!
  const now = nowTimestamp()
  const isOverdue =
    (referral.status === 'sent' && referral.dueAcceptBy < now) ||
    ((referral.status === 'accepted' || referral.status === 'in_progress') && referral.dueResolveBy < now)
  let household = null
  let events: unknown[] = []
  if (withDetail) {
    if (!hidesCase) {
      const row = await db
        .selectFrom('household')
        .selectAll()
        .where('id', '=', referral.householdId)
        .executeTakeFirstOrThrow()
      const phones = await db
        .selectFrom('phone')
        .select(['e164', 'raw'])
        .where('householdId', '=', referral.householdId)
        .where('isValid', '=', 1)
        .execute()
      household = {
        id: row.id,
        lastName: row.lastName,
        firstName: row.firstName,
        address: [row.addressLine1, row.addressLine2, `${row.postcode ?? ''} ${row.city ?? ''}`.trim()]
          .filter(Boolean)
          .join(', '),
        phones: phones.map((phone) => phone.e164 ?? phone.raw),
      }
    }
    const all = await referrals.listEvents(db, referral.id)
    const ownOrganization = isExternalRecipient ? referral.recipientOrganizationId : null
    events = all
      .filter((event) => !hidesCase || event.actorOrganizationId === ownOrganization)
      .map((event) => ({
        kind: event.kind,
        fromStatus: event.fromStatus,
        toStatus: event.toStatus,
        note: event.note,
        actor: event.actorName,
        at: event.createdAt,
      }))
  }
  return {
    id: referral.id,
    status: referral.status,
    category: hidesCase ? null : referral.category,
    urgency: referral.urgency,
    summary: hidesCase ? null : referral.summary,
    side,
    recipient: {
      organization: organization(referral.recipientOrganizationId).code,
      name: organization(referral.recipientOrganizationId).name,
      team: referral.recipientTeam,
    },
    sender: {
      organization: organization(referral.senderOrganizationId).code,
      name: organization(referral.senderOrganizationId).name,
    },
    consent: { given: referral.consentGiven === 1, recordedAt: referral.consentRecordedAt },
    overrideReason: side === 'sender' ? referral.overrideReason : null,
    assigneeId: referral.assigneeId,
    outcome: hidesCase ? null : referral.outcome,
    dueAcceptBy: referral.dueAcceptBy,
    dueResolveBy: referral.dueResolveBy,
    isOverdue,
    createdAt: referral.createdAt,
    householdId: hidesCase ? null : referral.householdId,
    ...(withDetail ? { household, events } : {}),
  }
}

export const referralRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, config } = app

  app.get(
    '/referrals/emergency-numbers',
    { config: { access: 'referral.emergencyNumbers' }, schema: { tags: ['referrals'] } },
    async (request) => {
      const organizations = await db
        .selectFrom('organization')
        .select(['code', 'name', 'onCallContact'])
        .where(
          'id',
          'in',
          request.scope.memberships.map((m) => m.organizationId),
        )
        .execute()
      return { numbers: EMERGENCY_NUMBERS, onCall: organizations.filter((o) => o.onCallContact) }
    },
  )

  app.post(
    '/referrals',
    { config: { access: 'referral.send' }, schema: { tags: ['referrals'], body: NewReferralSchema } },
    async (request, reply) => {
      const referral = await createReferral(
        db,
        request.scope,
        { id: request.user!.id, ip: request.ip },
        request.body,
        config.publicUrl,
        config.referralDueHours,
      )
      return reply.status(201).send({ referral: await presentReferral(db, request.scope, referral, false) })
    },
  )

  app.get(
    '/referrals',
    {
      config: { access: 'referral.list' },
      schema: {
        tags: ['referrals'],
        querystring: Type.Object({
          status: Type.Optional(Type.Enum(REFERRAL_STATUSES)),
          box: Type.Union([Type.Literal('inbox'), Type.Literal('sent'), Type.Literal('all')], { default: 'all' }),
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          offset: Type.Integer({ minimum: 0, default: 0 }),
        }),
      },
    },
    async (request) => {
      const scope = request.scope
      const inboxOrganizationIds = organizationIdsWithRole(scope, RECIPIENT_ROLES).filter((id) =>
        // Internal referrals land in the inbox of social workers and managers, not of partners' namesakes.
        scope.memberships.some((m) => m.organizationId === id),
      )
      const sentOrganizationIds = organizationIdsWithRole(scope, SENDER_ROLES)
      const onlyOwn = !scope.memberships.some((m) => ['social_worker', 'manager', 'admin'].includes(m.role))
      const { items, total } = await referrals.listReferrals(db, {
        inboxOrganizationIds,
        sentOrganizationIds,
        sentByUserId: onlyOwn ? scope.userId : undefined,
        box: request.query.box,
        status: request.query.status,
        limit: request.query.limit,
        offset: request.query.offset,
      })
      const visible = items.filter((item) => mayView(scope, item))
      return { items: await Promise.all(visible.map((item) => presentReferral(db, scope, item, false))), total }
    },
  )

  app.get(
    '/referrals/:id',
    {
      config: { access: 'referral.read' },
      schema: { tags: ['referrals'], params: Type.Object({ id: Type.String() }) },
    },
    async (request) => {
      const referral = await referrals.findReferral(db, request.params.id)
      if (!referral || !mayView(request.scope, referral)) throw new AppError('NOT_FOUND', 'No such referral')
      await recordAuditEvent(db, {
        actorUserId: request.user!.id,
        organizationId: referral.recipientOrganizationId,
        action: 'referral.read',
        entityType: 'referral',
        entityId: referral.id,
        ip: request.ip,
      })
      return { referral: await presentReferral(db, request.scope, referral, true) }
    },
  )

  app.post(
    '/referrals/:id/transition',
    {
      config: { access: 'referral.act' },
      schema: {
        tags: ['referrals'],
        params: Type.Object({ id: Type.String() }),
        body: Type.Object(
          {
            to: Type.Enum(REFERRAL_STATUSES),
            note: Type.Optional(Type.String({ maxLength: 2000 })),
            reason: Type.Optional(Type.String({ maxLength: 2000 })),
            outcome: Type.Optional(Type.String({ maxLength: 2000 })),
            assigneeId: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const referral = await transitionReferral(
        db,
        request.scope,
        { id: request.user!.id, ip: request.ip },
        request.params.id,
        request.body,
        config.publicUrl,
      )
      return { referral: await presentReferral(db, request.scope, referral, false) }
    },
  )

  app.post(
    '/referrals/:id/notes',
    {
      config: { access: 'referral.act' },
      schema: {
        tags: ['referrals'],
        params: Type.Object({ id: Type.String() }),
        body: Type.Object({ note: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      await addReferralNote(
        db,
        request.scope,
        { id: request.user!.id, ip: request.ip },
        request.params.id,
        request.body.note,
      )
      return reply.status(201).send({ ok: true })
    },
  )

  app.post(
    '/referrals/:id/follow-up',
    {
      config: { access: 'referral.act' },
      schema: {
        tags: ['referrals'],
        params: Type.Object({ id: Type.String() }),
        body: Type.Union([
          Type.Object({ at: Type.String({ format: 'date-time' }) }, { additionalProperties: false }),
          Type.Object(
            {
              everyDays: Type.Integer({ minimum: 1, maximum: 31 }),
              until: Type.String({ format: 'date' }),
            },
            { additionalProperties: false },
          ),
        ]),
      },
    },
    async (request, reply) => {
      const followUp = await planFollowUp(
        db,
        request.scope,
        { id: request.user!.id, ip: request.ip },
        request.params.id,
        request.body,
      )
      return reply.status(201).send({ followUp })
    },
  )
}
