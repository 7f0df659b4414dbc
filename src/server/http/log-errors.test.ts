import assert from 'node:assert/strict'
import { test } from 'node:test'
import { serializeError } from './log-errors.js'

test('an error is logged with its kind, masked message, stack and codes, never the values it carried', () => {
  const error = Object.assign(new Error('invalid input syntax for type uuid: "Durand"'), {
    code: '22P02',
    routine: 'string_to_uuid',
    detail: 'Failing row contains (1, Durand, +33612345678).',
    where: 'COPY household, line 3, column last_name: "Durand"',
    internalQuery: "select 'Durand'",
    cause: Object.assign(new Error('duplicate key value violates unique constraint "user_email_key"'), {
      detail: 'Key (email)=(odette@example.org) already exists.',
      constraint: 'user_email_key',
      table: 'user',
    }),
  })
  const logged = serializeError(error)
  const text = JSON.stringify(logged)
  assert.doesNotMatch(text, /Durand|33612345678|odette/)
  assert.equal(logged.message, 'invalid input syntax for type uuid: "…"')
  assert.match(logged.stack, /^Error: invalid input syntax for type uuid: "…"\n\s+at /)
  assert.deepEqual(
    [logged.code, logged.routine, logged.detail, logged.where],
    ['22P02', 'string_to_uuid', undefined, undefined],
  )
  assert.equal(logged.cause?.message, 'duplicate key value violates unique constraint "user_email_key"')
  assert.deepEqual([logged.cause?.constraint, logged.cause?.table], ['user_email_key', 'user'])
  assert.equal(serializeError('Durand').message, '(not an Error: its value is not logged)')
})
