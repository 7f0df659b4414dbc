/**
 * Free text that stays factual: when a text holding words of a special category is saved anyway (the writer was
 * warned while typing), one flag per category is written in the same transaction as the text. The flag names where
 * the text was written, the category, when, who, the household and its organisation; never the text, never the words
 * (they stay where they were written, and go with them when the household is purged). Nothing is logged.
 */
import type { SensitiveFlagSource } from '../../../shared/contracts/sensitive-flags.js'
import { type QuestionnaireDefinition, questionsOf } from '../../../shared/questionnaire.js'
import { type SensitiveCategory, sensitiveCategoriesOf } from '../../../shared/sensitive-words.js'
import type { Db } from '../../db/database.js'
import type { Timestamp } from '../../db/time.js'
import { insertSensitiveFlags } from './sensitive-flags.queries.js'

/** A free text being saved, and where. */
export interface FreeText {
  source: SensitiveFlagSource
  /** The call, referral, referral event or caller feedback it belongs to. */
  sourceId?: string | null
  text: string | null | undefined
}

export interface FlagContext {
  /** The organisation holding the household's file (the campaign's, for a caller's comment). */
  organizationId: string
  /** null for a text about no household (a caller's end-of-session comment). */
  householdId: string | null
  authorUserId: string
  /** The organisation the writer acts for (a partner's, on the recipient side of a referral). */
  authorOrganizationId: string
  at: Timestamp
}

/**
 * The categories the texts touch: one entry per place (source and record) and category, however many texts or words
 * of that place touch it; the texts without any left out.
 */
export function sensitiveFindings(texts: readonly FreeText[]) {
  const findings = new Map<
    string,
    { source: SensitiveFlagSource; sourceId: string | null; category: SensitiveCategory }
  >()
  for (const text of texts) {
    for (const category of sensitiveCategoriesOf(text.text)) {
      const sourceId = text.sourceId ?? null
      findings.set(`${text.source}|${sourceId}|${category}`, { source: text.source, sourceId, category })
    }
  }
  return [...findings.values()]
}

/** True when one of the texts would be flagged (so that a caller's outcome takes the transactional path). */
export function hasSensitiveWords(texts: readonly FreeText[]): boolean {
  return texts.some((text) => sensitiveCategoriesOf(text.text).length > 0)
}

/**
 * Writes the flags of the texts being saved: call it with the handle of the transaction that saves them, so that a
 * flag exists exactly when its text does. Returns how many were written.
 */
export async function flagSensitiveTexts(tx: Db, context: FlagContext, texts: readonly FreeText[]): Promise<number> {
  const findings = sensitiveFindings(texts)
  await insertSensitiveFlags(
    tx,
    findings.map((finding) => ({
      organizationId: context.organizationId,
      householdId: context.householdId,
      source: finding.source,
      sourceId: finding.sourceId,
      category: finding.category,
      authorUserId: context.authorUserId,
      authorOrganizationId: context.authorOrganizationId,
      createdAt: context.at,
    })),
  )
  return findings.length
}

/**
 * The answers typed as text in a questionnaire (its `short_text` questions), each checked on its own (two answers
 * never make a phrase together): the choices, numbers and dates are closed lists and are not checked.
 */
export function textAnswersOf(
  definition: QuestionnaireDefinition,
  answers: Record<string, unknown> | null | undefined,
  callId: string,
): FreeText[] {
  if (!answers) return []
  return questionsOf(definition)
    .filter((question) => question.type === 'short_text' && typeof answers[question.id] === 'string')
    .map((question) => ({ source: 'call_answer', sourceId: callId, text: answers[question.id] as string }))
}
