import { randomUUID } from 'node:crypto'
import { followUpPriority, nextFollowUp } from '../../../shared/calling-rules.js'
import { parisDayOf, parisToday } from '../../../shared/clock.js'
import { lastPlannableDay } from '../../../shared/contracts/common.js'
import type { FollowUp, FollowUpRequest, NewReferral, ReferralTransition } from '../../../shared/contracts/referrals.js'
import {
  ACTIVE_REFERRAL_STATUSES,
  DEFAULT_DUE_HOURS,
  findTransition,
  type ReferralStatus,
  type Side,
  type Urgency,
} from '../../../shared/referrals.js'
import { type Db, inTransaction } from '../../db/database.js'
import type { ReferralTable } from '../../db/schema.js'
import { addMinutes, nowTimestamp, toTimestamp } from '../../db/time.js'
import type { Scope } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { may, organizationsWhere, POLICY } from '../../policy/policy.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { listMemberships } from '../auth/auth.queries.js'
import { findHouseholdById, isCallingHousehold } from '../households/households.queries.js'
import { queueEmails } from '../mail/outbox.queries.js'
import { findOrganizationByCode } from '../organizations/organizations.queries.js'
import { flagSensitiveTexts } from '../sensitive-flags/sensitive-flags.service.js'
import * as users from '../users/users.queries.js'
import * as referrals from './referrals.queries.js'

function notificationEmail(publicUrl: string | null, referralId: string, kind: 'new' | 'overdue' | 'update') {
  const link = `${publicUrl ?? 'http://localhost:3000'}/referrals/${referralId}`
  const subject =
    kind === 'new'
      ? 'Allervers : une orientation vous est adressée'
      : kind === 'overdue'
        ? 'Allervers : une orientation attend une réponse'
        : 'Allervers : une orientation a évolué'
  // No name, address, category or summary in mail: only a link behind the sign-in.
  return { subject, body: `Bonjour,\n\n${subject}.\nConnectez-vous pour la consulter : ${link}\n\n— Allervers` }
}

/** How far ahead of the server's clock a client's may run when it dates what just happened. */
const CLOCK_SKEW_MINUTES = 5

/**
 * Raises a referral and queues its notification in the same transaction. An external recipient needs the tenant's
 * consent, unless a permitted user overrides it in an emergency with a reason (logged).
 */
