import { randomUUID } from 'node:crypto'
import {
  type CallingHours,
  type CampaignType,
  DEFAULT_FREQUENCY_CAP,
  DEFAULT_RETRY_DELAYS,
  type FrequencyCap,
  type RetryDelays,
} from '../../../shared/campaigns.js'
import { parisToday } from '../../../shared/clock.js'
import { type Db, inTransaction } from '../../db/database.js'
import { sortableId } from '../../db/ids.js'
import type { CampaignTable, CampaignTargetTable } from '../../db/schema.js'
import { nowTimestamp } from '../../db/time.js'
import { AppError } from '../../http/errors.js'
import * as campaigns from './campaigns.queries.js'
import { findTemplate } from './campaigns.templates.js'
import { computePriority, type PriorityWeights } from './priority.js'
import { compileRule, type Rule } from './targeting.js'

type Campaign = CampaignTable

export function weightsOf(campaign: Pick<Campaign, 'priorityWeights'>): PriorityWeights | undefined {
  return campaign.priorityWeights ? (JSON.parse(campaign.priorityWeights) as PriorityWeights) : undefined
}

export interface NewCampaign {
  organizationId: string
  createdBy: string
  name: string
  type: CampaignType
  /** Already validated. Every missing setting comes from the type's template. */
  targeting?: Rule
  callingHours?: CallingHours
  maxAttempts?: number
  retryDelays?: RetryDelays
  frequencyCap?: FrequencyCap
  script?: string
  faq?: { question: string; answer: string }[]
  questionnaire?: unknown
  priorityWeights?: Record<string, number> | null
}

/** Creates a draft campaign from its template and the manager's choices, with questionnaire version 1. */
export async function createCampaign(db: Db, input: NewCampaign): Promise<Campaign> {
  const template = findTemplate(input.type)
  const now = nowTimestamp()
  const campaign: Campaign = {
    id: randomUUID(),
    organizationId: input.organizationId,
    name: input.name,
    type: input.type,
    status: 'draft',
    targeting: JSON.stringify(input.targeting ?? template.targeting),
    priorityWeights: input.priorityWeights ? JSON.stringify(input.priorityWeights) : null,
    callingHours: JSON.stringify(input.callingHours ?? template.callingHours),
    maxAttempts: input.maxAttempts ?? template.maxAttempts,
    retryDelays: JSON.stringify(input.retryDelays ?? DEFAULT_RETRY_DELAYS),
    frequencyCap: JSON.stringify(input.frequencyCap ?? DEFAULT_FREQUENCY_CAP),
    script: input.script ?? template.script,
    faq: JSON.stringify(input.faq ?? template.faq),
    questionnaireVersionId: null,
    callersRestricted: 0,
    createdBy: input.createdBy,
    createdAt: now,
    updatedAt: now,
    activatedAt: null,
    closedAt: null,
  }
  return inTransaction(db, async (tx) => {
    await campaigns.insertCampaign(tx, campaign)
    const version = await campaigns.insertQuestionnaireVersion(tx, {
      campaignId: campaign.id,
      definition: input.questionnaire ?? template.questionnaire,
      createdBy: input.createdBy,
    })
    campaign.questionnaireVersionId = version.id
    await campaigns.updateCampaign(tx, campaign.id, { questionnaireVersionId: version.id })
    return campaign
  })
}

export interface RetargetResult {
  added: number
  restored: number
  removed: number
  targeted: number
  /** Waiting targets (new, restored, pending or scheduled) whose household has no usable number: now unreachable. */
  noUsablePhone: number
  /** Targets listed unreachable for want of a number whose household now has one: back in the queue. */
  phoneFound: number
}

/**
 * Brings a campaign's queue in line with its targeting rule: newly matching households join as pending, households
 * that no longer match leave the queue (status `excluded`, kept for the history), and households excluded earlier
 * that match again come back. Targets already called, held, completed or unreachable keep their state, so nobody is
 * called twice because the rule changed.
 *
 * A household without any usable number is never served to a caller: its waiting target is listed `unreachable`
 * from the start (never called: attempts 0), for a letter or a visit. Such a target goes back to the queue at the
 * next sync (activation, resumption, a change of rule) once an import has given the household a valid number.
 */
