import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeCampaign, makeHousehold, makeOrganization, makeTarget, makeUser } from '../../../../test/factories.js'
import type { Db } from '../../db/database.js'
import { seedStatsFixture } from '../stats/stats.fixture.js'
import { refreshRollups } from '../stats/stats.refresh.js'
import { eraseHousehold, findWhyKept, withoutTextAnswers } from './retention.service.js'

const QUESTIONNAIRE = {
  sections: [
    {
      id: 'main',
      title: 'Nouvelles',
      questions: [
        { id: 'alone', type: 'yes_no', label: 'Seul·e ?', required: true },
        {
          id: 'mood',
          type: 'single_choice',
          label: 'Moral',
          required: false,
          options: [{ code: 'good', label: 'Bon' }],
        },
        { id: 'remark', type: 'short_text', label: 'Remarque', required: false },
      ],
    },
    { id: 'loneliness', instrument: 'ucla3' },
  ],
}

async function seedHousehold(db: Db) {
  const organization = await makeOrganization(db)
  const manager = await makeUser(db, 'manager', { organizationId: organization.id })
  const campaign = await makeCampaign(db, {
    organizationId: organization.id,
    createdBy: manager.id,
    questionnaire: QUESTIONNAIRE,
  })
  const target = await makeTarget(db, campaign, {
    household: {
      lastName: 'Lefèvre',
      firstName: 'Odette',
      birthDate: '1938-03-14',
      oldestBirthDate: '1936-07-01',
      email: 'odette@example.org',
      addressLine1: '4 allée des Tilleuls',
      addressLine2: 'Bâtiment C',
      postcode: '54000',
      city: 'Nancy',
      inseeCode: '54395',
      objectionNote: 'a dit au téléphone qu’elle ne voulait plus',
      fragilityLevel: 'fragile',
      floor: 3,
    },
    phones: ['+33612345678', '+33383000000'],
  })
  const householdId = target.householdId
  await db
    .insertInto('member')
    .values({
      id: randomUUID(),
      householdId,
      organizationId: organization.id,
      position: 0,
      isLeaseholder: 1,
      lastName: 'Lefèvre',
      firstName: 'Odette',
      birthDate: '1938-03-14',
      role: 'leaseholder',
    })
    .execute()
  const callId = randomUUID()
  await db
    .insertInto('call')
    .values({
      id: callId,
      campaignId: campaign.id,
      targetId: target.id,
      householdId,
      organizationId: organization.id,
      callerId: manager.id,
      attempt: 1,
      disposition: 'completed',
      phoneE164: '+33612345678',
      questionnaireVersionId: campaign.questionnaireVersionId,
      answers: JSON.stringify({
        alone: true,
        mood: 'good',
        remark: 'Sa fille passe le jeudi',
        instruments: { ucla3: { q1: 2 } },
      }),
      scores: JSON.stringify({ ucla3: { score: 6, category: 'lonely', complete: true } }),
      needs: JSON.stringify(['isolation']),
      fragilityLevel: 'fragile',
      notes: 'Madame vit seule depuis le décès de son mari',
      callbackAt: null,
      durationSeconds: 420,
      idempotencyKey: randomUUID(),
      createdAt: '2024-01-10T10:00:00.000Z',
    })
    .execute()
  const referralId = randomUUID()
  await db
    .insertInto('referral')
    .values({
      id: referralId,
      householdId,
      callId,
      senderOrganizationId: organization.id,
      senderUserId: manager.id,
      recipientOrganizationId: organization.id,
      recipientTeam: 'Service social',
      assigneeId: null,
      category: 'isolation',
      urgency: 'routine',
      status: 'done',
      summary: 'Isolement depuis le décès du mari',
      consentGiven: 1,
      consentRecordedAt: '2024-01-10T10:10:00.000Z',
      overrideReason: null,
      outcome: 'Visite faite, portage de repas mis en place',
      dueAcceptBy: '2024-01-17T10:00:00.000Z',
      dueResolveBy: '2024-02-10T10:00:00.000Z',
      acceptedAt: '2024-01-11T10:00:00.000Z',
      closedAt: '2024-01-20T10:00:00.000Z',
      overdueNotifiedAt: null,
      createdAt: '2024-01-10T10:10:00.000Z',
      updatedAt: '2024-01-20T10:00:00.000Z',
    })
    .execute()
  await db
    .insertInto('referralEvent')
    .values({
      id: randomUUID(),
      referralId,
      actorUserId: manager.id,
      actorOrganizationId: organization.id,
      kind: 'note',
      fromStatus: null,
      toStatus: null,
      note: 'Appelé sa fille',
      createdAt: '2024-01-12T10:00:00.000Z',
    })
    .execute()
  return { organization, manager, campaign, target, householdId, callId, referralId }
}

