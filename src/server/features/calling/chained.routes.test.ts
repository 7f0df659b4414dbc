// « Enchaîner » in one request: POST /api/assignments/:id/outcome?next=claim saves the call, then claims the next
// household of the campaign as the claim route would.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { buildTestApp } from '../../../../test/app.js'
import { assertMatchesContract } from '../../../../test/contract.js'
import { makeCampaign, makeTarget, makeUser } from '../../../../test/factories.js'
import { callingContract } from '../../../shared/contracts/calling.js'

const METRICS_TOKEN = 'metrics-token-for-the-chained-claims-test'

/** A campaign whose targets have these priorities, a signed-in caller, and the first household claimed. */
async function firstClaimed(t: Parameters<typeof buildTestApp>[0], priorities: number[], logLines?: string[]) {
  const context = await buildTestApp(t, { METRICS_TOKEN }, { logLines })
  const { app, db } = context
  const campaign = await makeCampaign(db)
  const targets = []
  for (const priority of priorities) targets.push(await makeTarget(db, campaign, { priority }))
  const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
  const headers = await context.loginAs(caller)
  const claim = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
  assert.equal(claim.statusCode, 200, claim.body)
  const manager = await context.loginAs(await makeUser(db, 'manager', { organizationId: campaign.organizationId }))
  const save = (assignmentId: string, query: string, idempotencyKey = `key-${randomUUID()}`) =>
    app.inject({
      method: 'POST',
      url: `/api/assignments/${assignmentId}/outcome${query}`,
      headers: { ...headers, 'idempotency-key': idempotencyKey },
      payload: { disposition: 'no_answer', durationSeconds: 30 },
    })
  const heldBy = async () =>
    (
      await db
        .selectFrom('campaignTarget')
        .select(['id', 'heldBy'])
        .where('status', '=', 'held')
        .orderBy('id')
        .execute()
    ).map((row) => ({ id: row.id, heldBy: row.heldBy }))
  const callCount = async () => (await db.selectFrom('call').select('id').execute()).length
  return {
    ...context,
    campaign,
    targets,
    caller,
    callerHeaders: headers,
    manager,
    save,
    heldBy,
    callCount,
    assignmentId: claim.json().assignment.id as string,
  }
}

