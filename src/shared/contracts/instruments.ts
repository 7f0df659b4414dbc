/**
 * The validated instruments (EPICES, LSNS-6, UCLA-3, FRAIL, USDA-6): their wording and scoring, the `/instruments`
 * routes. The definitions themselves live in `src/shared/instruments/`; these schemas describe them as served: the
 * route returns `INSTRUMENTS` (a field whose type changes fails to type-check) and its test compares the answer with
 * them (a new field left out of these schemas would be dropped). Their arrays are immutable: the definitions are frozen.
 */
import { Type } from 'typebox'
import { INSTRUMENT_CODES } from '../instruments/types.js'
import { Nullable } from './common.js'
import { route } from './route.js'

const LocalizedTextSchema = Type.Object({ fr: Type.String(), en: Type.String() })

const OptionCodeSchema = Type.Union([Type.Boolean(), Type.Number(), Type.String()])

export const InstrumentItemSchema = Type.Object({
  code: Type.String(),
  wording: LocalizedTextSchema,
  answerType: Type.Union([
    Type.Literal('yes_no'),
    Type.Literal('single_choice'),
    Type.Literal('multiple_choice'),
    Type.Literal('number'),
  ]),
  options: Type.Immutable(Type.Array(Type.Object({ code: OptionCodeSchema, label: LocalizedTextSchema }))),
  unit: Type.Optional(Type.String()),
  exclusiveMinimum: Type.Optional(Type.Number()),
  askedOnlyIf: Type.Optional(Type.Object({ item: Type.String(), equals: OptionCodeSchema })),
})

export const InstrumentDefinitionSchema = Type.Object({
  code: Type.Enum(INSTRUMENT_CODES),
  name: LocalizedTextSchema,
  description: LocalizedTextSchema,
  reference: Type.String(),
  cutOff: LocalizedTextSchema,
  scoreRange: Type.Object({ min: Type.Number(), max: Type.Number() }),
  isHigherScoreWorse: Type.Boolean(),
  categories: Type.Immutable(Type.Array(Type.Object({ code: Type.String(), label: LocalizedTextSchema }))),
  items: Type.Immutable(Type.Array(InstrumentItemSchema)),
})

export const InstrumentResultSchema = Type.Object({
  score: Nullable(Type.Number()),
  category: Nullable(Type.String()),
  complete: Type.Boolean(),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
})

export const instrumentsContract = {
  list: route('GET', '/instruments', {
    tags: ['instruments'],
    response: { 200: Type.Object({ items: Type.Immutable(Type.Array(InstrumentDefinitionSchema)) }) },
  }),
  /** Scores answers on the server exactly as the instrument was published. */
  score: route('POST', '/instruments/:code/score', {
    tags: ['instruments'],
    params: Type.Object({ code: Type.String() }),
    body: Type.Object({ answers: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false }),
    response: { 200: InstrumentResultSchema },
  }),
}