export async function syncTargets(db: Db, campaign: Campaign, rule: Rule): Promise<RetargetResult> {
  const today = parisToday()
  const now = nowTimestamp()
  const weights = weightsOf(campaign)
  return inTransaction(db, async (tx) => {
    const matching = await campaigns.listMatchingForPriority(tx, campaign.organizationId, compileRule(rule, today))
    const existing = new Map((await campaigns.listTargetStates(tx, campaign.id)).map((t) => [t.householdId, t]))
    const toInsert: CampaignTargetTable[] = []
    const toRestore: string[] = []
    const toRestoreUnreachable: string[] = []
    const toMarkUnreachable: string[] = []
    const toRequeue: string[] = []
    const matchingIds = new Set<string>()
    for (const household of matching) {
      matchingIds.add(household.id)
      const target = existing.get(household.id)
      if (target && target.status !== 'excluded') {
        const isWaiting = target.status === 'pending' || target.status === 'scheduled'
        if (isWaiting && !household.hasUsablePhone) toMarkUnreachable.push(target.id)
        if (isNoPhoneMark(target) && household.hasUsablePhone) toRequeue.push(target.id)
        continue
      }
      if (target) {
        ;(household.hasUsablePhone ? toRestore : toRestoreUnreachable).push(target.id)
        continue
      }
      const priority = computePriority(household, today, weights)
      toInsert.push({
        id: sortableId(),
        campaignId: campaign.id,
        organizationId: campaign.organizationId,
        householdId: household.id,
        status: household.hasUsablePhone ? 'pending' : 'unreachable',
        priority: priority.score,
        priorityReasons: JSON.stringify(priority.reasons.map(({ key, points }) => ({ key, points }))),
        attempts: 0,
        nextAttemptAt: now,
        heldBy: null,
        leaseUntil: null,
        lastDisposition: null,
        lastCalledAt: null,
        phonePosition: 0,
        preferredCallerId: null,
        followUpIntervalDays: null,
        followUpUntil: null,
        addedAt: now,
        removedAt: null,
        updatedAt: now,
      })
    }
    const toRemove = [...existing.values()]
      .filter(
        (target) =>
          (target.status === 'pending' || target.status === 'scheduled' || isNoPhoneMark(target)) &&
          !matchingIds.has(target.householdId),
      )
      .map((target) => target.id)
    await campaigns.insertTargets(tx, toInsert)
    await campaigns.setTargetsStatus(tx, toRestore, { status: 'pending', removedAt: null })
    await campaigns.setTargetsStatus(tx, toRestoreUnreachable, { status: 'unreachable', removedAt: null })
    await campaigns.setTargetsStatus(tx, toMarkUnreachable, { status: 'unreachable' })
    await campaigns.setTargetsStatus(tx, toRequeue, { status: 'pending', nextAttemptAt: now, phonePosition: 0 })
    await campaigns.setTargetsStatus(tx, toRemove, { status: 'excluded', removedAt: now })
    const newWithoutPhone = toInsert.filter((target) => target.status === 'unreachable').length
    return {
      added: toInsert.length,
      restored: toRestore.length + toRestoreUnreachable.length,
      removed: toRemove.length,
      targeted: matchingIds.size,
      noUsablePhone: newWithoutPhone + toRestoreUnreachable.length + toMarkUnreachable.length,
      phoneFound: toRequeue.length,
    }
  })
}

/** Listed unreachable without ever being called: every attempt counts, so only a sync finding no number does this. */
function isNoPhoneMark(target: { status: string; attempts: number }) {
  return target.status === 'unreachable' && target.attempts === 0
}

const TRANSITIONS: Record<string, { from: string[]; to: string }> = {
  activate: { from: ['draft', 'paused'], to: 'active' },
  pause: { from: ['active'], to: 'paused' },
  close: { from: ['draft', 'active', 'paused'], to: 'closed' },
}

/** Moves a campaign through draft → active ⇄ paused → closed; activating a draft builds its queue. */
export async function changeCampaignStatus(db: Db, campaign: Campaign, action: keyof typeof TRANSITIONS, rule: Rule) {
  const transition = TRANSITIONS[action]
  if (!transition.from.includes(campaign.status)) {
    throw new AppError('CONFLICT', `A ${campaign.status} campaign cannot be ${action}d`, {
      status: campaign.status,
      action,
    })
  }
  let sync: RetargetResult | null = null
  if (action === 'activate') {
    if (!campaign.questionnaireVersionId) {
      throw new AppError('CONFLICT', 'The campaign has no questionnaire version yet')
    }
    sync = await syncTargets(db, campaign, rule)
  }
  const now = nowTimestamp()
  await campaigns.updateCampaign(db, campaign.id, {
    status: transition.to,
    ...(action === 'activate' && !campaign.activatedAt ? { activatedAt: now } : {}),
    ...(action === 'close' ? { closedAt: now } : {}),
  })
  // Closing frees the queue: nothing of this campaign is called any more, the history stays.
  if (action === 'close') await campaigns.excludeOpenTargets(db, campaign.id, now)
  return sync
}
