/**
 * The sensitive-flags feature's contract: the free texts saved with words of a special category (health, offences,
 * religion, origin, sexual life, politics; `shared/sensitive-words.ts`), listed and counted for the data protection
 * officer. A flag says where, which category, when, who and for which household: never the text nor the words.
 */
import { type Static, Type } from 'typebox'
import { SENSITIVE_CATEGORIES } from '../sensitive-words.js'
import { Day, Nullable, Offset } from './common.js'
import { route } from './route.js'

/** Where a flagged text was written. */
export const SENSITIVE_FLAG_SOURCES = [
  'call_note',
  'call_answer',
  'referral_summary',
  'referral_override_reason',
  'referral_note',
  'objection_note',
  'objection_withdrawal',
  'feedback_comment',
] as const
export type SensitiveFlagSource = (typeof SENSITIVE_FLAG_SOURCES)[number]

/** Flags a list answers when the query names no limit. */
export const SENSITIVE_FLAGS_PAGE_SIZE = 50

export const SensitiveFlagQuery = Type.Object({
  /** An organisation's code; all those where the user may read flags when absent. */
  organization: Type.Optional(Type.String({ maxLength: 64 })),
  /** Paris days, both included. */
  from: Type.Optional(Day()),
  to: Type.Optional(Day()),
  category: Type.Optional(Type.Enum(SENSITIVE_CATEGORIES)),
  source: Type.Optional(Type.Enum(SENSITIVE_FLAG_SOURCES)),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: SENSITIVE_FLAGS_PAGE_SIZE })),
  offset: Type.Optional(Offset),
})

export const SensitiveFlagSchema = Type.Object({
  id: Type.String(),
  at: Type.String({ description: 'when the text was saved (ISO UTC)' }),
  source: Type.Enum(SENSITIVE_FLAG_SOURCES),
  /** The call, referral, referral event or caller feedback the text belongs to; null for a household's objection. */
  sourceId: Nullable(Type.String()),
  category: Type.Enum(SENSITIVE_CATEGORIES),
  author: Type.Object({ id: Type.String(), name: Type.String(), organization: Type.String() }),
  organization: Type.String({ description: 'code of the organisation holding the household’s file' }),
  /** The household, by id (for the link) and its landlord's reference: no name; null for a caller's comment on a session. */
  household: Nullable(Type.Object({ id: Type.String(), ref: Type.String() })),
})

const CountsByCategory = Type.Object(
  Object.fromEntries(SENSITIVE_CATEGORIES.map((category) => [category, Type.Integer()])) as Record<
    (typeof SENSITIVE_CATEGORIES)[number],
    ReturnType<typeof Type.Integer>
  >,
)

/** A page of flags (`{"items":[…],"total":N}`) and the counts per category over the whole filter. */
export const SensitiveFlagListSchema = Type.Object({
  items: Type.Array(SensitiveFlagSchema),
  total: Type.Integer(),
  byCategory: CountsByCategory,
})

export const sensitiveFlagsContract = {
  /** DPO and administrators: the flags of their organisations, latest first; the read is audited. */
  list: route('GET', '/sensitive-flags', {
    tags: ['sensitive-flags'],
    querystring: SensitiveFlagQuery,
    response: { 200: SensitiveFlagListSchema },
  }),
}

export type SensitiveFlag = Static<typeof SensitiveFlagSchema>
export type SensitiveFlagList = Static<typeof SensitiveFlagListSchema>