export async function createReferral(
  db: Db,
  scope: Scope,
  actor: { id: string; ip: string },
  input: NewReferral,
  publicUrl: string | null,
  dueHours: Record<Urgency, { accept: number; resolve: number }> = DEFAULT_DUE_HOURS,
) {
  const recordedAt = input.consent.recordedAt
  // A consent is recorded when it was given: never later than now (a few minutes allowed for a client's clock).
  if (recordedAt && Date.parse(recordedAt) > Date.now() + CLOCK_SKEW_MINUTES * 60_000) {
    throw new AppError('VALIDATION_FAILED', `The consent cannot be dated in the future (${recordedAt})`, {
      field: 'consent.recordedAt',
      value: recordedAt,
    })
  }
  const household = (await findHouseholdById(db, organizationsWhere(scope, 'referral.send'), input.householdId))
    ?.household
  if (!household) throw new AppError('NOT_FOUND', 'No such household')
  let recipientOrganizationId = household.organizationId
  let recipientTeam: string | null = null
  if ('organization' in input.recipient) {
    const organization = await findOrganizationByCode(db, input.recipient.organization)
    const sameNetwork =
      organization &&
      scope.memberships.some(
        (m) => m.organizationId === household.organizationId && m.networkId === organization.networkId,
      )
    if (!organization || !sameNetwork) {
      throw new AppError('VALIDATION_FAILED', `No organisation "${input.recipient.organization}" in your network`, {
        field: 'recipient.organization',
        value: input.recipient.organization,
      })
    }
    recipientOrganizationId = organization.id
  } else {
    recipientTeam = input.recipient.team.trim()
  }
  const isExternal = recipientOrganizationId !== household.organizationId
  if (isExternal && !input.consent.given) {
    const mayOverride = may(scope, 'referral.overrideConsent', household.organizationId)
    const isEmergency = input.urgency === 'immediate' || input.urgency === 'within_24h'
    if (!mayOverride || !isEmergency || !input.overrideReason?.trim()) {
      throw new AppError(
        'CONSENT_REQUIRED',
        'A partner outside your organisation can receive this referral only with the tenant’s consent' +
          (mayOverride ? ', or in an emergency with a reason for sending without it' : ''),
        { field: 'consent.given' },
      )
    }
  }
  // The call it comes from: one of this user's calls about this household, in its organisation (the review counts the
  // orientation in that call's campaign). Each refusal names the field.
  const call = input.callId ? await referrals.findCallOrigin(db, input.callId) : undefined
  if (input.callId) {
    const refuse = (message: string) =>
      new AppError('VALIDATION_FAILED', message, { field: 'callId', value: input.callId })
    if (!call || call.organizationId !== household.organizationId) throw refuse('No such call in your organisation')
    if (call.householdId !== household.id) throw refuse('The call is not about this household')
    if (call.callerId !== actor.id) throw refuse('The call was made by someone else')
  }
  // A caller (no access to the registry) refers only a household they are calling, or one of their own calls is
  // about: otherwise the answer would tell them the household exists and show it to them as its sender.
  if (!may(scope, 'household.readRecord', household.organizationId)) {
    const isOwnCall = call !== undefined && call.callerId === actor.id
    const isCalling =
      isOwnCall || (await isCallingHousehold(db, actor.id, [household.organizationId], household.id, nowTimestamp()))
    if (!isCalling) throw new AppError('NOT_FOUND', 'No such household')
  }
  const nowText = nowTimestamp()
  const due = dueHours[input.urgency]
  const referral: ReferralTable = {
    id: randomUUID(),
    householdId: household.id,
    callId: input.callId ?? null,
    senderOrganizationId: household.organizationId,
    senderUserId: actor.id,
    recipientOrganizationId,
    recipientTeam,
    assigneeId: null,
    category: input.category,
    urgency: input.urgency,
    status: 'sent',
    summary: input.summary.trim(),
    consentGiven: input.consent.given ? 1 : 0,
    consentRecordedAt: input.consent.given ? (input.consent.recordedAt ?? nowText) : null,
    overrideReason: isExternal && !input.consent.given ? input.overrideReason!.trim() : null,
    outcome: null,
    dueAcceptBy: addMinutes(nowText, due.accept * 60),
    dueResolveBy: addMinutes(nowText, due.resolve * 60),
    acceptedAt: null,
    closedAt: null,
    overdueNotifiedAt: null,
    createdAt: nowText,
    updatedAt: nowText,
  }
  await inTransaction(db, async (tx) => {
    await referrals.insertReferral(tx, referral)
    await referrals.insertReferralEvent(tx, {
      referralId: referral.id,
      actorUserId: actor.id,
      actorOrganizationId: household.organizationId,
      kind: 'created',
      toStatus: 'sent',
      at: nowText,
    })
    const recipients = await users.emailsOfMembers(
      tx,
      recipientOrganizationId,
      POLICY[recipientTeam ? 'referral.receiveAsTeam' : 'referral.receive'],
    )
    const email = notificationEmail(publicUrl, referral.id, 'new')
    await queueEmails(
      tx,
      recipients.map((recipient) => ({ recipient, ...email })),
      nowText,
    )
    await flagSensitiveTexts(
      tx,
      {
        organizationId: household.organizationId,
        householdId: household.id,
        authorUserId: actor.id,
        authorOrganizationId: household.organizationId,
        at: nowText,
      },
      [
        { source: 'referral_summary', sourceId: referral.id, text: referral.summary },
        { source: 'referral_override_reason', sourceId: referral.id, text: referral.overrideReason },
      ],
    )
    await recordAuditEvent(tx, {
      actorUserId: actor.id,
      organizationId: household.organizationId,
      action: referral.overrideReason ? 'referral.create_without_consent' : 'referral.create',
      entityType: 'referral',
      entityId: referral.id,
      ip: actor.ip,
      details: { recipientOrganizationId, urgency: referral.urgency, consent: referral.consentGiven === 1 },
    })
  })
  const created = (await referrals.findReferral(db, referral.id))!
  // The sender holds `referral.send` in the household's organisation: they stand on one side of what they raised
  // (the recipient's, for a team of their own organisation they belong to).
  return { referral: created, side: sideOf(scope, created) ?? 'sender' }
}

