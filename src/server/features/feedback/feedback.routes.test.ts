import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { buildTestApp } from '../../../../test/app.js'
import { assertMatchesContract } from '../../../../test/contract.js'
import { makeCampaign, makeOrganization, makeUser } from '../../../../test/factories.js'
import { feedbackContract } from '../../../shared/contracts/feedback.js'
import { sensitiveFlagsContract } from '../../../shared/contracts/sensitive-flags.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const context = await buildTestApp(t, { PUBLIC_URL: 'https://allervers.example.org' })
  const { db, loginAs } = context
  const landlord = await makeOrganization(db)
  const other = await makeOrganization(db)
  const manager = await makeUser(db, 'manager', { organizationId: landlord.id })
  const secondManager = await makeUser(db, 'manager', { organizationId: landlord.id })
  const campaign = await makeCampaign(db, { organizationId: landlord.id, createdBy: manager.id })
  const otherCampaign = await makeCampaign(db, { organizationId: other.id })
  const caller = await makeUser(db, 'caller', { organizationId: landlord.id })
  const viewer = await makeUser(db, 'viewer', { organizationId: landlord.id })
  const strangerCaller = await makeUser(db, 'caller', { organizationId: other.id })
  const otherManager = await makeUser(db, 'manager', { organizationId: other.id })
  return {
    ...context,
    landlord,
    campaign,
    otherCampaign,
    caller,
    manager,
    secondManager,
    headers: {
      caller: await loginAs(caller),
      viewer: await loginAs(viewer),
      manager: await loginAs(manager),
      strangerCaller: await loginAs(strangerCaller),
      otherManager: await loginAs(otherManager),
    },
  }
}

