/** The instruments we score, in the order the UI lists them. */
export const INSTRUMENT_CODES = ['epices', 'lsns6', 'ucla3', 'frail', 'usda6'] as const
export type InstrumentCode = (typeof INSTRUMENT_CODES)[number]

/** Every text shown to people exists in French (the UI) and English (reference, and the UI's other language). */
export interface LocalizedText {
  fr: string
  en: string
}

/** How an item is answered; the names match the questionnaire's own question types so one renderer serves both. */
export type AnswerType = 'yes_no' | 'single_choice' | 'multiple_choice' | 'number'

/** An option's code is what the client sends back: a boolean for yes/no, an integer or a word for choices. */
export type OptionCode = boolean | number | string

export interface AnswerOption {
  code: OptionCode
  label: LocalizedText
}

export interface InstrumentItem {
  code: string
  wording: LocalizedText
  answerType: AnswerType
  /** Empty for numbers. */
  options: readonly AnswerOption[]
  /** For numbers: the unit, and the bound the value must be strictly greater than. */
  unit?: string
  exclusiveMinimum?: number
  /** The item is asked, and required, only when an earlier item has this answer. */
  askedOnlyIf?: { item: string; equals: OptionCode }
}

export interface InstrumentCategory {
  code: string
  label: LocalizedText
}

export interface InstrumentDefinition {
  code: InstrumentCode
  name: LocalizedText
  description: LocalizedText
  reference: string
  cutOff: LocalizedText
  scoreRange: { min: number; max: number }
  /** LSNS-6 counts people, so a low score is the concerning one; every other instrument counts difficulties. */
  isHigherScoreWorse: boolean
  /** Ordered from the least to the most concerning. */
  categories: readonly InstrumentCategory[]
  items: readonly InstrumentItem[]
}

/** A score exists only when every required item was answered: nothing is ever guessed. */
export type InstrumentResult<
  Category extends string = string,
  Details extends Record<string, unknown> = Record<string, unknown>,
> =
  | { score: number; category: Category; complete: true; details?: Details }
  | { score: null; category: null; complete: false; details?: undefined }

export function incompleteResult(): { score: null; category: null; complete: false } {
  return { score: null, category: null, complete: false }
}

/** Answers as they arrive from a client: anything, until an instrument has checked them. */
export type RawAnswers = Record<string, unknown>
