import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import {
  makeCall,
  makeCampaign,
  makeHousehold,
  makeOrganization,
  makePhone,
  makeUser,
} from '../../../../test/factories.js'
import type { Db } from '../../db/database.js'

/** A household with identity, a phone, an occupant, a call with a note and an orientation still accepted. */
async function setUp(t: Parameters<typeof buildTestApp>[0]) {
  const testApp = await buildTestApp(t)
  const { db } = testApp
  const landlord = await makeOrganization(db, { name: 'Habitat Lorrain' })
  const partner = await makeOrganization(db, { type: 'partner', name: 'CCAS de Nancy' })
  const other = await makeOrganization(db, { name: 'Autre bailleur' })
  const manager = await makeUser(db, 'manager', { organizationId: landlord.id })
  const admin = await makeUser(db, 'admin', { organizationId: landlord.id })
  const dpo = await makeUser(db, 'dpo', { organizationId: landlord.id })
  const caller = await makeUser(db, 'caller', { organizationId: landlord.id })
  const otherManager = await makeUser(db, 'manager', { organizationId: other.id })
  const household = await makeHousehold(db, {
    organizationId: landlord.id,
    externalRef: 'H-0042',
    lastName: 'Lefèvre',
    firstName: 'Odette',
    email: 'odette@example.org',
  })
  await makePhone(db, household, '+33383000000')
  await db
    .insertInto('member')
    .values({
      id: randomUUID(),
      householdId: household.id,
      organizationId: landlord.id,
      position: 0,
      isLeaseholder: 1,
      lastName: 'Lefèvre',
      firstName: 'Odette',
      birthDate: '1938-02-11',
      role: null,
    })
    .execute()
  const campaign = await makeCampaign(db, { organizationId: landlord.id, createdBy: manager.id })
  const targetId = randomUUID()
  await db
    .insertInto('campaignTarget')
    .values({
      id: targetId,
      campaignId: campaign.id,
      organizationId: landlord.id,
      householdId: household.id,
      status: 'done',
      priority: 1,
      priorityReasons: null,
      attempts: 1,
      nextAttemptAt: '2026-04-01T08:00:00.000Z',
      heldBy: null,
      leaseUntil: null,
      lastDisposition: 'reached',
      lastCalledAt: '2026-04-01T08:00:00.000Z',
      phonePosition: 0,
      preferredCallerId: null,
      followUpIntervalDays: null,
      followUpUntil: null,
      addedAt: '2026-03-30T08:00:00.000Z',
      removedAt: null,
      updatedAt: '2026-04-01T08:00:00.000Z',
    })
    .execute()
  const { id: callId } = await makeCall(
    db,
    { id: targetId, campaignId: campaign.id, householdId: household.id, organizationId: landlord.id },
    caller.id,
    {
      disposition: 'reached',
      phoneE164: '+33383000000',
      needs: JSON.stringify(['isolation']),
      fragilityLevel: 'moderate',
      notes: 'Contente de l’appel, aimerait de la visite',
      durationSeconds: 540,
      createdAt: '2026-04-01T08:00:00.000Z',
    },
  )
  const referralId = randomUUID()
  await db
    .insertInto('referral')
    .values({
      id: referralId,
      householdId: household.id,
      callId,
      senderOrganizationId: landlord.id,
      senderUserId: caller.id,
      recipientOrganizationId: partner.id,
      recipientTeam: null,
      assigneeId: null,
      category: 'isolation',
      urgency: 'within_7_days',
      status: 'accepted',
      summary: 'Souhaite des visites de convivialité',
      consentGiven: 1,
      consentRecordedAt: '2026-04-01T08:05:00.000Z',
      overrideReason: null,
      outcome: null,
      dueAcceptBy: '2026-04-03T08:00:00.000Z',
      dueResolveBy: '2026-04-10T08:00:00.000Z',
      acceptedAt: '2026-04-02T08:00:00.000Z',
      closedAt: null,
      overdueNotifiedAt: null,
      createdAt: '2026-04-01T08:05:00.000Z',
      updatedAt: '2026-04-02T08:00:00.000Z',
    })
    .execute()
  return { ...testApp, landlord, manager, admin, dpo, caller, otherManager, household, referralId, callId }
}

async function closeReferral(db: Db, referralId: string) {
  await db
    .updateTable('referral')
    .set({ status: 'done', outcome: 'Visites en place', closedAt: '2026-05-01T08:00:00.000Z' })
    .where('id', '=', referralId)
    .execute()
}