describe('retention: erasure in place', () => {
  it('blanks identity and free texts, keeps what is coded, and is idempotent', async (t) => {
    const { db } = await buildTestApp(t)
    const seeded = await seedHousehold(db)
    const before = await db
      .selectFrom('household')
      .selectAll()
      .where('id', '=', seeded.householdId)
      .executeTakeFirstOrThrow()
    const result = await eraseHousehold(db, seeded.householdId, 'retention_contact')
    assert.equal(result.status, 'erased')

    const household = await db
      .selectFrom('household')
      .selectAll()
      .where('id', '=', seeded.householdId)
      .executeTakeFirstOrThrow()
    assert.equal(household.externalRef, `erased:${seeded.householdId}`)
    assert.equal(household.lastName, '')
    for (const field of [
      'firstName',
      'birthDate',
      'oldestBirthDate',
      'email',
      'addressLine1',
      'addressLine2',
      'postcode',
      'objectionNote',
      'searchName',
    ] as const) {
      assert.equal(household[field], null, field)
    }
    assert.equal(household.birthYear, 1938)
    assert.ok(household.erasedAt)
    // Coded facts and the commune stay.
    assert.equal(household.city, 'Nancy')
    assert.equal(household.inseeCode, '54395')
    assert.equal(household.fragilityLevel, 'fragile')
    assert.equal(household.floor, 3)
    assert.equal(household.agencyId, before.agencyId)
    assert.equal(household.keptHomeKey, '54000|4alleedestilleuls|lefevre')

    const member = await db
      .selectFrom('member')
      .selectAll()
      .where('householdId', '=', seeded.householdId)
      .executeTakeFirstOrThrow()
    assert.deepEqual([member.lastName, member.firstName, member.birthDate, member.birthYear], ['', null, null, 1938])
    assert.equal(member.role, 'leaseholder')
    const phones = await db.selectFrom('phone').selectAll().where('householdId', '=', seeded.householdId).execute()
    assert.equal(phones.length, 0)

    const call = await db.selectFrom('call').selectAll().where('id', '=', seeded.callId).executeTakeFirstOrThrow()
    assert.equal(call.notes, null)
    assert.equal(call.phoneE164, null)
    assert.deepEqual(JSON.parse(call.answers!), { alone: true, mood: 'good', instruments: { ucla3: { q1: 2 } } })
    assert.equal(call.disposition, 'completed')
    assert.equal(call.scores, JSON.stringify({ ucla3: { score: 6, category: 'lonely', complete: true } }))
    assert.equal(call.needs, JSON.stringify(['isolation']))
    assert.equal(call.fragilityLevel, 'fragile')
    assert.equal(call.durationSeconds, 420)
    assert.equal(call.createdAt, '2024-01-10T10:00:00.000Z')

    const referral = await db
      .selectFrom('referral')
      .selectAll()
      .where('id', '=', seeded.referralId)
      .executeTakeFirstOrThrow()
    assert.equal(referral.summary, '')
    assert.equal(referral.outcome, null)
    assert.deepEqual(
      [referral.category, referral.status, referral.recipientTeam, referral.closedAt],
      ['isolation', 'done', 'Service social', '2024-01-20T10:00:00.000Z'],
    )
    const events = await db
      .selectFrom('referralEvent')
      .selectAll()
      .where('referralId', '=', seeded.referralId)
      .execute()
    assert.ok(events.every((event) => event.note === null))

    const audit = await db
      .selectFrom('auditEvent')
      .selectAll()
      .where('action', '=', 'household.erased')
      .where('entityId', '=', seeded.householdId)
      .execute()
    assert.equal(audit.length, 1)
    assert.deepEqual(JSON.parse(audit[0]!.details!), { reason: 'retention_contact' })

    const again = await eraseHousehold(db, seeded.householdId, 'retention_contact')
    assert.deepEqual(again, { status: 'already_erased', erasedAt: household.erasedAt })
    assert.deepEqual(await eraseHousehold(db, randomUUID(), 'request'), { status: 'not_found' })
  })

  it('keeps a household with an active orientation or a planned follow-up, with the reason, and changes nothing', async (t) => {
    const { db } = await buildTestApp(t)
    const seeded = await seedHousehold(db)
    await db.updateTable('referral').set({ status: 'in_progress', closedAt: null }).execute()
    const kept = await eraseHousehold(db, seeded.householdId, 'request')
    assert.equal(kept.status, 'kept')
    assert.deepEqual(kept.status === 'kept' && kept.keptBecause.map((reason) => reason.reason), ['active_referral'])
    const whole = await db
      .selectFrom('household')
      .selectAll()
      .where('id', '=', seeded.householdId)
      .executeTakeFirstOrThrow()
    assert.equal(whole.lastName, 'Lefèvre')
    assert.equal(whole.erasedAt, null)

    await db.updateTable('referral').set({ status: 'done', closedAt: '2024-01-20T10:00:00.000Z' }).execute()
    assert.deepEqual(await findWhyKept(db, seeded.householdId), [])
    // A watch running until a later day: a follow-up is planned.
    await db
      .updateTable('campaignTarget')
      .set({ status: 'scheduled', followUpIntervalDays: 7, followUpUntil: '2999-01-01' })
      .where('id', '=', seeded.target.id)
      .execute()
    const reasons = await findWhyKept(db, seeded.householdId)
    assert.equal(reasons.length, 1)
    assert.equal(reasons[0]!.reason, 'follow_up')
    assert.equal(reasons[0]!.reason === 'follow_up' && reasons[0]!.campaignId, seeded.campaign.id)
    // Its campaign closed, the follow-up will not happen: nothing keeps the household.
    await db.updateTable('campaign').set({ status: 'closed' }).where('id', '=', seeded.campaign.id).execute()
    assert.deepEqual(await findWhyKept(db, seeded.householdId), [])
  })

  it('drops text answers by the questionnaire, and every text answer without one', () => {
    const definition = JSON.stringify(QUESTIONNAIRE)
    assert.equal(
      withoutTextAnswers(JSON.stringify({ alone: false, remark: 'x' }), definition),
      JSON.stringify({ alone: false }),
    )
    const unchanged = JSON.stringify({ alone: false, mood: 'good' })
    assert.equal(withoutTextAnswers(unchanged, definition), unchanged)
    assert.equal(
      withoutTextAnswers(JSON.stringify({ alone: false, mood: 'good', instruments: { ucla3: {} } }), null),
      JSON.stringify({ alone: false, instruments: { ucla3: {} } }),
    )
    assert.equal(withoutTextAnswers('not json', null), null)
  })
})

