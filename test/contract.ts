import assert from 'node:assert/strict'
import type { TSchema } from 'typebox'
import { Value } from 'typebox/value'
import type { RouteContract } from '../src/shared/contracts/route.js'

/**
 * Asserts that an answer is what the route's contract declares for its status, as the web's typed client checks it
 * (`Value.Check`): a field the serialiser dropped or a wrong type fails here rather than on a screen.
 */
export function assertMatchesContract(contract: RouteContract, response: { statusCode: number; json(): unknown }) {
  const schema = contract.schema.response[response.statusCode]
  assert.ok(schema, `${contract.method} ${contract.url} declares no answer for ${response.statusCode}`)
  if ('content' in schema) return
  const body = response.json()
  const errors = [...Value.Errors(schema as TSchema, body)].slice(0, 3)
  assert.ok(
    Value.Check(schema as TSchema, body),
    `${contract.method} ${contract.url} ${response.statusCode}: ${JSON.stringify(errors)}`,
  )
}

/** Asserts that a value (an answer or a part of one) matches a schema, listing every mismatch. */
export function assertMatchesSchema(schema: TSchema, value: unknown, message = 'the answer is the contract’s') {
  const errors = [...Value.Errors(schema, value)].map((error) => `${error.instancePath}: ${error.message}`)
  assert.deepEqual(errors, [], message)
}
