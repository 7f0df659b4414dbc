import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { testEngine } from '../../../../test/database.js'
import { makeUser } from '../../../../test/factories.js'
import { noticedThere, startOtherInstance } from '../../../../test/instance.js'
import { setUpSso } from '../../../../test/sso-sign-in.js'
import { createOrganization } from '../organizations/organizations.queries.js'
import { upsertMembership } from '../users/users.queries.js'

// Two instances on one PostgreSQL database: requiring an organisation's single sign-on on one reaches the sessions the
// other remembers (session-cache.ts) within milliseconds, through LISTEN/NOTIFY (db/broadcast.ts).
describe('requiring single sign-on reaches every instance at once', {
  skip: testEngine() !== 'postgres' && 'PostgreSQL only: SQLite serves one instance',
}, () => {
  it('ends there the sessions of the organisation’s password accounts, and narrows those of shared accounts', async (t) => {
    const testApp = await setUpSso(t)
    const { db, organization, putSso } = testApp
    const partner = await createOrganization(db, {
      networkId: organization.networkId,
      code: 'partenaire',
      name: 'Association partenaire',
      type: 'partner',
    })
    const networkAdmin = await testApp.loginAs(await makeUser(db, 'admin', { organizationId: partner.id }))
    const agent = await makeUser(db, 'caller', { organizationId: organization.id })
    const shared = await makeUser(db, 'caller', { organizationId: organization.id })
    await upsertMembership(db, { userId: shared.id, organizationId: partner.id, role: 'caller' })
    const other = await startOtherInstance(t, (db as { postgresUrl?: string }).postgresUrl!)
    const organizationsThere = async (headers: { cookie: string }) => {
      const response = await other.request('/api/auth/me', { headers })
      if (response.status !== 200) return response.status
      const { user } = (await response.json()) as { user: { memberships: { organization: { name: string } }[] } }
      return user.memberships.map((membership) => membership.organization.name)
    }

    const agentThere = await other.signIn(agent)
    const sharedThere = await other.signIn(shared)
    const remembered = performance.now()
    assert.deepEqual(await organizationsThere(sharedThere), ['Association partenaire', 'Habitat du Nord'])
    assert.deepEqual(await organizationsThere(sharedThere), ['Association partenaire', 'Habitat du Nord'], 'remembered')
    assert.deepEqual(await organizationsThere(agentThere), ['Habitat du Nord'])

    const saved = await putSso({ requireSso: true }, networkAdmin)
    assert.equal(saved.statusCode, 200, saved.body)
    const ended = await noticedThere(() => organizationsThere(agentThere), 401, remembered, 'ended there')
    await noticedThere(() => organizationsThere(sharedThere), ['Association partenaire'], remembered, 'narrowed there')
    t.diagnostic(`required here, the password session ended there ${ended} ms later`)
  })
})
