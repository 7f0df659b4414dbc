import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { assertMatchesContract } from '../../../../test/contract.js'
import { makeHousehold, makeOrganization, makePhone, makeUser } from '../../../../test/factories.js'
import { campaignsContract } from '../../../shared/contracts/campaigns.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const context = await buildTestApp(t)
  const { db, loginAs } = context
  const organization = await makeOrganization(db, { code: `ORG-${randomUUID().slice(0, 6)}` })
  const manager = await makeUser(db, 'manager', { organizationId: organization.id })
  const caller = await makeUser(db, 'caller', { organizationId: organization.id })
  const withPhone = await makeHousehold(db, { organizationId: organization.id, lastName: 'Aubert' })
  await makePhone(db, withPhone)
  const withoutPhone = await makeHousehold(db, { organizationId: organization.id, lastName: 'Bernard' })
  const withInvalidPhone = await makeHousehold(db, { organizationId: organization.id, lastName: 'Colin' })
  const invalid = await makePhone(db, withInvalidPhone, '+33100000000')
  await db.updateTable('phone').set({ isValid: 0 }).where('id', '=', invalid.id).execute()
  return {
    ...context,
    organization,
    households: { withPhone, withoutPhone, withInvalidPhone },
    headers: { manager: await loginAs(manager), caller: await loginAs(caller) },
  }
}

describe('households without a usable phone', () => {
  it('are listed unreachable from activation, never claimed, and queued once a number arrives', async (t) => {
    const { app, db, organization, households, headers } = await setup(t)
    const created = await app.inject({
      method: 'POST',
      url: '/api/campaigns',
      headers: headers.manager,
      payload: {
        name: 'Tous',
        type: 'crisis_check',
        organization: organization.code,
        targeting: { all: [] },
        callingHours: 'always',
      },
    })
    assert.equal(created.statusCode, 201)
    const campaignId = created.json().campaign.id
    const activated = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaignId}/activate`,
      headers: headers.manager,
    })
    assert.equal(activated.statusCode, 200)
    assertMatchesContract(campaignsContract.activate, activated)
    assert.deepEqual(activated.json().campaign.progress, {
      targeted: 3,
      pending: 1,
      inProgress: 0,
      completed: 0,
      unreachable: 2,
      noUsablePhone: 2,
      excluded: 0,
    })
    const audit = await db
      .selectFrom('auditEvent')
      .select('details')
      .where('action', '=', 'campaign.activate')
      .where('entityId', '=', campaignId)
      .executeTakeFirstOrThrow()
    assert.equal(JSON.parse(audit.details ?? '{}').noUsablePhone, 2)
    const statuses = await db
      .selectFrom('campaignTarget')
      .select(['householdId', 'status', 'attempts'])
      .where('campaignId', '=', campaignId)
      .execute()
    const statusOf = new Map(statuses.map((row) => [row.householdId, row.status]))
    assert.equal(statusOf.get(households.withPhone.id), 'pending')
    assert.equal(statusOf.get(households.withoutPhone.id), 'unreachable')
    assert.equal(statusOf.get(households.withInvalidPhone.id), 'unreachable', 'an invalid number is no number')

    const first = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaignId}/claim`,
      headers: headers.caller,
    })
    assert.equal(first.statusCode, 200)
    assert.equal(first.json().assignment.household.id, households.withPhone.id)

    // Even put back in the queue by hand, a household without a usable number is not served.
    await db
      .updateTable('campaignTarget')
      .set({ status: 'pending' })
      .where('campaignId', '=', campaignId)
      .where('householdId', '!=', households.withPhone.id)
      .execute()
    const release = await app.inject({
      method: 'POST',
      url: `/api/assignments/${first.json().assignment.id}/release`,
      headers: headers.caller,
    })
    assert.ok(release.statusCode < 300, `release answered ${release.statusCode}`)
    await db
      .updateTable('campaignTarget')
      .set({ status: 'completed' })
      .where('campaignId', '=', campaignId)
      .where('householdId', '=', households.withPhone.id)
      .execute()
    const none = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaignId}/claim`,
      headers: headers.caller,
    })
    assert.equal(none.statusCode, 204, 'the claim never returns a household without a usable number')
    await db
      .updateTable('campaignTarget')
      .set({ status: 'unreachable' })
      .where('campaignId', '=', campaignId)
      .where('householdId', '!=', households.withPhone.id)
      .execute()

    // A re-import gives one of them a valid number: the next sync (here: pause, then resume) queues it again.
    await makePhone(db, households.withoutPhone, '+33612000000')
    const paused = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaignId}/pause`,
      headers: headers.manager,
    })
    assert.equal(paused.statusCode, 200)
    const resumed = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaignId}/activate`,
      headers: headers.manager,
    })
    assert.equal(resumed.statusCode, 200)
    assert.equal(resumed.json().campaign.progress.unreachable, 1)
    assert.equal(resumed.json().campaign.progress.noUsablePhone, 1)
    const claimed = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaignId}/claim`,
      headers: headers.caller,
    })
    assert.equal(claimed.statusCode, 200)
    assert.equal(claimed.json().assignment.household.id, households.withoutPhone.id)
  })

  it('are taken out of the queue when a change of rule finds them without a number, and excluded when no longer targeted', async (t) => {
    const { app, db, organization, households, headers } = await setup(t)
    const created = await app.inject({
      method: 'POST',
      url: '/api/campaigns',
      headers: headers.manager,
      payload: {
        name: 'Tous',
        type: 'crisis_check',
        organization: organization.code,
        targeting: { all: [] },
        callingHours: 'always',
      },
    })
    const campaignId = created.json().campaign.id
    await app.inject({ method: 'POST', url: `/api/campaigns/${campaignId}/activate`, headers: headers.manager })
    // The only number of the reachable household turns out to be wrong (an import marks it invalid).
    await db.updateTable('phone').set({ isValid: 0 }).where('householdId', '=', households.withPhone.id).execute()
    const retargeted = await app.inject({
      method: 'PUT',
      url: `/api/campaigns/${campaignId}/targeting`,
      headers: headers.manager,
      payload: { targeting: { all: [] } },
    })
    assert.equal(retargeted.statusCode, 200, retargeted.body)
    assertMatchesContract(campaignsContract.retarget, retargeted)
    assert.deepEqual(retargeted.json().changes, {
      added: 0,
      restored: 0,
      removed: 0,
      targeted: 3,
      noUsablePhone: 1,
      phoneFound: 0,
    })
    assert.equal(retargeted.json().campaign.progress.noUsablePhone, 3)
    const narrowed = await app.inject({
      method: 'PUT',
      url: `/api/campaigns/${campaignId}/targeting`,
      headers: headers.manager,
      payload: { targeting: { all: [{ field: 'age', op: '>=', value: 130 }] } },
    })
    assert.equal(narrowed.statusCode, 200, narrowed.body)
    assert.equal(narrowed.json().changes.removed, 3, 'a household no longer targeted leaves the unreachable list')
    assert.equal(narrowed.json().campaign.progress.unreachable, 0)
  })
})
