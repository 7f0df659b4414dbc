import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { assertMatchesContract } from '../../../../test/contract.js'
import { makeHousehold, makeOrganization, makeUser } from '../../../../test/factories.js'
import { campaignsContract } from '../../../shared/contracts/campaigns.js'
import { nowTimestamp } from '../../db/time.js'
import { createAgency } from '../organizations/organizations.queries.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const context = await buildTestApp(t)
  const organization = await makeOrganization(context.db, { code: `ORG-${randomUUID().slice(0, 6)}` })
  const manager = await makeUser(context.db, 'manager', { organizationId: organization.id })
  return { ...context, organization, manager, headers: await context.loginAs(manager) }
}

describe('GET /api/campaigns/targeting-values', () => {
  it('lists the organisation’s agencies and the communes of its targetable households, with their counts', async (t) => {
    const { app, db, organization, headers } = await setup(t)
    const nancy = await createAgency(db, { organizationId: organization.id, code: 'NANCY', name: 'Agence de Nancy' })
    await createAgency(db, { organizationId: organization.id, code: 'VERDUN', name: 'Agence de Verdun' })
    const place = { organizationId: organization.id, agencyId: nancy.id }
    await makeHousehold(db, { ...place, inseeCode: '54395', city: 'Nancy', postcode: '54000' })
    await makeHousehold(db, { ...place, inseeCode: '54395', city: 'Nancy', postcode: '54000' })
    await makeHousehold(db, { ...place, inseeCode: '54329', city: 'Lunéville', postcode: '54300' })
    // Neither a tenant who left, nor an erased household, nor a household without a commune is offered.
    await makeHousehold(db, { ...place, inseeCode: '55545', city: 'Verdun', postcode: '55100', status: 'left' })
    await makeHousehold(db, { ...place, inseeCode: '55463', city: 'Saint-Mihiel', erasedAt: nowTimestamp() })
    await makeHousehold(db, { ...place, inseeCode: null, city: null })
    // Another organisation's agencies and communes stay its own.
    const other = await makeOrganization(db, { code: `OTH-${randomUUID().slice(0, 6)}` })
    await createAgency(db, { organizationId: other.id, code: 'METZ', name: 'Agence de Metz' })
    await makeHousehold(db, { organizationId: other.id, inseeCode: '57463', city: 'Metz', postcode: '57000' })

    const response = await app.inject({
      method: 'GET',
      url: `/api/campaigns/targeting-values?organization=${organization.code}`,
      headers,
    })
    assert.equal(response.statusCode, 200)
    assertMatchesContract(campaignsContract.targetingValues, response)
    assert.deepEqual(response.json(), {
      agencies: [
        { code: 'NANCY', name: 'Agence de Nancy', households: 4 },
        { code: 'VERDUN', name: 'Agence de Verdun', households: 0 },
      ],
      communes: [
        { inseeCode: '54329', name: 'Lunéville', postcode: '54300', households: 1 },
        { inseeCode: '54395', name: 'Nancy', postcode: '54000', households: 2 },
      ],
    })
  })

  it('refuses an organisation the manager does not manage, and one that does not exist', async (t) => {
    const { app, db, headers } = await setup(t)
    const other = await makeOrganization(db, { code: `OTH-${randomUUID().slice(0, 6)}` })
    for (const code of [other.code, 'NOPE']) {
      const response = await app.inject({
        method: 'GET',
        url: `/api/campaigns/targeting-values?organization=${code}`,
        headers,
      })
      assert.equal(response.statusCode, 400)
      assert.equal(response.json().error.code, 'VALIDATION_FAILED')
      assert.equal(response.json().error.details.field, 'organization')
    }
    const missing = await app.inject({ method: 'GET', url: '/api/campaigns/targeting-values', headers })
    assert.equal(missing.statusCode, 400)
  })

  it('is for managers: a caller of the organisation is refused, and nobody signed out', async (t) => {
    const { app, db, organization, loginAs } = await setup(t)
    const caller = await makeUser(db, 'caller', { organizationId: organization.id })
    const url = `/api/campaigns/targeting-values?organization=${organization.code}`
    const asCaller = await app.inject({ method: 'GET', url, headers: await loginAs(caller) })
    assert.equal(asCaller.statusCode, 403)
    const signedOut = await app.inject({ method: 'GET', url })
    assert.equal(signedOut.statusCode, 401)
  })
})
