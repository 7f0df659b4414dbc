import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeOrganization, makeUser } from '../../../../test/factories.js'
import { insertUser } from '../../features/users/users.queries.js'
import { createNetwork, createOrganization } from '../organizations/organizations.queries.js'

async function adminOf(t: Parameters<typeof buildTestApp>[0]) {
  const test = await buildTestApp(t)
  const organization = await makeOrganization(test.db, { code: 'HOME' })
  const headers = await test.loginAs(await makeUser(test.db, 'admin', { organizationId: organization.id }))
  const create = (payload: Record<string, unknown>) =>
    test.app.inject({
      method: 'POST',
      url: '/api/users',
      headers,
      payload: { organization: 'HOME', role: 'caller', ...payload },
    })
  return { ...test, organization, create }
}

describe('POST /api/users: passwords', () => {
  it('refuses weak passwords with 400 naming `password` and saying why, and creates nobody', async (t) => {
    const { db, create } = await adminOf(t)
    const cases = [
      { password: 'Kiwi-42', reason: 'too_short' },
      { password: 'aaaaaaaaaaaa', reason: 'too_weak' },
      { password: 'password1234', reason: 'too_weak' },
      { password: 'Motdepasse123', reason: 'too_weak' },
      { password: 'Villeneuve!Vert-Soleil', reason: 'contains_email' },
      { password: 'Rivière-Cerisier-2024-Ébène', reason: 'contains_name' },
    ]
    for (const { password, reason } of cases) {
      const response = await create({ email: 'Ville.neuve@bailleur.example', name: 'Élise Cerisier', password })
      assert.equal(response.statusCode, 400, password)
      const error = response.json().error
      assert.equal(error.code, 'VALIDATION_FAILED')
      assert.equal(error.details.field, 'password', password)
      assert.equal(error.details.reason, reason, password)
      assert.ok(error.message.length > 20, `a message in plain words for ${password}: ${error.message}`)
      assert.ok(
        !JSON.stringify(error).includes(password),
        `the password is not repeated back: ${JSON.stringify(error)}`,
      )
    }
    const common = await create({ email: 'a@b.example', name: 'Ab Cd', password: 'password1234' })
    assert.match(common.json().error.details.warning, /mot de passe/, 'the estimator’s advice, in French')
    assert.match(common.json().error.message, /too easy to guess .*: .*mot de passe/)
    const users = await db.selectFrom('user').select('email').where('email', 'like', '%bailleur.example').execute()
    assert.deepEqual(users, [])
  })

  it('accepts a strong password, which then signs in', async (t) => {
    const { app, create } = await adminOf(t)
    const password = 'Quatre chevaux boivent du thé vert'
    const response = await create({ email: 'lea@asso.example', name: 'Léa Roy', password })
    assert.equal(response.statusCode, 201, response.body)
    assert.equal(response.json().generatedPassword, null)
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'lea@asso.example', password },
    })
    assert.equal(login.statusCode, 200)
  })
})

describe('POST /api/users: an address that already has an account', () => {
  it('refuses an address of another network with a neutral 409, and neither describes nor changes that account', async (t) => {
    const { db, create } = await adminOf(t)
    const otherNetwork = await createNetwork(db, { code: 'other', name: 'Autre réseau' })
    const otherOrganization = await createOrganization(db, {
      networkId: otherNetwork.id,
      code: 'ELSEWHERE',
      name: 'Bailleur d’ailleurs',
      type: 'landlord',
    })
    const stranger = await makeUser(db, 'manager', { organizationId: otherOrganization.id })
    const strangerRow = await db.selectFrom('user').selectAll().where('id', '=', stranger.id).executeTakeFirstOrThrow()
    const membershipsBefore = await db.selectFrom('membership').selectAll().orderBy('id').execute()
    const auditBefore = await db.selectFrom('auditEvent').select('id').execute()

    for (const payload of [
      { email: stranger.email, name: 'Quelqu’un' },
      { email: stranger.email.toUpperCase(), name: 'Quelqu’un', password: 'Quatre chevaux boivent du thé vert' },
    ]) {
      const response = await create(payload)
      assert.equal(response.statusCode, 409)
      assert.equal(response.json().error.code, 'CONFLICT')
      assert.equal(response.json().error.message, 'This address cannot be used here')
      for (const secret of [stranger.id, strangerRow.name, otherOrganization.code, otherOrganization.name]) {
        assert.ok(!response.body.includes(secret), `the answer does not mention ${secret}`)
      }
    }
    assert.deepEqual(await db.selectFrom('membership').selectAll().orderBy('id').execute(), membershipsBefore)
    assert.deepEqual(
      await db.selectFrom('user').selectAll().where('id', '=', stranger.id).executeTakeFirstOrThrow(),
      strangerRow,
    )
    assert.equal((await db.selectFrom('auditEvent').select('id').execute()).length, auditBefore.length)
  })

  it('gives the role to an account left with no membership (the person taken out of every organisation): theirs, back', async (t) => {
    const { db, create } = await adminOf(t)
    const orphan = await insertUser(db, { email: 'orphan@nowhere.example', name: 'Sans Réseau', passwordHash: 'x' })
    await db.updateTable('user').set({ isActive: 0 }).where('id', '=', orphan.id).execute()
    const response = await create({ email: 'orphan@nowhere.example', name: 'Sans Réseau' })
    assert.equal(response.statusCode, 201)
    assert.equal(response.json().created, false)
    assert.equal((await db.selectFrom('membership').selectAll().where('userId', '=', orphan.id).execute()).length, 1)
    const row = await db.selectFrom('user').select('isActive').where('id', '=', orphan.id).executeTakeFirstOrThrow()
    assert.equal(row.isActive, 1, 'enabled again, as taking it out of its last organisation had disabled it')
  })

  it('gives a colleague of the network the new membership, answering only what the contract names', async (t) => {
    const { db, organization, create } = await adminOf(t)
    const sibling = await makeOrganization(db, { code: 'SIBLING' })
    const colleague = await makeUser(db, 'viewer', { organizationId: sibling.id })
    const response = await create({ email: colleague.email, name: 'Ignored name', role: 'manager' })
    assert.equal(response.statusCode, 201)
    assert.deepEqual(response.json(), {
      user: { id: colleague.id, email: colleague.email, name: 'Test viewer' },
      created: false,
      generatedPassword: null,
    })
    const memberships = await db
      .selectFrom('membership')
      .select(['organizationId', 'role'])
      .where('userId', '=', colleague.id)
      .orderBy('role')
      .execute()
    assert.deepEqual(memberships, [
      { organizationId: organization.id, role: 'manager' },
      { organizationId: sibling.id, role: 'viewer' },
    ])
  })
})

