/**
 * Erasure leaves nothing of a household's identity or free texts anywhere: after a household has been called,
 * oriented (a mail queued to the partner), objected and had its objection lifted, with sensitive words in its texts,
 * every row of every table is read back and none holds one of its words. What is kept on purpose is listed in
 * KNOWN_RESIDUES with the reason.
 */
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
import { findWords } from '../../../../test/words-in-tables.js'
import { eraseHousehold, runPurge } from './retention.service.js'

/** Words of the household found nowhere after erasure (lower case; the search ignores case). */
const IDENTITY = ['zyxwabc', 'quentinette', 'quentinette.zyx@example.org', 'wxyzq', '612987654']
const FREE_TEXT = ['kqpvw', 'diabète', 'alcoolique', 'jmrtz', 'vbnxq']

/**
 * Columns that keep a household's words after erasure, by decision: none. The home key the review counted its calls
 * under (normalised postcode, first address line and last name) is forgotten for an opaque token once nobody on file
 * lives under it (docs/decisions.md "A frozen home key").
 */
const KNOWN_RESIDUES = new Set<string>()

async function setUp(t: Parameters<typeof buildTestApp>[0]) {
  const testApp = await buildTestApp(t)
  const { app, db, loginAs } = testApp
  const landlord = await makeOrganization(db, { name: 'Habitat Lorrain' })
  const partner = await makeOrganization(db, { type: 'partner', name: 'CCAS de Nancy' })
  const manager = await makeUser(db, 'manager', { organizationId: landlord.id })
  await makeUser(db, 'partner', { organizationId: partner.id })
  const household = await makeHousehold(db, {
    organizationId: landlord.id,
    civility: 'Mme',
    lastName: 'Zyxwabc',
    firstName: 'Quentinette',
    email: 'quentinette.zyx@example.org',
    addressLine1: '7 impasse Wxyzq',
  })
  await makePhone(db, household, '+33612987654')
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
  await makeCall(
    db,
    { id: targetId, campaignId: campaign.id, householdId: household.id, organizationId: landlord.id },
    manager.id,
    {
      disposition: 'reached',
      phoneE164: '+33612987654',
      needs: JSON.stringify(['isolation']),
      fragilityLevel: 'moderate',
      notes: 'Mme Zyxwabc dit kqpvw',
      durationSeconds: 300,
      createdAt: '2026-04-01T08:00:00.000Z',
    },
  )
  const headers = await loginAs(manager)
  const referral = await app.inject({
    method: 'POST',
    url: '/api/referrals',
    headers,
    payload: {
      householdId: household.id,
      category: 'isolation',
      urgency: 'routine',
      recipient: { organization: partner.code },
      summary: 'Quentinette Zyxwabc, diabète, souhaite de la visite',
      consent: { given: true },
    },
  })
  assert.equal(referral.statusCode, 201, referral.body)
  const revoked = await app.inject({
    method: 'POST',
    url: `/api/referrals/${referral.json().referral.id}/transition`,
    headers,
    payload: { to: 'revoked' },
  })
  assert.equal(revoked.statusCode, 200, revoked.body)
  const objection = await app.inject({
    method: 'POST',
    url: `/api/households/${household.id}/objection`,
    headers,
    payload: { channel: 'mail', note: 'Son fils alcoolique répond au téléphone' },
  })
  assert.equal(objection.statusCode, 201, objection.body)
  const withdrawn = await app.inject({
    method: 'POST',
    url: `/api/households/${household.id}/objection/withdraw`,
    headers,
    payload: { reason: 'Mme Zyxwabc le demande par courrier jmrtz' },
  })
  assert.equal(withdrawn.statusCode, 200, withdrawn.body)
  // A request of the register refused with the reason written to the tenant.
  const registered = await app.inject({
    method: 'POST',
    url: '/api/data-requests',
    headers,
    payload: { householdRef: household.externalRef, kind: 'access' },
  })
  assert.equal(registered.statusCode, 201, registered.body)
  const refused = await app.inject({
    method: 'POST',
    url: `/api/data-requests/${registered.json().id}/close`,
    headers,
    payload: { outcome: 'refused', response: 'Mme Zyxwabc a déjà reçu son dossier vbnxq' },
  })
  assert.equal(refused.statusCode, 200, refused.body)
  return { ...testApp, landlord, manager, household }
}

