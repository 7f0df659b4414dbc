/**
 * Text is text: a NUL character or a lone UTF-16 surrogate is refused wherever it comes (body, query string, path
 * parameters, object keys), and JSON nesting is bounded, before validation and before any SQL runs. PostgreSQL
 * cannot store a NUL in text (it answered 500) and SQLite stored it; a lone surrogate cannot be written as UTF-8.
 * Depth is checked iteratively, so a body nested thousands deep costs a loop, not the stack.
 */
import type { FastifyInstance } from 'fastify'
import { AppError } from './errors.js'

/** Deepest nesting of objects and arrays accepted in a JSON body (a questionnaire or a targeting rule fits easily). */
export const MAX_JSON_DEPTH = 32

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

/** The first problem of a parsed input (strings, keys, depth), with the path of the field at fault. */
export function findInputProblem(value: unknown, root: string, maxDepth = MAX_JSON_DEPTH): InputProblem | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: root, depth: 0 }]
  while (stack.length) {
    const item = stack.pop()!
    if (typeof item.value === 'string') {
      const problem = textProblem(item.value)
      if (problem) return { field: item.path, message: problem }
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

/** Refuses hostile text and nesting in every request of `app` with 400 VALIDATION_FAILED naming the field. */
export function refuseHostileInput(app: FastifyInstance) {
  app.addHook('preValidation', async (request) => {
    for (const [root, value] of [
      ['params', request.params],
      ['query', request.query],
      ['body', request.body],
    ] as const) {
      if (value === undefined || value === null) continue
      const problem = findInputProblem(value, root)
      if (problem) {
        const field = problem.field === root ? root : problem.field.slice(root.length + 1)
        throw new AppError('VALIDATION_FAILED', `Invalid ${root}: ${field} ${problem.message}`, [
          { field, message: problem.message },
        ])
      }
    }
  })
}