describe('retention: every review figure of every period is unchanged by erasure', () => {
  it('compares whole reviews before and after erasing every household nothing keeps', async (t) => {
    const context = await buildTestApp(t)
    const fixture = await seedStatsFixture(context.db)
    const sessions = new Map<string, { cookie: string }>()
    const as = async (who: keyof typeof fixture.users) => {
      if (!sessions.has(who)) sessions.set(who, await context.loginAs(fixture.users[who]))
      return sessions.get(who)!
    }
    const questions: Array<[keyof typeof fixture.users, Record<string, string>]> = []
    const periods = [
      { from: '2026-10-24', to: '2026-10-26' },
      { from: '2026-10-01', to: '2026-10-31' },
      { from: '2026-01-01', to: '2026-12-31' },
    ]
    for (const period of periods) {
      questions.push(['adminA', { scope: 'network', ...period }])
      questions.push(['viewerA', { scope: 'network', ...period }])
      questions.push(['managerA', { scope: `organization:${fixture.a.code}`, ...period }])
      questions.push(['managerA', { scope: `organization:${fixture.a.code}`, agency: 'nord', ...period }])
      questions.push(['managerA', { scope: `organization:${fixture.a.code}`, agency: 'sud', ...period }])
      questions.push(['managerB', { scope: `organization:${fixture.b.code}`, ...period }])
      questions.push(['managerA', { scope: `campaign:${fixture.campaigns.cA1.id}`, ...period }])
    }
    const reviews = async () => {
      const answers = []
      for (const [who, query] of questions) {
        const response = await context.app.inject({
          method: 'GET',
          url: `/api/stats/review?${new URLSearchParams(query)}`,
          headers: await as(who),
        })
        assert.equal(response.statusCode, 200, response.body)
        const { generatedAt: _generatedAt, ...review } = response.json()
        answers.push(review)
      }
      return answers
    }
    const before = await reviews()
    const erased = []
    for (const household of Object.values(fixture.households)) {
      const result = await eraseHousehold(context.db, household.id, 'retention_contact')
      if (result.status === 'erased') erased.push(household.id)
    }
    // The shared home of A is among them: its key is what counts it once on the network.
    assert.ok(erased.includes(fixture.households.hShared.id))
    assert.ok(erased.length >= 5, `erased ${erased.length}`)
    assert.deepEqual(await reviews(), before)
    // The rollups' worker recounts the households whose home or agency moved: none did.
    await refreshRollups(context.db, { movedSince: '' })
    assert.deepEqual(await reviews(), before)
  })
})

describe('retention: an erased household can no longer be called', () => {
  it('is left out of claims', async (t) => {
    const { db, app, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const caller = await makeUser(db, 'caller', { organizationId: organization.id })
    const campaign = await makeCampaign(db, { organizationId: organization.id })
    const target = await makeTarget(db, campaign)
    await makeHousehold(db, { organizationId: organization.id })
    assert.equal((await eraseHousehold(db, target.householdId, 'retention_contact')).status, 'erased')
    const response = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaign.id}/claim`,
      headers: await loginAs(caller),
    })
    assert.ok([200, 204].includes(response.statusCode), response.body)
    const held = await db
      .selectFrom('campaignTarget')
      .select('status')
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow()
    assert.equal(held.status, 'pending')
  })
})
