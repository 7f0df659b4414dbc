import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { assertMatchesSchema } from '../../../../test/contract.js'
import {
  makeCampaign,
  makeHousehold,
  makeOrganization,
  makePhone,
  makeTarget,
  makeUser,
} from '../../../../test/factories.js'
import { ReferralDetailSchema, ReferralSummarySchema } from '../../../shared/contracts/referrals.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const context = await buildTestApp(t)
  const { db, loginAs } = context
  const landlord = await makeOrganization(context.db)
  const ccas = await makeOrganization(db, { type: 'partner', code: `CCAS-${Math.random().toString(36).slice(2, 8)}` })
  const household = await makeHousehold(db, { organizationId: landlord.id, lastName: 'Durand', firstName: 'Odette' })
  await makePhone(db, household, '+33383112233')
  const caller = await makeUser(db, 'caller', { organizationId: landlord.id })
  // A caller refers only a household they are calling: this one is held by them, as after a claim.
  const campaign = await makeCampaign(db, { organizationId: landlord.id, status: 'active' })
  await makeTarget(db, campaign, { householdId: household.id, heldBy: caller.id })
  const socialWorker = await makeUser(db, 'social_worker', { organizationId: landlord.id })
  const partner = await makeUser(db, 'partner', { organizationId: ccas.id })
  const partnerManager = await makeUser(db, 'manager', { organizationId: ccas.id })
  return {
    ...context,
    landlord,
    ccas,
    household,
    caller,
    partnerUser: partner,
    headers: {
      caller: await loginAs(caller),
      socialWorker: await loginAs(socialWorker),
      partner: await loginAs(partner),
      partnerManager: await loginAs(partnerManager),
    },
  }
}

const toPartner = (householdId: string, code: string, consent = true) => ({
  householdId,
  category: 'food',
  urgency: 'within_7_days',
  recipient: { organization: code },
  summary: 'Ne peut plus faire ses courses depuis sa chute ; souhaite une aide alimentaire.',
  consent: { given: consent },
})

