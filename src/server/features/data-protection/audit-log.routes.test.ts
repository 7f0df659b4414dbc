import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeHousehold, makeOrganization, makeUser } from '../../../../test/factories.js'
import { AUDIT_ACTIONS } from '../../../shared/contracts/data-protection.js'
import type { Db } from '../../db/database.js'

async function line(
  db: Db,
  entry: {
    at: string
    action: string
    actorUserId?: string | null
    actorEmail?: string | null
    organizationId?: string | null
    entityType?: string | null
    entityId?: string | null
    details?: Record<string, unknown>
  },
) {
  await db
    .insertInto('auditEvent')
    .values({
      at: entry.at,
      action: entry.action,
      actorUserId: entry.actorUserId ?? null,
      actorEmail: entry.actorEmail ?? null,
      organizationId: entry.organizationId ?? null,
      entityType: entry.entityType ?? null,
      entityId: entry.entityId ?? null,
      ip: '127.0.0.1',
      details: entry.details ? JSON.stringify(entry.details) : null,
    })
    .execute()
}

async function setUp(t: Parameters<typeof buildTestApp>[0]) {
  const testApp = await buildTestApp(t)
  const { db } = testApp
  const landlord = await makeOrganization(db, { name: 'Habitat Lorrain' })
  const other = await makeOrganization(db)
  const dpo = await makeUser(db, 'dpo', { organizationId: landlord.id })
  const worker = await makeUser(db, 'social_worker', { organizationId: landlord.id })
  const manager = await makeUser(db, 'manager', { organizationId: landlord.id })
  const stranger = await makeUser(db, 'manager', { organizationId: other.id })
  const household = await makeHousehold(db, { organizationId: landlord.id, externalRef: 'H-0042' })
  const neighbour = await makeHousehold(db, { organizationId: landlord.id, externalRef: 'H-0043' })
  const elsewhere = await makeHousehold(db, { organizationId: other.id, externalRef: 'H-0042' })
  const referralId = crypto.randomUUID()
  await db
    .insertInto('referral')
    .values({
      id: referralId,
      householdId: household.id,
      callId: null,
      senderOrganizationId: landlord.id,
      senderUserId: worker.id,
      recipientOrganizationId: landlord.id,
      recipientTeam: null,
      assigneeId: null,
      category: 'isolation',
      urgency: 'normal',
      status: 'sent',
      summary: 'Se sent seule',
      consentGiven: 1,
      consentRecordedAt: '2026-03-01T09:00:00.000Z',
      overrideReason: null,
      outcome: null,
      dueAcceptBy: '2026-03-03T09:00:00.000Z',
      dueResolveBy: '2026-03-10T09:00:00.000Z',
      acceptedAt: null,
      closedAt: null,
      overdueNotifiedAt: null,
      createdAt: '2026-03-01T09:00:00.000Z',
      updatedAt: '2026-03-01T09:00:00.000Z',
    })
    .execute()
  const at = (day: string) => `${day}T10:00:00.000Z`
  const h = { entityType: 'household', organizationId: landlord.id }
  await line(db, {
    at: at('2026-03-01'),
    action: 'household.read',
    actorUserId: worker.id,
    ...h,
    entityId: household.id,
  })
  await line(db, {
    at: at('2026-03-02'),
    action: 'household.timeline_read',
    actorUserId: manager.id,
    ...h,
    entityId: household.id,
  })
  await line(db, {
    at: at('2026-03-03'),
    action: 'household.read',
    actorUserId: manager.id,
    ...h,
    entityId: neighbour.id,
  })
  await line(db, {
    at: at('2026-03-04'),
    action: 'referral.read',
    actorUserId: worker.id,
    organizationId: landlord.id,
    entityType: 'referral',
    entityId: referralId,
  })
  // Filed under no organisation: a search by a member of the landlord, a sign-in of the stranger.
  await line(db, { at: at('2026-03-05'), action: 'household.search', actorUserId: worker.id, entityType: 'household' })
  await line(db, { at: at('2026-03-05'), action: 'auth.login', actorUserId: stranger.id })
  // Another organisation's lines, about a household with the same reference.
  await line(db, {
    at: at('2026-03-06'),
    action: 'household.read',
    actorUserId: stranger.id,
    organizationId: other.id,
    entityType: 'household',
    entityId: elsewhere.id,
    details: { via: '=HYPERLINK("http://x")' },
  })
  await line(db, {
    at: at('2026-04-01'),
    action: 'household.objection',
    actorUserId: worker.id,
    ...h,
    entityId: household.id,
    details: { channel: '=cmd|calc' },
  })
  return { ...testApp, landlord, other, dpo, worker, manager, stranger, household }
}

