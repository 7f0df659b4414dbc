import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeHousehold, makeOrganization, makePhone, makeUser } from '../../../../test/factories.js'

describe('GET /api/households/:id', () => {
  it('gives a social worker their own organisation’s household, with phones and flags, and logs the read', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const household = await makeHousehold(db, { organizationId: organization.id, arrearsCents: 123456 })
    await makePhone(db, household, '+33612345678')
    const worker = await makeUser(db, 'social_worker', { organizationId: organization.id })
    const response = await app.inject({ url: `/api/households/${household.id}`, headers: await loginAs(worker) })
    assert.equal(response.statusCode, 200)
    const body = response.json()
    assert.equal(body.externalRef, household.externalRef)
    assert.deepEqual(body.phones, [{ e164: '+33612345678', raw: '+33612345678', kind: 'mobile', isValid: true }])
    assert.equal(body.flags.arrears, 1234.56)
    assert.equal(body.flags.livesAlone, true)
    assert.equal(body.address.inseeCode, '54395')
    assert.equal(body.objection, null)
    assert.equal(body.organizationId, undefined, 'the response schema whitelists fields')

    const reads = await db.selectFrom('auditEvent').selectAll().where('action', '=', 'household.read').execute()
    assert.equal(reads.length, 1)
    assert.equal(reads[0].actorUserId, worker.id)
    assert.equal(reads[0].entityId, household.id)
    assert.equal(reads[0].organizationId, organization.id)
  })

  it('answers 404 to a social worker of another organisation, as if the household did not exist', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const theirs = await makeOrganization(db)
    const household = await makeHousehold(db, { organizationId: theirs.id })
    const outsider = await makeUser(db, 'social_worker')
    const response = await app.inject({ url: `/api/households/${household.id}`, headers: await loginAs(outsider) })
    assert.equal(response.statusCode, 404)
    assert.equal(response.json().error.code, 'NOT_FOUND')
    const missing = await app.inject({ url: '/api/households/does-not-exist', headers: await loginAs(outsider) })
    assert.equal(missing.json().error.message, response.json().error.message)
  })

  it('refuses viewers (aggregates only) with 403 and partners without an active referral with 404', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const household = await makeHousehold(db, { organizationId: organization.id })
    const viewer = await makeUser(db, 'viewer', { organizationId: organization.id })
    const asViewer = await app.inject({ url: `/api/households/${household.id}`, headers: await loginAs(viewer) })
    assert.equal(asViewer.statusCode, 403)
    assert.equal(asViewer.json().error.code, 'FORBIDDEN')
    const partner = await makeUser(db, 'partner', {
      organizationId: (await makeOrganization(db, { type: 'partner' })).id,
    })
    const asPartner = await app.inject({ url: `/api/households/${household.id}`, headers: await loginAs(partner) })
    assert.equal(asPartner.statusCode, 404)
  })

  it('requires a session', async (t) => {
    const { app } = await buildTestApp(t)
    const response = await app.inject({ url: '/api/households/anything' })
    assert.equal(response.statusCode, 401)
  })
})

describe('GET /api/households', () => {
  it('searches only the user’s organisations, by name, reference and phone', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const mine = await makeOrganization(db)
    const theirs = await makeOrganization(db)
    const dupont = await makeHousehold(db, { organizationId: mine.id, lastName: 'Dupont', externalRef: 'A-100' })
    await makePhone(db, dupont, '+33383112233')
    await makeHousehold(db, { organizationId: mine.id, lastName: 'Schmitt', externalRef: 'A-200' })
    await makeHousehold(db, { organizationId: theirs.id, lastName: 'Dupont', externalRef: 'B-100' })
    const headers = await loginAs(await makeUser(db, 'manager', { organizationId: mine.id }))

    const byName = await app.inject({ url: '/api/households?q=dupo', headers })
    assert.equal(byName.statusCode, 200)
    assert.deepEqual(
      byName.json().items.map((h: { externalRef: string }) => h.externalRef),
      ['A-100'],
    )
    assert.equal(byName.json().total, 1)
    const byRef = await app.inject({ url: '/api/households?ref=A-200', headers })
    assert.equal(byRef.json().items[0].lastName, 'Schmitt')
    const byPhone = await app.inject({ url: `/api/households?q=${encodeURIComponent('03 83 11 22 33')}`, headers })
    assert.deepEqual(
      byPhone.json().items.map((h: { externalRef: string }) => h.externalRef),
      ['A-100'],
    )
    const wildcard = await app.inject({ url: '/api/households?q=%25', headers })
    assert.equal(wildcard.json().total, 0, 'a % typed by the user is a literal, not a wildcard')
  })

  it('refuses an out-of-range limit or offset with the field named', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const headers = await loginAs(await makeUser(db, 'manager'))
    const response = await app.inject({ url: '/api/households?limit=5000', headers })
    assert.equal(response.statusCode, 400)
    assert.match(response.json().error.message, /limit/)
    for (const offset of ['1e20', '1000001', '-1', '2.5']) {
      const paged = await app.inject({ url: `/api/households?offset=${offset}`, headers })
      assert.equal(paged.statusCode, 400, `offset=${offset}`)
      assert.deepEqual(
        paged.json().error.details.map((detail: { field: string }) => detail.field),
        ['offset'],
      )
    }
    const lastPage = await app.inject({ url: '/api/households?offset=1000000', headers })
    assert.equal(lastPage.statusCode, 200, 'the largest offset allowed is answered (with no items)')
    assert.deepEqual(lastPage.json().items, [])
  })

  it('is refused (403) to callers, viewers and partners, whose work is no search of the registry', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const household = await makeHousehold(db, { organizationId: organization.id, lastName: 'Dupont' })
    await makePhone(db, household, '+33383112233')
    const partnerOrganization = await makeOrganization(db, { type: 'partner' })
    for (const [role, organizationId] of [
      ['caller', organization.id],
      ['viewer', organization.id],
      ['partner', partnerOrganization.id],
    ] as const) {
      const headers = await loginAs(await makeUser(db, role, { organizationId }))
      for (const url of ['/api/households', '/api/households?q=dupont', '/api/households?q=0383112233']) {
        const response = await app.inject({ url, headers })
        assert.equal(response.statusCode, 403, `${role} ${url}`)
        assert.equal(response.json().error.code, 'FORBIDDEN')
      }
    }
    const searches = await db.selectFrom('auditEvent').select('id').where('action', '=', 'household.search').execute()
    assert.deepEqual(searches, [], 'nothing was searched')
  })
})
