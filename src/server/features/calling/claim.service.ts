/**
 * The claim: the most urgent due household of a campaign, held for one caller under a lease, and what their screen
 * shows of it. The permission check comes first (loadCallableCampaign).
 */
import { isWithinCallingHours } from '../../../shared/calling-rules.js'
import type { Disposition } from '../../../shared/campaigns.js'
import { ageOn, parisToday } from '../../../shared/clock.js'
import { EARLIER_NOTES_LIMIT, NOTE_MAX_LENGTH } from '../../../shared/contracts/calling.js'
import { addressedName, addressOnOneLine } from '../../../shared/households.js'
import type { Role } from '../../../shared/roles.js'
import { fillScript } from '../../../shared/script.js'
import type { Db } from '../../db/database.js'
import type { CampaignTable } from '../../db/schema.js'
import { addMinutes, nowTimestamp } from '../../db/time.js'
import type { Scope } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { may } from '../../policy/policy.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import {
  cachedQuestionnaireVersion,
  campaignCopy,
  configurationOf,
  findCampaignForCalling,
  parsedDefinition,
  rememberClaim,
} from './calling.cache.js'
import { isListedCaller } from './calling.queries.js'
import { atomically, type Caller, LEASE_MINUTES } from './calling.service.js'
import * as claims from './claim.queries.js'

/** What a caller needs on screen for one household, and nothing more. */
export async function presentAssignment(
  db: Db,
  campaign: CampaignTable,
  target: { id: string; householdId: string; attempts: number; phonePosition: number; leaseUntil: string | null },
  caller: Caller,
  /** The household's details and earlier notes when the claim already read them (PostgreSQL). */
  read?: { details: claims.HouseholdForCall; earlierNotes: claims.EarlierNote[] },
) {
  const { household, members, phones, calls } =
    read?.details ?? (await claims.findHouseholdForCall(db, target.householdId))
  // Read with the household, under the same audit entry (`household.read`, via the claim).
  const earlierNotes =
    read?.earlierNotes ??
    (await claims.findEarlierNotes(
      db,
      target.householdId,
      campaign.organizationId,
      EARLIER_NOTES_LIMIT,
      NOTE_MAX_LENGTH,
    ))
  const today = parisToday()
  const questionnaire = campaign.questionnaireVersionId
    ? await cachedQuestionnaireVersion(db, campaign.questionnaireVersionId)
    : undefined
  const { faq } = configurationOf(campaign)
  const usablePhones = phones.filter((phone) => phone.isValid === 1)
  return {
    id: target.id,
    campaignId: campaign.id,
    campaignName: campaign.name,
    attempt: target.attempts + 1,
    leaseExpiresAt: target.leaseUntil!,
    household: {
      id: household.id,
      externalRef: household.externalRef,
      lastName: household.lastName,
      firstName: household.firstName,
      address: addressOnOneLine(household),
      floor: household.floor,
      hasLift: household.hasLift === null ? null : household.hasLift === 1,
      members: members.map((member) => ({
        firstName: member.firstName,
        lastName: member.lastName,
        age: ageOn(member.birthDate, today),
        isLeaseholder: member.isLeaseholder === 1,
      })),
      fragilityLevel: household.fragilityLevel,
      earlierCalls: calls.map((call) => ({
        at: call.createdAt,
        campaign: call.campaignName,
        disposition: call.disposition,
        fragilityLevel: call.fragilityLevel,
      })),
      earlierNotes: earlierNotes.map((note) => ({
        ...note,
        // Codes checked against the contract's lists when the call and the membership were written.
        authorRole: note.authorRole as Role | null,
        disposition: note.disposition as Disposition,
      })),
    },
    // The number to try first comes first: earlier wrong numbers move the position on.
    phones: [...usablePhones.slice(target.phonePosition), ...usablePhones.slice(0, target.phonePosition)].map(
      (phone) => ({
        e164: phone.e164!,
        kind: phone.kind,
      }),
    ),
    script: fillScript(campaign.script, {
      prenom: household.firstName,
      nom: household.lastName,
      civilite_nom: addressedName(household),
      agence: household.agencyName,
      bailleur: household.organizationName,
      appelant: caller.name,
      campagne: campaign.name,
    }),
    faq,
    questionnaire: questionnaire
      ? {
          versionId: questionnaire.id,
          version: questionnaire.version,
          definition: parsedDefinition(questionnaire),
        }
      : null,
  }
}

