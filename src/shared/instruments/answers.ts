import type { AnswerOption, InstrumentDefinition, InstrumentItem, OptionCode, RawAnswers } from './types.js'

/** An answer the instrument does not define: the caller sent something no person could have chosen. */
export class InstrumentAnswerError extends Error {
  readonly instrument: string
  readonly item: string
  readonly value: unknown

  constructor(instrument: string, item: string, value: unknown, message: string) {
    super(message)
    this.name = 'InstrumentAnswerError'
    this.instrument = instrument
    this.item = item
    this.value = value
  }
}

export class UnknownInstrumentError extends Error {
  readonly code: unknown

  constructor(code: unknown, knownCodes: readonly string[]) {
    super(`Unknown instrument ${describeValue(code)}; known instruments are ${knownCodes.join(', ')}.`)
    this.name = 'UnknownInstrumentError'
    this.code = code
  }
}

/** Short enough for an error message, since the value comes from a client and may be anything. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined'
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = Object.prototype.toString.call(value)
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

function describeOptions(options: readonly AnswerOption[]): string {
  return options.map((option) => `${describeValue(option.code)} (${option.label.en})`).join(', ')
}

function findItem(instrument: InstrumentDefinition, itemCode: string): InstrumentItem {
  const item = instrument.items.find((candidate) => candidate.code === itemCode)
  if (!item) throw new Error(`${instrument.code} defines no item "${itemCode}"`)
  return item
}

/** Answers are records from JSON: a key that is not an item is a client's mistake, never something to ignore. */
export function rejectUnknownItems(instrument: InstrumentDefinition, answers: RawAnswers): void {
  if (typeof answers !== 'object' || answers === null || Array.isArray(answers)) {
    throw new TypeError(`Answers to ${instrument.code} must be an object keyed by item code.`)
  }
  const itemCodes = instrument.items.map((item) => item.code)
  for (const key of Object.keys(answers)) {
    if (!itemCodes.includes(key)) {
      throw new InstrumentAnswerError(
        instrument.code,
        key,
        answers[key],
        `Item "${key}" does not exist in ${instrument.code}; its items are ${itemCodes.join(', ')}.`,
      )
    }
  }
}

function isMissing(value: unknown): value is null | undefined {
  return value === undefined || value === null
}

function readRaw(answers: RawAnswers, itemCode: string): unknown {
  return Object.hasOwn(answers, itemCode) ? answers[itemCode] : undefined
}

/**
 * The answer to a yes/no or single-choice item, checked against its options; undefined when not answered.
 * Codes are compared strictly: "3" is not 3, and 1 is not true.
 */
export function readChoice<Code extends OptionCode>(
  instrument: InstrumentDefinition,
  answers: RawAnswers,
  itemCode: string,
): Code | undefined {
  const item = findItem(instrument, itemCode)
  const value = readRaw(answers, itemCode)
  if (isMissing(value)) return undefined
  const option = item.options.find((candidate) => candidate.code === value)
  if (!option) {
    throw new InstrumentAnswerError(
      instrument.code,
      itemCode,
      value,
      `Answer to item "${itemCode}" of ${instrument.code} is ${describeValue(value)}; allowed answers are ${describeOptions(item.options)}.`,
    )
  }
  return option.code as Code
}

/** The distinct codes chosen for a multiple-choice item; a code chosen twice still counts once. */
export function readChoices<Code extends OptionCode>(
  instrument: InstrumentDefinition,
  answers: RawAnswers,
  itemCode: string,
): Code[] | undefined {
  const item = findItem(instrument, itemCode)
  const value = readRaw(answers, itemCode)
  if (isMissing(value)) return undefined
  if (!Array.isArray(value)) {
    throw new InstrumentAnswerError(
      instrument.code,
      itemCode,
      value,
      `Answer to item "${itemCode}" of ${instrument.code} must be a list (possibly empty) of codes among ${describeOptions(item.options)}; got ${describeValue(value)}.`,
    )
  }
  const chosen = new Set<Code>()
  for (const element of value) {
    const option = item.options.find((candidate) => candidate.code === element)
    if (!option) {
      throw new InstrumentAnswerError(
        instrument.code,
        itemCode,
        element,
        `Answer to item "${itemCode}" of ${instrument.code} includes ${describeValue(element)}; allowed codes are ${describeOptions(item.options)}.`,
      )
    }
    chosen.add(option.code as Code)
  }
  return [...chosen]
}

/** A finite number above the item's exclusive minimum; undefined when not answered. */
export function readNumber(
  instrument: InstrumentDefinition,
  answers: RawAnswers,
  itemCode: string,
): number | undefined {
  const item = findItem(instrument, itemCode)
  const value = readRaw(answers, itemCode)
  if (isMissing(value)) return undefined
  const minimum = item.exclusiveMinimum ?? Number.NEGATIVE_INFINITY
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= minimum) {
    const unit = item.unit ? ` in ${item.unit}` : ''
    const bound = Number.isFinite(minimum) ? ` greater than ${minimum}` : ''
    throw new InstrumentAnswerError(
      instrument.code,
      itemCode,
      value,
      `Answer to item "${itemCode}" of ${instrument.code} must be a number${bound}${unit}; got ${describeValue(value)}.`,
    )
  }
  return value
}
