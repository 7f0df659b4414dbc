import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { CallingHours, CampaignStatus, CampaignType, TargetStatus } from '../../../shared/campaigns.js'
import { ageOn, parisToday } from '../../../shared/clock.js'
import { CAMPAIGN_ACTIONS, campaignsContract } from '../../../shared/contracts/campaigns.js'
import { checkQuestionnaire } from '../../../shared/questionnaire.js'
import { unknownPlaceholders } from '../../../shared/script.js'
import type { Db } from '../../db/database.js'
import type { CampaignTable } from '../../db/schema.js'
import { AppError } from '../../http/errors.js'
import { currentUser } from '../../policy/policy.hook.js'
import { may, organizationsWhere, type PolicySubject } from '../../policy/policy.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { findOrganizationByCode } from '../organizations/organizations.queries.js'
import * as campaigns from './campaigns.queries.js'
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

/** The most agencies, and the most communes, the builder's pickers are offered (a landlord has a few hundred). */
const MAX_TARGETING_VALUES = 5_000

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

/** A campaign of an organisation the user manages, with that organisation's code; 404 otherwise. */
async function loadManagedCampaign(db: Db, user: PolicySubject, campaignId: string) {
  const campaign = await campaigns.findCampaignWithOrganization(
    db,
    organizationsWhere(user, 'campaign.manage'),
    campaignId,
  )
  if (!campaign) throw new AppError('NOT_FOUND', 'No such campaign')
  return campaign
}

/** The campaign as the contract describes it, read again after a change. */
async function presentCampaignById(db: Db, campaign: { id: string; organizationId: string }) {
  const updated = (await campaigns.findCampaignWithOrganization(db, [campaign.organizationId], campaign.id))!
  return presentCampaign(db, updated, updated.organizationCode)
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
    type: campaign.type as CampaignType,
    status: campaign.status as CampaignStatus,
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
  const total = Object.entries(counts).reduce((sum, [key, value]) => (key === 'no_usable_phone' ? sum : sum + value), 0)
  return {
    targeted: total - count('excluded'),
    pending: count('pending') + count('scheduled'),
    inProgress: count('held'),
    completed: count('completed'),
    unreachable: count('unreachable'),
    noUsablePhone: count('no_usable_phone'),
    excluded: count('excluded'),
  }
}

