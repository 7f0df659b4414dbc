/**
 * A small review fixture whose every figure is counted by hand in stats.routes.test.ts.
 *
 * Period 2026-10-24 … 2026-10-26 (Europe/Paris); summer time ends on Sunday 25 October (that day lasts 25 hours:
 * from 2026-10-24T22:00Z to 2026-10-25T23:00Z). Landlords A and B share one home (A's "hShared" and B's "hSharedB":
 * same postcode, address and leaseholder, written differently).
 */
import { randomUUID } from 'node:crypto'
import {
  makeCall,
  makeCampaign,
  makeHousehold,
  makeOrganization,
  makeTarget,
  makeUser,
} from '../../../../test/factories.js'
import type { Db } from '../../db/database.js'
import type { CallTable, ReferralTable } from '../../db/schema.js'
import { createAgency, createNetwork, createOrganization } from '../organizations/organizations.queries.js'

export const PERIOD = { from: '2026-10-24', to: '2026-10-26' }

export async function seedStatsFixture(db: Db) {
  const suffix = randomUUID().slice(0, 6)
  const a = await makeOrganization(db, { code: `A-${suffix}`, name: 'Bailleur A' })
  const b = await makeOrganization(db, { code: `B-${suffix}`, name: 'Bailleur B' })
  const p = await makeOrganization(db, { code: `P-${suffix}`, type: 'partner' })
  const elsewhere = await createNetwork(db, { code: `autre-${suffix}`, name: 'Autre réseau' })
  const x = await createOrganization(db, {
    networkId: elsewhere.id,
    code: `X-${suffix}`,
    name: 'Ailleurs',
    type: 'landlord',
  })
  const nord = await createAgency(db, { organizationId: a.id, code: 'nord', name: 'Agence Nord' })
  const sud = await createAgency(db, { organizationId: a.id, code: 'sud', name: 'Agence Sud' })

  const users = {
    adminA: await makeUser(db, 'admin', { organizationId: a.id }),
    managerA: await makeUser(db, 'manager', { organizationId: a.id }),
    viewerA: await makeUser(db, 'viewer', { organizationId: a.id }),
    callerA1: await makeUser(db, 'caller', { organizationId: a.id }),
    callerA2: await makeUser(db, 'caller', { organizationId: a.id }),
    socialWorkerA: await makeUser(db, 'social_worker', { organizationId: a.id }),
    managerB: await makeUser(db, 'manager', { organizationId: b.id }),
    viewerB: await makeUser(db, 'viewer', { organizationId: b.id }),
    callerB1: await makeUser(db, 'caller', { organizationId: b.id }),
    partnerP: await makeUser(db, 'partner', { organizationId: p.id }),
    adminX: await makeUser(db, 'admin', { organizationId: x.id }),
  }

  const household = (organizationId: string, agencyId: string | null, fields: Record<string, unknown> = {}) =>
    makeHousehold(db, {
      organizationId,
      agencyId,
      addressLine1: `${randomUUID().slice(0, 8)} rue des Tests`,
      ...fields,
    })
  const h = {
    h1: await household(a.id, nord.id),
    h2: await household(a.id, nord.id),
    h3: await household(a.id, sud.id),
    h4: await household(a.id, sud.id),
    h5: await household(a.id, nord.id),
    hShared: await household(a.id, nord.id, {
      postcode: '54000',
      addressLine1: "3 rue de l'Église",
      lastName: 'Dupré',
    }),
    hSharedB: await household(b.id, null, { postcode: '54000', addressLine1: "3, Rue de l'eglise", lastName: 'DUPRE' }),
    b2: await household(b.id, null),
  }

  const campaign = async (organizationId: string, createdBy: string, activatedAt: string, closedAt: string | null) => {
    const made = await makeCampaign(db, { organizationId, createdBy, status: closedAt ? 'closed' : 'active' })
    await db.updateTable('campaign').set({ activatedAt, closedAt }).where('id', '=', made.id).execute()
    return made
  }
  const cA1 = await campaign(a.id, users.managerA.id, '2026-10-01T07:00:00.000Z', null)
  const cA2 = await campaign(a.id, users.managerA.id, '2026-01-05T08:00:00.000Z', '2026-02-01T08:00:00.000Z')
  const cB1 = await campaign(b.id, users.managerB.id, '2026-10-01T07:00:00.000Z', null)

  const target = async (
    c: { id: string; organizationId: string },
    householdId: string,
    status = 'pending',
    removed = false,
  ) => {
    const made = await makeTarget(db, c, { householdId })
    await db
      .updateTable('campaignTarget')
      .set({ status, removedAt: removed ? '2026-10-10T08:00:00.000Z' : null })
      .where('id', '=', made.id)
      .execute()
    return made.id
  }
  const t = {
    h1: await target(cA1, h.h1.id, 'completed'),
    h2: await target(cA1, h.h2.id, 'completed'),
    h3: await target(cA1, h.h3.id, 'completed'),
    h4: await target(cA1, h.h4.id, 'unreachable'),
    hShared: await target(cA1, h.hShared.id, 'completed'),
    h5: await target(cA1, h.h5.id, 'excluded', true),
    h5closed: await target(cA2, h.h5.id, 'completed'),
    hSharedB: await target(cB1, h.hSharedB.id, 'completed'),
    b2: await target(cB1, h.b2.id, 'unreachable'),
  }

  let attempt = 0
  const call = async (
    c: { id: string; organizationId: string },
    targetId: string,
    householdId: string,
    callerId: string,
    disposition: string,
    createdAt: string,
    extra: Partial<CallTable> = {},
  ) => {
    const target = { id: targetId, campaignId: c.id, householdId, organizationId: c.organizationId }
    const row = await makeCall(db, target, callerId, { attempt: ++attempt, disposition, createdAt, ...extra })
    return row.id
  }
  const scored = (results: Record<string, string>) =>
    JSON.stringify(
      Object.fromEntries(
        Object.entries(results).map(([code, category]) => [code, { score: 1, category, complete: true }]),
      ),
    )
  const { callerA1, callerA2, callerB1 } = users
  const calls = {
    // 23:59 in Paris on the 24th (summer time, UTC+2).
    c1: await call(cA1, t.h1, h.h1.id, callerA1.id, 'completed', '2026-10-24T21:59:00.000Z', {
      durationSeconds: 600,
      scores: scored({ ucla3: 'lonely', usda6: 'low' }),
      needs: JSON.stringify(['food', 'isolation']),
      fragilityLevel: 'fragile',
    }),
    // Midnight in Paris: the 25th begins.
    c2: await call(cA1, t.h1, h.h1.id, callerA1.id, 'no_answer', '2026-10-24T22:00:00.000Z', { durationSeconds: 30 }),
    // 23:30 in Paris on the 25th (winter time since 03:00, UTC+1).
    c3: await call(cA1, t.h2, h.h2.id, callerA2.id, 'no_answer', '2026-10-25T22:30:00.000Z'),
    // Midnight in Paris: the 26th.
    c4: await call(cA1, t.h2, h.h2.id, callerA2.id, 'completed', '2026-10-25T23:00:00.000Z', {
      durationSeconds: 900,
      scores: scored({ epices: 'precarious', lsns6: 'not_at_risk', ucla3: 'not_lonely' }),
      needs: JSON.stringify(['food']),
      fragilityLevel: 'watch',
    }),
    // 23:59:59 in Paris on the 23rd: before the period.
    c5: await call(cA1, t.h3, h.h3.id, callerA1.id, 'voicemail', '2026-10-23T21:59:59.000Z', { durationSeconds: 20 }),
    // Midnight in Paris on the 27th: after the period.
    c6: await call(cA1, t.h3, h.h3.id, callerA1.id, 'completed', '2026-10-26T23:00:00.000Z', {
      durationSeconds: 700,
      fragilityLevel: 'high_vulnerability',
    }),
    c7: await call(cA1, t.hShared, h.hShared.id, callerA2.id, 'completed', '2026-10-25T10:00:00.000Z', {
      durationSeconds: 300,
      scores: scored({ frail: 'frail', usda6: 'very_low' }),
      needs: JSON.stringify(['health_autonomy']),
      fragilityLevel: 'high_vulnerability',
    }),
    c8: await call(cA1, t.hShared, h.hShared.id, callerA2.id, 'completed', '2026-10-24T08:00:00.000Z', {
      durationSeconds: 200,
      scores: scored({ ucla3: 'lonely' }),
      fragilityLevel: 'none',
    }),
    c9: await call(cB1, t.hSharedB, h.hSharedB.id, callerB1.id, 'completed', '2026-10-25T12:00:00.000Z', {
      durationSeconds: 400,
      scores: scored({ ucla3: 'not_lonely' }),
      needs: JSON.stringify(['food']),
      fragilityLevel: 'fragile',
    }),
    c10: await call(cB1, t.b2, h.b2.id, callerB1.id, 'busy', '2026-10-26T09:00:00.000Z', { durationSeconds: 10 }),
    c11: await call(cA1, t.h4, h.h4.id, callerA1.id, 'no_answer', '2026-10-24T10:00:00.000Z'),
  }

  const referral = async (fields: Partial<ReferralTable> & Pick<ReferralTable, 'householdId' | 'createdAt'>) => {
    const row: ReferralTable = {
      id: randomUUID(),
      callId: null,
      senderOrganizationId: a.id,
      senderUserId: users.managerA.id,
      recipientOrganizationId: p.id,
      recipientTeam: null,
      assigneeId: null,
      category: 'food',
      urgency: 'within_7_days',
      status: 'sent',
      summary: 'Synthèse de test',
      consentGiven: 1,
      consentRecordedAt: fields.createdAt,
      overrideReason: null,
      outcome: null,
      dueAcceptBy: '2026-12-31T00:00:00.000Z',
      dueResolveBy: '2026-12-31T00:00:00.000Z',
      acceptedAt: null,
      closedAt: null,
      overdueNotifiedAt: null,
      updatedAt: fields.createdAt,
      ...fields,
    }
    await db.insertInto('referral').values(row).execute()
  }
  // 2 h to accept, 24 h to resolve, within its due date.
  await referral({
    householdId: h.hShared.id,
    callId: calls.c8,
    createdAt: '2026-10-24T09:00:00.000Z',
    acceptedAt: '2026-10-24T11:00:00.000Z',
    closedAt: '2026-10-25T09:00:00.000Z',
    dueResolveBy: '2026-10-26T09:00:00.000Z',
    status: 'done',
  })
  // Internal team: 10 h to accept, 48 h to resolve, a day late.
  await referral({
    householdId: h.h1.id,
    callId: calls.c1,
    recipientOrganizationId: a.id,
    recipientTeam: 'Service social',
    category: 'isolation',
    createdAt: '2026-10-25T08:00:00.000Z',
    acceptedAt: '2026-10-25T18:00:00.000Z',
    closedAt: '2026-10-27T08:00:00.000Z',
    dueResolveBy: '2026-10-26T08:00:00.000Z',
    status: 'done',
  })
  await referral({ householdId: h.h2.id, callId: calls.c4, createdAt: '2026-10-26T10:00:00.000Z' })
  // Before the period.
  await referral({ householdId: h.h2.id, createdAt: '2026-10-20T10:00:00.000Z' })
  // From B: 4 h to accept.
  await referral({
    householdId: h.hSharedB.id,
    callId: calls.c9,
    senderOrganizationId: b.id,
    senderUserId: users.managerB.id,
    category: 'health_autonomy',
    createdAt: '2026-10-25T13:00:00.000Z',
    acceptedAt: '2026-10-25T17:00:00.000Z',
    status: 'accepted',
  })

  const feedback = async (
    c: { id: string; organizationId: string },
    callerId: string,
    meaningful: number,
    useful: number,
    createdAt: string,
    extra: { comment?: string; debrief?: boolean } = {},
  ) =>
    db
      .insertInto('callerFeedback')
      .values({
        id: randomUUID(),
        organizationId: c.organizationId,
        campaignId: c.id,
        callerId,
        meaningful,
        useful,
        comment: extra.comment ?? null,
        debriefRequested: extra.debrief ? 1 : 0,
        debriefHandledBy: null,
        debriefHandledAt: null,
        createdAt,
      })
      .execute()
  await feedback(cA1, callerA1.id, 5, 4, '2026-10-25T10:00:00.000Z', { comment: 'Échange fort', debrief: true })
  await feedback(cA1, callerA2.id, 3, 3, '2026-10-24T10:00:00.000Z')
  await feedback(cA1, callerA1.id, 4, 2, '2026-10-20T10:00:00.000Z', { comment: 'Avant la période' })
  await feedback(cB1, callerB1.id, 1, 1, '2026-10-26T10:00:00.000Z', { debrief: true })

  return { a, b, p, x, users, households: h, campaigns: { cA1, cA2, cB1 } }
}
