import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../test/app.js'
import { makeHousehold, makeOrganization, makeUser } from '../../../test/factories.js'
import { findInputProblem, MAX_JSON_DEPTH, textProblem } from './hostile-input.js'

function nested(depth: number): unknown {
  let value: unknown = 'leaf'
  for (let level = 0; level < depth; level++) value = level % 2 ? { child: value } : [value]
  return value
}

describe('hostile text and nesting, unit', () => {
  it('tells a NUL and a lone surrogate from ordinary text, emoji included', () => {
    assert.equal(textProblem('Lefèvre 👵 «ok»'), null)
    assert.match(textProblem('a\u0000b') ?? '', /NUL/)
    assert.match(textProblem('a\uD800b') ?? '', /surrogate/)
    assert.match(textProblem('\uDC00') ?? '', /surrogate/)
    assert.equal(textProblem('\uD83D\uDE00'), null)
  })

  it('names the field at fault, keys included, and bounds depth without recursion', () => {
    assert.deepEqual(findInputProblem({ a: [{ b: 'x\u0000' }] }, 'body'), {
      field: 'body.a.0.b',
      message: 'contains a NUL character',
    })
    assert.match(findInputProblem({ 'k\u0000': 1 }, 'body')?.message ?? '', /key/)
    assert.equal(findInputProblem(nested(MAX_JSON_DEPTH - 1), 'body'), null)
    assert.match(findInputProblem(nested(100_000), 'body')?.message ?? '', /nested more than/)
  })
})

describe('hostile text and nesting over HTTP', () => {
  it('refuses a NUL in the login email with 400 naming the field, on both engines', async (t) => {
    const { app } = await buildTestApp(t)
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'someone\u0000@example.org', password: 'whatever-it-is' },
    })
    assert.equal(response.statusCode, 400)
    const { error } = response.json()
    assert.equal(error.code, 'VALIDATION_FAILED')
    assert.deepEqual(error.details, [{ field: 'email', message: 'contains a NUL character' }])
  })

  it('refuses NUL and lone surrogates in a search, a path id and a note, and writes nothing', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const household = await makeHousehold(db, { organizationId: organization.id })
    const manager = await makeUser(db, 'manager', { organizationId: organization.id })
    const headers = await loginAs(manager)

    const search = await app.inject({ url: '/api/households?q=Le%00f', headers })
    assert.equal(search.statusCode, 400)
    assert.deepEqual(search.json().error.details, [{ field: 'q', message: 'contains a NUL character' }])

    const path = await app.inject({ url: '/api/households/ab%00cd', headers })
    assert.equal(path.statusCode, 400)
    assert.equal(path.json().error.details[0].field, 'id')

    const objection = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/objection`,
      headers,
      payload: JSON.parse('{"channel":"phone","note":"refuse \\ud800 les appels"}'),
    })
    assert.equal(objection.statusCode, 400)
    assert.equal(objection.json().error.details[0].field, 'note')
    const stored = await db
      .selectFrom('household')
      .select('objectionAt')
      .where('id', '=', household.id)
      .executeTakeFirstOrThrow()
    assert.equal(stored.objectionAt, null, 'nothing was recorded')
  })

  it('refuses a body nested thousands deep with 400 in the one error format', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const manager = await makeUser(db, 'manager', { organizationId: organization.id })
    const deep = `${'{"all":['.repeat(5000)}${']}'.repeat(5000)}`
    const response = await app.inject({
      method: 'POST',
      url: '/api/campaigns/preview',
      headers: { ...(await loginAs(manager)), 'content-type': 'application/json' },
      payload: `{"organization":"${organization.code}","targeting":${deep}}`,
    })
    assert.equal(response.statusCode, 400)
    const { error } = response.json()
    assert.equal(error.code, 'VALIDATION_FAILED')
    assert.match(error.message, /nested more than/)
  })

  it('tells browsers and proxies to keep no copy of an API answer', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const manager = await makeUser(db, 'manager', { organizationId: organization.id })
    const response = await app.inject({ url: '/api/households', headers: await loginAs(manager) })
    assert.equal(response.statusCode, 200)
    assert.equal(response.headers['cache-control'], 'no-store')
  })
})