export const campaignRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app

  /** The organisation of that code, when the user manages it; 400 naming the code otherwise. */
  async function resolveManagedOrganization(user: PolicySubject, code: string) {
    const organization = await findOrganizationByCode(db, code)
    if (!organization || !may(user, 'campaign.manage', organization.id)) {
      throw new AppError('VALIDATION_FAILED', `You do not manage an organisation with code "${code}"`, {
        field: 'organization',
        value: code,
      })
    }
    return organization
  }

  app.route({
    ...campaignsContract.templates,
    config: { access: 'campaign.manage' },
    handler: async () => ({
      items: CAMPAIGN_TEMPLATES,
      priorityWeights: [...DEFAULT_PRIORITY_WEIGHTS],
      targetingFields: [...TARGETING_FIELDS],
    }),
  })

  app.route({
    ...campaignsContract.targetingValues,
    config: { access: 'campaign.targetingValues' },
    handler: async (request) => {
      const organization = await findOrganizationByCode(db, request.query.organization)
      if (!organization || !may(request.scope, 'campaign.targetingValues', organization.id)) {
        throw new AppError(
          'VALIDATION_FAILED',
          `You do not manage an organisation with code "${request.query.organization}"`,
          {
            field: 'organization',
            value: request.query.organization,
          },
        )
      }
      return campaigns.targetingValues(db, organization.id, MAX_TARGETING_VALUES)
    },
  })

  app.route({
    ...campaignsContract.list,
    config: { access: 'campaign.manage' },
    handler: async (request) => {
      const rows = await campaigns.listCampaigns(db, organizationsWhere(request.scope, 'campaign.manage'))
      const items = await Promise.all(
        rows.map(async (row) => ({
          id: row.id,
          name: row.name,
          type: row.type as CampaignType,
          status: row.status as CampaignStatus,
          organization: row.organizationCode,
          createdAt: row.createdAt,
          activatedAt: row.activatedAt,
          progress: progressOf(await campaigns.countTargetsByStatus(db, row.id)),
        })),
      )
      return { items }
    },
  })

  app.route({
    ...campaignsContract.create,
    config: { access: 'campaign.manage' },
    handler: async (request, reply) => {
      const user = currentUser(request)
      const body = request.body
      const organization = await resolveManagedOrganization(request.scope, body.organization)
      const template = findTemplate(body.type)
      const rule = parseRule(body.targeting ?? template.targeting)
      checkEditableFields(body)
      const campaign = await createCampaign(db, {
        organizationId: organization.id,
        createdBy: user.id,
        ...body,
        targeting: rule,
      })
      await recordAuditEvent(db, {
        actorUserId: user.id,
        organizationId: organization.id,
        action: 'campaign.create',
        entityType: 'campaign',
        entityId: campaign.id,
        ip: request.ip,
      })
      return reply.status(201).send({ campaign: await presentCampaign(db, campaign, organization.code) })
    },
  })

  app.route({
    ...campaignsContract.read,
    config: { access: 'campaign.manage' },
    handler: async (request) => {
      const campaign = await loadManagedCampaign(db, request.scope, request.params.id)
      return { campaign: await presentCampaign(db, campaign, campaign.organizationCode) }
    },
  })

  app.route({
    ...campaignsContract.update,
    config: { access: 'campaign.manage' },
    handler: async (request) => {
      const user = currentUser(request)
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
          createdBy: user.id,
        })
        changes.questionnaireVersionId = version.id
      }
      await campaigns.updateCampaign(db, campaign.id, changes)
      await recordAuditEvent(db, {
        actorUserId: user.id,
        organizationId: campaign.organizationId,
        action: 'campaign.update',
        entityType: 'campaign',
        entityId: campaign.id,
        ip: request.ip,
        details: { fields: Object.keys(body) },
      })
      return { campaign: await presentCampaignById(db, campaign) }
    },
  })

  app.route({
    ...campaignsContract.preview,
    config: { access: 'campaign.manage' },
    handler: async (request) => {
      const body = request.body
      const organization = await resolveManagedOrganization(request.scope, body.organization)
      const rule = parseRule(body.targeting)
      checkEditableFields({ priorityWeights: body.priorityWeights })
      const today = parisToday()
      const filter = compileRule(rule, today)
      const weights = (body.priorityWeights ?? undefined) as PriorityWeights | undefined
      // The true top of the queue: the database orders every matching household by priority (ties by reference).
      const [count, rows] = await Promise.all([
        campaigns.countMatchingHouseholds(db, organization.id, filter),
        campaigns.listTopPriority(db, organization.id, filter, { today, weights, limit: body.sampleSize ?? 20 }),
      ])
      const sample = rows.map((household) => ({
        id: household.id,
        externalRef: household.externalRef,
        lastName: household.lastName,
        firstName: household.firstName,
        age: ageOn(household.birthDate, today),
        city: household.city,
        priority: household.priority,
      }))
      // The sample names tenants: a read of tenant data like any other.
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        organizationId: organization.id,
        action: 'campaign.preview',
        entityType: 'household',
        ip: request.ip,
        details: { count, sampled: sample.length },
      })
      return { count, sample }
    },
  })

  app.route({
    ...campaignsContract.previewExplain,
    config: { access: 'campaign.manage' },
    handler: async (request) => {
      const body = request.body
      const organization = await resolveManagedOrganization(request.scope, body.organization)
      const rule = parseRule(body.targeting)
      checkEditableFields({ priorityWeights: body.priorityWeights })
      const household = await campaigns.findHouseholdWithAgency(db, organization.id, body.householdId)
      if (!household) throw new AppError('NOT_FOUND', 'No such household in this organisation')
      const today = parisToday()
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        organizationId: organization.id,
        action: 'campaign.explain',
        entityType: 'household',
        entityId: household.id,
        ip: request.ip,
        details: { campaignId: null },
      })
      return {
        matches: evaluateRule(rule, household, today),
        objection: household.objectionAt !== null,
        status: household.status,
        explanation: explainRule(rule, household, today),
        priority: computePriority(household, today, (body.priorityWeights ?? undefined) as PriorityWeights | undefined),
        target: null,
      }
    },
  })

  app.route({
    ...campaignsContract.explain,
    config: { access: 'campaign.manage' },
    handler: async (request) => {
      const campaign = await loadManagedCampaign(db, request.scope, request.params.id)
      const household = await campaigns.findHouseholdWithAgency(db, campaign.organizationId, request.params.householdId)
      if (!household) throw new AppError('NOT_FOUND', 'No such household in this campaign’s organisation')
      const today = parisToday()
      const rule = parseRule(JSON.parse(campaign.targeting))
      const target = await campaigns.findTarget(db, campaign.id, household.id)
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        organizationId: campaign.organizationId,
        action: 'campaign.explain',
        entityType: 'household',
        entityId: household.id,
        ip: request.ip,
        details: { campaignId: campaign.id },
      })
      return {
        matches: evaluateRule(rule, household, today),
        objection: household.objectionAt !== null,
        status: household.status,
        explanation: explainRule(rule, household, today),
        priority: computePriority(household, today, weightsOf(campaign)),
        target: target
          ? { status: target.status as TargetStatus, attempts: target.attempts, priority: target.priority }
          : null,
      }
    },
  })

  for (const action of CAMPAIGN_ACTIONS) {
    app.route({
      ...campaignsContract[action],
      config: { access: 'campaign.manage' },
      handler: async (request) => {
        const campaign = await loadManagedCampaign(db, request.scope, request.params.id)
        const sync = await changeCampaignStatus(db, campaign, action, parseRule(JSON.parse(campaign.targeting)))
        await recordAuditEvent(db, {
          actorUserId: currentUser(request).id,
          organizationId: campaign.organizationId,
          action: `campaign.${action}`,
          entityType: 'campaign',
          entityId: campaign.id,
          ip: request.ip,
          details: sync ? { ...sync } : null,
        })
        return { campaign: await presentCampaignById(db, campaign) }
      },
    })
  }

  app.route({
    ...campaignsContract.retarget,
    config: { access: 'campaign.manage' },
    handler: async (request) => {
      const campaign = await loadManagedCampaign(db, request.scope, request.params.id)
      if (campaign.status === 'closed') throw new AppError('CONFLICT', 'A closed campaign cannot be retargeted')
      const rule = parseRule(request.body.targeting)
      await campaigns.updateCampaign(db, campaign.id, { targeting: JSON.stringify(rule) })
      // A draft's queue is built at activation; a running or paused campaign's queue follows the new rule now.
      const changes = campaign.status === 'draft' ? null : await syncTargets(db, campaign, rule)
      await recordAuditEvent(db, {
        actorUserId: currentUser(request).id,
        organizationId: campaign.organizationId,
        action: 'campaign.retarget',
        entityType: 'campaign',
        entityId: campaign.id,
        ip: request.ip,
        details: changes ? { ...changes } : null,
      })
      return { campaign: await presentCampaignById(db, campaign), changes }
    },
  })
}