/**
 * The campaign, if this user may call for it: 404 when it belongs to an organisation they cannot see, 403 when they
 * see it but are not among its callers.
 */
export async function loadCallableCampaign(db: Db, scope: Scope, campaignId: string) {
  const visible = scope.memberships.map((m) => m.organizationId)
  const campaign = await findCampaignForCalling(db, visible, campaignId)
  if (!campaign) throw new AppError('NOT_FOUND', 'No such campaign')
  await checkMayCall(db, scope, campaign)
  return campaign
}

/** 403 unless this user is a caller of the campaign (its managers call for it whoever it is reserved to). */
async function checkMayCall(db: Db, scope: Scope, campaign: CampaignTable) {
  if (!may(scope, 'campaign.call', campaign.organizationId)) {
    throw new AppError('FORBIDDEN', 'You are not a caller of this campaign')
  }
  if (
    campaign.callersRestricted === 1 &&
    !may(scope, 'campaign.manage', campaign.organizationId) &&
    !(await isListedCaller(db, campaign.id, scope.userId))
  ) {
    throw new AppError('FORBIDDEN', 'This campaign is reserved to the callers its manager listed')
  }
}

/**
 * Gives the caller the most urgent due household of the campaign, holding it under a lease, with what their screen
 * shows of it. A caller who already holds one in this campaign gets it back (a reload never loses the household).
 * Returns null when nothing is due. When the household turns out to be held in another campaign (a concurrent
 * claim), nothing was written and the next household is tried, a few times at most.
 *
 * SQLite: one transaction, grouped with others' (see group-commit.ts): the permission check, the queue's upkeep
 * (due retries promoted, expired leases returned), the caller's current hold, the claim, the household-wide hold,
 * the audit of the read and the household's details. PostgreSQL: see claimNextPostgres.
 */
export async function claimNext(db: Db, scope: Scope, campaignId: string, caller: Caller, now = new Date()) {
  if (db.engine === 'postgres') return claimNextPostgres(db, scope, campaignId, caller, now)
  const skipHouseholdIds: string[] = []
  for (let tries = 0; tries < 5; tries++) {
    const claimed = await atomically(db, async (tx) => {
      const campaign = await loadCallableCampaign(tx, scope, campaignId)
      const held = await holdNextTarget(tx, campaign, caller, now, skipHouseholdIds)
      return {
        assignment: held ? await presentAssignment(tx, campaign, held.target, caller) : null,
        busyHousehold: null,
      }
    }).catch((error) => {
      if (error instanceof HouseholdBusy) return { assignment: null, busyHousehold: error.householdId }
      throw error
    })
    if (claimed.assignment) return claimed.assignment
    if (!claimed.busyHousehold) return null
    skipHouseholdIds.push(claimed.busyHousehold)
  }
  return null
}

/**
 * PostgreSQL: usually ONE statement (claimWithHouseholdText), without BEGIN and COMMIT (each cost as much as a
 * statement), on this process's copy of the campaign: the checks are made on the copy and the statement claims only
 * if the stored campaign is still that copy. Again when its upkeep returned rows to the queue (then it claimed
 * nothing). The campaign is read (two small statements) when the process has no copy, when the statement finds it
 * changed, and before any refusal made on a copy (a copy that says "paused" or "reserved" is confirmed by a read).
 */