type ReferralParties = Pick<ReferralTable, 'recipientOrganizationId' | 'senderOrganizationId' | 'senderUserId'>

/**
 * Which side of a referral the user stands on, if any: the recipient organisation's members (for an internal team
 * referral, its social workers and managers), else the sender organisation's.
 */
export function sideOf(scope: Scope, referral: ReferralParties): Side | null {
  // For an internal referral both sides are the same organisation: its social workers receive, its callers send.
  const isInternal = referral.recipientOrganizationId === referral.senderOrganizationId
  if (may(scope, isInternal ? 'referral.receiveAsTeam' : 'referral.receive', referral.recipientOrganizationId)) {
    return 'recipient'
  }
  if (may(scope, 'referral.send', referral.senderOrganizationId)) return 'sender'
  return null
}

/**
 * The side from which the user sees a referral, or null when they may not see it: the recipient side sees it; on the
 * sender side a caller sees the referrals they raised, social workers, managers and admins all of their
 * organisation's. `listReferrals` applies the same rules in SQL.
 */
export function viewerSide(scope: Scope, referral: ReferralParties): Side | null {
  const side = sideOf(scope, referral)
  if (side !== 'sender') return side
  const seesAll = may(scope, 'referral.readAllSent', referral.senderOrganizationId)
  return seesAll || referral.senderUserId === scope.userId ? side : null
}

/** The organisations that fill each box of the user's list, as `viewerSide` decides one referral. */
export function listScope(scope: Scope) {
  const seesAllSent = organizationsWhere(scope, 'referral.readAllSent')
  return {
    inboxOrganizationIds: organizationsWhere(scope, 'referral.receive'),
    teamInboxOrganizationIds: organizationsWhere(scope, 'referral.receiveAsTeam'),
    sentOrganizationIds: seesAllSent,
    ownSentOrganizationIds: organizationsWhere(scope, 'referral.send').filter((id) => !seesAllSent.includes(id)),
    userId: scope.userId,
  }
}

/** The referral, when the user may see it, with the side they see it from; otherwise a 404. */
export async function findVisibleReferral(db: Db, scope: Scope, referralId: string) {
  const referral = await referrals.findReferral(db, referralId)
  const side = referral ? viewerSide(scope, referral) : null
  if (!referral || !side) throw new AppError('NOT_FOUND', 'No such referral')
  return { referral, side }
}