describe('referrals', () => {
  it('takes a referral to a partner from sent to done, with due dates, notifications queued and every step logged', async (t) => {
    const { app, db, household, ccas, headers } = await setup(t)
    const created = await app.inject({
      method: 'POST',
      url: '/api/referrals',
      headers: headers.caller,
      payload: toPartner(household.id, ccas.code),
    })
    assert.equal(created.statusCode, 201)
    const referral = created.json().referral
    assertMatchesSchema(ReferralSummarySchema, referral)
    assert.equal(referral.status, 'sent')
    const acceptHours = (Date.parse(referral.dueAcceptBy) - Date.parse(referral.createdAt)) / 3600_000
    assert.equal(Math.round(acceptHours), 72)
    const mails = await db.selectFrom('outboxEmail').selectAll().execute()
    assert.equal(mails.length, 2, 'the partner and its manager are told')
    assert.ok(
      mails.every((mail) => !mail.body.includes('Durand') && !mail.body.includes('courses')),
      'no detail in mail',
    )
    assert.ok(mails.every((mail) => mail.body.includes(`/referrals/${referral.id}`)))

    const inbox = await app.inject({ url: '/api/referrals?box=inbox', headers: headers.partner })
    assert.deepEqual(
      inbox.json().items.map((r: { id: string }) => r.id),
      [referral.id],
    )
    const step = (to: string, extra: object = {}, as = headers.partner) =>
      app.inject({
        method: 'POST',
        url: `/api/referrals/${referral.id}/transition`,
        headers: as,
        payload: { to, ...extra },
      })
    assert.equal((await step('accepted')).statusCode, 200)
    assert.equal((await step('in_progress')).statusCode, 200)
    const noOutcome = await step('done')
    assert.equal(noOutcome.statusCode, 400)
    assert.equal(noOutcome.json().error.details.field, 'outcome')
    const done = await step('done', {
      outcome: 'Colis alimentaire hebdomadaire mis en place avec l’épicerie solidaire.',
    })
    assert.equal(done.statusCode, 200)
    assert.equal(done.json().referral.status, 'done')

    const asSender = await app.inject({ url: `/api/referrals/${referral.id}`, headers: headers.socialWorker })
    assert.equal(asSender.json().referral.status, 'done', 'the sender organisation sees it resolved')
    assertMatchesSchema(ReferralDetailSchema, asSender.json().referral)
    assert.deepEqual(
      asSender.json().referral.events.map((e: { toStatus: string | null }) => e.toStatus),
      ['sent', 'accepted', 'in_progress', 'done'],
    )
    // The inbox read is logged too (referral.list, tested with the inbox filters).
    const audit = await db
      .selectFrom('auditEvent')
      .select('action')
      .where('entityType', '=', 'referral')
      .where('action', '!=', 'referral.list')
      .execute()
    assert.deepEqual(
      audit.map((a) => a.action),
      ['referral.create', 'referral.accepted', 'referral.in_progress', 'referral.done', 'referral.read'],
    )
  })

  it('refuses every transition that is not in the lifecycle with 409, and a rejection without reason with 400', async (t) => {
    const { app, household, ccas, headers } = await setup(t)
    const create = () =>
      app.inject({
        method: 'POST',
        url: '/api/referrals',
        headers: headers.caller,
        payload: toPartner(household.id, ccas.code),
      })
    const first = (await create()).json().referral
    const move = (id: string, to: string, as: Record<string, string>, extra: object = {}) =>
      app.inject({ method: 'POST', url: `/api/referrals/${id}/transition`, headers: as, payload: { to, ...extra } })
    assert.equal((await move(first.id, 'in_progress', headers.partner)).statusCode, 409, 'sent → in_progress')
    assert.equal((await move(first.id, 'done', headers.partner, { outcome: 'x' })).statusCode, 409, 'sent → done')
    assert.equal((await move(first.id, 'accepted', headers.caller)).statusCode, 409, 'the sender cannot accept')
    assert.equal((await move(first.id, 'revoked', headers.partner)).statusCode, 409, 'the recipient cannot revoke')
    const noReason = await move(first.id, 'rejected', headers.partner)
    assert.equal(noReason.statusCode, 400)
    assert.equal(
      (await move(first.id, 'rejected', headers.partner, { reason: 'Hors de notre secteur' })).statusCode,
      200,
    )
    assert.equal((await move(first.id, 'accepted', headers.partner)).statusCode, 409, 'rejected is final')
    assert.equal(
      (await move(first.id, 'revoked', headers.caller)).statusCode,
      409,
      'a rejected referral cannot be revoked',
    )

    const second = (await create()).json().referral
    assert.equal((await move(second.id, 'accepted', headers.partner)).statusCode, 200)
    assert.equal((await move(second.id, 'revoked', headers.caller)).statusCode, 200, 'accepted → revoked by the sender')
    assert.equal((await move(second.id, 'in_progress', headers.partner)).statusCode, 409)
  })

  it('requires consent for an external partner, and lets a permitted user override it in an emergency with a logged reason', async (t) => {
    const { app, db, household, ccas, headers } = await setup(t)
    const withoutConsent = await app.inject({
      method: 'POST',
      url: '/api/referrals',
      headers: headers.caller,
      payload: toPartner(household.id, ccas.code, false),
    })
    assert.equal(withoutConsent.statusCode, 422)
    assert.equal(withoutConsent.json().error.code, 'CONSENT_REQUIRED')
    const callerOverride = await app.inject({
      method: 'POST',
      url: '/api/referrals',
      headers: headers.caller,
      payload: { ...toPartner(household.id, ccas.code, false), urgency: 'immediate', overrideReason: 'Danger' },
    })
    assert.equal(callerOverride.statusCode, 422, 'a caller has no override permission')
    const routine = await app.inject({
      method: 'POST',
      url: '/api/referrals',
      headers: headers.socialWorker,
      payload: { ...toPartner(household.id, ccas.code, false), overrideReason: 'Pas joignable' },
    })
    assert.equal(routine.statusCode, 422, 'no override outside an emergency')
    const emergency = await app.inject({
      method: 'POST',
      url: '/api/referrals',
      headers: headers.socialWorker,
      payload: {
        ...toPartner(household.id, ccas.code, false),
        urgency: 'immediate',
        overrideReason: 'Personne seule sans chauffage, hypothermie possible',
      },
    })
    assert.equal(emergency.statusCode, 201)
    const logged = await db
      .selectFrom('auditEvent')
      .selectAll()
      .where('action', '=', 'referral.create_without_consent')
      .execute()
    assert.equal(logged.length, 1)
    const internal = await app.inject({
      method: 'POST',
      url: '/api/referrals',
      headers: headers.caller,
      payload: { ...toPartner(household.id, ccas.code, false), recipient: { team: 'Service social' } },
    })
    assert.equal(internal.statusCode, 201, 'an internal team needs no consent')
    assert.equal((await db.selectFrom('referral').selectAll().execute()).length, 2, 'refused referrals saved nothing')
  })

  it('shows a partner the household’s essentials only while the referral is active, then only their own notes', async (t) => {
    const { app, household, ccas, headers } = await setup(t)
    const before = await app.inject({ url: `/api/households/${household.id}`, headers: headers.partner })
    assert.equal(before.statusCode, 404, 'no referral yet: the household does not exist for the partner')
    const referral = (
      await app.inject({
        method: 'POST',
        url: '/api/referrals',
        headers: headers.caller,
        payload: toPartner(household.id, ccas.code),
      })
    ).json().referral
    const during = await app.inject({ url: `/api/households/${household.id}`, headers: headers.partner })
    assert.equal(during.statusCode, 200)
    assert.equal(during.json().lastName, 'Durand')
    assert.equal(during.json().flags.arrears, null, 'no financial or social detail')
    assert.equal(during.json().age, null)
    const detail = await app.inject({ url: `/api/referrals/${referral.id}`, headers: headers.partner })
    assert.deepEqual(detail.json().referral.household.phones, ['+33383112233'])
    assert.match(detail.json().referral.summary, /courses/)

    await app.inject({
      method: 'POST',
      url: `/api/referrals/${referral.id}/transition`,
      headers: headers.partner,
      payload: { to: 'accepted' },
    })
    await app.inject({
      method: 'POST',
      url: `/api/referrals/${referral.id}/notes`,
      headers: headers.partner,
      payload: { note: 'Appelée, visite prévue jeudi.' },
    })
    await app.inject({
      method: 'POST',
      url: `/api/referrals/${referral.id}/notes`,
      headers: headers.socialWorker,
      payload: { note: 'Note interne du bailleur.' },
    })
    await app.inject({
      method: 'POST',
      url: `/api/referrals/${referral.id}/transition`,
      headers: headers.caller,
      payload: { to: 'revoked' },
    })

    const after = await app.inject({ url: `/api/households/${household.id}`, headers: headers.partner })
    assert.equal(after.statusCode, 404)
    const closed = await app.inject({ url: `/api/referrals/${referral.id}`, headers: headers.partner })
    assert.equal(closed.statusCode, 200)
    const view = closed.json().referral
    assertMatchesSchema(ReferralDetailSchema, view)
    assert.equal(view.household, null)
    assert.equal(view.summary, null)
    assert.deepEqual(
      view.events.map((e: { note: string | null }) => e.note),
      [null, 'Appelée, visite prévue jeudi.'],
      'only the partner’s own steps and notes remain',
    )
  })

  it('keeps other organisations out: another partner sees nothing, a stranger cannot refer a household', async (t) => {
    const { app, db, household, ccas, headers, loginAs } = await setup(t)
    const referral = (
      await app.inject({
        method: 'POST',
        url: '/api/referrals',
        headers: headers.caller,
        payload: toPartner(household.id, ccas.code),
      })
    ).json().referral
    const otherPartner = await loginAs(
      await makeUser(db, 'partner', { organizationId: (await makeOrganization(db, { type: 'partner' })).id }),
    )
    assert.equal((await app.inject({ url: `/api/referrals/${referral.id}`, headers: otherPartner })).statusCode, 404)
    assert.equal((await app.inject({ url: '/api/referrals', headers: otherPartner })).json().items.length, 0)
    const stranger = await loginAs(await makeUser(db, 'caller'))
    const refused = await app.inject({
      method: 'POST',
      url: '/api/referrals',
      headers: stranger,
      payload: toPartner(household.id, ccas.code),
    })
    assert.equal(refused.statusCode, 404)
  })
})

