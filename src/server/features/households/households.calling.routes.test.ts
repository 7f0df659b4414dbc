/**
 * A caller reads a household only while calling it is their work: while they hold one of its targets, or while a
 * callback of it is promised to them. Otherwise 404, as for a household that does not exist.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeCampaign, makeTarget, makeUser } from '../../../../test/factories.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const context = await buildTestApp(t)
  const { db, loginAs } = context
  const campaign = await makeCampaign(db)
  const mine = await makeTarget(db, campaign, { priority: 90, household: { lastName: 'Lambert' } })
  const neighbour = await makeTarget(db, campaign, { priority: 10, household: { lastName: 'Voisin' } })
  const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
  const headers = await loginAs(caller)
  const { app } = context
  const read = (householdId: string, as = headers) => app.inject({ url: `/api/households/${householdId}`, headers: as })
  const timeline = (householdId: string, as = headers) =>
    app.inject({ url: `/api/households/${householdId}/timeline`, headers: as })
  const objection = (householdId: string, as = headers) =>
    app.inject({
      method: 'POST',
      url: `/api/households/${householdId}/objection`,
      headers: as,
      payload: { channel: 'phone' },
    })
  const claim = async () => {
    const response = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
    assert.equal(response.statusCode, 200, response.body)
    return response.json().assignment as { id: string; household: { id: string } }
  }
  const outcome = async (assignmentId: string, payload: object) => {
    const response = await app.inject({
      method: 'POST',
      url: `/api/assignments/${assignmentId}/outcome`,
      headers: { ...headers, 'idempotency-key': randomUUID() },
      payload,
    })
    assert.equal(response.statusCode, 201, response.body)
  }
  return { ...context, campaign, mine, neighbour, caller, headers, read, timeline, objection, claim, outcome }
}

describe('a caller and the households they call', () => {
  it('on no campaign: 404 on a household page, its timeline and its objection, as if it did not exist', async (t) => {
    const { db, mine, read, timeline, objection } = await setup(t)
    const page = await read(mine.householdId)
    assert.equal(page.statusCode, 404)
    const missing = await read(randomUUID())
    assert.deepEqual(page.json(), missing.json(), 'the same answer as for a household that does not exist')
    assert.equal((await timeline(mine.householdId)).statusCode, 404)
    assert.equal((await objection(mine.householdId)).statusCode, 404)
    const household = await db
      .selectFrom('household')
      .select('objectionAt')
      .where('id', '=', mine.householdId)
      .executeTakeFirstOrThrow()
    assert.equal(household.objectionAt, null, 'nothing written')
    const reads = await db
      .selectFrom('auditEvent')
      .select('id')
      .where('action', 'in', ['household.read', 'household.timeline_read'])
      .execute()
    assert.deepEqual(reads, [], 'nothing was read')
  })

  it('while holding the assignment: reads that household (audited) and not its neighbour; 404 again after the outcome', async (t) => {
    const { db, caller, mine, neighbour, read, timeline, claim, outcome } = await setup(t)
    const assignment = await claim()
    assert.equal(assignment.household.id, mine.householdId)

    const page = await read(mine.householdId)
    assert.equal(page.statusCode, 200)
    assert.equal(page.json().lastName, 'Lambert')
    assert.equal((await timeline(mine.householdId)).statusCode, 200)
    const reads = await db
      .selectFrom('auditEvent')
      .select(['action', 'actorUserId', 'details'])
      .where('entityId', '=', mine.householdId)
      .where('action', 'in', ['household.read', 'household.timeline_read'])
      .where('details', 'like', '%calling%')
      .orderBy('id')
      .execute()
    assert.deepEqual(
      reads.map((row) => [row.action, row.actorUserId, JSON.parse(row.details ?? '{}').via]),
      [
        ['household.read', caller.id, 'calling'],
        ['household.timeline_read', caller.id, 'calling'],
      ],
    )
    assert.equal((await read(neighbour.householdId)).statusCode, 404, 'the neighbour is nobody’s work of this caller')
    assert.equal((await timeline(neighbour.householdId)).statusCode, 404)

    await outcome(assignment.id, { disposition: 'no_answer' })
    assert.equal((await read(mine.householdId)).statusCode, 404, 'the hold is released: no longer theirs to call')
    assert.equal((await timeline(mine.householdId)).statusCode, 404)
  })

  it('stops reading when the lease has expired', async (t) => {
    const { db, mine, read, claim } = await setup(t)
    await claim()
    assert.equal((await read(mine.householdId)).statusCode, 200)
    await db
      .updateTable('campaignTarget')
      .set({ leaseUntil: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', mine.id)
      .execute()
    assert.equal((await read(mine.householdId)).statusCode, 404)
  })

  it('reads the household while a callback is promised to them, and no other caller does', async (t) => {
    const { db, loginAs, campaign, caller, mine, read, timeline, objection, claim, outcome } = await setup(t)
    const assignment = await claim()
    await outcome(assignment.id, {
      disposition: 'callback',
      callbackAt: new Date(Date.now() + 24 * 3600_000).toISOString(),
      sameCallerForCallback: true,
    })
    assert.equal((await read(mine.householdId)).statusCode, 200)
    assert.equal((await timeline(mine.householdId)).statusCode, 200)
    const colleague = await loginAs(await makeUser(db, 'caller', { organizationId: campaign.organizationId }))
    assert.equal((await read(mine.householdId, colleague)).statusCode, 404, 'the callback is not promised to them')
    assert.equal((await objection(mine.householdId, colleague)).statusCode, 404)

    // A campaign whose callers are listed keeps the promise only for a caller still on the list.
    await db.updateTable('campaign').set({ callersRestricted: 1 }).where('id', '=', campaign.id).execute()
    assert.equal((await read(mine.householdId)).statusCode, 404, 'taken off the campaign')
    await db.insertInto('campaignCaller').values({ campaignId: campaign.id, userId: caller.id }).execute()
    assert.equal((await read(mine.householdId)).statusCode, 200, 'listed again')
    // Closing the campaign ends the promise.
    await db.updateTable('campaign').set({ status: 'closed' }).where('id', '=', campaign.id).execute()
    assert.equal((await read(mine.householdId)).statusCode, 404)
  })

  it('a callback not kept for them (any caller may make it) gives no reading', async (t) => {
    const { mine, read, claim, outcome } = await setup(t)
    const assignment = await claim()
    await outcome(assignment.id, {
      disposition: 'callback',
      callbackAt: new Date(Date.now() + 24 * 3600_000).toISOString(),
    })
    assert.equal((await read(mine.householdId)).statusCode, 404)
  })

  it('records an objection on the household they hold', async (t) => {
    const { db, caller, mine, neighbour, objection, claim } = await setup(t)
    await claim()
    assert.equal((await objection(neighbour.householdId)).statusCode, 404)
    assert.equal((await objection(mine.householdId)).statusCode, 201)
    const households = await db
      .selectFrom('household')
      .select(['id', 'objectionRecordedBy'])
      .where('objectionAt', 'is not', null)
      .execute()
    assert.deepEqual(households, [{ id: mine.householdId, objectionRecordedBy: caller.id }])
  })

  it('a viewer never reads a household (403)', async (t) => {
    const { db, loginAs, campaign, mine, read, timeline } = await setup(t)
    const viewer = await loginAs(await makeUser(db, 'viewer', { organizationId: campaign.organizationId }))
    assert.equal((await read(mine.householdId, viewer)).statusCode, 403)
    assert.equal((await timeline(mine.householdId, viewer)).statusCode, 403)
  })
})
