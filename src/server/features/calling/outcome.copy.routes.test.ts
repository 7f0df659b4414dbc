import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeCampaign, makeTarget, makeUser } from '../../../../test/factories.js'
import { claimCopyCounts, takeClaimCopy } from './calling.cache.js'

// On PostgreSQL an outcome sent to the process that made the claim is decided on what the claim read and written in
// one guarded statement (calling.cache.ts, ClaimCopy). These tests change, between the claim and the outcome, each
// value the outcome decides on, and expect what a fresh read gives: on PostgreSQL the guard refuses the copy, on
// SQLite (no copy) the same results come from the read.
async function setup(t: Parameters<typeof buildTestApp>[0], maxAttempts = 5) {
  const context = await buildTestApp(t)
  const { app, db, loginAs } = context
  const campaign = await makeCampaign(db, { maxAttempts })
  const phones = ['+33612345678', '+33698765432']
  const targets = [await makeTarget(db, campaign, { phones }), await makeTarget(db, campaign, { phones })]
  const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
  const headers = await loginAs(caller)
  const claim = async () => {
    const response = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
    assert.equal(response.statusCode, 200, response.body)
    return response.json().assignment as { id: string; household: { id: string } }
  }
  const outcome = (targetId: string, disposition: string) =>
    app.inject({
      method: 'POST',
      url: `/api/assignments/${targetId}/outcome`,
      headers: { ...headers, 'idempotency-key': randomUUID() },
      payload: { disposition },
    })
  const targetRow = (id: string) =>
    db
      .selectFrom('campaignTarget')
      .select(['status', 'attempts', 'phonePosition', 'heldBy', 'leaseUntil', 'lastDisposition', 'priority'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  const counts = () => ({ ...claimCopyCounts })
  const isPostgres = db.engine === 'postgres'
  return { ...context, campaign, targets, caller, claim, outcome, targetRow, counts, isPostgres }
}

describe('an outcome decided on what the claim read (PostgreSQL), guarded by the stored values', () => {
  it('writes at once what a fresh read writes: the same target, call, hold and audit', async (t) => {
    const { db, caller, claim, outcome, targetRow, counts, isPostgres } = await setup(t)
    const before = counts()
    const first = await claim()
    // Called back in two hours: out of the queue, so the next claim takes the other household.
    const withCopy = await outcome(first.id, 'no_answer')
    assert.equal(withCopy.statusCode, 201, withCopy.body)
    const second = await claim()
    // The second outcome reads, as one sent to another instance would.
    takeClaimCopy(second.id, caller.id)
    const withRead = await outcome(second.id, 'no_answer')
    assert.equal(withRead.statusCode, 201, withRead.body)
    assert.deepEqual(counts(), { used: before.used + (isPostgres ? 1 : 0), refused: before.refused })

    const [a, b] = [await targetRow(first.id), await targetRow(second.id)]
    assert.deepEqual(a, b)
    assert.deepEqual(a, {
      status: 'scheduled',
      attempts: 1,
      phonePosition: 0,
      heldBy: null,
      leaseUntil: null,
      lastDisposition: 'no_answer',
      priority: a.priority,
    })
    for (const target of [first, second]) {
      const calls = await db
        .selectFrom('call')
        .select(['attempt', 'disposition', 'callerId', 'householdId'])
        .where('targetId', '=', target.id)
        .execute()
      assert.deepEqual(calls, [
        { attempt: 1, disposition: 'no_answer', callerId: caller.id, householdId: target.household.id },
      ])
      const holds = await db.selectFrom('householdHold').select('targetId').where('targetId', '=', target.id).execute()
      assert.deepEqual(holds, [], 'the household is let go')
      const audits = await db
        .selectFrom('auditEvent')
        .select('entityId')
        .where('action', '=', 'call.create')
        .where(
          'entityId',
          '=',
          (await db.selectFrom('call').select('id').where('targetId', '=', target.id).executeTakeFirstOrThrow()).id,
        )
        .execute()
      assert.equal(audits.length, 1, 'the call is on record')
    }
  })

  it('reads again when a phone stopped being usable after the claim', async (t) => {
    const { db, claim, outcome, targetRow, counts, isPostgres } = await setup(t)
    const assignment = await claim()
    await db
      .updateTable('phone')
      .set({ isValid: 0 })
      .where('householdId', '=', assignment.household.id)
      .where('position', '=', 1)
      .execute()
    const before = counts()
    const saved = await outcome(assignment.id, 'wrong_number')
    assert.equal(saved.statusCode, 201, saved.body)
    // One usable phone left, and it was wrong: unreachable (with the claim's two phones it would be pending).
    assert.equal((await targetRow(assignment.id)).status, 'unreachable')
    assert.deepEqual(counts(), { used: before.used, refused: before.refused + (isPostgres ? 1 : 0) })
  })

  it("reads again when the campaign's attempt limit or the target's attempts changed after the claim", async (t) => {
    const { db, campaign, claim, outcome, targetRow, counts, isPostgres } = await setup(t)
    const first = await claim()
    const changed = () => new Date().toISOString()
    await db
      .updateTable('campaign')
      .set({ maxAttempts: 1, updatedAt: changed() })
      .where('id', '=', campaign.id)
      .execute()
    const before = counts()
    const saved = await outcome(first.id, 'no_answer')
    assert.equal(saved.statusCode, 201, saved.body)
    assert.equal((await targetRow(first.id)).status, 'unreachable', 'the limit of 1 is reached')

    await db
      .updateTable('campaign')
      .set({ maxAttempts: 5, updatedAt: changed() })
      .where('id', '=', campaign.id)
      .execute()
    const second = await claim()
    await db.updateTable('campaignTarget').set({ attempts: 4 }).where('id', '=', second.id).execute()
    const again = await outcome(second.id, 'no_answer')
    assert.equal(again.statusCode, 201, again.body)
    assert.deepEqual(
      [(await targetRow(second.id)).status, (await targetRow(second.id)).attempts],
      ['unreachable', 5],
      'the fifth attempt of five',
    )
    assert.deepEqual(counts(), { used: before.used, refused: before.refused + (isPostgres ? 2 : 0) })
  })

  it('refuses, and writes nothing, when another caller holds the target since the claim', async (t) => {
    const { db, campaign, claim, outcome, targetRow, counts, isPostgres } = await setup(t)
    const assignment = await claim()
    const other = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    await db.updateTable('campaignTarget').set({ heldBy: other.id }).where('id', '=', assignment.id).execute()
    const before = counts()
    const refused = await outcome(assignment.id, 'no_answer')
    assert.equal(refused.statusCode, 409, refused.body)
    assert.equal(refused.json().error.code, 'CONFLICT')
    assert.deepEqual(counts(), { used: before.used, refused: before.refused + (isPostgres ? 1 : 0) })
    const row = await targetRow(assignment.id)
    assert.deepEqual([row.heldBy, row.attempts, row.status], [other.id, 0, 'held'])
    const calls = await db.selectFrom('call').select('id').where('targetId', '=', assignment.id).execute()
    assert.deepEqual(calls, [])
  })

  it('answers a retried outcome with the first call, once the copy is used', async (t) => {
    const { app, db, claim, loginAs, caller, counts, isPostgres } = await setup(t)
    const headers = await loginAs(caller)
    const assignment = await claim()
    const key = randomUUID()
    const send = () =>
      app.inject({
        method: 'POST',
        url: `/api/assignments/${assignment.id}/outcome`,
        headers: { ...headers, 'idempotency-key': key },
        payload: { disposition: 'busy' },
      })
    const before = counts()
    const first = await send()
    assert.equal(first.statusCode, 201, first.body)
    const retry = await send()
    assert.equal(retry.statusCode, 200, retry.body)
    assert.equal(retry.json().call.id, first.json().call.id)
    assert.deepEqual(counts(), { used: before.used + (isPostgres ? 1 : 0), refused: before.refused })
    const calls = await db.selectFrom('call').select('id').where('targetId', '=', assignment.id).execute()
    assert.equal(calls.length, 1)
  })
})
