import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { assertMatchesContract } from '../../../../test/contract.js'
import {
  makeCall,
  makeCampaign,
  makeHousehold,
  makeOrganization,
  makeTarget,
  makeUser,
} from '../../../../test/factories.js'
import { addMonths, parisToday } from '../../../shared/clock.js'
import { homeContract } from '../../../shared/contracts/home.js'
import type { Db } from '../../db/database.js'
import { nowTimestamp } from '../../db/time.js'

/** A referral from `sender` to `recipient` about a household, in a status, due to be accepted and resolved by `due`. */
async function insertReferral(
  db: Db,
  fields: { householdId: string; sender: string; senderUserId: string; recipient: string; status: string; due: string },
) {
  const at = new Date(Date.now() - 86_400_000).toISOString()
  await db
    .insertInto('referral')
    .values({
      id: randomUUID(),
      householdId: fields.householdId,
      callId: null,
      senderOrganizationId: fields.sender,
      senderUserId: fields.senderUserId,
      recipientOrganizationId: fields.recipient,
      recipientTeam: null,
      assigneeId: null,
      category: 'food',
      urgency: 'within_24h',
      status: fields.status,
      summary: 'Plus de courses',
      consentGiven: 1,
      consentRecordedAt: at,
      overrideReason: null,
      outcome: null,
      dueAcceptBy: fields.due,
      dueResolveBy: fields.due,
      acceptedAt: null,
      closedAt: null,
      overdueNotifiedAt: null,
      createdAt: at,
      updatedAt: at,
    })
    .execute()
}

