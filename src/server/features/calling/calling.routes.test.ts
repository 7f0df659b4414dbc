import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { assertMatchesContract } from '../../../../test/contract.js'
import { makeCall, makeCampaign, makeOrganization, makeTarget, makeUser } from '../../../../test/factories.js'
import { ageOn, parisToday } from '../../../shared/clock.js'
import { callingContract } from '../../../shared/contracts/calling.js'

const key = () => `key-${randomUUID()}`

describe('POST /api/campaigns/:id/claim', () => {
  it('gives the most urgent due household with its phones, filled script and questionnaire, and logs the read', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    await makeTarget(db, campaign, { priority: 10, household: { lastName: 'Bas' } })
    const urgent = await makeTarget(db, campaign, {
      priority: 90,
      household: { lastName: 'Haut', firstName: 'Odette' },
    })
    const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const response = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaign.id}/claim`,
      headers: await loginAs(caller),
    })
    assert.equal(response.statusCode, 200)
    assertMatchesContract(callingContract.claim, response)
    const { assignment } = response.json()
    assert.equal(assignment.id, urgent.id)
    assert.equal(assignment.household.lastName, 'Haut')
    assert.equal(assignment.attempt, 1)
    assert.deepEqual(assignment.phones, [{ e164: '+33612345678', kind: 'mobile' }])
    assert.match(assignment.script, /^Bonjour Odette Haut, ici Test caller de Organisation /)
    assert.equal(assignment.questionnaire.version, 1)
    assert.ok(Date.parse(assignment.leaseExpiresAt) > Date.now() + 14 * 60_000)
    const reads = await db.selectFrom('auditEvent').selectAll().where('action', '=', 'household.read').execute()
    assert.equal(reads.length, 1)
    assert.equal(reads[0].entityId, urgent.householdId)
  })

  it('greets the leaseholder by civility and name, or by first name and name when the file gave no civility', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    const household = (civility: string | null, firstName: string, lastName: string) => ({
      civility,
      firstName,
      lastName,
    })
    await makeTarget(db, campaign, { priority: 90, household: household('Mme', 'Monique', 'Schmitt') })
    await makeTarget(db, campaign, { priority: 50, household: household('M', 'Paul', 'Kieffer') })
    await makeTarget(db, campaign, { priority: 10, household: household(null, 'Odile', 'Muller') })
    const scripts: string[] = []
    for (let index = 0; index < 3; index++) {
      const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
      const response = await app.inject({
        method: 'POST',
        url: `/api/campaigns/${campaign.id}/claim`,
        headers: await loginAs(caller),
      })
      assert.equal(response.statusCode, 200)
      scripts.push(response.json().assignment.script)
    }
    assert.deepEqual(
      scripts.map((script) => script.split(',')[0]),
      ['Bonjour Madame Schmitt', 'Bonjour Monsieur Kieffer', 'Bonjour Odile Muller'],
    )
  })

  it('shows the occupants in order with their ages, the usable phones and the last calls of every campaign, latest first', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    const earlier = await makeCampaign(db, { organizationId: campaign.organizationId })
    await db.updateTable('campaign').set({ name: 'Canicule 2026' }).where('id', '=', campaign.id).execute()
    await db.updateTable('campaign').set({ name: 'Grand froid' }).where('id', '=', earlier.id).execute()
    const target = await makeTarget(db, campaign, { phones: ['+33612345678', '+33383000000', '+33600000000'] })
    await db.updateTable('phone').set({ isValid: 0 }).where('e164', '=', '+33383000000').execute()
    await db.updateTable('phone').set({ kind: 'landline' }).where('e164', '=', '+33600000000').execute()
    const member = (position: number, firstName: string, birthDate: string | null, isLeaseholder: number) => ({
      id: randomUUID(),
      householdId: target.householdId,
      organizationId: campaign.organizationId,
      position,
      isLeaseholder,
      lastName: 'Martin',
      firstName,
      birthDate,
      role: null,
    })
    // Written out of order: the screen follows the household's order.
    await db
      .insertInto('member')
      .values(member(1, 'Paul', null, 0))
      .execute()
    await db
      .insertInto('member')
      .values(member(0, 'Jeanne', '1940-03-15', 1))
      .execute()
    const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const call = (campaignId: string, disposition: string, createdAt: string, fragilityLevel: string | null) =>
      makeCall(db, { ...target, campaignId }, caller.id, { disposition, createdAt, fragilityLevel })
    await call(earlier.id, 'completed', '2026-01-10T09:00:00.000Z', 'watch')
    await call(campaign.id, 'no_answer', '2026-06-02T14:00:00.000Z', null)
    await call(earlier.id, 'busy', '2026-01-09T09:00:00.000Z', null)
    const response = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaign.id}/claim`,
      headers: await loginAs(caller),
    })
    assert.equal(response.statusCode, 200)
    const { household, phones } = response.json().assignment
    assert.deepEqual(household.members, [
      { firstName: 'Jeanne', lastName: 'Martin', age: ageOn('1940-03-15', parisToday()), isLeaseholder: true },
      { firstName: 'Paul', lastName: 'Martin', age: null, isLeaseholder: false },
    ])
    assert.deepEqual(phones, [
      { e164: '+33612345678', kind: 'mobile' },
      { e164: '+33600000000', kind: 'landline' },
    ])
    assert.deepEqual(household.earlierCalls, [
      { at: '2026-06-02T14:00:00.000Z', campaign: 'Canicule 2026', disposition: 'no_answer', fragilityLevel: null },
      { at: '2026-01-10T09:00:00.000Z', campaign: 'Grand froid', disposition: 'completed', fragilityLevel: 'watch' },
      { at: '2026-01-09T09:00:00.000Z', campaign: 'Grand froid', disposition: 'busy', fragilityLevel: null },
    ])
  })

  it('gives a caller who claims again the household they already hold (a reload loses nothing), logging each read', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    const first = await makeTarget(db, campaign, { priority: 90 })
    await makeTarget(db, campaign, { priority: 10 })
    const headers = await loginAs(await makeUser(db, 'caller', { organizationId: campaign.organizationId }))
    const claim = () => app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
    const [before, again] = [await claim(), await claim()]
    assert.equal(before.json().assignment.id, first.id)
    assert.equal(again.json().assignment.id, first.id, 'the same household, not the next one')
    assert.equal(again.json().assignment.household.id, first.householdId)
    assert.equal(again.json().assignment.attempt, 1)
    const held = await db.selectFrom('campaignTarget').select('id').where('status', '=', 'held').execute()
    assert.deepEqual(
      held.map((row) => row.id),
      [first.id],
    )
    const reads = await db.selectFrom('auditEvent').select('entityId').where('action', '=', 'household.read').execute()
    assert.deepEqual(
      reads.map((row) => row.entityId),
      [first.householdId, first.householdId],
    )
  })

  it('gives two callers who claim at once two different households', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    await makeTarget(db, campaign)
    await makeTarget(db, campaign)
    const callers = await Promise.all(
      [1, 2].map(() => makeUser(db, 'caller', { organizationId: campaign.organizationId })),
    )
    const headers = await Promise.all(callers.map((c) => loginAs(c)))
    const [first, second] = await Promise.all(
      headers.map((h) => app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers: h })),
    )
    assert.equal(first.statusCode, 200)
    assert.equal(second.statusCode, 200)
    assert.notEqual(first.json().assignment.household.id, second.json().assignment.household.id)
    const third = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const none = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaign.id}/claim`,
      headers: await loginAs(third),
    })
    assert.equal(none.statusCode, 204, 'nothing left is due')
  })

  it('claims each of 60 due targets exactly once under 60 concurrent claims', async (t) => {
    // 60 sign-ins at once from one address are in flight together: more than the per-address default allows.
    const { app, db, loginAs } = await buildTestApp(t, { LOGIN_ADDRESS_MAX_FAILURES: '100' })
    const campaign = await makeCampaign(db)
    for (let index = 0; index < 60; index++) await makeTarget(db, campaign, { priority: index % 7 })
    const callers = await Promise.all(
      Array.from({ length: 60 }, () => makeUser(db, 'caller', { organizationId: campaign.organizationId })),
    )
    const headers = await Promise.all(callers.map((c) => loginAs(c)))
    const responses = await Promise.all(
      headers.map((h) => app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers: h })),
    )
    assert.deepEqual(
      responses.map((r) => r.statusCode),
      responses.map(() => 200),
    )
    const ids = responses.map((r) => r.json().assignment.id)
    assert.equal(new Set(ids).size, 60, 'no target given twice')
    const held = await db.selectFrom('campaignTarget').select('heldBy').where('status', '=', 'held').execute()
    assert.equal(new Set(held.map((h) => h.heldBy)).size, 60)
  })

  it('never gives one household to two callers of two campaigns at once', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const first = await makeCampaign(db, { organizationId: organization.id })
    const second = await makeCampaign(db, { organizationId: organization.id })
    const shared = await makeTarget(db, first)
    await makeTarget(db, second, { householdId: shared.householdId })
    const ana = await loginAs(await makeUser(db, 'caller', { organizationId: organization.id }))
    const bruno = await loginAs(await makeUser(db, 'caller', { organizationId: organization.id }))
    const claimA = await app.inject({ method: 'POST', url: `/api/campaigns/${first.id}/claim`, headers: ana })
    assert.equal(claimA.statusCode, 200)
    const claimB = await app.inject({ method: 'POST', url: `/api/campaigns/${second.id}/claim`, headers: bruno })
    assert.equal(claimB.statusCode, 204, 'the household is held in the other campaign')
    await app.inject({ method: 'POST', url: `/api/assignments/${claimA.json().assignment.id}/release`, headers: ana })
    const again = await app.inject({ method: 'POST', url: `/api/campaigns/${second.id}/claim`, headers: bruno })
    assert.equal(again.statusCode, 200)
  })

  it('returns an expired lease to the queue', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    await makeTarget(db, campaign)
    const ana = await loginAs(await makeUser(db, 'caller', { organizationId: campaign.organizationId }))
    const bruno = await loginAs(await makeUser(db, 'caller', { organizationId: campaign.organizationId }))
    const claim = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers: ana })
    const id = claim.json().assignment.id
    assert.equal(
      (await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers: bruno })).statusCode,
      204,
    )
    const past = new Date(Date.now() - 1000).toISOString()
    await db.updateTable('campaignTarget').set({ leaseUntil: past }).execute()
    await db.updateTable('householdHold').set({ leaseUntil: past }).execute()
    const taken = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers: bruno })
    assert.equal(taken.statusCode, 200)
    assert.equal(taken.json().assignment.id, id)
    const late = await app.inject({
      method: 'POST',
      url: `/api/assignments/${id}/outcome`,
      headers: { ...ana, 'idempotency-key': key() },
      payload: { disposition: 'no_answer' },
    })
    assert.equal(late.statusCode, 409, 'the first caller’s lease was taken over')
  })

  it('answers 404 for another organisation’s campaign, 403 for a viewer and for an unlisted caller', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    await makeTarget(db, campaign)
    const outsider = await loginAs(await makeUser(db, 'caller'))
    assert.equal(
      (await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers: outsider })).statusCode,
      404,
    )
    const viewer = await loginAs(await makeUser(db, 'viewer', { organizationId: campaign.organizationId }))
    assert.equal(
      (await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers: viewer })).statusCode,
      403,
    )

    const listed = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const unlisted = await loginAs(await makeUser(db, 'caller', { organizationId: campaign.organizationId }))
    const manager = await loginAs(await makeUser(db, 'manager', { organizationId: campaign.organizationId }))
    const restrict = await app.inject({
      method: 'PUT',
      url: `/api/campaigns/${campaign.id}/callers`,
      headers: manager,
      payload: { userIds: [listed.id] },
    })
    assert.equal(restrict.statusCode, 200)
    assertMatchesContract(callingContract.setCallers, restrict)
    assert.equal(
      (await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers: unlisted })).statusCode,
      403,
    )
    const mine = await app.inject({ url: '/api/calling/campaigns', headers: unlisted })
    const theirs = await app.inject({ url: '/api/calling/campaigns', headers: manager })
    assertMatchesContract(callingContract.campaigns, theirs)
    assert.deepEqual(
      theirs.json().items.map((item: { id: string }) => item.id),
      [campaign.id],
      'its managers call whoever it is reserved to',
    )
    assert.deepEqual(mine.json().items, [], 'the workspace shows an unlisted caller no campaign')
    assert.equal(
      (await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers: await loginAs(listed) }))
        .statusCode,
      200,
    )
  })

  it('gives nothing outside the campaign’s calling hours', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    // A window that is never open: Sunday 00:00–00:01 is not "now" for long; use an empty day instead.
    const campaign = await makeCampaign(db, { callingHours: [] })
    await makeTarget(db, campaign)
    const caller = await loginAs(await makeUser(db, 'caller', { organizationId: campaign.organizationId }))
    assert.equal(
      (await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers: caller })).statusCode,
      204,
    )
  })

  it('respects the cross-campaign cap of attempts in 7 days', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db, { frequencyCap: { maxAttempts: 1, days: 7 } })
    const target = await makeTarget(db, campaign)
    const headers = await loginAs(await makeUser(db, 'caller', { organizationId: campaign.organizationId }))
    const first = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
    await app.inject({
      method: 'POST',
      url: `/api/assignments/${first.json().assignment.id}/outcome`,
      headers: { ...headers, 'idempotency-key': key() },
      payload: { disposition: 'busy' },
    })
    await db
      .updateTable('campaignTarget')
      .set({ nextAttemptAt: '2000-01-01T00:00:00.000Z' })
      .where('id', '=', target.id)
      .execute()
    const capped = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
    assert.equal(capped.statusCode, 204, 'one attempt in 7 days is the cap')
  })
})

describe('campaign changes reach the next claim', () => {
  it('serves the campaign as changed by its manager: new script, then paused, then restricted to other callers', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    for (let index = 0; index < 3; index++) await makeTarget(db, campaign)
    const callerUser = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const caller = await loginAs(callerUser)
    const manager = await loginAs(await makeUser(db, 'manager', { organizationId: campaign.organizationId }))
    const claim = () => app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers: caller })
    const release = (id: string) =>
      app.inject({ method: 'POST', url: `/api/assignments/${id}/release`, headers: caller })
    const first = await claim()
    assert.equal(first.statusCode, 200)
    assert.match(first.json().assignment.script, /^Bonjour /)
    assert.equal((await release(first.json().assignment.id)).statusCode, 204)

    const edited = await app.inject({
      method: 'PATCH',
      url: `/api/campaigns/${campaign.id}`,
      headers: manager,
      payload: { script: 'Bonsoir {{civilite_nom}}.' },
    })
    assert.equal(edited.statusCode, 200)
    const second = await claim()
    assert.equal(second.statusCode, 200)
    assert.match(second.json().assignment.script, /^Bonsoir /, 'the new script at once')
    assert.equal((await release(second.json().assignment.id)).statusCode, 204)

    const paused = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/pause`, headers: manager })
    assert.equal(paused.statusCode, 200)
    const refused = await claim()
    assert.equal(refused.statusCode, 409, 'a paused campaign hands out nothing')
    assert.equal(
      (await db.selectFrom('campaignTarget').select('id').where('status', '=', 'held').execute()).length,
      0,
      'nothing held by the refused claim',
    )

    const resumed = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaign.id}/activate`,
      headers: manager,
    })
    assert.equal(resumed.statusCode, 200)
    assert.equal((await claim()).statusCode, 200)
    const other = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const restricted = await app.inject({
      method: 'PUT',
      url: `/api/campaigns/${campaign.id}/callers`,
      headers: manager,
      payload: { userIds: [other.id] },
    })
    assert.equal(restricted.statusCode, 200)
    assert.equal((await claim()).statusCode, 403, 'no longer among the listed callers')
  })
})

describe('POST /api/assignments/:id/outcome', () => {
  async function claimOne(t: Parameters<typeof buildTestApp>[0]) {
    const context = await buildTestApp(t)
    const campaign = await makeCampaign(context.db)
    const target = await makeTarget(context.db, campaign, { phones: ['+33612345678', '+33383000000'] })
    const caller = await makeUser(context.db, 'caller', { organizationId: campaign.organizationId })
    const headers = await context.loginAs(caller)
    const claim = await context.app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
    return { ...context, campaign, target, caller, headers, assignmentId: claim.json().assignment.id as string }
  }

  it('saves a completed call once, with scores and needs, whatever the number of retries', async (t) => {
    const { app, db, headers, assignmentId, target } = await claimOne(t)
    const idempotencyKey = key()
    const payload = {
      disposition: 'completed',
      answers: { alone: true, instruments: { ucla3: { q1: 3, q2: 2, q3: 2 } } },
      needs: ['isolation'],
      fragilityLevel: 'fragile',
      notes: 'Souhaite être rappelée la semaine prochaine.',
      durationSeconds: 420,
    }
    const send = () =>
      app.inject({
        method: 'POST',
        url: `/api/assignments/${assignmentId}/outcome`,
        headers: { ...headers, 'idempotency-key': idempotencyKey },
        payload,
      })
    const [first, second] = await Promise.all([send(), send()])
    const third = await send()
    assert.deepEqual([first.statusCode, second.statusCode].sort(), [200, 201])
    assert.equal(third.statusCode, 200)
    for (const response of [first, second, third]) assertMatchesContract(callingContract.outcome, response)
    assert.equal(third.json().call.id, first.json().call.id)
    const call = third.json().call
    assert.equal(call.scores.ucla3.score, 7)
    assert.equal(call.scores.ucla3.category, 'lonely')
    assert.deepEqual(call.needs, ['isolation'])
    const calls = await db.selectFrom('call').selectAll().execute()
    assert.equal(calls.length, 1, 'one call however often it is sent')
    const after = await db
      .selectFrom('campaignTarget')
      .selectAll()
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow()
    assert.equal(after.status, 'completed')
    assert.equal(after.attempts, 1)
    const household = await db
      .selectFrom('household')
      .selectAll()
      .where('id', '=', target.householdId)
      .executeTakeFirstOrThrow()
    assert.equal(household.fragilityLevel, 'fragile')
    assert.ok(household.lastContactedAt)
    assert.equal(await db.selectFrom('householdHold').selectAll().executeTakeFirst(), undefined, 'the hold is gone')
  })

  it('refuses answers that do not fit the questionnaire version, saving nothing', async (t) => {
    const { app, db, headers, assignmentId } = await claimOne(t)
    const response = await app.inject({
      method: 'POST',
      url: `/api/assignments/${assignmentId}/outcome`,
      headers: { ...headers, 'idempotency-key': key() },
      payload: { disposition: 'completed', answers: { alone: 'peut-être', instruments: { ucla3: { q1: 9 } } } },
    })
    assert.equal(response.statusCode, 400)
    const fields = response.json().error.details.map((d: { field: string }) => d.field)
    assert.deepEqual(fields, ['alone', 'instruments.ucla3.q1'])
    assert.equal((await db.selectFrom('call').selectAll().execute()).length, 0)
    const target = await db
      .selectFrom('campaignTarget')
      .select('status')
      .where('id', '=', assignmentId)
      .executeTakeFirstOrThrow()
    assert.equal(target.status, 'held', 'the caller keeps the household to correct the answers')
  })

  it('reschedules by outcome: busy in 15 minutes, wrong number to the next phone, callback at the asked time', async (t) => {
    const { app, db, headers, assignmentId, campaign } = await claimOne(t)
    const outcome = (payload: object, id = assignmentId) =>
      app.inject({
        method: 'POST',
        url: `/api/assignments/${id}/outcome`,
        headers: { ...headers, 'idempotency-key': key() },
        payload,
      })
    const before = Date.now()
    assert.equal((await outcome({ disposition: 'busy' })).statusCode, 201)
    let target = await db
      .selectFrom('campaignTarget')
      .selectAll()
      .where('id', '=', assignmentId)
      .executeTakeFirstOrThrow()
    assert.equal(target.status, 'scheduled', 'a later attempt waits outside the due queue')
    const delay = Date.parse(target.nextAttemptAt) - before
    assert.ok(delay >= 15 * 60_000 - 1000 && delay <= 15 * 60_000 + 5000, `busy retried in 15 min (got ${delay} ms)`)

    await db.updateTable('campaignTarget').set({ nextAttemptAt: '2000-01-01T00:00:00.000Z' }).execute()
    await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
    await outcome({ disposition: 'wrong_number' })
    target = await db.selectFrom('campaignTarget').selectAll().where('id', '=', assignmentId).executeTakeFirstOrThrow()
    assert.equal(target.phonePosition, 1)
    assert.equal(target.status, 'pending')
    const claim = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
    assert.equal(claim.json().assignment.phones[0].e164, '+33383000000', 'the next number comes first')

    const callbackAt = new Date(Date.now() + 30 * 86_400_000).toISOString()
    assert.equal((await outcome({ disposition: 'callback', callbackAt, sameCallerForCallback: true })).statusCode, 201)
    target = await db.selectFrom('campaignTarget').selectAll().where('id', '=', assignmentId).executeTakeFirstOrThrow()
    assert.equal(target.nextAttemptAt, callbackAt)
    assert.ok(target.preferredCallerId)
    const noTime = await outcome({ disposition: 'callback' })
    assert.equal(noTime.statusCode, 409, 'the target is no longer held by this caller')
  })

  it('records an objection with a refusal: the household is never queued again', async (t) => {
    const { app, db, headers, assignmentId, target } = await claimOne(t)
    const response = await app.inject({
      method: 'POST',
      url: `/api/assignments/${assignmentId}/outcome`,
      headers: { ...headers, 'idempotency-key': key() },
      payload: { disposition: 'refused', objection: true },
    })
    assert.equal(response.statusCode, 201)
    const household = await db
      .selectFrom('household')
      .selectAll()
      .where('id', '=', target.householdId)
      .executeTakeFirstOrThrow()
    assert.ok(household.objectionAt)
    assert.equal(household.objectionChannel, 'phone')
  })

  it('requires an Idempotency-Key and names a bad disposition', async (t) => {
    const { app, headers, assignmentId } = await claimOne(t)
    const missing = await app.inject({
      method: 'POST',
      url: `/api/assignments/${assignmentId}/outcome`,
      headers,
      payload: { disposition: 'busy' },
    })
    assert.equal(missing.statusCode, 400)
    assert.match(missing.json().error.message, /idempotency-key/)
    const bad = await app.inject({
      method: 'POST',
      url: `/api/assignments/${assignmentId}/outcome`,
      headers: { ...headers, 'idempotency-key': key() },
      payload: { disposition: 'hung_up' },
    })
    assert.equal(bad.statusCode, 400)
    assert.equal(bad.json().error.details[0].field, 'disposition')
  })

  it('lets a caller release a household back to the queue', async (t) => {
    const { app, db, headers, assignmentId } = await claimOne(t)
    const released = await app.inject({ method: 'POST', url: `/api/assignments/${assignmentId}/release`, headers })
    assert.equal(released.statusCode, 204)
    const target = await db
      .selectFrom('campaignTarget')
      .selectAll()
      .where('id', '=', assignmentId)
      .executeTakeFirstOrThrow()
    assert.equal(target.status, 'pending')
    assert.equal(target.attempts, 0, 'a release is not an attempt')
  })

  it('renews the lease of a household the caller holds, and refuses once it is no longer theirs', async (t) => {
    const { app, db, loginAs, campaign, headers, assignmentId } = await claimOne(t)
    const renew = (who: Record<string, string>) =>
      app.inject({ method: 'POST', url: `/api/assignments/${assignmentId}/renew`, headers: who })
    const renewed = await renew(headers)
    assert.equal(renewed.statusCode, 200)
    assertMatchesContract(callingContract.renew, renewed)
    const target = await db
      .selectFrom('campaignTarget')
      .selectAll()
      .where('id', '=', assignmentId)
      .executeTakeFirstOrThrow()
    assert.equal(target.leaseUntil, renewed.json().leaseExpiresAt)
    const other = await loginAs(await makeUser(db, 'caller', { organizationId: campaign.organizationId }))
    assert.equal((await renew(other)).statusCode, 409, 'another caller’s household')
    await app.inject({ method: 'POST', url: `/api/assignments/${assignmentId}/release`, headers })
    assert.equal((await renew(headers)).statusCode, 409, 'released')
  })
})

describe('outcomes against hostile or mistaken requests', () => {
  /** A caller of one organisation holding one household in each of two campaigns. */
  async function holdTwo(t: Parameters<typeof buildTestApp>[0]) {
    const context = await buildTestApp(t)
    const organization = await makeOrganization(context.db)
    const campaigns = [
      await makeCampaign(context.db, { organizationId: organization.id }),
      await makeCampaign(context.db, { organizationId: organization.id }),
    ]
    for (const campaign of campaigns) await makeTarget(context.db, campaign)
    const caller = await makeUser(context.db, 'caller', { organizationId: organization.id })
    const headers = await context.loginAs(caller)
    const ids: string[] = []
    for (const campaign of campaigns) {
      const claim = await context.app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
      ids.push(claim.json().assignment.id)
    }
    const outcome = (id: string, idempotencyKey: string, payload: object) =>
      context.app.inject({
        method: 'POST',
        url: `/api/assignments/${id}/outcome`,
        headers: { ...headers, 'idempotency-key': idempotencyKey },
        payload,
      })
    const statusOf = async (id: string) =>
      (
        await context.db
          .selectFrom('campaignTarget')
          .select(['status', 'heldBy'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).status
    return { ...context, caller, headers, ids, outcome, statusOf }
  }

  it('refuses a key already used for another assignment: nothing is lost, the second household stays held', async (t) => {
    const { db, ids, outcome, statusOf } = await holdTwo(t)
    const [first, second] = ids
    const reused = key()
    assert.equal((await outcome(first, reused, { disposition: 'no_answer' })).statusCode, 201)
    const refused = await outcome(second, reused, { disposition: 'no_answer' })
    assert.equal(refused.statusCode, 409)
    assert.equal(refused.json().error.code, 'IDEMPOTENCY_KEY_REUSED')
    assert.equal(await statusOf(second), 'held', 'the second household is still held by its caller')
    assert.equal((await db.selectFrom('call').selectAll().execute()).length, 1, 'nothing written for the second')
    const saved = await outcome(second, key(), { disposition: 'no_answer' })
    assert.equal(saved.statusCode, 201, 'the second outcome goes through with a key of its own')
    const calls = await db.selectFrom('call').select('targetId').orderBy('id').execute()
    assert.deepEqual(
      calls.map((call) => call.targetId),
      [first, second],
    )
    assert.notEqual(await statusOf(second), 'held')
  })

  it('refuses a key sent again with another body, and answers the first call to the same body in any order', async (t) => {
    const { db, ids, outcome } = await holdTwo(t)
    const [first] = ids
    const reused = key()
    const body = { disposition: 'completed', answers: { alone: true }, needs: ['isolation'], durationSeconds: 60 }
    const created = await outcome(first, reused, body)
    assert.equal(created.statusCode, 201)
    const other = await outcome(first, reused, { ...body, needs: ['food'] })
    assert.equal(other.statusCode, 409)
    assert.equal(other.json().error.code, 'IDEMPOTENCY_KEY_REUSED')
    const reordered = { durationSeconds: 60, needs: ['isolation'], answers: { alone: true }, disposition: 'completed' }
    const retried = await outcome(first, reused, reordered)
    assert.equal(retried.statusCode, 200)
    assert.equal(retried.json().call.id, created.json().call.id)
    assert.deepEqual(retried.json().call.needs, ['isolation'])
    const calls = await db.selectFrom('call').selectAll().execute()
    assert.equal(calls.length, 1)
    assert.ok(calls[0].requestHash, 'the key is stored with the digest of its request')
  })

  it('answers 404 for another organisation’s assignment on outcome, release and renew, changing nothing', async (t) => {
    const { app, db, loginAs, ids, statusOf } = await holdTwo(t)
    const [held] = ids
    const outsider = await loginAs(await makeUser(db, 'caller'))
    const manager = await loginAs(await makeUser(db, 'manager'))
    for (const headers of [outsider, manager]) {
      const outcome = await app.inject({
        method: 'POST',
        url: `/api/assignments/${held}/outcome`,
        headers: { ...headers, 'idempotency-key': key() },
        payload: { disposition: 'no_answer' },
      })
      assert.equal(outcome.statusCode, 404)
      assert.equal(outcome.json().error.details, undefined, 'nothing of its state')
      for (const action of ['release', 'renew']) {
        const response = await app.inject({ method: 'POST', url: `/api/assignments/${held}/${action}`, headers })
        assert.equal(response.statusCode, 404, action)
        assert.equal(response.json().error.code, 'NOT_FOUND')
      }
      const unknown = await app.inject({ method: 'POST', url: '/api/assignments/no-such-id/renew', headers })
      assert.equal(unknown.statusCode, 404, 'the same answer as an id that does not exist')
    }
    assert.equal(await statusOf(held), 'held')
    assert.equal((await db.selectFrom('call').selectAll().execute()).length, 0)
  })

  const fieldsOf = (details: { field: string } | Array<{ field: string }>) =>
    (Array.isArray(details) ? details : [details]).map((detail) => detail.field)

  it('refuses callback times out of range (year 9999, year 0, long past), naming the field and writing nothing', async (t) => {
    const { db, ids, outcome, statusOf } = await holdTwo(t)
    const [held] = ids
    const day = 86_400_000
    for (const callbackAt of [
      '9999-12-31T23:59:59.000Z',
      '0000-01-01T00:00:00.000Z',
      new Date(Date.now() + 91 * day).toISOString(),
      new Date(Date.now() - 2 * 3600_000).toISOString(),
    ]) {
      const response = await outcome(held, key(), { disposition: 'callback', callbackAt })
      assert.equal(response.statusCode, 400, callbackAt)
      // Refused by the contract's date bounds (details: a list) or by the service's window (details: one field).
      assert.deepEqual(fieldsOf(response.json().error.details), ['callbackAt'])
      assert.match(response.json().error.message, /callbackAt/)
    }
    for (const followUp of [{ at: '9999-12-31T10:00:00.000Z' }, { everyDays: 7, until: '9999-12-31' }]) {
      const response = await outcome(held, key(), { disposition: 'completed', answers: { alone: false }, followUp })
      assert.equal(response.statusCode, 400)
      // The service names `followUp.at`; the contract's date bound names the member of the union (`at`, `until`).
      assert.match(fieldsOf(response.json().error.details)[0], /^(followUp\.)?(at|until)$/)
    }
    assert.equal(await statusOf(held), 'held')
    assert.equal((await db.selectFrom('call').selectAll().execute()).length, 0)
    const late = new Date(Date.now() - 10 * 60_000).toISOString()
    const accepted = await outcome(held, key(), { disposition: 'callback', callbackAt: late })
    assert.equal(accepted.statusCode, 201, 'a save that arrives minutes after the agreed time still goes through')
  })
})

describe('follow-up calls (the watch)', () => {
  it('plans a weekly watch after a completed call: the next call is scheduled a week later, ahead of others, until the end date', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    const watched = await makeTarget(db, campaign, { priority: 20 })
    await makeTarget(db, campaign, { priority: 99 })
    const headers = await loginAs(await makeUser(db, 'caller', { organizationId: campaign.organizationId }))
    await db.updateTable('campaignTarget').set({ priority: 0 }).where('id', '!=', watched.id).execute()
    const claim = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
    assert.equal(claim.json().assignment.id, watched.id)
    const until = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10)
    const saved = await app.inject({
      method: 'POST',
      url: `/api/assignments/${watched.id}/outcome`,
      headers: { ...headers, 'idempotency-key': key() },
      payload: {
        disposition: 'completed',
        answers: { alone: false, instruments: { ucla3: { q1: 1, q2: 1, q3: 1 } } },
        followUp: { everyDays: 7, until },
      },
    })
    assert.equal(saved.statusCode, 201)
    let target = await db
      .selectFrom('campaignTarget')
      .selectAll()
      .where('id', '=', watched.id)
      .executeTakeFirstOrThrow()
    assert.equal(target.status, 'scheduled')
    const inDays = (Date.parse(target.nextAttemptAt) - Date.now()) / 86_400_000
    assert.ok(inDays > 6.9 && inDays < 7.1, `next call in 7 days (got ${inDays})`)
    assert.ok(target.priority >= 1000, 'follow-ups come first')

    // The week passes: the follow-up is due and comes before the other target.
    await db
      .updateTable('campaignTarget')
      .set({ nextAttemptAt: '2000-01-01T00:00:00.000Z' })
      .where('id', '=', watched.id)
      .execute()
    const next = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
    assert.equal(next.json().assignment.id, watched.id)
    await app.inject({
      method: 'POST',
      url: `/api/assignments/${watched.id}/outcome`,
      headers: { ...headers, 'idempotency-key': key() },
      payload: { disposition: 'completed', answers: { alone: false } },
    })
    target = await db.selectFrom('campaignTarget').selectAll().where('id', '=', watched.id).executeTakeFirstOrThrow()
    assert.equal(target.status, 'scheduled', 'the plan goes on without being asked again')

    // Past the end date the watch stops.
    await db
      .updateTable('campaignTarget')
      .set({ followUpUntil: '2001-01-01', nextAttemptAt: '2000-01-01T00:00:00.000Z' })
      .where('id', '=', watched.id)
      .execute()
    await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
    await app.inject({
      method: 'POST',
      url: `/api/assignments/${watched.id}/outcome`,
      headers: { ...headers, 'idempotency-key': key() },
      payload: { disposition: 'completed', answers: { alone: false } },
    })
    target = await db.selectFrom('campaignTarget').selectAll().where('id', '=', watched.id).executeTakeFirstOrThrow()
    assert.equal(target.status, 'completed')
  })

  it('refuses a one-off follow-up in the past', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    const target = await makeTarget(db, campaign)
    const headers = await loginAs(await makeUser(db, 'caller', { organizationId: campaign.organizationId }))
    await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
    const response = await app.inject({
      method: 'POST',
      url: `/api/assignments/${target.id}/outcome`,
      headers: { ...headers, 'idempotency-key': key() },
      payload: { disposition: 'no_answer', followUp: { at: '2001-01-01T10:00:00.000Z' } },
    })
    assert.equal(response.statusCode, 400)
    assert.equal(response.json().error.details.field, 'followUp.at')
    assert.equal((await db.selectFrom('call').selectAll().execute()).length, 0)
  })
})
