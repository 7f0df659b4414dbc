import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../test/app.js'
import { makeCampaign, makeHousehold, makeOrganization, makeUser } from '../../../test/factories.js'
import {
  findInputProblem,
  findQueryEncodingProblem,
  MAX_JSON_DEPTH,
  MAX_JSON_VALUES,
  textProblem,
} from './hostile-input.js'

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

describe('query encoding, values and numbers, unit', () => {
  it('refuses a query string whose percent-encoding is not UTF-8, naming the parameter', () => {
    assert.equal(findQueryEncodingProblem('/api/households?q=L%C3%A9a+Martin&limit=2'), null)
    assert.equal(findQueryEncodingProblem('/api/households'), null)
    assert.equal(findQueryEncodingProblem('/api/households?q=Jeanne%ED%A0%80')?.field, 'q')
    assert.match(findQueryEncodingProblem('/api/households?q%zz=1')?.message ?? '', /name/)
  })

  it('bounds the number of values, and finds non-finite numbers when asked', () => {
    assert.equal(
      findInputProblem(
        Array.from({ length: MAX_JSON_VALUES - 1 }, () => 1),
        'body',
      ),
      null,
    )
    assert.match(
      findInputProblem(
        Array.from({ length: MAX_JSON_VALUES }, () => 1),
        'body',
      )?.message ?? '',
      /more than/,
    )
    assert.equal(findInputProblem({ limit: Number.POSITIVE_INFINITY }, 'query'), null)
    assert.deepEqual(findInputProblem({ a: [1, Number.NaN] }, 'query', MAX_JSON_DEPTH, { numbers: true }), {
      field: 'query.a.1',
      message: 'is not a finite number',
    })
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

  it('refuses "Infinity" where a number is expected (the validator coerces it), and dates outside 1900–2100', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const household = await makeHousehold(db, { organizationId: organization.id })
    const headers = await loginAs(await makeUser(db, 'manager', { organizationId: organization.id }))
    const list = await app.inject({ url: '/api/households?limit=Infinity', headers })
    assert.equal(list.statusCode, 400)
    assert.deepEqual(list.json().error.details, [{ field: 'limit', message: 'is not a finite number' }])
    const object = (at: string) =>
      app.inject({
        method: 'POST',
        url: `/api/households/${household.id}/objection`,
        headers,
        payload: { channel: 'phone', at },
      })
    for (const at of ['0000-01-01', '1899-12-31', '2101-01-01', '9999-12-31', '2026-02-30']) {
      const refused = await object(at)
      assert.equal(refused.statusCode, 400, at)
      assert.equal(refused.json().error.details[0].field, 'at')
    }
    assert.equal((await object('2000-01-01')).statusCode, 201, 'the earliest day an objection may carry')
  })

  it('answers the router’s own refusals in the one format: an address that is not UTF-8, a parameter too long', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const headers = await loginAs(await makeUser(db, 'manager', { organizationId: organization.id }))
    const notText = await app.inject({ url: '/api/households/%ED%A0%80', headers })
    assert.equal(notText.statusCode, 400)
    assert.equal(notText.json().error.code, 'BAD_REQUEST')
    const long = await app.inject({ url: `/api/households/${'x'.repeat(101)}`, headers })
    assert.equal(long.statusCode, 414)
    assert.deepEqual(Object.keys(long.json()), ['error'])
    assert.equal(long.json().error.code, 'URI_TOO_LONG')
  })

  it('checks the text of a multipart form too, and refuses a malformed form with 400', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const headers = await loginAs(await makeUser(db, 'manager', { organizationId: organization.id }))
    const boundary = '----hostile'
    const form = (organizationCode: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="organization"\r\n\r\n${organizationCode}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nréf;nom\r\nA1;Martin\r\n\r\n` +
      `--${boundary}--\r\n`
    const post = (payload: string) =>
      app.inject({
        method: 'POST',
        url: '/api/imports',
        headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload,
      })
    const withNul = await post(form(`${organization.code}\u0000`))
    assert.equal(withNul.statusCode, 400)
    assert.deepEqual(withNul.json().error.details, [{ field: 'organization', message: 'contains a NUL character' }])
    assert.equal(await db.selectFrom('importRun').select('id').executeTakeFirst(), undefined, 'no import started')
    const cut = await post(form(organization.code).slice(0, 60))
    assert.equal(cut.statusCode, 400)
    assert.match(cut.json().error.message, /multipart form is malformed/)
  })

  it('accepts a one-item array where a union of a word and a list is expected (one calling window)', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const manager = await makeUser(db, 'manager', { organizationId: organization.id })
    const campaign = await makeCampaign(db, { organizationId: organization.id, createdBy: manager.id, status: 'draft' })
    const response = await app.inject({
      method: 'PATCH',
      url: `/api/campaigns/${campaign.id}`,
      headers: await loginAs(manager),
      payload: { callingHours: [{ day: 1, from: '09:00', to: '12:00' }] },
    })
    assert.equal(response.statusCode, 200, response.body)
  })

  it('names at most 20 validation issues, and refuses a body of more than MAX_JSON_VALUES values at once', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const manager = await makeUser(db, 'manager', { organizationId: organization.id })
    const campaign = await makeCampaign(db, { organizationId: organization.id, createdBy: manager.id, status: 'draft' })
    const headers = await loginAs(manager)
    const patch = (faq: unknown[]) =>
      app.inject({ method: 'PATCH', url: `/api/campaigns/${campaign.id}`, headers, payload: { faq } })
    const many = await patch(Array.from({ length: 100 }, () => 1))
    assert.equal(many.statusCode, 400)
    assert.equal(many.json().error.details.length, 20)
    assert.match(many.json().error.message, /and \d+ more$/)
    const huge = await patch(Array.from({ length: 250_000 }, () => 1))
    assert.equal(huge.statusCode, 400)
    assert.match(huge.json().error.message, /more than 10000 values/)
  })
})
