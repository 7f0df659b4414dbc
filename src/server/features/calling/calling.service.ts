/**
 * The calling feature's services around the claim (claim.service.ts) and the outcome (outcome.service.ts): the
 * campaigns a user may call for, a campaign's list of callers, and what a caller does with the household they hold
 * (give it back, keep it longer).
 */
import { isWithinCallingHours } from '../../../shared/calling-rules.js'
import type { CallingHours } from '../../../shared/campaigns.js'
import { addDays, parisDayStart, parisToday } from '../../../shared/clock.js'
import { CALLBACKS_LIMIT } from '../../../shared/contracts/calling.js'
import type { Role } from '../../../shared/roles.js'
import type { Db } from '../../db/database.js'
import { inGroupedTransaction } from '../../db/group-commit.js'
import { addMinutes, nowTimestamp } from '../../db/time.js'
import type { Scope } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { grantOf, organizationsWhere } from '../../policy/policy.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { findCampaignById } from '../campaigns/campaigns.queries.js'
import { listMembersWithRole } from '../users/users.queries.js'
import { parsedJson } from './calling.cache.js'
import * as calling from './calling.queries.js'
import { releaseHouseholdHold } from './claim.queries.js'

/** A household is held this long after a claim or a renewal. */
export const LEASE_MINUTES = 15

export interface Caller {
  id: string
  name: string
  /** The caller's network address, for the audit log. */
  ip: string
}

/**
 * A claim or an outcome: grouped in one transaction on SQLite; on PostgreSQL run on the pool without BEGIN and
 * COMMIT, its writes being one statement (see claimNext and saveCall).
 */
export function atomically<T>(db: Db, work: (db: Db) => Promise<T>): Promise<T> {
  return db.engine === 'postgres' && !db.isTransaction ? work(db) : inGroupedTransaction(db, work)
}

/**
 * The campaigns this user may call for now: active, and open to them (listed, or unrestricted, or managed); of the
 * organisations where they call, or of those given among them (the home page: where they hold the caller role).
 */
export async function listCallableCampaigns(
  db: Db,
  scope: Scope,
  now = new Date(),
  organizationIds = organizationsWhere(scope, 'campaign.call'),
) {
  const rows = await calling.listCallableCampaigns(
    db,
    scope.userId,
    organizationIds,
    organizationsWhere(scope, 'campaign.manage'),
  )
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    type: row.type,
    organization: row.organizationCode,
    isWithinCallingHours: isWithinCallingHours(parsedJson<CallingHours>(row.callingHours), now),
  }))
}

/**
 * « Mes rappels »: the callbacks this caller may make (see listCallbacksOfCaller), each overdue when its time has
 * passed. The households' names are tenant data: the read is audited once per organisation it showed households of.
 */
export async function listMyCallbacks(db: Db, scope: Scope, ip: string, now = new Date()) {
  const rows = await calling.listCallbacksOfCaller(
    db,
    scope.userId,
    organizationsWhere(scope, 'campaign.call'),
    organizationsWhere(scope, 'campaign.manage'),
    CALLBACKS_LIMIT,
  )
  const at = now.toISOString()
  const shownByOrganization = new Map<string, number>()
  for (const row of rows) {
    shownByOrganization.set(row.organizationId, (shownByOrganization.get(row.organizationId) ?? 0) + 1)
  }
  for (const [organizationId, results] of shownByOrganization) {
    await recordAuditEvent(db, {
      actorUserId: scope.userId,
      organizationId,
      action: 'callback.list',
      entityType: 'household',
      ip,
      details: { results },
    })
  }
  return {
    at,
    items: rows.map((row) => ({
      targetId: row.id,
      at: row.nextAttemptAt,
      overdue: row.nextAttemptAt < at,
      keptForMe: row.preferredCallerId === scope.userId,
      campaign: { id: row.campaignId, name: row.campaignName },
      household: { id: row.householdId, lastName: row.lastName, firstName: row.firstName },
    })),
  }
}

/**
 * How many of « Mes rappels » (the same rule as listMyCallbacks, over these organisations) are overdue and due later
 * today. Counts only: no household is named or returned, so unlike the list this read is not audited.
 */
