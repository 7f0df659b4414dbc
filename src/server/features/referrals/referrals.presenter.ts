/**
 * What a referral shows to whom (docs/decisions.md, "Referrals: who sees what"): a partner sees the household's
 * essentials only while the referral is active; afterwards only its own steps and notes, without category, summary
 * nor outcome. The reason for sending without consent is the sender's to read.
 */
import type { ReferralDetail, ReferralSummary } from '../../../shared/contracts/referrals.js'
import { addressOnOneLine } from '../../../shared/households.js'
import {
  ACTIVE_REFERRAL_STATUSES,
  isOverdue,
  type ReferralCategory,
  type ReferralEventKind,
  type ReferralStatus,
  type Side,
  type Urgency,
} from '../../../shared/referrals.js'
import type { Db } from '../../db/database.js'
import { nowTimestamp } from '../../db/time.js'
import * as referrals from './referrals.queries.js'

// Codes are stored as text, written only through the contract's vocabularies (or the demo seed, from the same
// lists): they are read back as those codes.
/** Whether the viewer is an outside recipient of a referral that is over: then they keep their own notes only. */
function hidesCase(referral: referrals.ReferralRow, side: Side) {
  const isExternalRecipient = side === 'recipient' && referral.recipientOrganizationId !== referral.senderOrganizationId
  return isExternalRecipient && !ACTIVE_REFERRAL_STATUSES.includes(referral.status as ReferralStatus)
}

/** A referral as the list and the answers of its changes show it, from the viewer's side. */
export function presentReferral(referral: referrals.ReferralRow, side: Side): ReferralSummary {
  const hidden = hidesCase(referral, side)
  return {
    id: referral.id,
    status: referral.status as ReferralStatus,
    category: hidden ? null : (referral.category as ReferralCategory),
    urgency: referral.urgency as Urgency,
    summary: hidden ? null : referral.summary,
    side,
    recipient: { organization: referral.recipientCode, name: referral.recipientName, team: referral.recipientTeam },
    sender: { organization: referral.senderCode, name: referral.senderName },
    consent: { given: referral.consentGiven === 1, recordedAt: referral.consentRecordedAt },
    overrideReason: side === 'sender' ? referral.overrideReason : null,
    assigneeId: referral.assigneeId,
    outcome: hidden ? null : referral.outcome,
    dueAcceptBy: referral.dueAcceptBy,
    dueResolveBy: referral.dueResolveBy,
    isOverdue: isOverdue(referral, nowTimestamp()),
    createdAt: referral.createdAt,
    householdId: hidden ? null : referral.householdId,
    householdName: hidden ? null : (referral.householdName ?? null),
  }
}

/** A referral with its household's essentials (while the viewer may see them) and its history. */
export async function presentReferralDetail(
  db: Db,
  referral: referrals.ReferralRow,
  side: Side,
): Promise<ReferralDetail> {
  const hidden = hidesCase(referral, side)
  const [household, events] = await Promise.all([
    hidden ? undefined : referrals.findHouseholdEssentials(db, referral.householdId),
    referrals.listEvents(db, referral.id),
  ])
  // An outside partner keeps only the steps and notes of its own organisation once the referral is over.
  const visibleEvents = hidden
    ? events.filter((event) => event.actorOrganizationId === referral.recipientOrganizationId)
    : events
  return {
    ...presentReferral(referral, side),
    household: household
      ? {
          id: household.id,
          lastName: household.lastName,
          firstName: household.firstName,
          address: addressOnOneLine(household),
          phones: household.phones.map((phone) => phone.e164 ?? phone.raw),
        }
      : null,
    events: visibleEvents.map((event) => ({
      kind: event.kind as ReferralEventKind,
      fromStatus: event.fromStatus as ReferralStatus | null,
      toStatus: event.toStatus as ReferralStatus | null,
      note: event.note,
      actor: event.actorName,
      at: event.createdAt,
    })),
  }
}