describe('GET /api/audit', () => {
  it('gives the DPO the lines of their organisation, newest first, with who, role and household reference', async (t) => {
    const { app, loginAs, dpo, worker, landlord } = await setUp(t)
    const response = await app.inject({ url: '/api/audit', headers: await loginAs(dpo) })
    assert.equal(response.statusCode, 200)
    const body = response.json()
    // 6 lines of the landlord, plus the DPO's own sign-in (filed under no organisation, by a member).
    const actions = body.items.map((item: { action: string }) => item.action)
    assert.equal(body.total, 7)
    assert.deepEqual(actions.slice(1), [
      'household.objection',
      'household.search',
      'referral.read',
      'household.read',
      'household.timeline_read',
      'household.read',
    ])
    assert.equal(actions[0], 'auth.login')
    const objection = body.items[1]
    assert.deepEqual(objection.actor, { id: worker.id, email: worker.email, name: 'Test social_worker' })
    assert.equal(objection.actorRole, 'social_worker')
    assert.deepEqual(objection.organization, { code: landlord.code, name: 'Habitat Lorrain' })
    assert.equal(objection.householdRef, 'H-0042')
    assert.deepEqual(objection.details, { channel: '=cmd|calc' })
  })

  it('filters by user, household reference (its referrals included), action family, organisation and period, and pages', async (t) => {
    const { app, db, loginAs, dpo, worker, manager, landlord, other } = await setUp(t)
    const headers = await loginAs(dpo)
    const get = async (query: string) => {
      const response = await app.inject({ url: `/api/audit?${query}`, headers })
      assert.equal(response.statusCode, 200, response.body)
      return response.json() as { items: Array<{ action: string; at: string }>; total: number }
    }
    const actionsOf = (body: { items: Array<{ action: string }> }) => body.items.map((item) => item.action)
    assert.deepEqual(actionsOf(await get(`user=${manager.id}`)), ['household.read', 'household.timeline_read'])
    assert.equal((await get(`user=${encodeURIComponent(worker.email.toUpperCase())}`)).total, 4)
    assert.deepEqual(actionsOf(await get('householdRef=H-0042')), [
      'household.objection',
      'referral.read',
      'household.timeline_read',
      'household.read',
    ])
    assert.equal((await get('action=household')).total, 5)
    assert.equal((await get('action=household.read')).total, 2)
    assert.equal((await get('action=household.rea')).total, 0, 'a family is a whole segment')
    assert.deepEqual(actionsOf(await get('from=2026-03-02&to=2026-03-04')), [
      'referral.read',
      'household.read',
      'household.timeline_read',
    ])
    const page = await get('from=2026-03-01&to=2026-04-30&limit=2&offset=2')
    assert.equal(page.total, 6)
    assert.deepEqual(actionsOf(page), ['referral.read', 'household.read'])
    assert.equal((await get(`organization=${landlord.code}&action=household.read`)).total, 2)

    const outside = await app.inject({ url: `/api/audit?organization=${other.code}`, headers })
    assert.equal(outside.statusCode, 404)
    const backwards = await app.inject({ url: '/api/audit?from=2026-03-05&to=2026-03-01', headers })
    assert.equal(backwards.statusCode, 400)
    assert.equal(backwards.json().error.details[0].field, 'to')

    const reads = await db
      .selectFrom('auditEvent')
      .selectAll()
      .where('action', '=', 'audit.read')
      .orderBy('id')
      .execute()
    assert.equal(reads.length, 9)
    assert.equal(reads[0].actorUserId, dpo.id)
    assert.deepEqual(JSON.parse(reads[0].details ?? '{}').filters, ['user'])
  })

  it('accepts as a filter every action of the contract’s list and each family, camel case included', async (t) => {
    const { app, db, loginAs, dpo, worker, landlord, household } = await setUp(t)
    await line(db, {
      at: '2026-04-02T10:00:00.000Z',
      action: 'dataRequest.create',
      actorUserId: worker.id,
      organizationId: landlord.id,
      entityType: 'household',
      entityId: household.id,
    })
    const headers = await loginAs(dpo)
    const total = async (action: string) => {
      const response = await app.inject({ url: `/api/audit?action=${action}`, headers })
      assert.equal(response.statusCode, 200, `${action}: ${response.body}`)
      return (response.json() as { total: number }).total
    }
    for (const action of AUDIT_ACTIONS) await total(action)
    for (const family of new Set(AUDIT_ACTIONS.map((action) => action.split('.')[0]!))) await total(family)
    assert.equal(await total('dataRequest'), 1)
    assert.equal(await total('dataRequest.create'), 1)
    const odd = await app.inject({ url: '/api/audit?action=household;drop', headers })
    assert.equal(odd.statusCode, 400)
  })

  it('gives an administrator the same; refuses managers (403); another organisation’s DPO sees none of it', async (t) => {
    const { app, db, loginAs, landlord, manager, other } = await setUp(t)
    const admin = await makeUser(db, 'admin', { organizationId: landlord.id })
    const asAdmin = await app.inject({ url: '/api/audit?householdRef=H-0042', headers: await loginAs(admin) })
    assert.equal(asAdmin.json().total, 4)
    const asManager = await app.inject({ url: '/api/audit', headers: await loginAs(manager) })
    assert.equal(asManager.statusCode, 403)
    const theirDpo = await makeUser(db, 'dpo', { organizationId: other.id })
    const theirs = await app.inject({ url: '/api/audit?householdRef=H-0042', headers: await loginAs(theirDpo) })
    assert.equal(theirs.json().total, 1, 'only the line about their own household H-0042')
  })
})

describe('GET /api/audit.csv', () => {
  it('exports the filtered lines as a French CSV, formulas neutralised, and audits the export', async (t) => {
    const { app, db, loginAs, dpo } = await setUp(t)
    const response = await app.inject({ url: '/api/audit.csv?householdRef=H-0042', headers: await loginAs(dpo) })
    assert.equal(response.statusCode, 200)
    assert.match(response.headers['content-type'] as string, /^text\/csv/)
    assert.match(response.headers['content-disposition'] as string, /attachment; filename="journal-acces\.csv"/)
    const lines = response.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
    assert.equal(lines.length, 5)
    assert.match(lines[0], /^Date \(heure de Paris\);Action;Utilisateur;Rôle;Organisme/)
    assert.match(lines[1], /^01\/04\/2026 12:00;household\.objection;social_worker-/)
    assert.match(lines[1], /'\{""channel"":""=cmd\|calc""\}|"\{""channel"":""=cmd\|calc""\}"/)
    const exports = await db.selectFrom('auditEvent').selectAll().where('action', '=', 'audit.export').execute()
    assert.equal(exports.length, 1)
    assert.equal(JSON.parse(exports[0].details ?? '{}').rows, 4)
  })
})
