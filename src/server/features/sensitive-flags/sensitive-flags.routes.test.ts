import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { buildTestApp } from '../../../../test/app.js'
import { assertMatchesContract } from '../../../../test/contract.js'
import { makeCampaign, makeOrganization, makeTarget, makeUser } from '../../../../test/factories.js'
import { sensitiveFlagsContract } from '../../../shared/contracts/sensitive-flags.js'

const key = () => `key-${randomUUID()}`

/** A questionnaire with one question answered by typing. */
const WITH_TEXT = {
  sections: [
    {
      id: 'main',
      title: 'Nouvelles',
      questions: [
        { id: 'alone', type: 'yes_no', label: 'Vous sentez-vous seul·e ?', required: true },
        { id: 'asked', type: 'short_text', label: 'Que souhaitez-vous ?', required: false },
      ],
    },
  ],
}

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const context = await buildTestApp(t)
  const { db, loginAs } = context
  const landlord = await makeOrganization(db)
  const ccas = await makeOrganization(db, { type: 'partner', code: `CCAS-${randomUUID().slice(0, 6)}` })
  const campaign = await makeCampaign(db, { organizationId: landlord.id, questionnaire: WITH_TEXT })
  const caller = await makeUser(db, 'caller', { organizationId: landlord.id })
  const target = await makeTarget(db, campaign, { heldBy: caller.id, household: { externalRef: 'H-0042' } })
  const dpo = await makeUser(db, 'dpo', { organizationId: landlord.id })
  const admin = await makeUser(db, 'admin', { organizationId: landlord.id })
  const otherDpo = await makeUser(db, 'dpo', { organizationId: (await makeOrganization(db)).id })
  const socialWorker = await makeUser(db, 'social_worker', { organizationId: landlord.id })
  const partner = await makeUser(db, 'partner', { organizationId: ccas.id })
  const manager = await makeUser(db, 'manager', { organizationId: landlord.id })
  return {
    ...context,
    landlord,
    ccas,
    campaign,
    target,
    caller,
    headers: {
      caller: await loginAs(caller),
      dpo: await loginAs(dpo),
      admin: await loginAs(admin),
      otherDpo: await loginAs(otherDpo),
      socialWorker: await loginAs(socialWorker),
      partner: await loginAs(partner),
      manager: await loginAs(manager),
    },
  }
}

type Context = Awaited<ReturnType<typeof setup>>

function sendOutcome(context: Context, payload: object) {
  return context.app.inject({
    method: 'POST',
    url: `/api/assignments/${context.target.id}/outcome`,
    headers: { ...context.headers.caller, 'idempotency-key': key() },
    payload,
  })
}

const flagsOf = (context: Context) => context.db.selectFrom('sensitiveFlag').selectAll().orderBy('source').execute()