describe('caller feedback and debriefs', () => {
  it('saves a caller’s answers; a debrief request mails every manager a link only, then a manager marks it handled', async (t) => {
    const { app, db, campaign, caller, manager, secondManager, headers } = await setup(t)
    const plain = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaign.id}/feedback`,
      headers: headers.caller,
      payload: { meaningful: 5, useful: 4, comment: '  Très bon échange.  ' },
    })
    assert.equal(plain.statusCode, 201)
    assertMatchesContract(feedbackContract.create, plain)
    assert.equal(plain.json().feedback.comment, 'Très bon échange.')
    assert.equal(plain.json().feedback.debriefRequested, false)
    assert.equal((await db.selectFrom('outboxEmail').selectAll().execute()).length, 0, 'no debrief, no mail')

    const asked = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaign.id}/feedback`,
      headers: headers.caller,
      payload: {
        meaningful: 2,
        useful: 3,
        comment: 'Mme Durand m’a parlé de sa fille décédée',
        debriefRequested: true,
      },
    })
    assert.equal(asked.statusCode, 201)
    const mails = await db.selectFrom('outboxEmail').selectAll().orderBy('recipient').execute()
    const managerEmails = (
      await db.selectFrom('user').select('email').where('id', 'in', [manager.id, secondManager.id]).execute()
    )
      .map((row) => row.email)
      .sort()
    assert.deepEqual(
      mails.map((mail) => mail.recipient),
      managerEmails,
    )
    for (const mail of mails) {
      assert.ok(mail.body.includes(`https://allervers.example.org/campaigns/${campaign.id}`), 'a link')
      assert.ok(!mail.body.includes('Durand') && !mail.body.includes('Test caller'), 'no name, no comment')
    }

    const pending = await app.inject({
      method: 'GET',
      url: `/api/campaigns/${campaign.id}/debriefs`,
      headers: headers.manager,
    })
    assert.equal(pending.statusCode, 200)
    assertMatchesContract(feedbackContract.debriefs, pending)
    const items = pending.json().items
    assert.equal(items.length, 1)
    assert.deepEqual(Object.keys(items[0]).sort(), ['caller', 'id', 'requestedAt'])
    assert.equal(items[0].caller.id, caller.id)
    assert.equal(items[0].caller.name, 'Test caller')
    assert.ok(!JSON.stringify(items).includes('Durand'), 'no comment, no tenant')

    const handled = await app.inject({
      method: 'POST',
      url: `/api/debriefs/${items[0].id}/handled`,
      headers: headers.manager,
    })
    assert.equal(handled.statusCode, 200)
    assertMatchesContract(feedbackContract.debriefHandled, handled)
    const row = await db
      .selectFrom('callerFeedback')
      .selectAll()
      .where('id', '=', items[0].id)
      .executeTakeFirstOrThrow()
    assert.equal(row.debriefHandledBy, manager.id)
    assert.ok(row.debriefHandledAt)
    const again = await app.inject({
      method: 'POST',
      url: `/api/debriefs/${items[0].id}/handled`,
      headers: headers.manager,
    })
    assert.equal(again.statusCode, 409)
    const after = await app.inject({
      method: 'GET',
      url: `/api/campaigns/${campaign.id}/debriefs`,
      headers: headers.manager,
    })
    assert.deepEqual(after.json().items, [])
    const audit = await db.selectFrom('auditEvent').select('action').where('action', 'like', 'feedback.%').execute()
    assert.deepEqual(audit.map((a) => a.action).sort(), [
      'feedback.create',
      'feedback.create',
      'feedback.debrief_handled',
    ])
  })

  it('refuses bad answers with a 400 naming the field, and saves nothing', async (t) => {
    const { app, db, campaign, headers } = await setup(t)
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ meaningful: 0, useful: 3 }, 'meaningful'],
      [{ meaningful: 3, useful: 6 }, 'useful'],
      [{ meaningful: 2.5, useful: 3 }, 'meaningful'],
      [{ useful: 3 }, 'meaningful'],
      [{ meaningful: 3, useful: 3, comment: 'x'.repeat(2001) }, 'comment'],
      [{ meaningful: 3, useful: 3, mood: 'ok' }, 'mood'],
      [{ meaningful: 3, useful: 3, debriefRequested: 'maybe' }, 'debriefRequested'],
    ]
    for (const [payload, field] of cases) {
      const response = await app.inject({
        method: 'POST',
        url: `/api/campaigns/${campaign.id}/feedback`,
        headers: headers.caller,
        payload,
      })
      assert.equal(response.statusCode, 400, JSON.stringify(payload))
      const details = response.json().error.details as Array<{ field: string }>
      assert.ok(
        details.some((d) => d.field === field),
        `${field} named in ${response.body}`,
      )
    }
    assert.equal((await db.selectFrom('callerFeedback').selectAll().execute()).length, 0)
  })

  it('lets only the campaign’s callers answer and only its organisation’s managers see and close debriefs', async (t) => {
    const { app, db, campaign, otherCampaign, headers } = await setup(t)
    const payload = { meaningful: 3, useful: 3, debriefRequested: true }
    const post = (id: string, who: { cookie: string }) =>
      app.inject({ method: 'POST', url: `/api/campaigns/${id}/feedback`, headers: who, payload })
    assert.equal((await post(campaign.id, headers.viewer)).statusCode, 403, 'a viewer is no caller')
    assert.equal((await post(campaign.id, headers.manager)).statusCode, 403, 'a manager not listed as caller')
    assert.equal((await post(campaign.id, headers.strangerCaller)).statusCode, 404, 'another organisation’s campaign')
    assert.equal((await post('no-such-campaign', headers.caller)).statusCode, 404)
    assert.equal((await post(otherCampaign.id, headers.caller)).statusCode, 404)
    assert.equal(
      (await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/feedback`, payload })).statusCode,
      401,
    )
    assert.equal((await db.selectFrom('callerFeedback').selectAll().execute()).length, 0, 'nothing saved')

    // Restricted campaign: only listed callers.
    await db.updateTable('campaign').set({ callersRestricted: 1 }).where('id', '=', campaign.id).execute()
    assert.equal((await post(campaign.id, headers.caller)).statusCode, 403, 'not on the list')
    await db.updateTable('campaign').set({ callersRestricted: 0 }).where('id', '=', campaign.id).execute()
    const saved = await post(campaign.id, headers.caller)
    assert.equal(saved.statusCode, 201)

    const list = (who: { cookie: string }) =>
      app.inject({ method: 'GET', url: `/api/campaigns/${campaign.id}/debriefs`, headers: who })
    assert.equal((await list(headers.caller)).statusCode, 403)
    assert.equal((await list(headers.viewer)).statusCode, 403)
    assert.equal((await list(headers.otherManager)).statusCode, 404)
    const id = saved.json().feedback.id
    const close = (who: { cookie: string }) =>
      app.inject({ method: 'POST', url: `/api/debriefs/${id}/handled`, headers: who })
    assert.equal((await close(headers.caller)).statusCode, 403)
    assert.equal((await close(headers.otherManager)).statusCode, 404)
    const row = await db.selectFrom('callerFeedback').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    assert.equal(row.debriefHandledAt, null, 'still pending after refused attempts')
  })

  it('flags a comment holding sensitive words like every free text: the place and category, never the text, in the same transaction; a clean comment writes no flag', async (t) => {
    const { app, db, landlord, campaign, caller, headers, loginAs } = await setup(t)
    const send = (comment?: string) =>
      app.inject({
        method: 'POST',
        url: `/api/campaigns/${campaign.id}/feedback`,
        headers: headers.caller,
        payload: { meaningful: 3, useful: 3, ...(comment === undefined ? {} : { comment }) },
      })
    const flags = () => db.selectFrom('sensitiveFlag').selectAll().execute()

    assert.equal((await send('Très bon échange, des personnes contentes')).statusCode, 201)
    assert.equal((await send()).statusCode, 201)
    assert.deepEqual(await flags(), [], 'a clean comment, or none, writes no flag')

    const comment = 'Mme Qwzyx m’a parlé de son diabète et de son fils en prison, éprouvant'
    const flagged = await send(comment)
    assert.equal(flagged.statusCode, 201, flagged.body)
    const rows = await flags()
    assert.deepEqual(rows.map((row) => row.category).sort(), ['health', 'offence'])
    for (const row of rows) {
      assert.equal(row.source, 'feedback_comment')
      assert.equal(row.sourceId, flagged.json().feedback.id)
      assert.equal(row.householdId, null, 'about a session, not a household')
      assert.equal(row.organizationId, landlord.id)
      assert.equal(row.authorUserId, caller.id)
      const cells = JSON.stringify(row).toLowerCase()
      for (const word of ['qwzyx', 'diabète', 'prison', 'éprouvant']) assert.equal(cells.includes(word), false, word)
    }

    // The DPO's list shows it, with no household.
    const dpo = await makeUser(db, 'dpo', { organizationId: landlord.id })
    const list = await app.inject({ url: '/api/sensitive-flags?source=feedback_comment', headers: await loginAs(dpo) })
    assert.equal(list.statusCode, 200, list.body)
    assertMatchesContract(sensitiveFlagsContract.list, list)
    assert.equal(list.json().total, 2)
    for (const item of list.json().items) {
      assert.equal(item.household, null)
      assert.equal(item.sourceId, flagged.json().feedback.id)
    }
    assert.equal(list.body.includes('diabète'), false)

    // Without its flag the comment is not saved either.
    await sql`drop table sensitive_flag`.execute(db)
    const count = async () => (await db.selectFrom('callerFeedback').select('id').execute()).length
    const before = await count()
    assert.equal((await send('Il boit, alcoolique depuis longtemps')).statusCode, 500)
    assert.equal(await count(), before, 'the feedback is rolled back with its flag')
  })
})