async function claimNextPostgres(db: Db, scope: Scope, campaignId: string, caller: Caller, now: Date) {
  const visible = scope.memberships.map((m) => m.organizationId)
  const copy = campaignCopy(campaignId)
  let campaign = copy && visible.includes(copy.organizationId) ? copy : undefined
  const skipHouseholdIds: string[] = []
  for (let tries = 0; tries < 8; tries++) {
    const isCopy = campaign !== undefined
    let criteria: claims.ClaimCriteria | null
    try {
      if (campaign) await checkMayCall(db, scope, campaign)
      else campaign = await loadCallableCampaign(db, scope, campaignId)
      criteria = claimCriteria(campaign, caller, now, skipHouseholdIds)
    } catch (error) {
      if (!isCopy) throw error
      campaign = undefined
      continue
    }
    if (!criteria) {
      if (!isCopy) return null
      campaign = undefined
      continue
    }
    const { details: auditDetails, organizationId, ip } = householdReadEvent(campaign, '', caller)
    const claimed = await claims.claimWithHouseholdPostgres(
      db,
      criteria,
      { updatedAt: campaign.updatedAt, callersRestricted: campaign.callersRestricted, organizationIds: visible },
      { at: nowTimestamp(), organizationId, ip, details: auditDetails },
      { limit: EARLIER_NOTES_LIMIT, maxLength: NOTE_MAX_LENGTH },
    )
    switch (claimed.kind) {
      case 'unknown':
        throw new AppError('NOT_FOUND', 'No such campaign')
      case 'stale':
        campaign = undefined
        break
      case 'held':
        await recordAuditEvent(db, householdReadEvent(campaign, claimed.target.householdId, caller))
        return presentAssignment(db, campaign, claimed.target, caller)
      case 'none':
        // What this statement's upkeep returned to the queue is claimable from the next statement on.
        if (!claimed.upkept) return null
        break
      case 'busy':
        skipHouseholdIds.push(claimed.householdId)
        break
      case 'claimed': {
        const { target, rest } = claimed
        rememberClaim({
          targetId: target.id,
          callerId: caller.id,
          campaignId: campaign.id,
          householdId: target.householdId,
          organizationId: rest.organizationId,
          attempts: target.attempts,
          phonePosition: target.phonePosition,
          priority: rest.priority,
          followUpIntervalDays: rest.followUpIntervalDays,
          followUpUntil: rest.followUpUntil,
          heldAt: criteria.now,
          maxAttempts: campaign.maxAttempts,
          retryDelays: campaign.retryDelays,
          callingHours: campaign.callingHours,
          questionnaireVersionId: campaign.questionnaireVersionId,
          usablePhones: claimed.details.phones.filter((phone) => phone.isValid === 1).length,
        })
        return presentAssignment(db, campaign, target, caller, claimed)
      }
    }
  }
  return null
}

/** What to claim by, from the campaign's rules: null outside its calling hours; 409 when it is not running. */
function claimCriteria(
  campaign: CampaignTable,
  caller: Caller,
  now: Date,
  skipHouseholdIds: string[],
): claims.ClaimCriteria | null {
  if (campaign.status !== 'active') throw new AppError('CONFLICT', 'This campaign is not running')
  const { callingHours, frequencyCap: cap } = configurationOf(campaign)
  if (!isWithinCallingHours(callingHours, now)) return null
  const nowText = now.toISOString()
  return {
    campaignId: campaign.id,
    callerId: caller.id,
    now: nowText,
    leaseUntil: addMinutes(nowText, LEASE_MINUTES),
    capSince: new Date(now.getTime() - cap.days * 86_400_000).toISOString(),
    capAttempts: cap.maxAttempts,
    maxAttempts: campaign.maxAttempts,
    skipHouseholdIds,
  }
}

/** The claim itself, inside the caller's transaction (SQLite); throws HouseholdBusy when the household is held elsewhere. */
async function holdNextTarget(tx: Db, campaign: CampaignTable, caller: Caller, now: Date, skipHouseholdIds: string[]) {
  const criteria = claimCriteria(campaign, caller, now, skipHouseholdIds)
  if (!criteria) return null
  await claims.maintainQueue(tx, campaign.id, criteria.now)
  const already = await claims.findHeldTargetOfCaller(tx, campaign.id, caller.id, criteria.now)
  if (already) {
    await recordAuditEvent(tx, householdReadEvent(campaign, already.householdId, caller))
    return { target: already }
  }
  const target = await claims.claimDueTarget(tx, criteria)
  if (!target) return null
  const held = await claims.takeHouseholdHold(tx, {
    householdId: target.householdId,
    targetId: target.id,
    callerId: caller.id,
    leaseUntil: criteria.leaseUntil,
    now: criteria.now,
  })
  if (!held) throw new HouseholdBusy(target.householdId)
  // Logged in the same transaction: the read is on record exactly when the household was handed out.
  await recordAuditEvent(tx, householdReadEvent(campaign, target.householdId, caller))
  return { target }
}

function householdReadEvent(campaign: CampaignTable, householdId: string, caller: Caller) {
  return {
    actorUserId: caller.id,
    organizationId: campaign.organizationId,
    action: 'household.read',
    entityType: 'household',
    entityId: householdId,
    ip: caller.ip,
    details: { via: 'claim', campaignId: campaign.id },
  }
}

class HouseholdBusy extends Error {
  constructor(readonly householdId: string) {
    super('household held in another campaign')
  }
}
