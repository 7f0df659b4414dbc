import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeUser } from '../../../../test/factories.js'
import { INSTRUMENTS } from '../../../shared/instruments/index.js'

describe('instruments API', () => {
  it('lists the five instruments with their items and options', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const response = await app.inject({ url: '/api/instruments', headers: await loginAs(await makeUser(db, 'caller')) })
    assert.equal(response.statusCode, 200)
    const items = response.json().items as { code: string; items: { code: string }[] }[]
    assert.deepEqual(
      items.map((instrument) => instrument.code),
      ['epices', 'lsns6', 'ucla3', 'frail', 'usda6'],
    )
    assert.equal(items[0].items.length, 11)
    assert.deepEqual(response.json().items, JSON.parse(JSON.stringify(INSTRUMENTS)), 'the schema names every field')
  })

  it('scores EPICES on the server as published: 31.96 is precarious (threshold 30.17)', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const headers = await loginAs(await makeUser(db, 'caller'))
    // oui to q1–q10, non to q11: 75.14 + 10.06 − 11.83 − 8.28 − 8.28 + 14.80 − 6.51 − 7.10 − 7.10 − 9.47 − 9.47 = 31.96.
    const answers = {
      q1: true,
      q2: true,
      q3: true,
      q4: true,
      q5: true,
      q6: true,
      q7: true,
      q8: true,
      q9: true,
      q10: true,
      q11: false,
    }
    const response = await app.inject({
      method: 'POST',
      url: '/api/instruments/epices/score',
      headers,
      payload: { answers },
    })
    assert.equal(response.statusCode, 200)
    assert.deepEqual(
      { score: response.json().score, category: response.json().category, complete: response.json().complete },
      { score: 31.96, category: 'precarious', complete: true },
    )
  })

  it('answers complete:false without a score when an item is missing, and 400 naming an item out of its options', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const headers = await loginAs(await makeUser(db, 'caller'))
    const partial = await app.inject({
      method: 'POST',
      url: '/api/instruments/ucla3/score',
      headers,
      payload: { answers: { q1: 3, q2: 3 } },
    })
    assert.deepEqual(partial.json(), { score: null, category: null, complete: false })
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/instruments/ucla3/score',
      headers,
      payload: { answers: { q1: 4, q2: 1, q3: 1 } },
    })
    assert.equal(wrong.statusCode, 400)
    assert.equal(wrong.json().error.details.field, 'answers.q1')
    assert.match(wrong.json().error.message, /q1/)
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/instruments/phq9/score',
      headers,
      payload: { answers: {} },
    })
    assert.equal(unknown.statusCode, 404)
  })
})