describe('a caller refers only a household they are calling', () => {
  it('answers 404 for a household of their organisation they do not hold, as if it did not exist', async (t) => {
    const { app, db, landlord, ccas, loginAs } = await setup(t)
    const neighbour = await makeHousehold(db, { organizationId: landlord.id })
    const lentCaller = await makeUser(db, 'caller', { organizationId: landlord.id })
    const headers = await loginAs(lentCaller)
    const refused = await app.inject({
      method: 'POST',
      url: '/api/referrals',
      headers,
      payload: toPartner(neighbour.id, ccas.code),
    })
    assert.equal(refused.statusCode, 404)
    assert.equal(await db.selectFrom('referral').select('id').executeTakeFirst(), undefined, 'nothing was written')

    // Once they hold its call, the same referral goes.
    const campaign = await makeCampaign(db, { organizationId: landlord.id, status: 'active' })
    await makeTarget(db, campaign, { householdId: neighbour.id, heldBy: lentCaller.id })
    const sent = await app.inject({
      method: 'POST',
      url: '/api/referrals',
      headers,
      payload: toPartner(neighbour.id, ccas.code),
    })
    assert.equal(sent.statusCode, 201)
  })
})

describe('lists of referrals', () => {
  it('fill each box with what the user sees, and count only that', async (t) => {
    const { app, db, household, ccas, landlord, headers, loginAs } = await setup(t)
    const otherCallerUser = await makeUser(db, 'caller', { organizationId: landlord.id })
    const otherCampaign = await makeCampaign(db, { organizationId: landlord.id, status: 'active' })
    await makeTarget(db, otherCampaign, { householdId: household.id, heldBy: otherCallerUser.id })
    const otherCaller = await loginAs(otherCallerUser)
    const admin = await loginAs(await makeUser(db, 'admin', { organizationId: landlord.id }))
    const raise = async (as: Record<string, string>, payload: object) => {
      const response = await app.inject({ method: 'POST', url: '/api/referrals', headers: as, payload })
      assert.equal(response.statusCode, 201)
      return response.json().referral.id as string
    }
    const toCcas = await raise(headers.caller, toPartner(household.id, ccas.code))
    const toTeam = await raise(otherCaller, {
      ...toPartner(household.id, ccas.code),
      recipient: { team: 'Service social' },
    })
    const list = async (as: Record<string, string>, box: string) => {
      const response = await app.inject({ url: `/api/referrals?box=${box}`, headers: as })
      assert.equal(response.statusCode, 200)
      const { items, total } = response.json() as { items: { id: string; side: string }[]; total: number }
      for (const item of items) assertMatchesSchema(ReferralSummarySchema, item)
      assert.equal(total, items.length, 'the total counts the referrals the user sees')
      const names: Record<string, string> = { [toCcas]: 'ccas', [toTeam]: 'team' }
      return items.map((item) => `${names[item.id]}:${item.side}`).sort()
    }
    assert.deepEqual(await list(headers.caller, 'sent'), ['ccas:sender'], 'a caller sees what they raised')
    assert.deepEqual(await list(headers.caller, 'inbox'), [])
    assert.deepEqual(await list(otherCaller, 'all'), ['team:sender'])
    assert.deepEqual(await list(headers.socialWorker, 'inbox'), ['team:recipient'], 'the team receives it')
    assert.deepEqual(await list(headers.socialWorker, 'sent'), ['ccas:sender', 'team:recipient'])
    assert.deepEqual(await list(admin, 'inbox'), [], 'an admin is not in the team')
    assert.deepEqual(await list(admin, 'sent'), ['ccas:sender', 'team:sender'])
    assert.deepEqual(await list(headers.partner, 'inbox'), ['ccas:recipient'])
    assert.deepEqual(await list(headers.partner, 'sent'), [])
    assert.deepEqual(await list(headers.partnerManager, 'all'), ['ccas:recipient'])
  })
})