describe('sensitive words in free text', () => {
  it('flags a call note and a typed answer with the call, by category, never copying the text', async (t) => {
    const context = await setup(t)
    const { db, target, caller, landlord } = context
    const response = await sendOutcome(context, {
      disposition: 'completed',
      answers: { alone: true, asked: 'Voir son psychiatre plus souvent' },
      notes: 'Mme dit que son fils est alcoolique et qu’il y a de la violence conjugale.',
    })
    assert.equal(response.statusCode, 201, response.body)
    const callId = response.json().call.id
    const flags = await flagsOf(context)
    assert.deepEqual(flags.map((flag) => [flag.source, flag.category]).sort(), [
      ['call_answer', 'health'],
      ['call_note', 'health'],
      ['call_note', 'offence'],
    ])
    for (const flag of flags) {
      assert.equal(flag.sourceId, callId)
      assert.equal(flag.householdId, target.householdId)
      assert.equal(flag.organizationId, landlord.id)
      assert.equal(flag.authorUserId, caller.id)
      assert.equal(flag.authorOrganizationId, landlord.id)
      const stored = JSON.stringify(flag).toLowerCase()
      for (const word of ['alcool', 'violence', 'conjugale', 'psychiatre', 'fils']) {
        assert.ok(!stored.includes(word), `no "${word}" copied into the flag`)
      }
    }
    const audit = JSON.stringify(await db.selectFrom('auditEvent').selectAll().execute()).toLowerCase()
    assert.ok(!audit.includes('alcool') && !audit.includes('psychiatre'), 'nothing of the text in the audit')
  })

  it('writes no flag for a clean text, nor for choices that are not typed', async (t) => {
    const context = await setup(t)
    const response = await sendOutcome(context, {
      disposition: 'completed',
      answers: { alone: false, asked: 'Une visite de la gardienne' },
      notes: 'A besoin d’aide pour ses courses ; rappeler jeudi.',
    })
    assert.equal(response.statusCode, 201, response.body)
    assert.equal((await flagsOf(context)).length, 0)
  })

  it('writes the flag in the note’s transaction: when the flag cannot be written, the call is not saved either', async (t) => {
    const context = await setup(t)
    const { db, target } = context
    await sql`drop table sensitive_flag`.execute(db)
    const flagged = await sendOutcome(context, { disposition: 'no_answer', notes: 'Hospitalisation psychiatrique' })
    assert.equal(flagged.statusCode, 500)
    assert.equal((await db.selectFrom('call').selectAll().execute()).length, 0, 'no call without its flag')
    const held = await db.selectFrom('campaignTarget').selectAll().where('id', '=', target.id).executeTakeFirstOrThrow()
    assert.equal(held.status, 'held', 'the caller keeps the household')
    assert.equal(held.attempts, 0)
    // A clean note never touches the flags.
    const clean = await sendOutcome(context, { disposition: 'no_answer', notes: 'Messagerie pleine' })
    assert.equal(clean.statusCode, 201, clean.body)
  })

  it('flags orientation summaries, emergency reasons and step notes, and objection notes', async (t) => {
    const context = await setup(t)
    const { app, db, target, ccas, headers } = context
    const created = await app.inject({
      method: 'POST',
      url: '/api/referrals',
      headers: headers.socialWorker,
      payload: {
        householdId: target.householdId,
        category: 'food',
        urgency: 'within_24h',
        recipient: { organization: ccas.code },
        summary: 'Plus de courses depuis une semaine, dépression depuis le décès de son mari',
        consent: { given: false },
        overrideReason: 'Seule, sans ressources ; son fils sort de prison',
      },
    })
    assert.equal(created.statusCode, 201, created.body)
    const referralId = created.json().referral.id
    const note = await app.inject({
      method: 'POST',
      url: `/api/referrals/${referralId}/notes`,
      headers: headers.partner,
      payload: { note: 'Rencontrée à la mosquée du quartier' },
    })
    assert.equal(note.statusCode, 201, note.body)
    const rejected = await app.inject({
      method: 'POST',
      url: `/api/referrals/${referralId}/transition`,
      headers: headers.partner,
      payload: { to: 'rejected', reason: 'Elle est suivie par le centre de dialyse' },
    })
    assert.equal(rejected.statusCode, 200, rejected.body)
    const objection = await app.inject({
      method: 'POST',
      url: `/api/households/${target.householdId}/objection`,
      headers: headers.manager,
      payload: { channel: 'mail', note: 'Courrier de son avocat (casier judiciaire)' },
    })
    assert.equal(objection.statusCode, 201, objection.body)
    const withdrawn = await app.inject({
      method: 'POST',
      url: `/api/households/${target.householdId}/objection/withdraw`,
      headers: headers.manager,
      payload: { reason: 'La locataire le demande, rien de plus' },
    })
    assert.equal(withdrawn.statusCode, 200, withdrawn.body)
    const flags = await flagsOf(context)
    assert.deepEqual(
      flags.map((flag) => [flag.source, flag.category]),
      [
        ['objection_note', 'offence'],
        ['referral_note', 'religion'],
        ['referral_note', 'health'],
        ['referral_override_reason', 'offence'],
        ['referral_summary', 'health'],
      ].sort((a, b) => a[0].localeCompare(b[0])),
    )
    const events = await db.selectFrom('referralEvent').select(['id', 'kind']).execute()
    const noteFlags = flags.filter((flag) => flag.source === 'referral_note')
    for (const flag of noteFlags) {
      assert.ok(
        events.some((event) => event.id === flag.sourceId && event.kind !== 'created'),
        'the step it was in',
      )
      assert.equal(flag.authorOrganizationId, ccas.id, 'written by the partner')
      assert.equal(flag.organizationId, context.landlord.id, 'about the landlord’s tenant')
    }
  })

  it('lists flags to the DPO and administrators of the organisation, counted by category, audited', async (t) => {
    const context = await setup(t)
    const { app, db, target, landlord, headers } = context
    await sendOutcome(context, { disposition: 'no_answer', notes: 'Voisine dit qu’elle est musulmane et diabétique' })
    const response = await app.inject({ method: 'GET', url: '/api/sensitive-flags', headers: headers.dpo })
    assert.equal(response.statusCode, 200, response.body)
    assertMatchesContract(sensitiveFlagsContract.list, response)
    const body = response.json()
    assert.equal(body.total, 2)
    assert.equal(body.byCategory.health, 1)
    assert.equal(body.byCategory.religion, 1)
    assert.equal(body.byCategory.offence, 0)
    assert.deepEqual(body.items[0].household, { id: target.householdId, ref: 'H-0042' })
    assert.equal(body.items[0].organization, landlord.code)
    assert.equal(body.items[0].author.name, 'Test caller')
    assert.ok(!response.body.toLowerCase().includes('diab'), 'no word of the text')
    const reads = await db.selectFrom('auditEvent').selectAll().where('action', '=', 'sensitive_flag.list').execute()
    assert.equal(reads.length, 1)
    assert.ok(reads[0].details?.includes(target.householdId))

    const filtered = await app.inject({
      method: 'GET',
      url: `/api/sensitive-flags?organization=${landlord.code}&category=health&source=call_note`,
      headers: headers.admin,
    })
    assert.equal(filtered.statusCode, 200, filtered.body)
    assert.equal(filtered.json().total, 1)
    assert.equal(filtered.json().items.length, 1)
    assert.equal(filtered.json().byCategory.religion, 1, 'the counts show every category')

    const past = await app.inject({
      method: 'GET',
      url: '/api/sensitive-flags?from=2026-01-01&to=2026-01-31',
      headers: headers.dpo,
    })
    assert.equal(past.json().total, 0, 'none in a period before')

    const otherDpo = await app.inject({ method: 'GET', url: '/api/sensitive-flags', headers: headers.otherDpo })
    assert.equal(otherDpo.statusCode, 200)
    assert.equal(otherDpo.json().total, 0, 'another organisation’s DPO sees none of them')
    const reached = await app.inject({
      method: 'GET',
      url: `/api/sensitive-flags?organization=${landlord.code}`,
      headers: headers.otherDpo,
    })
    assert.equal(reached.statusCode, 400)

    for (const role of ['caller', 'partner', 'socialWorker', 'manager'] as const) {
      const refused = await app.inject({ method: 'GET', url: '/api/sensitive-flags', headers: headers[role] })
      assert.equal(refused.statusCode, 403, role)
    }
  })
})