describe('POST /api/assignments/:id/outcome?next=claim', () => {
  it('saves the call and hands out the next household in the same request; a retry gets that household back', async (t) => {
    const { app, db, targets, caller, save, heldBy, callCount, assignmentId } = await firstClaimed(t, [90, 50, 10])
    assert.equal(assignmentId, targets[0].id, 'the most urgent first')
    const idempotencyKey = `key-${randomUUID()}`
    const saved = await save(assignmentId, '?next=claim', idempotencyKey)
    assert.equal(saved.statusCode, 201, saved.body)
    assertMatchesContract(callingContract.outcome, saved)
    const {
      call,
      next: { assignment: next },
    } = saved.json()
    assert.equal(call.disposition, 'no_answer')
    assert.equal(next.id, targets[1].id, 'the next most urgent household')
    assert.equal(next.household.id, targets[1].householdId)
    assert.equal(next.attempt, 1)
    assert.ok(Date.parse(next.leaseExpiresAt) > Date.now() + 14 * 60_000, 'held under a fresh lease')
    assert.deepEqual(await heldBy(), [{ id: targets[1].id, heldBy: caller.id }])
    const reads = await db
      .selectFrom('auditEvent')
      .select('entityId')
      .where('action', '=', 'household.read')
      .orderBy('id')
      .execute()
    assert.deepEqual(
      reads.map((read) => read.entityId),
      [targets[0].householdId, targets[1].householdId],
      'the read of the next household is on record',
    )

    // The answer was lost and the browser sends the same save again: the same call, the same next household.
    const again = await save(assignmentId, '?next=claim', idempotencyKey)
    assert.equal(again.statusCode, 200, again.body)
    assert.equal(again.json().call.id, call.id)
    assert.equal(again.json().next.assignment.id, targets[1].id)
    assert.equal(await callCount(), 1, 'one call however often it is sent')
    assert.deepEqual(await heldBy(), [{ id: targets[1].id, heldBy: caller.id }], 'the third household stays free')

    const metrics = (
      await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).body.split('\n')
    assert.ok(metrics.includes('allervers_claims_total{result="assigned"} 3'), 'the first claim and two chained')
    assert.ok(metrics.includes('allervers_outcomes_total{disposition="no_answer"} 1'), 'the replay is not counted')
  })

  it('answers next as {} when nothing more is due, as the claim route answers 204', async (t) => {
    const { save, heldBy, callCount, assignmentId } = await firstClaimed(t, [90])
    const saved = await save(assignmentId, '?next=claim')
    assert.equal(saved.statusCode, 201, saved.body)
    assertMatchesContract(callingContract.outcome, saved)
    assert.deepEqual(saved.json().next, {}, 'what the claim route answers with its 204')
    assert.equal(await callCount(), 1)
    assert.deepEqual(await heldBy(), [])
  })

  it('claims nothing without ?next=claim', async (t) => {
    const { save, heldBy, assignmentId } = await firstClaimed(t, [90, 50])
    const plain = await save(assignmentId, '')
    assert.equal(plain.statusCode, 201, plain.body)
    assert.equal('next' in plain.json(), false, 'no next household asked, none given')
    assert.deepEqual(await heldBy(), [], 'nothing held after a plain save')
  })

  it('saves the call when the next claim is refused (campaign paused), leaving next out', async (t) => {
    const { app, campaign, manager, save, heldBy, callCount, assignmentId } = await firstClaimed(t, [90, 50])
    const paused = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/pause`, headers: manager })
    assert.equal(paused.statusCode, 200)
    const saved = await save(assignmentId, '?next=claim')
    assert.equal(saved.statusCode, 201, saved.body)
    assertMatchesContract(callingContract.outcome, saved)
    assert.equal('next' in saved.json(), false, 'no next household from a paused campaign')
    assert.equal(await callCount(), 1, 'the call is saved all the same')
    assert.deepEqual(await heldBy(), [], 'nothing held')
  })

  it('saves the call when the next claim fails unexpectedly, leaving next out and logging the failure without personal data', async (t) => {
    const lines: string[] = []
    const { app, db, campaign, targets, callerHeaders, save, heldBy, callCount, assignmentId } = await firstClaimed(
      t,
      [90, 50],
      lines,
    )
    // Only the claim reads the occupants: without their table it fails as a broken database would, not as a refusal.
    await sql`alter table member rename to member_gone`.execute(db)
    const saved = await save(assignmentId, '?next=claim')
    await sql`alter table member_gone rename to member`.execute(db)
    assert.equal(saved.statusCode, 201, saved.body)
    assertMatchesContract(callingContract.outcome, saved)
    assert.equal('next' in saved.json(), false, 'no next household when its claim failed')
    assert.equal(await callCount(), 1, 'the call is saved all the same')
    assert.deepEqual(await heldBy(), [], 'nothing half-claimed')
    const failures = lines
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.msg === 'the claim after an outcome failed')
    assert.equal(failures.length, 1, 'the failure is logged once')
    assert.equal(failures[0].level, 50, 'as an error')
    const household = await db
      .selectFrom('household')
      .selectAll()
      .where('id', '=', targets[1].householdId)
      .executeTakeFirstOrThrow()
    for (const personal of [household.lastName, household.firstName]) {
      assert.ok(personal && !lines.some((line) => line.includes(personal)), 'no tenant name in the log')
    }
    // The campaign still hands out its next household through the claim route.
    const claimed = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaign.id}/claim`,
      headers: callerHeaders,
    })
    assert.equal(claimed.statusCode, 200, claimed.body)
    assert.equal(claimed.json().assignment.id, targets[1].id)
  })

  it('refuses another value of next, naming it, and saves nothing', async (t) => {
    const { caller, save, heldBy, callCount, assignmentId } = await firstClaimed(t, [90, 50])
    const refused = await save(assignmentId, '?next=all')
    assert.equal(refused.statusCode, 400)
    assert.equal(refused.json().error.code, 'VALIDATION_FAILED')
    assert.deepEqual(
      refused.json().error.details.map((issue: { field: string }) => issue.field),
      ['next'],
    )
    assert.equal(await callCount(), 0)
    assert.deepEqual(await heldBy(), [{ id: assignmentId, heldBy: caller.id }], 'the household is still theirs')
  })
})