describe('erasure leaves nothing of the household', () => {
  it('no table holds its identity or its free texts after erasure: flags deleted, mail without them, the objection’s lifting reason blanked', async (t) => {
    const { db, household } = await setUp(t)
    const before = await findWords(db, [...IDENTITY, ...FREE_TEXT])
    for (const expected of [
      'household.lastName',
      'call.notes',
      'referral.summary',
      'audit_event.details',
      'data_request.response',
    ]) {
      assert.ok(before.has(expected), `the words are there before (${expected})`)
    }
    const flags = await db.selectFrom('sensitiveFlag').select('id').where('householdId', '=', household.id).execute()
    assert.ok(flags.length >= 2, 'the summary and the objection note were flagged')
    const mails = await db.selectFrom('outboxEmail').select(['subject', 'body']).execute()
    assert.ok(mails.length >= 1, 'the orientation queued a mail to the partner')

    assert.equal((await eraseHousehold(db, household.id, 'request')).status, 'erased')

    const after = await findWords(db, [...IDENTITY, ...FREE_TEXT])
    const erased = await db.selectFrom('household').select('civility').where('id', '=', household.id).executeTakeFirst()
    assert.equal(erased?.civility, null, 'the civility is blanked with the names')
    const unexpected = [...after].filter(([column]) => !KNOWN_RESIDUES.has(column))
    assert.deepEqual(unexpected, [], 'no cell holds a word of the household')
    const remainingFlags = await db
      .selectFrom('sensitiveFlag')
      .select('id')
      .where('householdId', '=', household.id)
      .execute()
    assert.equal(remainingFlags.length, 0)
    const withdrawal = await db
      .selectFrom('auditEvent')
      .select('details')
      .where('action', '=', 'household.objection_withdrawn')
      .executeTakeFirstOrThrow()
    assert.deepEqual(JSON.parse(withdrawal.details ?? '{}'), { reasonErased: true })
    // The register keeps the request, its dates and outcome (proof it was handled), not the answer's text.
    const register = await db
      .selectFrom('dataRequest')
      .select(['kind', 'outcome', 'status', 'response', 'receivedOn'])
      .where('householdId', '=', household.id)
      .execute()
    assert.equal(register.length, 1)
    assert.deepEqual(
      [register[0]!.kind, register[0]!.outcome, register[0]!.status, register[0]!.response],
      ['access', 'refused', 'closed', null],
    )
    assert.ok(register[0]!.receivedOn)
  })

  it('the purge deletes sensitive-word flags after the audit period and the file’s rows kept in import reports after the left period', async (t) => {
    const { db, landlord, manager, household } = await setUp(t)
    await db.updateTable('sensitiveFlag').set({ createdAt: '2024-01-01T08:00:00.000Z' }).execute()
    const importId = randomUUID()
    await db
      .insertInto('importRun')
      .values({
        id: importId,
        organizationId: landlord.id,
        createdBy: manager.id,
        fileName: 'locataires.csv',
        status: 'done',
        isSnapshot: 0,
        isDryRun: 0,
        rowsTotal: 2,
        rowsDone: 2,
        report: JSON.stringify({
          rows: 2,
          households: { created: 1, updated: 0, unchanged: 0, left: 0 },
          rejected: [{ line: 3, reason: 'no name' }],
          warnings: [{ line: 2, column: 'Téléphone', value: '06 12 98 76 54', message: 'not a phone number' }],
          warningsTotal: 1,
          headers: ['Nom', 'Téléphone'],
          rejectedRows: [{ line: 3, reason: 'no name', cells: ['', '7 impasse Wxyzq'] }],
        }),
        error: null,
        createdAt: '2025-08-01T08:00:00.000Z',
        finishedAt: '2025-08-01T08:01:00.000Z',
      })
      .execute()
    const defaults = { contactMonths: 24, leftMonths: 3, auditMonths: 12, requestsMonths: 60 }
    await runPurge(db, { defaults, asOf: '2025-10-31', trigger: 'cli' })
    const early = await db.selectFrom('importRun').select('report').where('id', '=', importId).executeTakeFirstOrThrow()
    assert.match(early.report ?? '', /Wxyzq/, 'within three months the rejected rows stay (the manager fixes the file)')
    const outcome = await runPurge(db, { defaults, asOf: '2026-01-02', trigger: 'cli' })
    assert.equal(outcome.status, 'done')
    const report = JSON.parse(
      (await db.selectFrom('importRun').select('report').where('id', '=', importId).executeTakeFirstOrThrow()).report ??
        '{}',
    )
    assert.deepEqual(report.rejectedRows, [])
    assert.equal(report.warnings[0].value, '')
    assert.deepEqual(report.rejected, [{ line: 3, reason: 'no name' }], 'the counts and reasons stay')
    assert.equal(report.households.created, 1)
    assert.equal(
      (await db.selectFrom('sensitiveFlag').select('id').where('householdId', '=', household.id).execute()).length,
      0,
      'flags older than a year are gone',
    )
    const traces = await db.selectFrom('auditEvent').select('details').where('action', '=', 'retention.purge').execute()
    const sum = (key: string) =>
      traces.reduce((total, trace) => total + Number(JSON.parse(trace.details ?? '{}')[key] ?? 0), 0)
    assert.ok(sum('flagsErased') >= 2)
    assert.equal(sum('importReportsStripped'), 1)
  })
})