describe('POST /api/users/:id/disable and /enable', () => {
  it('disables an account: its sessions end at once, it cannot sign in; enabled again it can', async (t) => {
    const { app, db, organization, headers } = await adminOfWithHeaders(t)
    const user = await makeUser(db, 'caller', { organizationId: organization.id })
    const login = () =>
      app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: user.password } })
    const first = await login()
    const session = { cookie: `allervers_session=${first.cookies.find((c) => c.name === 'allervers_session')!.value}` }
    assert.equal((await app.inject({ url: '/api/auth/me', headers: session })).statusCode, 200)

    const disabled = await app.inject({ method: 'POST', url: `/api/users/${user.id}/disable`, headers })
    assert.equal(disabled.statusCode, 204)
    assert.equal((await app.inject({ url: '/api/auth/me', headers: session })).statusCode, 401, 'at once')
    assert.equal((await db.selectFrom('session').select('id').where('userId', '=', user.id).execute()).length, 0)
    assert.equal((await login()).statusCode, 401)
    const listed = (await app.inject({ url: '/api/users', headers })).json().items
    assert.equal(listed.find((item: { id: string }) => item.id === user.id).isActive, false)

    assert.equal((await app.inject({ method: 'POST', url: `/api/users/${user.id}/enable`, headers })).statusCode, 204)
    assert.equal((await login()).statusCode, 200)
    const actions = await db
      .selectFrom('auditEvent')
      .select('action')
      .where('entityId', '=', user.id)
      .where('action', 'in', ['user.disable', 'user.enable'])
      .execute()
    assert.deepEqual(actions.map((a) => a.action).sort(), ['user.disable', 'user.enable'])
  })

  it('answers 404 for an account of another network, and 409 for one’s own', async (t) => {
    const { app, db, headers, adminId } = await adminOfWithHeaders(t)
    const otherNetwork = await createNetwork(db, { code: 'far', name: 'Réseau lointain' })
    const far = await createOrganization(db, {
      networkId: otherNetwork.id,
      code: 'FAR',
      name: 'Loin',
      type: 'landlord',
    })
    const stranger = await makeUser(db, 'caller', { organizationId: far.id })
    const refused = await app.inject({ method: 'POST', url: `/api/users/${stranger.id}/disable`, headers })
    assert.equal(refused.statusCode, 404)
    const row = await db.selectFrom('user').select('isActive').where('id', '=', stranger.id).executeTakeFirstOrThrow()
    assert.equal(row.isActive, 1)
    const own = await app.inject({ method: 'POST', url: `/api/users/${adminId}/disable`, headers })
    assert.equal(own.statusCode, 409)
  })
})

async function adminOfWithHeaders(t: Parameters<typeof buildTestApp>[0]) {
  const test = await buildTestApp(t)
  const organization = await makeOrganization(test.db, { code: 'HOME' })
  const admin = await makeUser(test.db, 'admin', { organizationId: organization.id })
  const headers = await test.loginAs(admin)
  return { ...test, organization, headers, adminId: admin.id }
}