/** Moves a referral along its lifecycle; any move not in the table is a 409, a missing reason or outcome a 400. */
export async function transitionReferral(
  db: Db,
  scope: Scope,
  actor: { id: string; ip: string },
  referralId: string,
  input: ReferralTransition,
  publicUrl: string | null,
) {
  const { referral, side } = await findVisibleReferral(db, scope, referralId)
  const transition = findTransition(referral.status, input.to)
  if (!transition) {
    throw new AppError('CONFLICT', `A ${referral.status} referral cannot become ${input.to}`, {
      from: referral.status,
      to: input.to,
    })
  }
  if (transition.by !== side) {
    throw new AppError('CONFLICT', `Only the ${transition.by} may make a referral ${input.to}`, {
      from: referral.status,
      to: input.to,
    })
  }
  if (transition.requires === 'reason' && !input.reason?.trim()) {
    throw new AppError('VALIDATION_FAILED', 'Rejecting a referral needs a reason', { field: 'reason' })
  }
  if (transition.requires === 'outcome' && !input.outcome?.trim()) {
    throw new AppError('VALIDATION_FAILED', 'Closing a referral needs its outcome', { field: 'outcome' })
  }
  if (input.assigneeId) {
    const memberships = await listMemberships(db, input.assigneeId)
    if (!memberships.some((membership) => membership.organizationId === referral.recipientOrganizationId)) {
      throw new AppError('VALIDATION_FAILED', 'The assignee is not a member of the recipient organisation', {
        field: 'assigneeId',
        value: input.assigneeId,
      })
    }
  }
  const now = nowTimestamp()
  const actorOrganizationId = side === 'recipient' ? referral.recipientOrganizationId : referral.senderOrganizationId
  await inTransaction(db, async (tx) => {
    await referrals.updateReferral(tx, referral.id, {
      status: input.to,
      updatedAt: now,
      ...(input.to === 'accepted' ? { acceptedAt: now, assigneeId: input.assigneeId ?? actor.id } : {}),
      ...(input.assigneeId && input.to !== 'accepted' ? { assigneeId: input.assigneeId } : {}),
      ...(input.to === 'done' ? { outcome: input.outcome!.trim(), closedAt: now } : {}),
      ...(input.to === 'rejected' || input.to === 'revoked' ? { closedAt: now } : {}),
    })
    const note = (input.reason ?? input.outcome ?? input.note)?.trim() || null
    const eventId = await referrals.insertReferralEvent(tx, {
      referralId: referral.id,
      actorUserId: actor.id,
      actorOrganizationId,
      kind: 'transition',
      fromStatus: referral.status,
      toStatus: input.to,
      note,
      at: now,
    })
    await flagSensitiveTexts(tx, referralFlagContext(referral, actor.id, actorOrganizationId, now), [
      { source: 'referral_note', sourceId: eventId, text: note },
    ])
    // The other side hears of it by mail (a link only).
    const notifyOrganization = side === 'recipient' ? referral.senderOrganizationId : referral.recipientOrganizationId
    const recipients =
      side === 'recipient'
        ? [await referrals.emailOfSender(tx, referral.id)].filter((email) => email !== undefined)
        : await users.emailsOfMembers(tx, notifyOrganization, POLICY['referral.receive'])
    const email = notificationEmail(publicUrl, referral.id, 'update')
    await queueEmails(
      tx,
      recipients.map((recipient) => ({ recipient, ...email })),
      now,
    )
    await recordAuditEvent(tx, {
      actorUserId: actor.id,
      organizationId: actorOrganizationId,
      action: `referral.${input.to}`,
      entityType: 'referral',
      entityId: referral.id,
      ip: actor.ip,
    })
  })
  return { referral: (await referrals.findReferral(db, referral.id))!, side }
}

/** Adds an action or note to an active referral (recipient side), or a note from the sender. */
export async function addReferralNote(
  db: Db,
  scope: Scope,
  actor: { id: string; ip: string },
  referralId: string,
  note: string,
) {
  const { referral, side } = await findVisibleReferral(db, scope, referralId)
  if (!ACTIVE_REFERRAL_STATUSES.includes(referral.status as ReferralStatus)) {
    throw new AppError('CONFLICT', `A ${referral.status} referral takes no more notes`)
  }
  const now = nowTimestamp()
  const actorOrganizationId = side === 'recipient' ? referral.recipientOrganizationId : referral.senderOrganizationId
  // The note and its flags (if it holds words of a special category) together, or neither.
  await inTransaction(db, async (tx) => {
    const eventId = await referrals.insertReferralEvent(tx, {
      referralId,
      actorUserId: actor.id,
      actorOrganizationId,
      kind: 'note',
      note: note.trim(),
      at: now,
    })
    await flagSensitiveTexts(tx, referralFlagContext(referral, actor.id, actorOrganizationId, now), [
      { source: 'referral_note', sourceId: eventId, text: note },
    ])
    await recordAuditEvent(tx, {
      actorUserId: actor.id,
      organizationId: actorOrganizationId,
      action: 'referral.note',
      entityType: 'referral',
      entityId: referralId,
      ip: actor.ip,
    })
  })
}

/** A referral's texts are about its household, whose file its sender organisation holds. */
function referralFlagContext(
  referral: Pick<ReferralTable, 'householdId' | 'senderOrganizationId'>,
  authorUserId: string,
  authorOrganizationId: string,
  at: string,
) {
  return {
    organizationId: referral.senderOrganizationId,
    householdId: referral.householdId,
    authorUserId,
    authorOrganizationId,
    at,
  }
}