describe('bounds of the referrals’ contract', () => {
  it('refuses an offset past the last page (offset=1e20) and a consent dated in the future or before 2000, naming the field', async (t) => {
    const { app, db, household, ccas, headers } = await setup(t)
    for (const offset of ['1e20', '1000001', '-1']) {
      const response = await app.inject({ url: `/api/referrals?offset=${offset}`, headers: headers.socialWorker })
      assert.equal(response.statusCode, 400, `offset=${offset}`)
      assert.deepEqual(
        response.json().error.details.map((detail: { field: string }) => detail.field),
        ['offset'],
      )
    }
    const raise = (recordedAt: string) =>
      app.inject({
        method: 'POST',
        url: '/api/referrals',
        headers: headers.socialWorker,
        payload: { ...toPartner(household.id, ccas.code), consent: { given: true, recordedAt } },
      })
    for (const recordedAt of ['0001-01-01T00:00:00Z', '1999-12-31T23:00:00Z', '9999-12-31T00:00:00Z']) {
      const response = await raise(recordedAt)
      assert.equal(response.statusCode, 400, recordedAt)
      assert.deepEqual(
        response.json().error.details.map((detail: { field: string }) => detail.field),
        ['consent.recordedAt'],
      )
    }
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString()
    const future = await raise(tomorrow)
    assert.equal(future.statusCode, 400)
    assert.deepEqual(future.json().error.details, { field: 'consent.recordedAt', value: tomorrow })
    assert.deepEqual(await db.selectFrom('referral').select('id').execute(), [], 'nothing written')
    const yesterday = new Date(Date.now() - 86_400_000).toISOString()
    const given = await raise(yesterday)
    assert.equal(given.statusCode, 201)
    assert.equal(given.json().referral.consent.recordedAt, yesterday)
  })
})

