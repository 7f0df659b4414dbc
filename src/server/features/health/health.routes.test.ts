import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { testEngine } from '../../../../test/database.js'

describe('GET /api/health', () => {
  it('names the database engine in use and the version', async (t) => {
    const { app } = await buildTestApp(t)
    const response = await app.inject({ url: '/api/health' })
    assert.equal(response.statusCode, 200)
    assert.equal(response.json().status, 'ok')
    assert.equal(response.json().database, testEngine())
    assert.match(response.json().version, /^\d+\.\d+\.\d+/)
    assert.match(String(response.headers['content-security-policy']), /script-src 'self'/)
    assert.equal(response.headers['x-content-type-options'], 'nosniff')
  })
})

describe('errors', () => {
  it('answers an unknown API route with a JSON 404', async (t) => {
    const { app } = await buildTestApp(t)
    const response = await app.inject({ url: '/api/nothing-here?name=secret' })
    assert.equal(response.statusCode, 404)
    assert.deepEqual(response.json(), { error: { code: 'NOT_FOUND', message: 'No route GET /api/nothing-here' } })
  })

  it('never leaks internals in a 500', async (t) => {
    const { app } = await buildTestApp(t)
    app.get('/api/test-boom', async () => {
      throw new Error('SELECT * FROM household — connection string postgres://secret')
    })
    const response = await app.inject({ url: '/api/test-boom' })
    assert.equal(response.statusCode, 500)
    assert.equal(response.json().error.code, 'INTERNAL')
    assert.doesNotMatch(response.body, /SELECT|secret|household/)
  })

  it('publishes the OpenAPI document with the contract routes', async (t) => {
    const { app } = await buildTestApp(t)
    const response = await app.inject({ url: '/api/openapi.json' })
    assert.equal(response.statusCode, 200)
    const paths = Object.keys(response.json().paths)
    for (const path of ['/api/health', '/api/auth/login', '/api/auth/logout', '/api/auth/me', '/api/households/{id}']) {
      assert.ok(paths.includes(path), `${path} is documented`)
    }
  })
})