/** Marks overdue referrals once and tells the recipient organisation's managers (a link only). */
export async function notifyOverdueReferrals(db: Db, publicUrl: string | null, now = nowTimestamp()) {
  const overdue = await referrals.listOverdue(db, now)
  for (const referral of overdue) {
    await inTransaction(db, async (tx) => {
      await referrals.updateReferral(tx, referral.id, { overdueNotifiedAt: now })
      const managers = await users.emailsOfMembers(tx, referral.recipientOrganizationId, ['manager'])
      const email = notificationEmail(publicUrl, referral.id, 'overdue')
      await queueEmails(
        tx,
        managers.map((recipient) => ({ recipient, ...email })),
        now,
      )
    })
  }
  return overdue.length
}

/**
 * A referral plans follow-up calls (the watch) through the campaign that reached the household: one call at a given
 * time, or one every N days until a day. Only the sender's side plans them; never for a tenant who objects.
 */
export async function planFollowUp(
  db: Db,
  scope: Scope,
  actor: { id: string; ip: string },
  referralId: string,
  request: FollowUpRequest,
  now = new Date(),
): Promise<FollowUp> {
  const { referral } = await findVisibleReferral(db, scope, referralId)
  if (!may(scope, 'referral.send', referral.senderOrganizationId)) {
    throw new AppError('FORBIDDEN', 'Only the organisation that sent the referral plans calls to its tenant')
  }
  const nowText = toTimestamp(now)
  // Calls are planned from now to the planning horizon (two years), in Paris days.
  const lastDay = lastPlannableDay(parisToday(now))
  let first: Date
  let plan: { intervalDays: number | null; until: string | null }
  if ('at' in request) {
    first = new Date(request.at)
    if (!(first > now)) {
      throw new AppError('VALIDATION_FAILED', 'A follow-up call must be planned in the future', {
        field: 'at',
        value: request.at,
      })
    }
    if (parisDayOf(first) > lastDay) {
      throw new AppError('VALIDATION_FAILED', `A follow-up call can be planned up to ${lastDay}`, {
        field: 'at',
        value: request.at,
      })
    }
    plan = { intervalDays: null, until: null }
  } else {
    if (request.until > lastDay) {
      throw new AppError('VALIDATION_FAILED', `The watch can run up to ${lastDay}`, {
        field: 'until',
        value: request.until,
      })
    }
    plan = { intervalDays: request.everyDays, until: request.until }
    const next = nextFollowUp(plan, now)
    if (!next) {
      throw new AppError('VALIDATION_FAILED', `The watch must end after the first call, ${request.until} is too soon`, {
        field: 'until',
        value: request.until,
      })
    }
    first = next
  }
  return inTransaction(db, async (tx) => {
    const target = await referrals.findFollowUpTarget(tx, referral)
    if (!target) {
      throw new AppError('CONFLICT', 'No running campaign calls this household: add it to a campaign first', {
        field: 'campaign',
      })
    }
    if (target.objectionAt) throw new AppError('CONFLICT', 'This tenant objects to calls', { field: 'objection' })
    if (target.status === 'held') {
      throw new AppError('CONFLICT', 'Someone is calling this household right now; plan the follow-up after the call', {
        field: 'status',
      })
    }
    await referrals.scheduleFollowUp(tx, target.id, {
      at: toTimestamp(first),
      priority: followUpPriority(target.priority),
      intervalDays: plan.intervalDays,
      until: plan.until,
      now: nowText,
    })
    const day = parisDayOf(first)
    await referrals.insertReferralEvent(tx, {
      referralId,
      actorUserId: actor.id,
      actorOrganizationId: referral.senderOrganizationId,
      kind: 'note',
      note: plan.intervalDays
        ? `Appels de suivi planifiés tous les ${plan.intervalDays} jours, du ${day} au ${plan.until} (campagne « ${target.campaignName} »).`
        : `Appel de suivi planifié le ${day} (campagne « ${target.campaignName} »).`,
      at: nowText,
    })
    await recordAuditEvent(tx, {
      actorUserId: actor.id,
      organizationId: referral.senderOrganizationId,
      action: 'referral.follow_up',
      entityType: 'referral',
      entityId: referralId,
      ip: actor.ip,
      details: { targetId: target.id, intervalDays: plan.intervalDays },
    })
    return {
      campaignId: target.campaignId,
      campaignName: target.campaignName,
      nextCallAt: toTimestamp(first),
      everyDays: plan.intervalDays,
      until: plan.until,
    }
  })
}
