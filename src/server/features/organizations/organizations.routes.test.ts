import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeOrganization, makeUser } from '../../../../test/factories.js'

describe('network administration', () => {
  it('lets an administrator add an organisation, an agency and a user who can then sign in', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const admin = await makeUser(db, 'admin')
    const headers = await loginAs(admin)
    const created = await app.inject({
      method: 'POST',
      url: '/api/organizations',
      headers,
      payload: { code: 'CCAS-METZ', name: 'CCAS de Metz', type: 'partner' },
    })
    assert.equal(created.statusCode, 201)
    assert.equal(created.json().organization.type, 'partner')

    const agency = await app.inject({
      method: 'POST',
      url: '/api/organizations/CCAS-METZ/agencies',
      headers,
      payload: { code: 'CENTRE', name: 'Antenne centre', inseeCode: '57463' },
    })
    assert.equal(agency.statusCode, 201)
    const agencies = await app.inject({ url: '/api/organizations/CCAS-METZ/agencies', headers })
    assert.deepEqual(
      agencies.json().items.map((a: { code: string }) => a.code),
      ['CENTRE'],
    )

    const user = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers,
      payload: { email: 'Paul@CCAS-metz.example', name: 'Paul Partenaire', organization: 'CCAS-METZ', role: 'partner' },
    })
    assert.equal(user.statusCode, 201)
    const { generatedPassword } = user.json()
    assert.match(generatedPassword, /^[A-Za-z0-9]{4}(-[A-Za-z0-9]{4}){3}$/)
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'paul@ccas-metz.example', password: generatedPassword },
    })
    assert.equal(login.statusCode, 200)
    assert.equal(login.json().user.memberships[0].organization.code, 'CCAS-METZ')

    const list = await app.inject({ url: '/api/users', headers })
    assert.ok(list.json().items.some((u: { email: string }) => u.email === 'paul@ccas-metz.example'))
    const audit = await db.selectFrom('auditEvent').select('action').where('actorUserId', '=', admin.id).execute()
    assert.deepEqual(
      audit.map((a) => a.action).filter((a) => a !== 'auth.login'),
      ['organization.create', 'agency.create', 'user.create'],
    )
  })

  it('refuses a duplicate code (409), an unknown type (400) and a non-administrator (403)', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const existing = await makeOrganization(db, { code: 'TAKEN' })
    const admin = await loginAs(await makeUser(db, 'admin', { organizationId: existing.id }))
    const duplicate = await app.inject({
      method: 'POST',
      url: '/api/organizations',
      headers: admin,
      payload: { code: 'TAKEN', name: 'Autre', type: 'landlord' },
    })
    assert.equal(duplicate.statusCode, 409)
    assert.deepEqual(duplicate.json().error.details, { field: 'code', value: 'TAKEN' })
    const badType = await app.inject({
      method: 'POST',
      url: '/api/organizations',
      headers: admin,
      payload: { code: 'NEW', name: 'Nouvelle', type: 'bank' },
    })
    assert.equal(badType.statusCode, 400)
    assert.equal(badType.json().error.details[0].field, 'type')
    const manager = await loginAs(await makeUser(db, 'manager', { organizationId: existing.id }))
    const forbidden = await app.inject({
      method: 'POST',
      url: '/api/organizations',
      headers: manager,
      payload: { code: 'NEW', name: 'Nouvelle', type: 'landlord' },
    })
    assert.equal(forbidden.statusCode, 403)
    assert.equal(
      await db.selectFrom('organization').select('id').where('code', '=', 'NEW').executeTakeFirst(),
      undefined,
    )
  })

  it('refuses a short password and a malformed email when creating a user', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db, { code: 'ORG' })
    const headers = await loginAs(await makeUser(db, 'admin', { organizationId: organization.id }))
    const short = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers,
      payload: { email: 'a@b.fr', name: 'Ab Cd', organization: 'ORG', role: 'caller', password: 'short' },
    })
    assert.equal(short.statusCode, 400)
    assert.equal(short.json().error.details.field, 'password')
    const email = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers,
      payload: { email: 'not-an-email', name: 'Ab Cd', organization: 'ORG', role: 'caller' },
    })
    assert.equal(email.statusCode, 400)
    assert.equal(email.json().error.details.value, 'not-an-email')
  })
})
