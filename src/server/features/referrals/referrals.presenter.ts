/**
 * What a referral shows to whom (docs/decisions.md, "Referrals: who sees what"): a partner sees the household's
 * essentials only while the referral is active; afterwards only its own steps and notes, without category, summary
 * nor outcome. The reason for sending without consent is the sender's to read.
 */
import type { ReferralDetail, ReferralSummary } from '../../../shared/contracts/referrals.js'
import { addressOnOneLine } from '../../../shared/households.js'
import { type Question, type QuestionnaireDefinition, questionsOf } from '../../../shared/questionnaire.js'
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

type CallRow = NonNullable<Awaited<ReturnType<typeof referrals.findOriginatingCall>>>
type AnswerValue = boolean | number | string | string[]

/** The call's needs, fragility and answers, each answer under its question's label (choices as option labels). */
function originatingCall(call: CallRow): NonNullable<ReferralDetail['call']> {
  const answers = call.answers ? (JSON.parse(call.answers) as Record<string, unknown>) : {}
  const questions = call.definition ? questionsOf(JSON.parse(call.definition) as QuestionnaireDefinition) : []
  const labelOf = (question: Question, code: unknown) =>
    question.options?.find((option) => option.code === code)?.label ?? String(code)
  return {
    at: call.createdAt,
    campaignName: call.campaignName,
    needs: call.needs ? (JSON.parse(call.needs) as string[]) : [],
    fragilityLevel: call.fragilityLevel,
    answers: questions.flatMap((question) => {
      const answer = answers[question.id]
      if (answer === undefined || answer === null || answer === '') return []
      const value: AnswerValue = Array.isArray(answer)
        ? answer.map((code) => labelOf(question, code))
        : question.options
          ? labelOf(question, answer)
          : typeof answer === 'boolean' || typeof answer === 'number'
            ? answer
            : String(answer)
      return [{ label: question.label, labelEn: question.labelEn ?? null, value }]
    }),
  }
}

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
  // What the caller noted goes to a team of the household's own organisation only, never to a partner.
  const isInternal = referral.recipientOrganizationId === referral.senderOrganizationId
  const [household, events, call] = await Promise.all([
    hidden ? undefined : referrals.findHouseholdEssentials(db, referral.householdId),
    referrals.listEvents(db, referral.id),
    isInternal && referral.callId ? referrals.findOriginatingCall(db, referral.callId) : undefined,
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
    call: call ? originatingCall(call) : null,
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
