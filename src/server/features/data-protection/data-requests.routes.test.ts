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
import { pdfPages } from '../../../../test/pdf-text.js'
import { findWords } from '../../../../test/words-in-tables.js'
import { addMonths, parisToday } from '../../../shared/clock.js'
import { refreshRollups } from '../stats/stats.refresh.js'

async function setUp(t: Parameters<typeof buildTestApp>[0]) {
  const testApp = await buildTestApp(t)
  const { db } = testApp
  const landlord = await makeOrganization(db, { name: 'Habitat Lorrain' })
  const partner = await makeOrganization(db, { type: 'partner', name: 'CCAS de Nancy' })
  const manager = await makeUser(db, 'manager', { organizationId: landlord.id })
  const dpo = await makeUser(db, 'dpo', { organizationId: landlord.id })
  const caller = await makeUser(db, 'caller', { organizationId: landlord.id })
  const household = await makeHousehold(db, {
    organizationId: landlord.id,
    externalRef: 'H-0042',
    civility: 'Mme',
    lastName: 'Lefèvre',
    firstName: 'Odette',
    objectionAt: '2026-05-02T08:00:00.000Z',
    objectionChannel: 'mail',
    objectionNote: 'Préfère les courriers',
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
      answers: JSON.stringify({ courses: 'Sa fille fait les courses' }),
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
  await db
    .insertInto('referralEvent')
    .values({
      id: randomUUID(),
      referralId,
      actorUserId: caller.id,
      actorOrganizationId: partner.id,
      kind: 'note',
      fromStatus: null,
      toStatus: null,
      note: 'Première visite prévue jeudi',
      createdAt: '2026-04-02T09:00:00.000Z',
    })
    .execute()
  await db
    .insertInto('auditEvent')
    .values({
      at: '2026-04-01T07:59:00.000Z',
      actorUserId: caller.id,
      actorEmail: null,
      organizationId: landlord.id,
      action: 'household.read',
      entityType: 'household',
      entityId: household.id,
      ip: null,
      details: null,
    })
    .execute()
  return { ...testApp, landlord, partner, manager, dpo, caller, household }
}

describe('GET /api/households/:id/dossier', () => {
  it('gives a manager everything held, as JSON: identity, occupants, phones, calls, orientations, objection, consents, accesses', async (t) => {
    const { app, db, loginAs, manager, household } = await setUp(t)
    const response = await app.inject({
      url: `/api/households/${household.id}/dossier`,
      headers: await loginAs(manager),
    })
    assert.equal(response.statusCode, 200, response.body)
    assert.match(response.headers['content-disposition'] as string, /attachment; filename="dossier-H-0042-.*\.json"/)
    const dossier = response.json()
    assert.equal(dossier.household.externalRef, 'H-0042')
    assert.equal(dossier.household.firstName, 'Odette')
    assert.equal(dossier.household.civility, 'Mme')
    assert.equal(dossier.occupants[0].birthDate, '1938-02-11')
    assert.equal(dossier.phones[0].number, '+33383000000')
    assert.equal(dossier.calls[0].notes, 'Contente de l’appel, aimerait de la visite')
    assert.deepEqual(dossier.calls[0].answers, [{ question: 'courses', answer: 'Sa fille fait les courses' }])
    assert.deepEqual(dossier.calls[0].needs, ['isolation'])
    assert.equal(dossier.orientations[0].summary, 'Souhaite des visites de convivialité')
    assert.equal(dossier.orientations[0].recipient, 'CCAS de Nancy')
    assert.equal(dossier.orientations[0].steps[0].note, 'Première visite prévue jeudi')
    assert.equal(dossier.objection.note, 'Préfère les courriers')
    assert.equal(dossier.consents[0].given, true)
    assert.deepEqual(dossier.accesses[0], {
      at: '2026-04-01T07:59:00.000Z',
      action: 'household.read',
      role: 'caller',
      organization: 'Habitat Lorrain',
    })
    assert.equal(JSON.stringify(dossier).includes('Test caller'), false, 'staff are named by role, not by name')
    const traces = await db.selectFrom('auditEvent').selectAll().where('action', '=', 'household.dossier').execute()
    assert.equal(traces.length, 1)
    assert.deepEqual(JSON.parse(traces[0].details ?? '{}'), { format: 'json' })
  })

  it('writes the same in a French PDF', async (t) => {
    const { app, loginAs, manager, household } = await setUp(t)
    const rectified = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/rectification`,
      headers: await loginAs(manager),
      payload: { changes: { email: 'odette@example.org', postcode: '54100' } },
    })
    assert.equal(rectified.statusCode, 200, rectified.body)
    const json = await app.inject({ url: `/api/households/${household.id}/dossier`, headers: await loginAs(manager) })
    assert.deepEqual(json.json().household.rectifiedFields, ['email', 'postcode'])
    const response = await app.inject({
      url: `/api/households/${household.id}/dossier?format=pdf`,
      headers: await loginAs(manager),
    })
    assert.equal(response.statusCode, 200)
    assert.equal(response.headers['content-type'], 'application/pdf')
    const text = (await pdfPages(response.rawPayload)).join(' ')
    for (const expected of [
      'dossier du ménage H-0042',
      'Madame',
      'Odette',
      '03 83 00 00 00',
      'Contente de l’appel, aimerait de la visite',
      'Sa fille fait les courses',
      'Souhaite des visites de convivialité',
      'Première visite prévue jeudi',
      'Préfère les courriers',
      'consentement donné le',
      'Consultation de la fiche du ménage — Appelant·e, Habitat Lorrain',
      // What the tenant had rectified says so; what they did not, does not.
      'odette@example.org (rectifié à votre demande)',
      '54100 Nancy (rectifié à votre demande)',
    ]) {
      assert.ok(text.includes(expected), `the PDF says "${expected}"`)
    }
    assert.equal(text.match(/rectifié à votre demande/g)?.length, 2, 'only the email and the address are marked')
  })

  it('answers 404 to the DPO outside an open request of the register, and gives it while one is open', async (t) => {
    const { app, loginAs, dpo, household } = await setUp(t)
    const headers = await loginAs(dpo)
    const before = await app.inject({ url: `/api/households/${household.id}/dossier`, headers })
    assert.equal(before.statusCode, 404)
    const registered = await app.inject({
      method: 'POST',
      url: '/api/data-requests',
      headers,
      payload: { householdRef: 'H-0042', kind: 'access', channel: 'mail' },
    })
    assert.equal(registered.statusCode, 201, registered.body)
    const during = await app.inject({ url: `/api/households/${household.id}/dossier`, headers })
    assert.equal(during.statusCode, 200)
    const closed = await app.inject({
      method: 'POST',
      url: `/api/data-requests/${registered.json().id}/close`,
      headers,
      payload: { outcome: 'answered', response: 'Dossier envoyé par courrier' },
    })
    assert.equal(closed.statusCode, 200)
    const after = await app.inject({ url: `/api/households/${household.id}/dossier`, headers })
    assert.equal(after.statusCode, 404)
  })
})

describe('the register of requests', () => {
  it('dates each request, sets its one-month deadline, shows the overdue ones first and who handled each', async (t) => {
    const { app, loginAs, manager, dpo } = await setUp(t)
    const headers = await loginAs(dpo)
    const late = await app.inject({
      method: 'POST',
      url: '/api/data-requests',
      headers,
      payload: { householdRef: 'H-0042', kind: 'access', receivedOn: '2026-01-31', channel: 'email' },
    })
    assert.equal(late.statusCode, 201)
    assert.equal(late.json().dueOn, '2026-02-28', 'one month, to the last day of a shorter month')
    assert.equal(late.json().overdue, parisToday() > '2026-02-28')
    const today = await app.inject({
      method: 'POST',
      url: '/api/data-requests',
      headers: await loginAs(manager),
      payload: { householdRef: 'H-0042', kind: 'objection' },
    })
    assert.equal(today.json().dueOn, addMonths(parisToday(), 1))
    assert.equal(today.json().overdue, false)
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/data-requests',
      headers,
      payload: { householdRef: 'H-9999', kind: 'access' },
    })
    assert.equal(unknown.statusCode, 404)
    const future = await app.inject({
      method: 'POST',
      url: '/api/data-requests',
      headers,
      payload: { householdRef: 'H-0042', kind: 'access', receivedOn: '2099-01-01' },
    })
    assert.equal(future.statusCode, 400)

    const refusedWithoutReason = await app.inject({
      method: 'POST',
      url: `/api/data-requests/${today.json().id}/close`,
      headers,
      payload: { outcome: 'refused' },
    })
    assert.equal(refusedWithoutReason.statusCode, 400)
    const recorded = await app.inject({
      method: 'POST',
      url: `/api/data-requests/${today.json().id}/close`,
      headers,
      payload: { outcome: 'objection_recorded' },
    })
    assert.equal(recorded.statusCode, 200)
    assert.equal(recorded.json().handledBy.id, dpo.id)
    const again = await app.inject({
      method: 'POST',
      url: `/api/data-requests/${today.json().id}/close`,
      headers,
      payload: { outcome: 'objection_recorded' },
    })
    assert.equal(again.statusCode, 409)

    const list = await app.inject({ url: '/api/data-requests', headers })
    assert.equal(list.json().total, 2)
    assert.deepEqual(
      list.json().items.map((item: { kind: string; status: string }) => `${item.kind}:${item.status}`),
      ['access:open', 'objection:closed'],
    )
    const open = await app.inject({ url: '/api/data-requests?status=open', headers })
    assert.equal(open.json().total, 1)
  })

  it('rectifies the household’s fields with the trace: audit with field names only, register closed as rectified', async (t) => {
    const { app, db, loginAs, manager, dpo, household } = await setUp(t)
    const asDpo = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/rectification`,
      headers: await loginAs(dpo),
      payload: { changes: { firstName: 'Odile' } },
    })
    assert.equal(asDpo.statusCode, 403, 'the DPO changes no tenant data')
    const headers = await loginAs(manager)
    const registered = await app.inject({
      method: 'POST',
      url: '/api/data-requests',
      headers,
      payload: { householdRef: 'H-0042', kind: 'rectification' },
    })
    const response = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/rectification`,
      headers,
      payload: {
        requestId: registered.json().id,
        changes: { firstName: 'Odile', email: 'Odile.Lefevre@example.org', lastName: 'Lefèvre', civility: 'M' },
      },
    })
    assert.equal(response.statusCode, 200, response.body)
    assert.deepEqual(response.json().fields, ['civility', 'email', 'firstName'])
    assert.equal(response.json().request.outcome, 'rectified')
    assert.equal(response.json().request.status, 'closed')
    const row = await db.selectFrom('household').selectAll().where('id', '=', household.id).executeTakeFirstOrThrow()
    assert.equal(row.firstName, 'Odile')
    assert.equal(row.civility, 'M')
    assert.equal(row.email, 'odile.lefevre@example.org')
    const trace = await db
      .selectFrom('auditEvent')
      .selectAll()
      .where('action', '=', 'household.rectify')
      .executeTakeFirstOrThrow()
    assert.deepEqual(JSON.parse(trace.details ?? '{}'), {
      requestId: registered.json().id,
      fields: ['civility', 'email', 'firstName'],
    })
    assert.equal(trace.details?.includes('Odile'), false, 'never the values')
    // The household's history says it, with the fields' names and never their values.
    const timeline = await app.inject({ url: `/api/households/${household.id}/timeline`, headers })
    assert.equal(timeline.statusCode, 200, timeline.body)
    const rectified = timeline.json().items.filter((item: { kind: string }) => item.kind === 'rectification') as {
      fields: string[]
      actor: string
    }[]
    assert.deepEqual(
      rectified.map((item) => item.fields),
      [['civility', 'email', 'firstName']],
    )
    assert.equal(rectified[0]!.actor, 'Test manager')
    assert.equal(timeline.body.includes('Odile'), false, 'the history names the fields, not the values')

    // A civility outside the vocabulary is refused, naming the field; nothing changes.
    const badCivility = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/rectification`,
      headers,
      payload: { changes: { civility: 'Dr' } },
    })
    assert.equal(badCivility.statusCode, 400)
    assert.match(JSON.stringify(badCivility.json().error), /civility/)
    const cleared = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/rectification`,
      headers,
      payload: { changes: { civility: null } },
    })
    assert.deepEqual(cleared.json().fields, ['civility'])
    const unknown = await db
      .selectFrom('household')
      .select('civility')
      .where('id', '=', household.id)
      .executeTakeFirst()
    assert.equal(unknown?.civility, null, 'a civility the person does not want given is removed')

    // Without a request named, one is registered and closed at once.
    const direct = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/rectification`,
      headers,
      payload: { changes: { addressLine2: 'Bâtiment B' } },
    })
    assert.equal(direct.json().request.kind, 'rectification')
    assert.equal(direct.json().request.status, 'closed')
    const closedAgain = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/rectification`,
      headers,
      payload: { requestId: registered.json().id, changes: { addressLine2: 'Bâtiment C' } },
    })
    assert.equal(closedAgain.statusCode, 409)
  })

  it('a rectified postcode or town is spelt as the official list spells it and moves the commune code with them; a town that is not the postcode’s is refused', async (t) => {
    const { app, db, loginAs, manager, household } = await setUp(t)
    const headers = await loginAs(manager)
    const send = (changes: Record<string, string | null>) =>
      app.inject({
        method: 'POST',
        url: `/api/households/${household.id}/rectification`,
        headers,
        payload: { changes },
      })
    const stored = () =>
      db
        .selectFrom('household')
        .select(['postcode', 'city', 'inseeCode'])
        .where('id', '=', household.id)
        .executeTakeFirstOrThrow()
    const rectify = async (changes: Record<string, string | null>) => {
      const response = await send(changes)
      assert.equal(response.statusCode, 200, response.body)
      return { fields: response.json().fields as string[], ...(await stored()) }
    }
    const refused = async (changes: Record<string, string | null>) => {
      const before = await stored()
      const response = await send(changes)
      assert.equal(response.statusCode, 400, response.body)
      assert.deepEqual(await stored(), before, 'nothing changed')
      const [issue] = response.json().error.details
      return [issue.field, issue.value, issue.message]
    }
    assert.equal((await rectify({ firstName: 'Odile' })).inseeCode, '54395', 'a name alone leaves the commune')
    assert.deepEqual(await rectify({ postcode: '54500', city: 'vandoeuvre les nancy' }), {
      fields: ['city', 'postcode'],
      postcode: '54500',
      city: 'Vandœuvre-lès-Nancy',
      inseeCode: '54547',
    })
    // The town alone, back to Nancy with Vandœuvre's postcode; the postcode alone, Nancy's with Vandœuvre kept.
    assert.deepEqual(await refused({ city: 'Nancy' }), [
      'changes.city',
      'Nancy',
      'no commune "Nancy" with postcode 54500',
    ])
    assert.deepEqual(await refused({ postcode: '54000' }), [
      'changes.postcode',
      '54000',
      'no commune "Vandœuvre-lès-Nancy" with postcode 54000',
    ])
    assert.deepEqual(await refused({ postcode: '54 0O0' }), [
      'changes.postcode',
      '54 0O0',
      'not a postcode (5 digits expected)',
    ])
    assert.deepEqual(await rectify({ postcode: '54000', city: 'NANCY' }), {
      fields: ['city', 'postcode'],
      postcode: '54000',
      city: 'Nancy',
      inseeCode: '54395',
    })
    // Typed differently, stored the same: nothing to rectify (422), nothing written.
    const respelt = await send({ city: 'nancy' })
    assert.equal(respelt.statusCode, 422, respelt.body)
    assert.equal(respelt.json().error.details.reason, 'nothing_to_rectify')
    assert.deepEqual(await stored(), { postcode: '54000', city: 'Nancy', inseeCode: '54395' })
    // A postcode the official list does not know: kept as typed, no code, never the old commune's.
    assert.deepEqual(await rectify({ postcode: '99999', city: 'Nulle-Part' }), {
      fields: ['city', 'postcode'],
      postcode: '99999',
      city: 'Nulle-Part',
      inseeCode: null,
    })
    assert.equal((await rectify({ postcode: null })).inseeCode, null)
    const shown = await app.inject({ url: `/api/households/${household.id}`, headers })
    assert.equal(shown.statusCode, 200, shown.body)
    // The household's page learns which fields the landlord's next imports keep.
    assert.deepEqual(shown.json().rectifiedFields, ['firstName', 'postcode', 'city'])
    assert.deepEqual(shown.json().address, {
      line1: '12 rue des Lilas',
      line2: null,
      postcode: null,
      city: 'Nulle-Part',
      inseeCode: null,
    })
  })

  it('a rectification that changes nothing is refused (422 nothing_to_rectify): the request stays open, nothing is written, registered or audited', async (t) => {
    const { app, db, loginAs, manager, household } = await setUp(t)
    await db.updateTable('household').set({ email: 'odette@example.org' }).where('id', '=', household.id).execute()
    const headers = await loginAs(manager)
    const registered = await app.inject({
      method: 'POST',
      url: '/api/data-requests',
      headers,
      payload: { householdRef: 'H-0042', kind: 'rectification' },
    })
    assert.equal(registered.statusCode, 201, registered.body)
    const state = async () => ({
      household: await db.selectFrom('household').selectAll().where('id', '=', household.id).executeTakeFirstOrThrow(),
      members: await db.selectFrom('member').selectAll().where('householdId', '=', household.id).execute(),
      requests: await db.selectFrom('dataRequest').selectAll().orderBy('createdAt').execute(),
      audit: await db.selectFrom('auditEvent').select(['id', 'action', 'details']).orderBy('id').execute(),
    })
    const before = await state()
    // Every field given as stored: padded, an address in capitals, a town and a postcode as typed, not as listed.
    const same = {
      civility: 'Mme',
      lastName: ' Lefèvre ',
      firstName: 'Odette',
      email: 'Odette@Example.org',
      postcode: '54 000',
      city: 'NANCY',
    }
    for (const payload of [{ requestId: registered.json().id, changes: same }, { changes: same }]) {
      const response = await app.inject({
        method: 'POST',
        url: `/api/households/${household.id}/rectification`,
        headers,
        payload,
      })
      assert.equal(response.statusCode, 422, response.body)
      assert.deepEqual(response.json().error, {
        code: 'UNPROCESSABLE',
        message: 'Nothing to rectify: every field given already holds that value',
        details: {
          field: 'changes',
          reason: 'nothing_to_rectify',
          fields: ['civility', 'lastName', 'firstName', 'email', 'postcode', 'city'],
        },
      })
    }
    // No field at all: a body the schema refuses, naming `changes`.
    const empty = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/rectification`,
      headers,
      payload: { requestId: registered.json().id, changes: {} },
    })
    assert.equal(empty.statusCode, 400, empty.body)
    assert.match(JSON.stringify(empty.json().error.details), /changes/)
    assert.deepEqual(await state(), before, 'the request open, no request registered, nothing audited or written')
    const open = await app.inject({ url: '/api/data-requests?status=open', headers })
    assert.deepEqual(
      open.json().items.map((item: { id: string }) => item.id),
      [registered.json().id],
    )
    // The same request is then answered by a rectification that changes something: only that field is named.
    const answered = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/rectification`,
      headers,
      payload: { requestId: registered.json().id, changes: { ...same, firstName: 'Odile' } },
    })
    assert.equal(answered.statusCode, 200, answered.body)
    assert.deepEqual(answered.json().fields, ['firstName'])
    assert.equal(answered.json().request.status, 'closed')
  })

  it('a stored postcode that is not one does not block rectifying the town or the names: only what changes is checked, the postcode is named in the answer', async (t) => {
    const { app, db, loginAs, manager, household } = await setUp(t)
    // As the landlord's file said it: the import keeps an unreadable postcode, with a warning.
    await db.updateTable('household').set({ postcode: '5400O' }).where('id', '=', household.id).execute()
    const headers = await loginAs(manager)
    const send = (changes: Record<string, string | null>) =>
      app.inject({
        method: 'POST',
        url: `/api/households/${household.id}/rectification`,
        headers,
        payload: { changes },
      })
    const stored = () =>
      db
        .selectFrom('household')
        .select(['lastName', 'firstName', 'postcode', 'city', 'inseeCode'])
        .where('id', '=', household.id)
        .executeTakeFirstOrThrow()
    const malformed = [{ field: 'postcode', value: '5400O', message: 'not a postcode (5 digits expected)' }]

    const town = await send({ city: 'Vandœuvre-lès-Nancy' })
    assert.equal(town.statusCode, 200, town.body)
    assert.deepEqual(town.json().fields, ['city'])
    assert.deepEqual(town.json().malformed, malformed)
    // The town as typed, without a commune: the postcode cannot say which; the postcode untouched.
    assert.deepEqual(await stored(), {
      lastName: 'Lefèvre',
      firstName: 'Odette',
      postcode: '5400O',
      city: 'Vandœuvre-lès-Nancy',
      inseeCode: null,
    })
    const names = await send({ lastName: 'Lefébure', firstName: 'Odile' })
    assert.equal(names.statusCode, 200, names.body)
    assert.deepEqual(names.json().fields, ['firstName', 'lastName'])
    assert.deepEqual(names.json().malformed, [], 'the address untouched, unchecked')
    // A client that sends the untouched postcode back with the form: unchanged, so unchecked.
    const emptied = await send({ postcode: '5400O', city: null })
    assert.equal(emptied.statusCode, 200, emptied.body)
    assert.deepEqual(emptied.json().fields, ['city'])
    assert.deepEqual(emptied.json().malformed, malformed)
    // The postcode itself, when it changes, is checked.
    const stillWrong = await send({ postcode: '54 0O0' })
    assert.equal(stillWrong.statusCode, 400, stillWrong.body)
    assert.deepEqual(stillWrong.json().error.details, [
      { field: 'changes.postcode', value: '54 0O0', message: 'not a postcode (5 digits expected)' },
    ])
    const fixed = await send({ postcode: '54500', city: 'Vandœuvre-lès-Nancy' })
    assert.equal(fixed.statusCode, 200, fixed.body)
    assert.deepEqual(fixed.json().malformed, [])
    assert.deepEqual(await stored(), {
      lastName: 'Lefébure',
      firstName: 'Odile',
      postcode: '54500',
      city: 'Vandœuvre-lès-Nancy',
      inseeCode: '54547',
    })
  })

  it('a rectified name is what the household list’s search finds, the old one no longer', async (t) => {
    const { app, loginAs, manager, household } = await setUp(t)
    const headers = await loginAs(manager)
    const search = async (q: string) => {
      const response = await app.inject({ url: `/api/households?${new URLSearchParams({ q })}`, headers })
      assert.equal(response.statusCode, 200, response.body)
      return response.json().items.map((item: { id: string }) => item.id)
    }
    assert.deepEqual(await search('odette lefevre'), [household.id])
    const rectified = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/rectification`,
      headers,
      payload: { changes: { lastName: 'Lefébure', firstName: 'Odile' } },
    })
    assert.equal(rectified.statusCode, 200, rectified.body)
    assert.deepEqual(await search('Lefebure'), [household.id])
    assert.deepEqual(await search('odile lefébure'), [household.id])
    assert.deepEqual(await search('LEFEBURE ODILE'), [household.id])
    assert.deepEqual(await search('Lefèvre'), [])
    assert.deepEqual(await search('Odette'), [])

    // The first name alone rectified: folded with the name already on file.
    await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/rectification`,
      headers,
      payload: { changes: { firstName: 'Odette' } },
    })
    assert.deepEqual(await search('odette lefebure'), [household.id])
    assert.deepEqual(await search('Odile'), [])
    // And removed: the name alone is searched.
    await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/rectification`,
      headers,
      payload: { changes: { firstName: null } },
    })
    assert.deepEqual(await search('lefebure'), [household.id])
    assert.deepEqual(await search('Odette'), [])
  })

  it('a rectification leaves the old values nowhere: the leaseholder’s occupant row, the oldest birth date and the review’s home key follow, in the same transaction', async (t) => {
    const { app, db, loginAs, manager, household } = await setUp(t)
    await db.updateTable('household').set({ birthDate: '1938-02-11' }).where('id', '=', household.id).execute()
    // A younger occupant: the oldest birth date is derived from every occupant, not copied from the leaseholder.
    await db
      .insertInto('member')
      .values({
        id: randomUUID(),
        householdId: household.id,
        organizationId: household.organizationId,
        position: 1,
        isLeaseholder: 0,
        lastName: 'Marchal',
        firstName: 'Marcel',
        birthDate: '1941-07-30',
        role: 'Conjoint',
      })
      .execute()
    // The call is counted in the review under the home key (postcode, address, name) as the file gave it.
    assert.equal(await refreshRollups(db), 1)
    const counted = await db.selectFrom('statsHousehold').selectAll().where('householdId', '=', household.id).execute()
    assert.match(counted[0]?.homeKey ?? '', /lefevre/)
    const figures = async () =>
      (await db.selectFrom('statsRollup').select(['id', 'counts']).orderBy('id').execute()).map(
        (row) => `${row.id}=${row.counts}`,
      )
    const figuresBefore = await figures()
    const OLD = ['lefèvre', 'lefevre', 'odette', '1938-02-11', '12 rue des lilas', '12ruedeslilas']
    const before = await findWords(db, OLD)
    for (const column of ['household.lastName', 'member.firstName', 'member.birthDate', 'stats_household.homeKey']) {
      assert.ok(before.has(column), `the old values are there before (${column})`)
    }

    const headers = await loginAs(manager)
    const rectified = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/rectification`,
      headers,
      payload: {
        changes: {
          lastName: 'Lefébure',
          firstName: 'Odile',
          birthDate: '1939-02-11',
          addressLine1: '14 rue des Lilas',
        },
      },
    })
    assert.equal(rectified.statusCode, 200, rectified.body)

    const after = [...(await findWords(db, OLD))]
    assert.deepEqual(after, [], 'no cell holds a rectified value')
    const members = await db
      .selectFrom('member')
      .select(['lastName', 'firstName', 'birthDate', 'isLeaseholder'])
      .where('householdId', '=', household.id)
      .orderBy('position')
      .execute()
    assert.deepEqual(members, [
      { lastName: 'Lefébure', firstName: 'Odile', birthDate: '1939-02-11', isLeaseholder: 1 },
      { lastName: 'Marchal', firstName: 'Marcel', birthDate: '1941-07-30', isLeaseholder: 0 },
    ])
    const row = await db.selectFrom('household').selectAll().where('id', '=', household.id).executeTakeFirstOrThrow()
    assert.equal(row.oldestBirthDate, '1939-02-11')
    const recounted = await db
      .selectFrom('statsHousehold')
      .selectAll()
      .where('householdId', '=', household.id)
      .execute()
    assert.match(recounted[0]?.homeKey ?? '', /14ruedeslilas\|lefebure/)
    assert.deepEqual(await figures(), figuresBefore, 'the review’s figures do not move: the same home, renamed')

    const dossier = await app.inject({ url: `/api/households/${household.id}/dossier`, headers })
    assert.equal(dossier.statusCode, 200, dossier.body)
    const body = dossier.json()
    assert.equal(body.household.lastName, 'Lefébure')
    assert.equal(body.household.firstName, 'Odile')
    assert.deepEqual(
      body.occupants.map((occupant: { firstName: string; lastName: string; birthDate: string }) =>
        [occupant.lastName, occupant.firstName, occupant.birthDate].join(' '),
      ),
      ['Lefébure Odile 1939-02-11', 'Marchal Marcel 1941-07-30'],
    )
    assert.equal(dossier.body.includes('Odette'), false, 'the dossier shows the old first name nowhere')
    const pdf = await app.inject({ url: `/api/households/${household.id}/dossier?format=pdf`, headers })
    assert.equal(pdf.statusCode, 200)
    const text = (await pdfPages(pdf.rawPayload)).join('\n')
    assert.match(text, /Odile/)
    assert.doesNotMatch(text, /Odette/)

    // A birth date removed: the oldest occupant is the one left with a date.
    await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/rectification`,
      headers,
      payload: { changes: { birthDate: null } },
    })
    const undated = await db
      .selectFrom('household')
      .select('oldestBirthDate')
      .where('id', '=', household.id)
      .executeTakeFirstOrThrow()
    assert.equal(undated.oldestBirthDate, '1941-07-30')

    // A birth date before 1900 or after today is refused, naming the field; nothing changes.
    for (const birthDate of ['1899-12-31', addMonths(parisToday(), 1)]) {
      const refused = await app.inject({
        method: 'POST',
        url: `/api/households/${household.id}/rectification`,
        headers,
        payload: { changes: { birthDate } },
      })
      assert.equal(refused.statusCode, 400, birthDate)
      assert.match(JSON.stringify(refused.json().error), /changes\.birthDate/)
    }
    const kept = await db.selectFrom('member').select('birthDate').where('isLeaseholder', '=', 1).execute()
    assert.deepEqual(kept, [{ birthDate: null }])
  })

  it('a failed rectification changes nothing: the household, its occupant and the review’s key stay together', async (t) => {
    const { app, db, loginAs, manager, household } = await setUp(t)
    await refreshRollups(db)
    const snapshot = async () => ({
      household: await db
        .selectFrom('household')
        .select(['lastName', 'firstName', 'searchName'])
        .where('id', '=', household.id)
        .executeTakeFirstOrThrow(),
      members: await db
        .selectFrom('member')
        .select(['lastName', 'firstName'])
        .where('householdId', '=', household.id)
        .execute(),
      stats: await db.selectFrom('statsHousehold').select('homeKey').where('householdId', '=', household.id).execute(),
    })
    const before = await snapshot()
    // The register's trace cannot be written: the whole rectification is rolled back.
    await db.schema.dropTable('data_request').execute()
    const failed = await app.inject({
      method: 'POST',
      url: `/api/households/${household.id}/rectification`,
      headers: await loginAs(manager),
      payload: { changes: { lastName: 'Lefébure', firstName: 'Odile' } },
    })
    assert.equal(failed.statusCode, 500)
    assert.deepEqual(await snapshot(), before)
  })
})
