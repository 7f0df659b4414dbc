import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeHousehold, makeOrganization, makeUser } from '../../../../test/factories.js'

async function setUp(t: Parameters<typeof buildTestApp>[0]) {
  const testApp = await buildTestApp(t)
  const { db } = testApp
  const landlord = await makeOrganization(db, { name: 'Habitat Lorrain' })
  const other = await makeOrganization(db, { name: 'Autre bailleur' })
  const dpo = await makeUser(db, 'dpo', { organizationId: landlord.id })
  const otherDpo = await makeUser(db, 'dpo', { organizationId: other.id })
  const manager = await makeUser(db, 'manager', { organizationId: landlord.id })
  const household = await makeHousehold(db, {
    organizationId: landlord.id,
    externalRef: 'H-0042',
    lastName: 'Lefèvre',
    firstName: 'Odette',
  })
  return { ...testApp, landlord, dpo, otherDpo, manager, household }
}

const record = (id: string) => `/api/households/${id}`
const timeline = (id: string) => `/api/households/${id}/timeline`

describe('the DPO reads a household only through an open request of the register', () => {
  it('answers 404 outside a request, as for a household that does not exist; reads record and timeline while one is open, audited with the request', async (t) => {
    const { app, db, loginAs, dpo, household } = await setUp(t)
    const headers = await loginAs(dpo)
    const missing = await app.inject({ url: record(randomUUID()), headers })
    assert.equal(missing.statusCode, 404)
    for (const url of [record(household.id), timeline(household.id)]) {
      const before = await app.inject({ url, headers })
      assert.equal(before.statusCode, 404, url)
      assert.deepEqual(before.json(), missing.json(), 'nothing tells an existing household from a missing one')
    }

    const registered = await app.inject({
      method: 'POST',
      url: '/api/data-requests',
      headers,
      payload: { householdRef: 'H-0042', kind: 'access', channel: 'mail' },
    })
    assert.equal(registered.statusCode, 201, registered.body)
    const requestId = registered.json().id

    const read = await app.inject({ url: record(household.id), headers })
    assert.equal(read.statusCode, 200, read.body)
    assert.equal(read.json().firstName, 'Odette')
    const history = await app.inject({ url: timeline(household.id), headers })
    assert.equal(history.statusCode, 200, history.body)
    assert.ok(Array.isArray(history.json().items))
    const traces = await db
      .selectFrom('auditEvent')
      .select(['action', 'actorUserId', 'details'])
      .where('entityId', '=', household.id)
      .where('action', 'in', ['household.read', 'household.timeline_read'])
      .orderBy('id')
      .execute()
    assert.deepEqual(
      traces.map((trace) => [trace.action, trace.actorUserId, JSON.parse(trace.details ?? 'null')]),
      [
        ['household.read', dpo.id, { via: 'request', requestId }],
        ['household.timeline_read', dpo.id, { via: 'request', requestId }],
      ],
    )

    // Reading is all: the DPO changes nothing of the tenant's data, request open or not.
    const objection = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/objection`,
      headers,
      payload: { channel: 'mail' },
    })
    assert.equal(objection.statusCode, 403)

    const closed = await app.inject({
      method: 'POST',
      url: `/api/data-requests/${requestId}/close`,
      headers,
      payload: { outcome: 'answered', response: 'Dossier envoyé par courrier' },
    })
    assert.equal(closed.statusCode, 200)
    for (const url of [record(household.id), timeline(household.id)]) {
      const after = await app.inject({ url, headers })
      assert.equal(after.statusCode, 404, url)
    }
  })

  it('a request open in the household’s organisation opens nothing to the DPO of another one; managers read as before', async (t) => {
    const { app, db, loginAs, dpo, otherDpo, manager, household } = await setUp(t)
    await app.inject({
      method: 'POST',
      url: '/api/data-requests',
      headers: await loginAs(dpo),
      payload: { householdRef: 'H-0042', kind: 'erasure' },
    })
    const headers = await loginAs(otherDpo)
    for (const url of [record(household.id), timeline(household.id)]) {
      assert.equal((await app.inject({ url, headers })).statusCode, 404, url)
    }
    const asManager = await app.inject({ url: record(household.id), headers: await loginAs(manager) })
    assert.equal(asManager.statusCode, 200)
    const trace = await db
      .selectFrom('auditEvent')
      .select('details')
      .where('action', '=', 'household.read')
      .where('actorUserId', '=', manager.id)
      .executeTakeFirstOrThrow()
    assert.equal(trace.details, null, 'a manager reads their organisation’s record directly')
  })
})
