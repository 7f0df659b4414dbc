/**
 * The OpenAPI document as a completeness check of the contracts: every operation it lists declares its success
 * answer with a schema. A route without a response schema for its success status sends whatever its handler returns
 * (no whitelist by fast-json-stringify), and the web's typed client has nothing to check the answer against;
 * @fastify/swagger then documents it as a bare `200: { description: 'Default Response' }`, which is what this catches.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'

interface OpenApiResponse {
  description?: string
  content?: Record<string, { schema?: unknown }>
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, OpenApiResponse> }>>
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'])

/** Why an operation's success answer is not described, or null when it is. */
function missingSuccessSchema(responses: Record<string, OpenApiResponse> | undefined): string | null {
  const entries = Object.entries(responses ?? {})
  // What @fastify/swagger writes for a route that declares no response at all.
  if (entries.length === 1 && entries[0][0] === '200' && !entries[0][1].content) return 'no response schema at all'
  const successes = entries.filter(([status]) => /^2(\d\d|XX)$/.test(status))
  if (successes.length === 0) {
    // A redirect (the single sign-on's start and callback) answers with its Location, not a body.
    const isRedirect = entries.some(([status]) => /^3\d\d$/.test(status))
    return isRedirect ? null : 'no 2xx or 3xx response declared'
  }
  for (const [status, response] of successes) {
    if (status === '204') continue // no body to describe (NoContent)
    const schemas = Object.values(response.content ?? {}).filter((media) => media.schema !== undefined)
    if (schemas.length === 0) return `${status} without a schema`
  }
  return null
}

test('every operation of /api/openapi.json has a response schema for its success status', async (t) => {
  const { app } = await buildTestApp(t)
  const response = await app.inject({ url: '/api/openapi.json' })
  assert.equal(response.statusCode, 200)
  const document = response.json<OpenApiDocument>()

  const operations: string[] = []
  const missing: string[] = []
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue
      operations.push(`${method.toUpperCase()} ${path}`)
      const problem = missingSuccessSchema(operation.responses)
      if (problem) missing.push(`${method.toUpperCase()} ${path}: ${problem}`)
    }
  }
  assert.ok(operations.length >= 50, `only ${operations.length} operations documented: is the document complete?`)
  assert.deepEqual(missing, [], `${missing.length} of ${operations.length} operations lack a success response schema`)
})