async function snapshot(db: Db, householdId: string) {
  const [household, phones, members, calls, referrals] = await Promise.all([
    db.selectFrom('household').selectAll().where('id', '=', householdId).executeTakeFirstOrThrow(),
    db.selectFrom('phone').selectAll().where('householdId', '=', householdId).execute(),
    db.selectFrom('member').selectAll().where('householdId', '=', householdId).execute(),
    db.selectFrom('call').selectAll().where('householdId', '=', householdId).execute(),
    db.selectFrom('referral').selectAll().where('householdId', '=', householdId).execute(),
  ])
  return { household, phones, members, calls, referrals }
}

describe('POST /api/households/:id/erasure (erasure on request)', () => {
  it('erases the household now against the request of the register, closes it as erased, and the record shows only erasedAt', async (t) => {
    const { app, db, loginAs, manager, dpo, household, referralId, callId } = await setUp(t)
    await closeReferral(db, referralId)
    const registered = await app.inject({
      method: 'POST',
      url: '/api/data-requests',
      headers: await loginAs(dpo),
      payload: { householdRef: 'H-0042', kind: 'erasure', channel: 'mail' },
    })
    assert.equal(registered.statusCode, 201, registered.body)
    const headers = await loginAs(manager)
    const response = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/erasure`,
      headers,
      payload: { requestId: registered.json().id },
    })
    assert.equal(response.statusCode, 200, response.body)
    const { request, erasedAt } = response.json()
    assert.equal(request.id, registered.json().id)
    assert.equal(request.status, 'closed')
    assert.equal(request.outcome, 'erased')
    assert.equal(request.handledBy.id, manager.id)
    assert.equal(request.householdRef, 'H-0042', 'the register keeps the reference the tenant asked under')
    assert.deepEqual(request.details, { erasedAt })

    const after = await snapshot(db, household.id)
    assert.equal(after.household.erasedAt, erasedAt)
    assert.equal(after.household.lastName, '')
    assert.equal(after.household.firstName, null)
    assert.equal(after.household.email, null)
    assert.equal(after.household.addressLine1, null)
    assert.equal(after.household.city, 'Nancy', 'the commune stays')
    assert.equal(after.household.birthYear, 1940)
    assert.equal(after.phones.length, 0)
    assert.equal(after.members[0]?.firstName, null)
    assert.equal(after.calls[0]?.notes, null)
    assert.equal(after.calls[0]?.needs, JSON.stringify(['isolation']), 'coded facts stay')
    assert.equal(after.calls[0]?.id, callId)
    assert.equal(after.referrals[0]?.summary, '')
    assert.equal(after.referrals[0]?.outcome, null)

    const read = await app.inject({ url: `/api/households/${household.id}`, headers })
    assert.equal(read.statusCode, 200)
    const record = read.json()
    assert.equal(record.erasedAt, erasedAt)
    assert.equal(record.lastName, '')
    for (const field of ['firstName', 'birthDate', 'email']) assert.equal(record[field], null, field)
    assert.deepEqual(record.phones, [])
    assert.deepEqual(record.address.line1, null)
    assert.equal(JSON.stringify(record).includes('Odette'), false)
    assert.equal(JSON.stringify(record).includes('Lefèvre'), false)

    const traces = await db
      .selectFrom('auditEvent')
      .select(['action', 'actorUserId', 'details'])
      .where('entityId', '=', household.id)
      .where('action', 'in', ['household.erased', 'dataRequest.close'])
      .orderBy('id')
      .execute()
    assert.deepEqual(
      traces.map((trace) => [trace.action, trace.actorUserId, JSON.parse(trace.details ?? '{}')]),
      [
        ['household.erased', manager.id, { reason: 'request', requestId: request.id }],
        ['dataRequest.close', manager.id, { requestId: request.id, kind: 'erasure', outcome: 'erased' }],
      ],
    )

    const again = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/erasure`,
      headers,
      payload: {},
    })
    assert.equal(again.statusCode, 409)
    assert.equal(again.json().error.details.erasedAt, erasedAt)
    const rectified = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/rectification`,
      headers,
      payload: { changes: { firstName: 'Odette' } },
    })
    assert.equal(rectified.statusCode, 409, 'an erased identity does not come back through a rectification')
  })

  it('without a request named, registers one and closes it at once (an administrator)', async (t) => {
    const { app, db, loginAs, admin, household, referralId } = await setUp(t)
    await closeReferral(db, referralId)
    const response = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/erasure`,
      headers: await loginAs(admin),
      payload: {},
    })
    assert.equal(response.statusCode, 200, response.body)
    assert.equal(response.json().request.kind, 'erasure')
    assert.equal(response.json().request.status, 'closed')
    assert.equal(response.json().request.outcome, 'erased')
    const requests = await db.selectFrom('dataRequest').selectAll().execute()
    assert.equal(requests.length, 1)
  })

  it('refuses with 409 naming the active orientation and the planned follow-up; nothing changes, the request stays open', async (t) => {
    const { app, db, loginAs, manager, household, landlord, referralId } = await setUp(t)
    const watch = await makeCampaign(db, { organizationId: landlord.id, createdBy: manager.id })
    await db
      .insertInto('campaignTarget')
      .values({
        id: randomUUID(),
        campaignId: watch.id,
        organizationId: landlord.id,
        householdId: household.id,
        status: 'scheduled',
        priority: 1,
        priorityReasons: null,
        attempts: 1,
        nextAttemptAt: '2099-01-01T08:00:00.000Z',
        heldBy: null,
        leaseUntil: null,
        lastDisposition: 'reached',
        lastCalledAt: '2026-04-01T08:00:00.000Z',
        phonePosition: 0,
        preferredCallerId: null,
        followUpIntervalDays: 7,
        followUpUntil: '2099-02-01',
        addedAt: '2026-03-30T08:00:00.000Z',
        removedAt: null,
        updatedAt: '2026-04-01T08:00:00.000Z',
      })
      .execute()
    const headers = await loginAs(manager)
    const registered = await app.inject({
      method: 'POST',
      url: '/api/data-requests',
      headers,
      payload: { householdRef: 'H-0042', kind: 'erasure' },
    })
    const before = await snapshot(db, household.id)
    const response = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/erasure`,
      headers,
      payload: { requestId: registered.json().id },
    })
    assert.equal(response.statusCode, 409, response.body)
    const { error } = response.json()
    assert.equal(error.code, 'CONFLICT')
    assert.match(error.message, /orientation \(isolation\) is active, accepted since 2026-04-01/)
    assert.match(error.message, /follow-up is planned/)
    assert.deepEqual(
      error.details.keptBecause.map((reason: { reason: string }) => reason.reason),
      ['active_referral', 'follow_up'],
    )
    assert.equal(error.details.keptBecause[0].referralId, referralId)
    assert.deepEqual(await snapshot(db, household.id), before, 'nothing erased')
    const request = await db
      .selectFrom('dataRequest')
      .selectAll()
      .where('id', '=', registered.json().id)
      .executeTakeFirstOrThrow()
    assert.equal(request.status, 'open')
    assert.equal(request.outcome, null)
    const refusal = await db
      .selectFrom('auditEvent')
      .select('details')
      .where('action', '=', 'household.erasure_refused')
      .executeTakeFirstOrThrow()
    assert.deepEqual(JSON.parse(refusal.details ?? '{}'), {
      requestId: registered.json().id,
      keptBecause: ['active_referral', 'follow_up'],
    })
    const erasedTraces = await db
      .selectFrom('auditEvent')
      .select('id')
      .where('action', '=', 'household.erased')
      .execute()
    assert.equal(erasedTraces.length, 0)
  })

  it('answers 404 for a household of another organisation, or a request that is not an open erasure of it', async (t) => {
    const { app, db, loginAs, manager, otherManager, household, referralId } = await setUp(t)
    await closeReferral(db, referralId)
    const elsewhere = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/erasure`,
      headers: await loginAs(otherManager),
      payload: {},
    })
    assert.equal(elsewhere.statusCode, 404)
    const headers = await loginAs(manager)
    const access = await app.inject({
      method: 'POST',
      url: '/api/data-requests',
      headers,
      payload: { householdRef: 'H-0042', kind: 'access' },
    })
    const wrongKind = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/erasure`,
      headers,
      payload: { requestId: access.json().id },
    })
    assert.equal(wrongKind.statusCode, 404)
    assert.equal(wrongKind.json().error.details.field, 'requestId')
    const unknownHousehold = await app.inject({
      method: 'POST',
      url: `/api/households/${randomUUID()}/erasure`,
      headers,
      payload: {},
    })
    assert.equal(unknownHousehold.statusCode, 404)
    const row = await db.selectFrom('household').select('erasedAt').where('id', '=', household.id).executeTakeFirst()
    assert.equal(row?.erasedAt, null)
  })

  it('refuses the DPO (read-only on tenant data), callers and the anonymous', async (t) => {
    const { app, db, loginAs, dpo, caller, household, referralId } = await setUp(t)
    await closeReferral(db, referralId)
    for (const user of [dpo, caller]) {
      const response = await app.inject({
        method: 'POST',
        url: `/api/households/${household.id}/erasure`,
        headers: await loginAs(user),
        payload: {},
      })
      assert.equal(response.statusCode, 403)
    }
    const anonymous = await app.inject({ method: 'POST', url: `/api/households/${household.id}/erasure`, payload: {} })
    assert.equal(anonymous.statusCode, 401)
    const row = await db.selectFrom('household').select('erasedAt').where('id', '=', household.id).executeTakeFirst()
    assert.equal(row?.erasedAt, null)
  })
})