export async function countMyCallbacks(db: Db, scope: Scope, organizationIds: string[], now = new Date()) {
  return calling.countCallbacksOfCaller(
    db,
    scope.userId,
    organizationIds,
    organizationsWhere(scope, 'campaign.manage'),
    now.toISOString(),
    parisDayStart(addDays(parisToday(now), 1)),
  )
}

/** « Votre journée »: the calls this caller recorded today (Paris day), in all and by disposition. */
export async function countCallsToday(db: Db, callerId: string, now = new Date()) {
  const day = parisToday(now)
  const counts = await calling.countCallsOfCaller(db, callerId, parisDayStart(day), parisDayStart(addDays(day, 1)))
  return {
    day,
    total: counts.reduce((sum, row) => sum + row.count, 0),
    byDisposition: Object.fromEntries(counts.map((row) => [row.disposition, row.count])),
  }
}

/** The roles that may call in an organisation: only their holders can be listed as a campaign's callers. */
export function callingRoles(): readonly Role[] {
  const grant = grantOf('campaign.call')
  return typeof grant === 'string' ? [] : grant
}

/** Those of these users who are not callers of the organisation (an empty list when all are). */
export async function findStrangers(db: Db, organizationId: string, userIds: string[]) {
  const members = new Set(await listMembersWithRole(db, organizationId, callingRoles(), userIds))
  return userIds.filter((id) => !members.has(id))
}

/**
 * Restricts a campaign to these callers, each of whom must be a caller of its organisation; an empty list opens it
 * to every caller there again. Only a manager of its organisation may.
 */
export async function setCampaignCallers(
  db: Db,
  scope: Scope,
  campaignId: string,
  requested: string[],
  actor: { id: string; ip: string },
) {
  const campaign = await findCampaignById(db, organizationsWhere(scope, 'campaign.manage'), campaignId)
  if (!campaign) throw new AppError('NOT_FOUND', 'No such campaign')
  const userIds = [...new Set(requested)]
  const strangers = await findStrangers(db, campaign.organizationId, userIds)
  if (strangers.length) {
    throw new AppError('VALIDATION_FAILED', 'Some users are not callers of this campaign’s organisation', {
      field: 'userIds',
      value: strangers,
    })
  }
  await calling.replaceCampaignCallers(db, campaign.id, userIds)
  await recordAuditEvent(db, {
    actorUserId: actor.id,
    organizationId: campaign.organizationId,
    action: 'campaign.callers',
    entityType: 'campaign',
    entityId: campaign.id,
    ip: actor.ip,
    details: { callers: userIds.length },
  })
  return userIds
}

/** Gives a household the caller holds back to the queue; 404 for anything else (another organisation's, another's). */
export async function releaseAssignment(
  db: Db,
  targetId: string,
  callerId: string,
  organizationIds: readonly string[],
) {
  const target = await calling.findTargetById(db, targetId)
  if (!target || !organizationIds.includes(target.organizationId) || target.heldBy !== callerId) {
    throw new AppError('NOT_FOUND', 'No such assignment of yours')
  }
  const released = await calling.releaseTarget(db, target.id, callerId, nowTimestamp())
  if (!released) throw new AppError('CONFLICT', 'This household is no longer assigned to you')
  await releaseHouseholdHold(db, target.householdId, target.id)
}

/**
 * Keeps the household for another lease; returns when the new lease ends. 409 when the caller no longer holds it,
 * 404 when it is of no organisation where they call (its state is none of their business).
 */
export async function renewAssignment(db: Db, targetId: string, callerId: string, organizationIds: readonly string[]) {
  const now = nowTimestamp()
  const leaseExpiresAt = addMinutes(now, LEASE_MINUTES)
  const renewed = await calling.renewLease(db, targetId, callerId, organizationIds, leaseExpiresAt, now)
  if (renewed) return leaseExpiresAt
  // Only a refusal reads the target, to tell "not yours any more" from "not anything of yours".
  const target = await calling.findTargetById(db, targetId)
  if (!target || !organizationIds.includes(target.organizationId)) throw new AppError('NOT_FOUND', 'No such assignment')
  throw new AppError('CONFLICT', 'This household is no longer assigned to you')
}
