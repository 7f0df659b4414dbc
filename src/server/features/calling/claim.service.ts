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
  configurationOf,
  findCampaignForCalling,
  parsedDefinition,
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
export async function loadCallableCampaign(
  db: Db,
  scope: Scope,
  campaignId: string,
  known?: { version: claims.CampaignVersion | undefined },
) {
  const visible = scope.memberships.map((m) => m.organizationId)
  const campaign = await findCampaignForCalling(db, visible, campaignId, known)
  if (!campaign) throw new AppError('NOT_FOUND', 'No such campaign')
  if (!may(scope, 'campaign.call', campaign.organizationId)) {
    throw new AppError('FORBIDDEN', 'You are not a caller of this campaign')
  }
  // Its managers call for a campaign whoever it is reserved to.
  if (
    campaign.callersRestricted === 1 &&
    !may(scope, 'campaign.manage', campaign.organizationId) &&
    !(await isListedCaller(db, campaign.id, scope.userId))
  ) {
    throw new AppError('FORBIDDEN', 'This campaign is reserved to the callers its manager listed')
  }
  return campaign
}

/**
 * Gives the caller the most urgent due household of the campaign, holding it under a lease, with what their screen
 * shows of it. A caller who already holds one in this campaign gets it back (a reload never loses the household).
 * Returns null when nothing is due.
 *
 * SQLite: one transaction, grouped with others' (see group-commit.ts): the permission check, the queue's upkeep
 * (due retries promoted, expired leases returned), the caller's current hold, the claim, the household-wide hold,
 * the audit of the read and the household's details. PostgreSQL: the same statements without a transaction around
 * them (each of its two round trips, BEGIN and COMMIT, cost as much as a statement): the claim, the hold, the audit
 * and the details (earlier notes included) are one atomic statement, and the reads and the upkeep before it need no
 * isolation that READ COMMITTED gave them. When the household turns out to be held in another campaign (PostgreSQL, a concurrent
 * claim), nothing was written and the next household is tried.
 */
export async function claimNext(db: Db, scope: Scope, campaignId: string, caller: Caller, now = new Date()) {
  const skipHouseholdIds: string[] = []
  // A household held in another campaign makes the hold fail: skip it and take the next one, a few times at most.
  for (let tries = 0; tries < 5; tries++) {
    const claimed = await atomically(db, async (tx) => {
      // PostgreSQL, first try: the queue's upkeep, the campaign's version and the caller's current hold in one
      // round trip (the checks below are the same, made on what it read).
      const prepared =
        tx.engine === 'postgres' && tries === 0
          ? await claims.prepareClaimPostgres(
              tx,
              scope.memberships.map((m) => m.organizationId),
              campaignId,
              caller.id,
              now.toISOString(),
            )
          : undefined
      const campaign = await loadCallableCampaign(tx, scope, campaignId, prepared)
      const held = await holdNextTarget(tx, campaign, caller, now, skipHouseholdIds, prepared)
      return {
        assignment: held ? await presentAssignment(tx, campaign, held.target, caller, held.read) : null,
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

/** The claim itself, inside the caller's transaction; throws HouseholdBusy when the household is held elsewhere. */
async function holdNextTarget(
  tx: Db,
  campaign: CampaignTable,
  caller: Caller,
  now: Date,
  skipHouseholdIds: string[],
  prepared?: claims.PreparedClaim,
) {
  if (campaign.status !== 'active') throw new AppError('CONFLICT', 'This campaign is not running')
  const nowText = now.toISOString()
  const { callingHours, frequencyCap: cap } = configurationOf(campaign)
  if (!isWithinCallingHours(callingHours, now)) return null
  const leaseUntil = addMinutes(nowText, LEASE_MINUTES)
  let already = prepared?.held
  if (!prepared) {
    await claims.maintainQueue(tx, campaign.id, nowText)
    already = await claims.findHeldTargetOfCaller(tx, campaign.id, caller.id, nowText)
  }
  if (already) {
    await recordAuditEvent(tx, householdReadEvent(campaign, already.householdId, caller))
    return { target: already }
  }
  const criteria = {
    campaignId: campaign.id,
    callerId: caller.id,
    now: nowText,
    leaseUntil,
    capSince: new Date(now.getTime() - cap.days * 86_400_000).toISOString(),
    capAttempts: cap.maxAttempts,
    maxAttempts: campaign.maxAttempts,
    skipHouseholdIds,
  }
  if (tx.engine === 'postgres') {
    // One round trip for the claim, the hold, the audit of the read, the household's details and earlier notes.
    const { details: auditDetails, organizationId, ip } = householdReadEvent(campaign, '', caller)
    const claimed = await claims.claimWithHouseholdPostgres(
      tx,
      criteria,
      { at: nowTimestamp(), organizationId, ip, details: auditDetails },
      { limit: EARLIER_NOTES_LIMIT, maxLength: NOTE_MAX_LENGTH },
    )
    if (claimed.kind === 'none') return null
    if (claimed.kind === 'busy') throw new HouseholdBusy(claimed.householdId)
    return { target: claimed.target, read: { details: claimed.details, earlierNotes: claimed.earlierNotes } }
  }
  const target = await claims.claimDueTarget(tx, criteria)
  if (!target) return null
  const held = await claims.takeHouseholdHold(tx, {
    householdId: target.householdId,
    targetId: target.id,
    callerId: caller.id,
    leaseUntil,
    now: nowText,
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
