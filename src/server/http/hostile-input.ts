/**
 * Text is text: a NUL character or a lone UTF-16 surrogate is refused wherever it comes (body, query string, path
 * parameters, object keys, the text parts of a multipart form), and JSON nesting is bounded, before any SQL runs.
 * PostgreSQL cannot store a NUL in text (it answered 500) and SQLite stored it; a lone surrogate cannot be written as
 * UTF-8. A query string whose percent-encoding is not UTF-8 text is refused too, as Fastify already refuses such a
 * path. Depth is checked iteratively, so a body nested thousands deep costs a loop, not the stack.
 *
 * Numbers are finite: JSON cannot write Infinity or NaN, but the validator's type coercion turns the text "Infinity"
 * of a query string or a body into the number (and Ajv then lets it pass `type: integer` and `maximum`), so every
 * number is checked again once the schema has coerced it. Dates are bounded: `format: date` and `date-time` accept
 * only real days between FIRST_DAY and LAST_DAY (`boundDateFormats`, installed on the validator by `app.ts`).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from './errors.js'

/** Deepest nesting of objects and arrays accepted in a JSON body (a questionnaire or a targeting rule fits easily). */
export const MAX_JSON_DEPTH = 32

/**
 * Most values (strings, numbers, objects, array items…) in one parsed input. The largest legitimate body, a campaign's
 * 5,000 callers, holds about half as many. Without a bound, 1 MB of `[1,1,1,…]` where objects are expected made the
 * validator (all errors reported) work for a second per request.
 */
export const MAX_JSON_VALUES = 10_000

/** The earliest and latest days a date of the API may name: a birth date of a tenant to a watch planned ahead. */
export const FIRST_DAY = '1900-01-01'
export const LAST_DAY = '2100-12-31'

const NUL = '\u0000'
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** What is wrong with a text, or null when it is fine. */
export function textProblem(text: string): string | null {
  if (text.includes(NUL)) return 'contains a NUL character'
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate (not a character)'
  return null
}

export interface InputProblem {
  field: string
  message: string
}

/**
 * The first problem of a parsed input (strings, keys, depth, number of values; with `numbers`, non-finite numbers
 * too), with the path of the field at fault.
 */
export function findInputProblem(
  value: unknown,
  root: string,
  maxDepth = MAX_JSON_DEPTH,
  options: { numbers?: boolean } = {},
): InputProblem | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: root, depth: 0 }]
  let count = 0
  while (stack.length) {
    const item = stack.pop()!
    if (++count > MAX_JSON_VALUES) return { field: root, message: `holds more than ${MAX_JSON_VALUES} values` }
    if (typeof item.value === 'string') {
      const problem = textProblem(item.value)
      if (problem) return { field: item.path, message: problem }
      continue
    }
    if (typeof item.value === 'number') {
      if (options.numbers && !Number.isFinite(item.value))
        return { field: item.path, message: 'is not a finite number' }
      continue
    }
    if (item.value === null || typeof item.value !== 'object') continue
    if (item.depth >= maxDepth) {
      return { field: item.path, message: `is nested more than ${maxDepth} levels deep` }
    }
    if (Array.isArray(item.value)) {
      for (let index = 0; index < item.value.length; index++) {
        stack.push({ value: item.value[index], path: `${item.path}.${index}`, depth: item.depth + 1 })
      }
      continue
    }
    for (const [key, child] of Object.entries(item.value as Record<string, unknown>)) {
      const keyProblem = textProblem(key)
      if (keyProblem) return { field: item.path, message: `has a key that ${keyProblem}` }
      stack.push({ value: child, path: `${item.path}.${key}`, depth: item.depth + 1 })
    }
  }
  return null
}

function decodeQueryComponent(text: string): string | null {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '))
  } catch {
    return null
  }
}

/** The first name or value of a raw query string that is not percent-encoded UTF-8 text, or null. */
export function findQueryEncodingProblem(url: string): InputProblem | null {
  const start = url.indexOf('?')
  if (start < 0) return null
  for (const pair of url.slice(start + 1).split('&')) {
    const separator = pair.indexOf('=')
    const name = separator < 0 ? pair : pair.slice(0, separator)
    const decodedName = decodeQueryComponent(name)
    if (decodedName === null) return { field: 'query', message: 'has a parameter name that is not UTF-8 text' }
    if (separator >= 0 && decodeQueryComponent(pair.slice(separator + 1)) === null) {
      return { field: decodedName, message: 'is not UTF-8 text (a percent-encoded sequence decodes to no character)' }
    }
  }
  return null
}

function refuse(root: string, problem: InputProblem): never {
  const field = problem.field === root ? root : problem.field.slice(root.length + 1)
  throw new AppError('VALIDATION_FAILED', `Invalid ${root}: ${field} ${problem.message}`, [
    { field, message: problem.message },
  ])
}

function checkParts(request: FastifyRequest, options: { numbers?: boolean }) {
  for (const [root, value] of [
    ['params', request.params],
    ['query', request.query],
    ['body', request.body],
  ] as const) {
    if (value === undefined || value === null) continue
    const problem = findInputProblem(value, root, MAX_JSON_DEPTH, options)
    if (problem) refuse(root, problem)
  }
}

/**
 * Refuses hostile text, nesting and numbers in every request of `app` with 400 VALIDATION_FAILED naming the field:
 * before validation (what was parsed), and again just before the handler, for what only exists by then: a multipart
 * form read by the route's own preValidation hook, and numbers coerced from text by the schema.
 */
export function refuseHostileInput(app: FastifyInstance) {
  app.addHook('preValidation', async (request) => {
    const encoding = findQueryEncodingProblem(request.url)
    if (encoding) refuse('query', { ...encoding, field: `query.${encoding.field}` })
    checkParts(request, {})
  })
  app.addHook('preHandler', async (request) => {
    checkParts(request, { numbers: true })
  })
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})/

/** Whether a text that starts with YYYY-MM-DD names a day between FIRST_DAY and LAST_DAY. */
function isWithinBounds(text: string): boolean {
  const day = DAY.exec(text)?.[0]
  return day !== undefined && day >= FIRST_DAY && day <= LAST_DAY
}

type FormatDefinition = { validate: (text: string) => boolean; compare?: (a: string, b: string) => number }

/** What `boundDateFormats` needs of the validator (Ajv, as Fastify's compiler creates it). */
export interface FormatRegistry {
  formats: Record<string, unknown>
  addFormat(name: string, format: FormatDefinition): unknown
}

/**
 * Narrows the validator's `date` and `date-time` formats (RFC 3339, real days, from ajv-formats) to FIRST_DAY …
 * LAST_DAY: `0000-01-01` or `9999-12-31` is no date anybody means, and year 0 was stored as "-000001-12-31…".
 */
export function boundDateFormats(ajv: FormatRegistry) {
  for (const name of ['date', 'date-time'] as const) {
    const original = ajv.formats[name] as FormatDefinition | undefined
    if (!original || typeof original.validate !== 'function') throw new Error(`the validator has no "${name}" format`)
    ajv.addFormat(name, {
      ...original,
      validate: (text: string) => original.validate(text) && isWithinBounds(text),
    })
  }
}