describe('GET /api/home: what each role has to act on today', () => {
  it('gives a manager campaigns, overdue referrals, debriefs and the last import; an admin the network; a viewer figures', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db, { status: 'active' })
    const orgId = campaign.organizationId
    const partner = await makeOrganization(db, { type: 'partner' })
    const target = await makeTarget(db, campaign)
    await makeTarget(db, campaign)
    const caller = await makeUser(db, 'caller', { organizationId: orgId })
    const manager = await makeUser(db, 'manager', { organizationId: orgId })
    const now = nowTimestamp()
    const past = new Date(Date.now() - 3 * 86_400_000).toISOString()
    await db
      .insertInto('referral')
      .values({
        id: randomUUID(),
        householdId: target.householdId,
        callId: null,
        senderOrganizationId: orgId,
        senderUserId: manager.id,
        recipientOrganizationId: partner.id,
        recipientTeam: null,
        assigneeId: null,
        category: 'food',
        urgency: 'within_24h',
        status: 'sent',
        summary: 'Plus de courses',
        consentGiven: 1,
        consentRecordedAt: past,
        overrideReason: null,
        outcome: null,
        dueAcceptBy: past,
        dueResolveBy: now,
        acceptedAt: null,
        closedAt: null,
        overdueNotifiedAt: null,
        createdAt: past,
        updatedAt: past,
      })
      .execute()
    await db
      .insertInto('callerFeedback')
      .values({
        id: randomUUID(),
        organizationId: orgId,
        campaignId: campaign.id,
        callerId: caller.id,
        meaningful: 2,
        useful: 2,
        comment: null,
        debriefRequested: 1,
        debriefHandledBy: null,
        debriefHandledAt: null,
        createdAt: now,
      })
      .execute()
    await db
      .insertInto('importRun')
      .values({
        id: randomUUID(),
        organizationId: orgId,
        createdBy: manager.id,
        fileName: 'locataires.csv',
        status: 'done',
        isSnapshot: 0,
        isDryRun: 0,
        rowsTotal: 12,
        rowsDone: 12,
        report: JSON.stringify({ rows: 12, rejected: [{ line: 3, reason: 'x' }], warnings: [], warningsTotal: 4 }),
        error: null,
        createdAt: now,
        finishedAt: now,
      })
      .execute()

    const asManager = await app.inject({ url: '/api/home', headers: await loginAs(manager) })
    assert.equal(asManager.statusCode, 200)
    assertMatchesContract(homeContract.today, asManager)
    const body = asManager.json()
    assert.deepEqual(
      body.campaigns.map((c: { id: string; targeted: number; done: number }) => [c.id, c.targeted, c.done]),
      [[campaign.id, 2, 0]],
    )
    assert.equal(body.overdueReferralsTotal, 1)
    assert.equal(body.overdueReferrals[0].side, 'sent')
    assert.equal(body.overdueReferrals[0].dueBy, past)
    assert.deepEqual(
      body.debriefs.map((d: { campaignId: string; waiting: number }) => [d.campaignId, d.waiting]),
      [[campaign.id, 1]],
    )
    assert.deepEqual(
      body.lastImports.map((i: { rows: number; rejected: number; warnings: number }) => [
        i.rows,
        i.rejected,
        i.warnings,
      ]),
      [[12, 1, 4]],
    )
    assert.deepEqual(body.network, [])
    assert.equal(body.keyFigures, null)

    // The partner's manager sees the referral as received.
    const partnerManager = await makeUser(db, 'manager', { organizationId: partner.id })
    const received = (await app.inject({ url: '/api/home', headers: await loginAs(partnerManager) })).json()
    assert.equal(received.overdueReferrals[0].side, 'received')
    assert.deepEqual(received.campaigns, [])

    const admin = (
      await app.inject({
        url: '/api/home',
        headers: await loginAs(await makeUser(db, 'admin', { organizationId: orgId })),
      })
    ).json()
    assert.deepEqual(admin.campaigns, [], 'an administrator gets the network, not the manager’s list')
    const mine = admin.network.find(
      (o: { runningCampaigns: number; openReferrals: number }) => o.runningCampaigns === 1,
    )
    assert.ok(mine)
    const theirs = admin.network.find((o: { code: string }) => o.code === partner.code)
    assert.equal(theirs.openReferrals, 1)

    const viewer = await app.inject({
      url: '/api/home',
      headers: await loginAs(await makeUser(db, 'viewer', { organizationId: orgId })),
    })
    assertMatchesContract(homeContract.today, viewer)
    assert.deepEqual(viewer.json().keyFigures, {
      runningCampaigns: 1,
      householdsCalled: 0,
      householdsReached: 0,
      referralsSent: null,
    })
    assert.equal(viewer.json().calling, null, 'a viewer does not call')
    assert.equal(viewer.json().orientations, null, 'nor receive orientations')
    assert.deepEqual(
      body.calling.campaigns.map((c: { id: string }) => c.id),
      [campaign.id],
      'a manager who may call for a running campaign gets « Vos appels » too',
    )
    assert.equal(received.calling, null, 'a manager with no running campaign does not')
    assert.equal(body.orientations, null)

    const asCaller = (await app.inject({ url: '/api/home', headers: await loginAs(caller) })).json()
    assert.deepEqual(
      [asCaller.campaigns, asCaller.overdueReferrals, asCaller.debriefs, asCaller.lastImports, asCaller.network],
      [[], [], [], [], []],
    )
    assert.equal(asCaller.keyFigures, null)
  })

  it('gives a DPO the register’s open and overdue requests and the households due for erasure within 30 days', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db, { type: 'landlord' })
    const other = await makeOrganization(db, { type: 'landlord' })
    const dpo = await makeUser(db, 'dpo', { organizationId: organization.id })
    const headers = await loginAs(dpo)
    const empty = await app.inject({ url: '/api/home', headers })
    assertMatchesContract(homeContract.today, empty)
    assert.deepEqual(empty.json().dataProtection, {
      openRequests: 0,
      overdueRequests: 0,
      dueForErasure: 0,
      keptPastDue: 0,
    })

    const today = parisToday()
    // Left the landlord's file four months ago: past the three months households that left are kept.
    const left = { status: 'left' as const, leftAt: `${addMonths(today, -4)}T09:00:00.000Z` }
    const recent = await makeHousehold(db, { organizationId: organization.id, lastContactedAt: nowTimestamp() })
    await makeHousehold(db, { organizationId: organization.id, ...left })
    await makeHousehold(db, { organizationId: other.id, ...left })
    for (const receivedOn of [addMonths(today, -2), today]) {
      const created = await app.inject({
        method: 'POST',
        url: '/api/data-requests',
        headers,
        payload: { householdRef: recent.externalRef, kind: 'access', receivedOn },
      })
      assert.equal(created.statusCode, 201, created.body)
    }
    const home = await app.inject({ url: '/api/home', headers })
    assertMatchesContract(homeContract.today, home)
    assert.deepEqual(home.json().dataProtection, {
      openRequests: 2,
      overdueRequests: 1,
      dueForErasure: 1,
      keptPastDue: 0,
    })

    const manager = await makeUser(db, 'manager', { organizationId: organization.id })
    const asManager = (await app.inject({ url: '/api/home', headers: await loginAs(manager) })).json()
    assert.equal(asManager.dataProtection, null, 'the figures are the DPO’s')
  })
  it('gives a caller the campaigns they may call for with the households left, their callbacks and calls today', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const open = await makeCampaign(db)
    const orgId = open.organizationId
    const caller = await makeUser(db, 'caller', { organizationId: orgId })
    const other = await makeUser(db, 'caller', { organizationId: orgId })
    const headers = await loginAs(caller)

    const empty = await app.inject({ url: '/api/home', headers })
    assertMatchesContract(homeContract.today, empty)
    assert.deepEqual(
      empty.json().calling.campaigns.map((c: { id: string }) => c.id),
      [open.id],
    )

    // Three left (one held by another caller still counts), one done, one excluded.
    const targets = [
      await makeTarget(db, open),
      await makeTarget(db, open),
      await makeTarget(db, open, { heldBy: other.id }),
    ]
    const done = await makeTarget(db, open)
    const excluded = await makeTarget(db, open)
    await db.updateTable('campaignTarget').set({ status: 'completed' }).where('id', '=', done.id).execute()
    await db.updateTable('campaignTarget').set({ status: 'excluded' }).where('id', '=', excluded.id).execute()
    // Callbacks: one overdue, one kept for another caller (not theirs), one promised for tomorrow (not today).
    const callback = (id: string, at: string, preferredCallerId: string | null = null) =>
      db
        .updateTable('campaignTarget')
        .set({ status: 'scheduled', lastDisposition: 'callback', nextAttemptAt: at, preferredCallerId, attempts: 1 })
        .where('id', '=', id)
        .execute()
    await callback(targets[0].id, new Date(Date.now() - 3_600_000).toISOString())
    await callback(targets[1].id, new Date(Date.now() - 3_600_000).toISOString(), other.id)
    const tomorrow = await makeTarget(db, open)
    await callback(tomorrow.id, new Date(Date.now() + 2 * 86_400_000).toISOString())
    await makeCall(db, targets[0], caller.id)
    await makeCall(db, targets[1], caller.id)
    await makeCall(db, targets[2], other.id)

    // A campaign reserved to another caller, a paused one, and another organisation's: none is the caller's.
    const reserved = await makeCampaign(db, { organizationId: orgId })
    await makeTarget(db, reserved)
    await db.updateTable('campaign').set({ callersRestricted: 1 }).where('id', '=', reserved.id).execute()
    await db.insertInto('campaignCaller').values({ campaignId: reserved.id, userId: other.id }).execute()
    await makeCampaign(db, { organizationId: orgId, status: 'paused' })
    const elsewhere = await makeCampaign(db)
    await makeTarget(db, elsewhere)

    const home = await app.inject({ url: '/api/home', headers })
    assert.equal(home.statusCode, 200)
    assertMatchesContract(homeContract.today, home)
    const { calling, orientations, campaigns } = home.json()
    assert.deepEqual(
      calling.campaigns.map((c: { id: string; left: number; isWithinCallingHours: boolean }) => [
        c.id,
        c.left,
        c.isWithinCallingHours,
      ]),
      [[open.id, 4, true]],
    )
    assert.deepEqual([calling.callbacksOverdue, calling.callbacksDueToday, calling.callsToday], [1, 0, 2])
    assert.equal(orientations, null, 'a caller receives no orientation')
    assert.deepEqual(campaigns, [], 'the manager’s follow-up of campaigns is not the caller’s')
    assert.doesNotMatch(home.body, /lastName|firstName|Plus de courses/, 'counts only: no household named')

    // The caller listed on the reserved campaign sees it, with its own count.
    const asOther = (await app.inject({ url: '/api/home', headers: await loginAs(other) })).json()
    assert.deepEqual(
      asOther.calling.campaigns.map((c: { id: string; left: number }) => [c.id, c.left]).sort(),
      [
        [open.id, 4],
        [reserved.id, 1],
      ].sort(),
    )
    assert.deepEqual([asOther.calling.callbacksOverdue, asOther.calling.callsToday], [2, 1])
  })

  it('gives « Vos appels » to a manager or administrator who may call, even for a campaign reserved to a list, and to no one without a running campaign open to them', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const reserved = await makeCampaign(db)
    const orgId = reserved.organizationId
    const listed = await makeUser(db, 'caller', { organizationId: orgId })
    const unlisted = await makeUser(db, 'caller', { organizationId: orgId })
    const manager = await makeUser(db, 'manager', { organizationId: orgId })
    const admin = await makeUser(db, 'admin', { organizationId: orgId })
    await db.updateTable('campaign').set({ callersRestricted: 1 }).where('id', '=', reserved.id).execute()
    await db.insertInto('campaignCaller').values({ campaignId: reserved.id, userId: listed.id }).execute()
    const [open, kept] = [await makeTarget(db, reserved), await makeTarget(db, reserved)]
    await makeTarget(db, reserved)
    // Two overdue callbacks: one open to any caller, one kept for the listed caller (not the manager's).
    const overdue = new Date(Date.now() - 3_600_000).toISOString()
    for (const [target, preferredCallerId] of [
      [open, null],
      [kept, listed.id],
    ] as const) {
      await db
        .updateTable('campaignTarget')
        .set({
          status: 'scheduled',
          lastDisposition: 'callback',
          nextAttemptAt: overdue,
          preferredCallerId,
          attempts: 1,
        })
        .where('id', '=', target.id)
        .execute()
    }
    await makeCall(db, open, manager.id)
    // A paused campaign elsewhere: its manager may call for no running campaign.
    const paused = await makeCampaign(db, { status: 'paused' })
    const pausedManager = await makeUser(db, 'manager', { organizationId: paused.organizationId })

    const asManager = await app.inject({ url: '/api/home', headers: await loginAs(manager) })
    assert.equal(asManager.statusCode, 200)
    assertMatchesContract(homeContract.today, asManager)
    const { calling, campaigns } = asManager.json()
    assert.deepEqual(
      calling.campaigns.map((c: { id: string; left: number }) => [c.id, c.left]),
      [[reserved.id, 3]],
      'a manager calls for their campaign though it is reserved to a list they are not on',
    )
    assert.deepEqual([calling.callbacksOverdue, calling.callbacksDueToday, calling.callsToday], [1, 0, 1])
    assert.deepEqual(
      campaigns.map((c: { id: string }) => c.id),
      [reserved.id],
      'and still follows it',
    )
    assert.doesNotMatch(asManager.body, /lastName|firstName/, 'counts only: no household named')

    const asAdmin = (await app.inject({ url: '/api/home', headers: await loginAs(admin) })).json()
    assert.deepEqual(
      asAdmin.calling.campaigns.map((c: { id: string }) => c.id),
      [reserved.id],
    )
    const asListed = (await app.inject({ url: '/api/home', headers: await loginAs(listed) })).json()
    assert.deepEqual([asListed.calling.campaigns.length, asListed.calling.callbacksOverdue], [1, 2])

    const asPausedManager = await app.inject({ url: '/api/home', headers: await loginAs(pausedManager) })
    assertMatchesContract(homeContract.today, asPausedManager)
    assert.equal(asPausedManager.json().calling, null, 'a manager whose campaign is paused: no « Vos appels »')
    // A caller not listed on the only campaign is told there is nothing to call for now: calling is their work.
    const asUnlisted = await app.inject({ url: '/api/home', headers: await loginAs(unlisted) })
    assertMatchesContract(homeContract.today, asUnlisted)
    assert.deepEqual(asUnlisted.json().calling, {
      campaigns: [],
      callbacksOverdue: 0,
      callbacksDueToday: 0,
      callsToday: 0,
    })
  })

  it('gives a partner and a social worker the orientations waiting in their inbox and those overdue', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    const landlord = campaign.organizationId
    const sender = await makeUser(db, 'caller', { organizationId: landlord })
    const association = await makeOrganization(db, { type: 'partner' })
    const otherAssociation = await makeOrganization(db, { type: 'partner' })
    const partner = await makeUser(db, 'partner', { organizationId: association.id })
    const headers = await loginAs(partner)
    const empty = await app.inject({ url: '/api/home', headers })
    assertMatchesContract(homeContract.today, empty)
    assert.deepEqual(empty.json().orientations, { waiting: 0, overdue: 0 })
    assert.equal(empty.json().calling, null, 'a partner does not call')

    const household = (await makeTarget(db, campaign)).householdId
    const past = new Date(Date.now() - 3_600_000).toISOString()
    const later = new Date(Date.now() + 86_400_000).toISOString()
    const send = (recipient: string, status: string, due: string) =>
      insertReferral(db, { householdId: household, sender: landlord, senderUserId: sender.id, recipient, status, due })
    await send(association.id, 'sent', later) // waiting
    await send(association.id, 'sent', past) // waiting and overdue
    await send(association.id, 'accepted', past) // overdue (to resolve)
    await send(association.id, 'done', past) // closed: neither
    await send(otherAssociation.id, 'sent', past) // another organisation's

    const home = await app.inject({ url: '/api/home', headers })
    assertMatchesContract(homeContract.today, home)
    assert.deepEqual(home.json().orientations, { waiting: 2, overdue: 2 })
    assert.deepEqual(home.json().overdueReferrals, [], 'the overdue list with its details is the managers’')

    const socialWorker = await makeUser(db, 'social_worker', { organizationId: otherAssociation.id })
    const theirs = (await app.inject({ url: '/api/home', headers: await loginAs(socialWorker) })).json()
    assert.deepEqual(theirs.orientations, { waiting: 1, overdue: 1 })

    // The sender's side is not an inbox: the landlord's caller gets no orientation section.
    const asSender = (await app.inject({ url: '/api/home', headers: await loginAs(sender) })).json()
    assert.equal(asSender.orientations, null)
  })
})
