import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createTestDatabase, testEngine } from '../../../../test/database.js'
import { makeCampaign, makeOrganization, makeTarget, makeUser } from '../../../../test/factories.js'
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
