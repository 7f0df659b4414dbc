import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { CallingHours, CampaignType } from '../../../shared/campaigns.js'
import { ageOn, parisToday } from '../../../shared/clock.js'
import { checkQuestionnaire } from '../../../shared/questionnaire.js'
import { unknownPlaceholders } from '../../../shared/script.js'
import type { Db } from '../../db/database.js'
import type { CampaignTable } from '../../db/schema.js'
import { hasRole, organizationIdsWithRole, type Scope } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { findOrganizationByCode } from '../organizations/organizations.queries.js'
import * as campaigns from './campaigns.queries.js'
import {
  CampaignChangesSchema,
  CampaignSchema,
  HouseholdSampleSchema,
  NewCampaignSchema,
  ProgressSchema,
} from './campaigns.schemas.js'
import { changeCampaignStatus, createCampaign, syncTargets, weightsOf } from './campaigns.service.js'
import { CAMPAIGN_TEMPLATES, findTemplate } from './campaigns.templates.js'
import { computePriority, DEFAULT_PRIORITY_WEIGHTS, type PriorityWeights, validatePriorityWeights } from './priority.js'
import {
  compileRule,
  evaluateRule,
  explainRule,
  type Rule,
  RuleError,
  TARGETING_FIELDS,
  validateRule,
} from './targeting.js'

const MANAGING_ROLES = ['manager', 'admin'] as const

function parseRule(input: unknown, field = 'targeting'): Rule {
  try {
    return validateRule(input)
  } catch (error) {
    if (error instanceof RuleError) {
      const details = error.details.map((detail) => ({
        ...detail,
        field: `${field}.${detail.path}`.replace(/\.$/, ''),
      }))
      throw new AppError('VALIDATION_FAILED', `Invalid targeting rule: ${error.message}`, details)
    }
    throw error
  }
}