describe('overdue referrals', () => {
  it('tells the recipient organisation’s managers once when a referral waits past its due date', async (t) => {
    const { app, db, household, ccas, headers } = await setup(t)
    const referral = (
      await app.inject({
        method: 'POST',
        url: '/api/referrals',
        headers: headers.caller,
        payload: toPartner(household.id, ccas.code),
      })
    ).json().referral
    await db.deleteFrom('outboxEmail').execute()
    const { notifyOverdueReferrals } = await import('./referrals.service.js')
    assert.equal(await notifyOverdueReferrals(db, null), 0, 'not yet overdue')
    await db.updateTable('referral').set({ dueAcceptBy: '2000-01-01T00:00:00.000Z' }).execute()
    const list = await app.inject({ url: '/api/referrals?box=inbox', headers: headers.partner })
    assert.equal(list.json().items[0].isOverdue, true, 'overdue referrals stand out')
    assert.equal(await notifyOverdueReferrals(db, null), 1)
    assert.equal(await notifyOverdueReferrals(db, null), 0, 'once only')
    const mails = await db.selectFrom('outboxEmail').selectAll().execute()
    assert.equal(mails.length, 1, 'the partner organisation’s manager')
    assert.match(mails[0].subject, /attend une réponse/)
    assert.ok(mails[0].body.includes(referral.id))
  })
})

describe('referral due dates', () => {
  it('follow the hours the organisation configured for each urgency (REFERRAL_DUE_HOURS)', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t, { REFERRAL_DUE_HOURS: 'within_7_days=10/20' })
    const landlord = await makeOrganization(db)
    const household = await makeHousehold(db, { organizationId: landlord.id })
    const socialWorker = await makeUser(db, 'social_worker', { organizationId: landlord.id })
    const response = await app.inject({
      method: 'POST',
      url: '/api/referrals',
      headers: await loginAs(socialWorker),
      payload: { ...toPartner(household.id, 'unused'), recipient: { team: 'Service social' } },
    })
    assert.equal(response.statusCode, 201)
    const { createdAt, dueAcceptBy, dueResolveBy } = response.json().referral
    assert.equal((Date.parse(dueAcceptBy) - Date.parse(createdAt)) / 3600_000, 10)
    assert.equal((Date.parse(dueResolveBy) - Date.parse(createdAt)) / 3600_000, 20)
  })
})
