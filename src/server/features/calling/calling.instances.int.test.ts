import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { createTestDatabase, testEngine } from '../../../../test/database.js'
import { makeCampaign, makeOrganization, makeTarget, makeUser } from '../../../../test/factories.js'
import { startOtherInstance } from '../../../../test/instance.js'
import { buildApp } from '../../app.js'
import { loadConfig } from '../../config.js'
import { createDb } from '../../db/database.js'

// Several stateless app instances share one PostgreSQL database in production; SQLite serves one instance.
describe('two app instances on one PostgreSQL database', {
  skip: testEngine() !== 'postgres' && 'PostgreSQL only',
}, () => {
  it('never gives one household to two callers when 120 claims arrive through two instances at once', async (t) => {
    const database = await createTestDatabase()
    const secondDb = createDb(database.url, { poolSize: 20 })
    // 120 sign-ins at once from one address are in flight together: more than the per-address default allows.
    const config = loadConfig({ LOG_LEVEL: 'silent', LOGIN_ADDRESS_MAX_FAILURES: '200' })
    const first = await buildApp({ config, db: database.db, logger: false })
    const second = await buildApp({ config, db: secondDb, logger: false })
    t.after(async () => {
      await first.close()
      await second.close()
      await secondDb.destroy()
      await database.destroy()
    })
    const organization = await makeOrganization(database.db)
    const campaignA = await makeCampaign(database.db, { organizationId: organization.id })
    const campaignB = await makeCampaign(database.db, { organizationId: organization.id })
    // 60 households, each a target of both campaigns: a household must still go to one caller only.
    for (let index = 0; index < 60; index++) {
      const target = await makeTarget(database.db, campaignA, { priority: index % 5 })
      await makeTarget(database.db, campaignB, { householdId: target.householdId, priority: index % 3 })
    }
    const callers = await Promise.all(
      Array.from({ length: 120 }, () => makeUser(database.db, 'caller', { organizationId: organization.id })),
    )
    const sessions = await Promise.all(
      callers.map(async (caller, index) => {
        const app = index % 2 === 0 ? first : second
        const login = await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: caller.email, password: caller.password },
        })
        const cookie = login.cookies.find((c) => c.name === 'allervers_session')!
        return {
          app,
          headers: { cookie: `${cookie.name}=${cookie.value}` },
          campaign: index % 4 < 2 ? campaignA : campaignB,
        }
      }),
    )
    const responses = await Promise.all(
      sessions.map(({ app, headers, campaign }) =>
        app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers }),
      ),
    )
    const claimed = responses.filter((r) => r.statusCode === 200).map((r) => r.json().assignment.household.id as string)
    assert.ok(
      responses.every((r) => r.statusCode === 200 || r.statusCode === 204),
      'every claim answers 200 or 204',
    )
    assert.equal(new Set(claimed).size, claimed.length, 'no household held by two callers')
    // A caller who met only households busy elsewhere may have been told "nothing due"; fresh callers drain the rest.
    const late = await Promise.all(
      Array.from({ length: 60 - claimed.length }, () =>
        makeUser(database.db, 'caller', { organizationId: organization.id }),
      ),
    )
    for (const caller of late) {
      const login = await second.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: caller.email, password: caller.password },
      })
      const cookie = login.cookies.find((c) => c.name === 'allervers_session')!
      const response = await second.inject({
        method: 'POST',
        url: `/api/campaigns/${campaignA.id}/claim`,
        headers: { cookie: `${cookie.name}=${cookie.value}` },
      })
      if (response.statusCode === 200) claimed.push(response.json().assignment.household.id)
    }
    assert.equal(new Set(claimed).size, 60, 'every household handed out exactly once')
    const holds = await database.db.selectFrom('householdHold').select('householdId').execute()
    assert.equal(holds.length, 60)
  })
})

// The claim on PostgreSQL works on each process's copy of the campaign and lets its one statement check that the
// stored campaign is still that copy (claim.service.ts, claimNextPostgres): what a manager changes through one
// instance must reach the claims of another at once.
describe('a campaign changed through one instance, claimed through another', {
  skip: testEngine() !== 'postgres' && 'PostgreSQL only',
}, () => {
  it('hands out nothing once paused, again once resumed, the new script at once, and refuses a caller no longer listed', async (t) => {
    const test = await buildTestApp(t)
    const { app, db } = test
    const campaign = await makeCampaign(db)
    for (let index = 0; index < 4; index++) await makeTarget(db, campaign)
    const manager = await test.loginAs(await makeUser(db, 'manager', { organizationId: campaign.organizationId }))
    const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const other = await startOtherInstance(t, (db as { postgresUrl?: string }).postgresUrl!)
    const headers = await other.signIn(caller)
    const claim = async () => {
      const response = await other.request(`/api/campaigns/${campaign.id}/claim`, { method: 'POST', headers })
      return { status: response.status, body: response.status === 200 ? await response.json() : undefined }
    }
    const release = async (id: string) =>
      (await other.request(`/api/assignments/${id}/release`, { method: 'POST', headers })).status
    const manage = async (method: 'POST' | 'PATCH', path: string, payload?: object) =>
      (await app.inject({ method, url: `/api/campaigns/${campaign.id}${path}`, headers: manager, payload })).statusCode
    const held = async () =>
      (await db.selectFrom('campaignTarget').select('id').where('status', '=', 'held').execute()).length

    // The other instance reads the campaign once and keeps a copy of it.
    const first = await claim()
    assert.equal(first.status, 200)
    assert.match(first.body.assignment.script, /^Bonjour /)
    assert.equal(await release(first.body.assignment.id), 204)
    // Twice: from its second claim on, the copy is used without reading the campaign.
    const second = await claim()
    assert.equal(second.status, 200)
    assert.equal(await release(second.body.assignment.id), 204)

    assert.equal(await manage('PATCH', '', { script: 'Bonsoir {{civilite_nom}}.' }), 200)
    const edited = await claim()
    assert.equal(edited.status, 200)
    assert.match(edited.body.assignment.script, /^Bonsoir /, 'the new script at once')
    assert.equal(await release(edited.body.assignment.id), 204)

    assert.equal(await manage('POST', '/pause'), 200)
    assert.equal((await claim()).status, 409, 'paused: nothing handed out')
    assert.equal((await claim()).status, 409, 'still paused, the copy now says so')
    assert.equal(await held(), 0, 'nothing held by the refused claims')

    assert.equal(await manage('POST', '/activate'), 200)
    const resumed = await claim()
    assert.equal(resumed.status, 200, 'a copy that says "paused" is checked against the stored campaign')
    assert.equal(await release(resumed.body.assignment.id), 204)

    const listed = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const restricted = await app.inject({
      method: 'PUT',
      url: `/api/campaigns/${campaign.id}/callers`,
      headers: manager,
      payload: { userIds: [listed.id] },
    })
    assert.equal(restricted.statusCode, 200)
    assert.equal((await claim()).status, 403, 'no longer among the listed callers')
    assert.equal(await held(), 0)
  })
})