function checkEditableFields(body: {
  questionnaire?: unknown
  script?: string
  callingHours?: CallingHours
  priorityWeights?: unknown
}) {
  if (body.questionnaire !== undefined) {
    const issues = checkQuestionnaire(body.questionnaire)
    if (issues.length) {
      throw new AppError(
        'VALIDATION_FAILED',
        `Invalid questionnaire: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues.map((issue) => ({ field: `questionnaire.${issue.path}`, message: issue.message })),
      )
    }
  }
  if (body.script !== undefined) {
    const unknown = unknownPlaceholders(body.script)
    if (unknown.length) {
      throw new AppError(
        'VALIDATION_FAILED',
        `Unknown placeholder(s) in the script: ${unknown.map((u) => `{{${u}}}`).join(', ')}`,
        {
          field: 'script',
          value: unknown,
        },
      )
    }
  }
  if (Array.isArray(body.callingHours)) {
    body.callingHours.forEach((window, index) => {
      if (window.from >= window.to) {
        throw new AppError(
          'VALIDATION_FAILED',
          `Calling window ${index + 1} ends before it starts (${window.from}–${window.to})`,
          {
            field: `callingHours[${index}]`,
            value: window,
          },
        )
      }
    })
  }
  if (body.priorityWeights) {
    const problems = validatePriorityWeights(body.priorityWeights)
    if (problems.length) {
      throw new AppError(
        'VALIDATION_FAILED',
        `Invalid priority weights: ${problems.map((p) => p.message).join('; ')}`,
        problems,
      )
    }
  }
}

async function loadManagedCampaign(db: Db, scope: Scope, campaignId: string) {
  const campaign = await campaigns.findCampaignById(db, organizationIdsWithRole(scope, [...MANAGING_ROLES]), campaignId)
  if (!campaign) throw new AppError('NOT_FOUND', 'No such campaign')
  return campaign
}

async function presentCampaign(db: Db, campaign: CampaignTable, organizationCode: string) {
  const [counts, questionnaire] = await Promise.all([
    campaigns.countTargetsByStatus(db, campaign.id),
    campaign.questionnaireVersionId
      ? campaigns.findQuestionnaireVersion(db, campaign.questionnaireVersionId)
      : undefined,
  ])
  return {
    id: campaign.id,
    name: campaign.name,
    type: campaign.type,
    status: campaign.status,
    organization: organizationCode,
    targeting: JSON.parse(campaign.targeting),
    priorityWeights: campaign.priorityWeights ? JSON.parse(campaign.priorityWeights) : null,
    callingHours: JSON.parse(campaign.callingHours),
    maxAttempts: campaign.maxAttempts,
    retryDelays: JSON.parse(campaign.retryDelays),
    frequencyCap: JSON.parse(campaign.frequencyCap),
    script: campaign.script,
    faq: JSON.parse(campaign.faq),
    questionnaire: questionnaire
      ? {
          versionId: questionnaire.id,
          version: questionnaire.version,
          definition: JSON.parse(questionnaire.definition),
        }
      : null,
    createdAt: campaign.createdAt,
    activatedAt: campaign.activatedAt,
    closedAt: campaign.closedAt,
    progress: progressOf(counts),
  }
}

/** The contract's progress figures from target counts by status; `targeted` leaves out excluded households. */
function progressOf(counts: Record<string, number>) {
  const count = (status: string) => counts[status] ?? 0
  const total = Object.values(counts).reduce((sum, value) => sum + value, 0)
  return {
    targeted: total - count('excluded'),
    pending: count('pending') + count('scheduled'),
    inProgress: count('held'),
    completed: count('completed'),
    unreachable: count('unreachable'),
    excluded: count('excluded'),
  }
}

async function organizationCodeOf(db: Db, organizationId: string) {
  const row = await db
    .selectFrom('organization')
    .select('code')
    .where('id', '=', organizationId)
    .executeTakeFirstOrThrow()
  return row.code
}

export const campaignRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  async function resolveManagedOrganization(scope: Scope, code: string) {
    const organization = await findOrganizationByCode(db, code)
    if (!organization || !hasRole(scope, [...MANAGING_ROLES], organization.id)) {
      throw new AppError('VALIDATION_FAILED', `You do not manage an organisation with code "${code}"`, {
        field: 'organization',
        value: code,
      })
    }
    return organization
  }

  app.get(
    '/campaign-templates',
    { config: { access: 'campaign.manage' }, schema: { tags: ['campaigns'] } },
    async () => ({
      items: CAMPAIGN_TEMPLATES,
      priorityWeights: DEFAULT_PRIORITY_WEIGHTS,
      targetingFields: TARGETING_FIELDS,
    }),
  )

  app.get(
    '/campaigns',
    {
      config: { access: 'campaign.manage' },
      schema: {
        tags: ['campaigns'],
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                name: Type.String(),
                type: Type.String(),
                status: Type.String(),
                organization: Type.String(),
                createdAt: Type.String(),
                activatedAt: Type.Union([Type.String(), Type.Null()]),
                progress: ProgressSchema,
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const rows = await campaigns.listCampaigns(db, organizationIdsWithRole(request.scope, [...MANAGING_ROLES]))
      const items = await Promise.all(
        rows.map(async (row) => ({
          id: row.id,
          name: row.name,
          type: row.type,
          status: row.status,
          organization: row.organizationCode,
          createdAt: row.createdAt,
          activatedAt: row.activatedAt,
          progress: progressOf(await campaigns.countTargetsByStatus(db, row.id)),
        })),
      )
      return { items }
    },
  )

  app.post(
    '/campaigns',
    {
      config: { access: 'campaign.manage' },
      schema: {
        tags: ['campaigns'],
        body: NewCampaignSchema,
        response: { 201: Type.Object({ campaign: CampaignSchema }) },
      },
    },
    async (request, reply) => {
      const body = request.body
      const organization = await resolveManagedOrganization(request.scope, body.organization)
      const template = findTemplate(body.type as CampaignType)
      const rule = parseRule(body.targeting ?? template.targeting)
      checkEditableFields(body)
      const campaign = await createCampaign(db, {
        organizationId: organization.id,
        createdBy: request.user!.id,
        ...body,
        type: body.type as CampaignType,
        targeting: rule,
      })
      const campaignId = campaign.id
      await recordAuditEvent(db, {
        actorUserId: request.user!.id,
        organizationId: organization.id,
        action: 'campaign.create',
        entityType: 'campaign',
        entityId: campaignId,
        ip: request.ip,
      })
      return reply.status(201).send({ campaign: await presentCampaign(db, campaign, organization.code) })
    },
  )

  app.get(
    '/campaigns/:id',
    {
      config: { access: 'campaign.manage' },
      schema: {
        tags: ['campaigns'],
        params: Type.Object({ id: Type.String() }),
        response: { 200: Type.Object({ campaign: CampaignSchema }) },
      },
    },
    async (request) => {
      const campaign = await loadManagedCampaign(db, request.scope, request.params.id)
      return { campaign: await presentCampaign(db, campaign, await organizationCodeOf(db, campaign.organizationId)) }
    },
  )

  app.patch(
    '/campaigns/:id',
    {
      config: { access: 'campaign.manage' },
      schema: {
        tags: ['campaigns'],
        params: Type.Object({ id: Type.String() }),
        body: CampaignChangesSchema,
        response: { 200: Type.Object({ campaign: CampaignSchema }) },
      },
    },
    async (request) => {
      const campaign = await loadManagedCampaign(db, request.scope, request.params.id)
      if (campaign.status === 'closed') throw new AppError('CONFLICT', 'A closed campaign cannot be changed')
      const body = request.body
      checkEditableFields(body)
      const changes: Partial<CampaignTable> = {}
      if (body.name !== undefined) changes.name = body.name
      if (body.callingHours !== undefined) changes.callingHours = JSON.stringify(body.callingHours)
      if (body.maxAttempts !== undefined) changes.maxAttempts = body.maxAttempts
      if (body.retryDelays !== undefined) changes.retryDelays = JSON.stringify(body.retryDelays)
      if (body.frequencyCap !== undefined) changes.frequencyCap = JSON.stringify(body.frequencyCap)
      if (body.script !== undefined) changes.script = body.script
      if (body.faq !== undefined) changes.faq = JSON.stringify(body.faq)
      if (body.priorityWeights !== undefined) {
        changes.priorityWeights = body.priorityWeights ? JSON.stringify(body.priorityWeights) : null
      }
      if (body.questionnaire !== undefined) {
        // A new version: calls already saved keep pointing at the version they were answered with.
        const version = await campaigns.insertQuestionnaireVersion(db, {
          campaignId: campaign.id,
          definition: body.questionnaire,
          createdBy: request.user!.id,
        })
        changes.questionnaireVersionId = version.id
      }
      await campaigns.updateCampaign(db, campaign.id, changes)
      await recordAuditEvent(db, {
        actorUserId: request.user!.id,
        organizationId: campaign.organizationId,
        action: 'campaign.update',
        entityType: 'campaign',
        entityId: campaign.id,
        ip: request.ip,
        details: { fields: Object.keys(body) },
      })
      const updated = (await campaigns.findCampaignById(db, [campaign.organizationId], campaign.id))!
      return { campaign: await presentCampaign(db, updated, await organizationCodeOf(db, campaign.organizationId)) }
    },
  )

  app.post(
    '/campaigns/preview',
    {
      config: { access: 'campaign.manage' },
      schema: {
        tags: ['campaigns'],
        body: Type.Object(
          {
            organization: Type.String(),
            targeting: Type.Unknown(),
            priorityWeights: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Integer()), Type.Null()])),
            sampleSize: Type.Integer({ minimum: 0, maximum: 100, default: 20 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ count: Type.Integer(), sample: Type.Array(HouseholdSampleSchema) }) },
      },
    },
    async (request) => {
      const organization = await resolveManagedOrganization(request.scope, request.body.organization)
      const rule = parseRule(request.body.targeting)
      checkEditableFields({ priorityWeights: request.body.priorityWeights })
      const today = parisToday()
      const filter = compileRule(rule, today)
      const [count, rows] = await Promise.all([
        campaigns.countMatchingHouseholds(db, organization.id, filter),
        campaigns.listMatchingHouseholds(db, organization.id, filter, request.body.sampleSize),
      ])
      const weights = (request.body.priorityWeights ?? undefined) as PriorityWeights | undefined
      const sample = rows
        .map((household) => ({
          id: household.id,
          externalRef: household.externalRef,
          lastName: household.lastName,
          firstName: household.firstName,
          age: ageOn(household.birthDate, today),
          city: household.city,
          priority: computePriority(household, today, weights).score,
        }))
        .sort((a, b) => b.priority - a.priority)
      return { count, sample }
    },
  )

  app.get(
    '/campaigns/:id/explain/:householdId',
    {
      config: { access: 'campaign.manage' },
      schema: { tags: ['campaigns'], params: Type.Object({ id: Type.String(), householdId: Type.String() }) },
    },
    async (request) => {
      const campaign = await loadManagedCampaign(db, request.scope, request.params.id)
      const household = await campaigns.findHouseholdWithAgency(db, campaign.organizationId, request.params.householdId)
      if (!household) throw new AppError('NOT_FOUND', 'No such household in this campaign’s organisation')
      const today = parisToday()
      const rule = parseRule(JSON.parse(campaign.targeting))
      const target = await campaigns.findTarget(db, campaign.id, household.id)
      return {
        matches: evaluateRule(rule, household, today),
        objection: household.objectionAt !== null,
        status: household.status,
        explanation: explainRule(rule, household, today),
        priority: computePriority(household, today, weightsOf(campaign)),
        target: target ? { status: target.status, attempts: target.attempts, priority: target.priority } : null,
      }
    },
  )

  for (const action of ['activate', 'pause', 'close'] as const) {
    app.post(
      `/campaigns/:id/${action}`,
      {
        config: { access: 'campaign.manage' },
        schema: {
          tags: ['campaigns'],
          params: Type.Object({ id: Type.String() }),
          response: { 200: Type.Object({ campaign: CampaignSchema }) },
        },
      },
      async (request) => {
        const campaign = await loadManagedCampaign(db, request.scope, request.params.id)
        const sync = await changeCampaignStatus(db, campaign, action, parseRule(JSON.parse(campaign.targeting)))
        await recordAuditEvent(db, {
          actorUserId: request.user!.id,
          organizationId: campaign.organizationId,
          action: `campaign.${action}`,
          entityType: 'campaign',
          entityId: campaign.id,
          ip: request.ip,
          details: sync ? { ...sync } : null,
        })
        const updated = (await campaigns.findCampaignById(db, [campaign.organizationId], campaign.id))!
        return { campaign: await presentCampaign(db, updated, await organizationCodeOf(db, campaign.organizationId)) }
      },
    )
  }

  app.put(
    '/campaigns/:id/targeting',
    {
      config: { access: 'campaign.manage' },
      schema: {
        tags: ['campaigns'],
        params: Type.Object({ id: Type.String() }),
        body: Type.Object({ targeting: Type.Unknown() }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            campaign: CampaignSchema,
            changes: Type.Union([
              Type.Object({
                added: Type.Integer(),
                restored: Type.Integer(),
                removed: Type.Integer(),
                targeted: Type.Integer(),
              }),
              Type.Null(),
            ]),
          }),
        },
      },
    },
    async (request) => {
      const campaign = await loadManagedCampaign(db, request.scope, request.params.id)
      if (campaign.status === 'closed') throw new AppError('CONFLICT', 'A closed campaign cannot be retargeted')
      const rule = parseRule(request.body.targeting)
      await campaigns.updateCampaign(db, campaign.id, { targeting: JSON.stringify(rule) })
      // A draft's queue is built at activation; a running or paused campaign's queue follows the new rule now.
      const changes = campaign.status === 'draft' ? null : await syncTargets(db, campaign, rule)
      await recordAuditEvent(db, {
        actorUserId: request.user!.id,
        organizationId: campaign.organizationId,
        action: 'campaign.retarget',
        entityType: 'campaign',
        entityId: campaign.id,
        ip: request.ip,
        details: changes ? { ...changes } : null,
      })
      const updated = (await campaigns.findCampaignById(db, [campaign.organizationId], campaign.id))!
      return {
        campaign: await presentCampaign(db, updated, await organizationCodeOf(db, campaign.organizationId)),
        changes,
      }
    },
  )
}
