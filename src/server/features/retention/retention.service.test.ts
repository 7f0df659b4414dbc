import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { buildTestApp } from '../../../../test/app.js'
import {
  makeCall,
  makeCampaign,
  makeHousehold,
  makeOrganization,
  makeTarget,
  makeUser,
} from '../../../../test/factories.js'
import type { Db } from '../../db/database.js'
import { seedStatsFixture } from '../stats/stats.fixture.js'
import { listSharedHomeHouseholds } from '../stats/stats.queries.js'
import { refreshRollups } from '../stats/stats.refresh.js'
import { eraseHousehold, findWhyKept, runPurge, withoutTextAnswers } from './retention.service.js'

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
  const { id: callId } = await makeCall(db, target, manager.id, {
    disposition: 'completed',
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
    durationSeconds: 420,
    createdAt: '2024-01-10T10:00:00.000Z',
  })
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
    // The home key named the tenant (postcode, address, name): nobody else lives there, it is forgotten for a token.
    assert.match(household.keptHomeKey ?? '', /^erased:[0-9a-f-]{36}$/)
    for (const word of ['54000', 'tilleuls', 'lefevre']) assert.ok(!household.keptHomeKey!.includes(word), word)
    const { dedupeKey } = await db
      .selectFrom('household')
      .select(sql<string>`dedupe_key`.as('dedupeKey'))
      .where('id', '=', seeded.householdId)
      .executeTakeFirstOrThrow()
    assert.equal(dedupeKey, household.keptHomeKey)

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

/** Every review the fixture's users can ask for, over three periods: what erasure must leave unchanged. */
function reviewsOf(
  context: Awaited<ReturnType<typeof buildTestApp>>,
  fixture: Awaited<ReturnType<typeof seedStatsFixture>>,
) {
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
  return reviews
}

describe('retention: every review figure of every period is unchanged by erasure', () => {
  it('compares whole reviews before and after erasing every household nothing keeps', async (t) => {
    const context = await buildTestApp(t)
    const fixture = await seedStatsFixture(context.db)
    const reviews = reviewsOf(context, fixture)
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

  it('forgets a shared home key when its last household is erased, one token for all, the review unchanged', async (t) => {
    const context = await buildTestApp(t)
    const { db } = context
    const fixture = await seedStatsFixture(db)
    const reviews = reviewsOf(context, fixture)
    const { hShared, hSharedB } = fixture.households
    const before = await reviews()
    const clearKey = (await homeKeysOf(db, [hShared.id, hSharedB.id])).get(hShared.id)!.dedupeKey
    assert.equal(clearKey, '54000|3ruedeleglise|dupre')

    assert.equal((await eraseHousehold(db, hShared.id, 'request')).status, 'erased')
    // B (another organisation) still lives there: the key stays, the home is still one on the network.
    const whileShared = await homeKeysOf(db, [hShared.id, hSharedB.id])
    assert.deepEqual(whileShared.get(hShared.id), {
      keptHomeKey: clearKey,
      dedupeKey: clearKey,
      countedUnder: clearKey,
    })
    assert.deepEqual(whileShared.get(hSharedB.id), { keptHomeKey: null, dedupeKey: clearKey, countedUnder: clearKey })
    const shared = await listSharedHomeHouseholds(db, [fixture.a.id, fixture.b.id])
    assert.deepEqual(
      shared
        .filter((row) => row.homeKey === clearKey)
        .map((row) => row.id)
        .sort(),
      [hShared.id, hSharedB.id].sort(),
    )
    assert.deepEqual(await reviews(), before)

    // B's orientation is closed: nothing keeps it any more.
    await db
      .updateTable('referral')
      .set({ status: 'done', closedAt: '2026-10-27T09:00:00.000Z' })
      .where('householdId', '=', hSharedB.id)
      .execute()
    const beforeLast = await reviews()
    assert.equal((await eraseHousehold(db, hSharedB.id, 'request')).status, 'erased')
    const forgotten = await homeKeysOf(db, [hShared.id, hSharedB.id])
    const token = forgotten.get(hShared.id)!.keptHomeKey!
    assert.match(token, /^erased:[0-9a-f-]{36}$/)
    for (const id of [hShared.id, hSharedB.id]) {
      assert.deepEqual(forgotten.get(id), { keptHomeKey: token, dedupeKey: token, countedUnder: token })
    }
    const left = await db.selectFrom('household').select('id').where(sql<string>`dedupe_key`, '=', clearKey).execute()
    assert.deepEqual(left, [])
    assert.deepEqual(
      await db.selectFrom('statsHousehold').select('householdId').where('homeKey', '=', clearKey).execute(),
      [],
    )
    assert.deepEqual(await reviews(), beforeLast)
    await refreshRollups(db, { movedSince: '' })
    assert.deepEqual(await reviews(), beforeLast)
  })

  it('a key kept for a household still living there is forgotten by the next purge once that household has moved', async (t) => {
    const context = await buildTestApp(t)
    const { db } = context
    const fixture = await seedStatsFixture(db)
    const reviews = reviewsOf(context, fixture)
    const { hShared, hSharedB } = fixture.households
    await reviews()
    assert.equal((await eraseHousehold(db, hShared.id, 'request')).status, 'erased')
    const clearKey = (await homeKeysOf(db, [hShared.id])).get(hShared.id)!.keptHomeKey
    assert.equal(clearKey, '54000|3ruedeleglise|dupre')
    const purge = {
      defaults: { contactMonths: 600, leftMonths: 600, auditMonths: 600, requestsMonths: 600 },
      trigger: 'cli',
    } as const
    // B still there: the purge keeps the key.
    await runPurge(db, purge)
    assert.equal((await homeKeysOf(db, [hShared.id])).get(hShared.id)!.keptHomeKey, clearKey)

    // An import moves B; the review has not recounted it yet (its calls are still counted under the old key).
    await db.updateTable('household').set({ addressLine1: '12 avenue Foch' }).where('id', '=', hSharedB.id).execute()
    const before = await reviews()
    const outcome = await runPurge(db, purge)
    assert.equal(outcome.status, 'done')
    const after = await homeKeysOf(db, [hShared.id, hSharedB.id])
    const token = after.get(hShared.id)!.keptHomeKey!
    assert.match(token, /^erased:/)
    assert.equal(after.get(hShared.id)!.countedUnder, token)
    assert.equal(after.get(hSharedB.id)!.countedUnder, token)
    assert.equal(after.get(hSharedB.id)!.dedupeKey, '54000|12avenuefoch|dupre')
    assert.deepEqual(await reviews(), before)
    const trace = await db
      .selectFrom('auditEvent')
      .select('details')
      .where('action', '=', 'retention.purge')
      .orderBy('at', 'desc')
      .execute()
    assert.deepEqual(
      trace.map((row) => JSON.parse(row.details!).homeKeysForgotten),
      [1, 0],
    )
  })
})

/** Each household's kept key, its dedupe key, and the key the rollups counted its calls under. */
async function homeKeysOf(db: Db, ids: string[]) {
  const rows = await db
    .selectFrom('household')
    .leftJoin('statsHousehold', 'statsHousehold.householdId', 'household.id')
    .select([
      'household.id',
      'household.keptHomeKey',
      sql<string>`household.dedupe_key`.as('dedupeKey'),
      'statsHousehold.homeKey as countedUnder',
    ])
    .where('household.id', 'in', ids)
    .execute()
  return new Map(
    rows.map((row) => [
      row.id,
      { keptHomeKey: row.keptHomeKey ?? null, dedupeKey: row.dedupeKey, countedUnder: row.countedUnder },
    ]),
  )
}

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
