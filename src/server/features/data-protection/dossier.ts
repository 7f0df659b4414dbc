/**
 * A household's dossier for an access request: every row held about it, gathered by `dossierRecords`, as the tenant
 * may read it. Pure: the same rows give the same dossier. Staff are named by role and organisation, never by name.
 */
import { type Dossier, parseRectifiedFields } from '../../../shared/contracts/data-protection.js'
import { INSTRUMENTS_KEY, type Question, type QuestionnaireDefinition } from '../../../shared/questionnaire.js'
import { fromFlag } from '../../db/time.js'
import type { dossierRecords, findDossierHousehold } from './data-protection.queries.js'

type HouseholdRow = NonNullable<Awaited<ReturnType<typeof findDossierHousehold>>>
type Records = Awaited<ReturnType<typeof dossierRecords>>

function parseJson(text: string | null): unknown {
  if (!text) return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}

function questionsOf(definition: string | null): Map<string, Question> {
  const questions = new Map<string, Question>()
  const parsed = parseJson(definition) as QuestionnaireDefinition | null
  for (const section of parsed?.sections ?? []) {
    if ('questions' in section) for (const question of section.questions) questions.set(question.id, question)
  }
  return questions
}

function answerText(value: unknown, question: Question | undefined): string {
  const optionLabel = (code: unknown) =>
    question?.options?.find((option) => option.code === code)?.label ?? String(code)
  if (typeof value === 'boolean') return value ? 'Oui' : 'Non'
  if (Array.isArray(value)) return value.map(optionLabel).join(', ')
  if (typeof value === 'string' && question?.options) return optionLabel(value)
  if (value === null || value === undefined) return ''
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

function answersOf(answers: string | null, definition: string | null) {
  const parsed = parseJson(answers)
  if (!parsed || typeof parsed !== 'object') return []
  const questions = questionsOf(definition)
  return Object.entries(parsed as Record<string, unknown>)
    .filter(([key]) => key !== INSTRUMENTS_KEY)
    .map(([key, value]) => ({
      question: questions.get(key)?.label ?? key,
      answer: answerText(value, questions.get(key)),
    }))
}

function scoresOf(scores: string | null) {
  const parsed = parseJson(scores)
  if (!parsed || typeof parsed !== 'object') return []
  return Object.entries(parsed as Record<string, { score?: unknown; category?: unknown }>).map(([code, result]) => ({
    instrument: code,
    score: typeof result?.score === 'number' ? result.score : null,
    category: typeof result?.category === 'string' ? result.category : null,
  }))
}

function needsOf(needs: string | null): string[] {
  const parsed = parseJson(needs)
  return Array.isArray(parsed) ? parsed.filter((need): need is string => typeof need === 'string') : []
}

const OBJECTION_ACTIONS = new Set(['household.objection', 'household.objection_withdrawn'])

export function buildDossier(household: HouseholdRow, records: Records, generatedAt: string): Dossier {
  return {
    generatedAt,
    household: {
      id: household.id,
      externalRef: household.externalRef,
      organization: { code: household.organizationCode, name: household.organizationName },
      agency: household.agencyCode ? { code: household.agencyCode, name: household.agencyName ?? '' } : null,
      status: household.status,
      leftAt: household.leftAt,
      civility: household.civility ?? null,
      lastName: household.lastName,
      firstName: household.firstName,
      birthDate: household.birthDate,
      email: household.email,
      address: {
        line1: household.addressLine1,
        line2: household.addressLine2,
        postcode: household.postcode,
        city: household.city,
        inseeCode: household.inseeCode,
      },
      rectifiedFields: parseRectifiedFields(household.rectifiedFields),
      situation: {
        occupants: household.occupants,
        livesAlone: fromFlag(household.livesAlone),
        floor: household.floor,
        hasLift: fromFlag(household.hasLift),
        leaseStart: household.leaseStart,
        arrears: household.arrearsCents === null ? null : household.arrearsCents / 100,
        housingBenefit: fromFlag(household.housingBenefit),
        supportProgramme: fromFlag(household.supportProgramme),
        worksProgramme: household.worksProgramme,
        fragilityLevel: household.fragilityLevel,
        lastContactedAt: household.lastContactedAt,
      },
      createdAt: household.createdAt,
      updatedAt: household.updatedAt,
    },
    occupants: records.members.map((member) => ({
      lastName: member.lastName,
      firstName: member.firstName,
      birthDate: member.birthDate,
      isLeaseholder: member.isLeaseholder === 1,
      role: member.role,
    })),
    phones: records.phones.map((phone) => ({
      number: phone.raw,
      e164: phone.e164,
      kind: phone.kind,
      isValid: phone.isValid === 1,
    })),
    calls: records.calls.map((call) => ({
      at: call.createdAt,
      campaign: call.campaignName,
      organization: call.organizationName,
      attempt: call.attempt,
      disposition: call.disposition,
      durationSeconds: call.durationSeconds,
      fragilityLevel: call.fragilityLevel,
      needs: needsOf(call.needs),
      notes: call.notes,
      callbackAt: call.callbackAt,
      answers: answersOf(call.answers, call.definition),
      scores: scoresOf(call.scores),
    })),
    orientations: records.referrals.map((referral) => ({
      id: referral.id,
      createdAt: referral.createdAt,
      category: referral.category,
      urgency: referral.urgency,
      status: referral.status,
      sender: referral.senderName,
      recipient: referral.recipientName,
      recipientTeam: referral.recipientTeam,
      summary: referral.summary,
      outcome: referral.outcome,
      acceptedAt: referral.acceptedAt,
      closedAt: referral.closedAt,
      steps: records.steps
        .filter((step) => step.referralId === referral.id)
        .map((step) => ({
          at: step.createdAt,
          kind: step.kind,
          fromStatus: step.fromStatus,
          toStatus: step.toStatus,
          note: step.note,
          organization: step.organizationName,
        })),
    })),
    objection: household.objectionAt
      ? { at: household.objectionAt, channel: household.objectionChannel, note: household.objectionNote }
      : null,
    objectionHistory: records.traces
      .filter((trace) => OBJECTION_ACTIONS.has(trace.action))
      .map((trace) => {
        const details = parseJson(trace.details) as { channel?: unknown } | null
        return {
          at: trace.at,
          action: trace.action,
          channel: typeof details?.channel === 'string' ? details.channel : null,
        }
      }),
    consents: records.referrals.map((referral) => ({
      orientationId: referral.id,
      given: referral.consentGiven === 1,
      recordedAt: referral.consentRecordedAt,
      overrideReason: referral.overrideReason,
    })),
    accesses: records.traces.map((trace) => ({
      at: trace.at,
      action: trace.action,
      role: trace.role ?? null,
      organization: trace.organizationName ?? null,
    })),
  }
}
