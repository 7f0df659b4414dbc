import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { assertMatchesContract } from '../../../../test/contract.js'
import { makeCampaign, makeHousehold, makeOrganization, makeTarget, makeUser } from '../../../../test/factories.js'
import { addMonths, parisToday } from '../../../shared/clock.js'
import { homeContract } from '../../../shared/contracts/home.js'
import { nowTimestamp } from '../../db/time.js'

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
})
