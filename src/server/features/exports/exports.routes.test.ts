import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import Papa from 'papaparse'
import { buildTestApp } from '../../../../test/app.js'
import { createTestDatabase } from '../../../../test/database.js'
import {
  callRow,
  makeCall,
  makeCampaign,
  makeOrganization,
  makeTarget,
  makeUser,
  type TestUser,
} from '../../../../test/factories.js'
import { buildApp } from '../../app.js'
import { loadConfig } from '../../config.js'
import { bulkInsert } from '../../db/bulk.js'
import type { Db } from '../../db/database.js'
import { createAgency } from '../organizations/organizations.queries.js'

const FROM = '2026-12-01'
const TO = '2026-12-31'

/** The Europe/Paris day of an instant, computed here with Intl (the route uses luxon): an independent count. */
const parisDayOf = (instant: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(instant))
const inPeriod = (instant: string) => parisDayOf(instant) >= FROM && parisDayOf(instant) <= TO

interface FixtureCall {
  campaignId: string
  householdId: string
  organizationId: string
  targetId: string
  externalRef: string
  createdAt: string
  agency: string | null
}

/** A call of the fixture, with answers and a note that no export may carry. */
async function insertCall(
  db: Db,
  call: Omit<FixtureCall, 'externalRef' | 'agency'>,
  callerId: string,
  extra: Partial<{ disposition: string; phoneE164: string; needs: string[]; fragilityLevel: string }> = {},
) {
  await makeCall(
    db,
    {
      id: call.targetId,
      campaignId: call.campaignId,
      householdId: call.householdId,
      organizationId: call.organizationId,
    },
    callerId,
    {
      disposition: extra.disposition ?? 'completed',
      phoneE164: extra.phoneE164 ?? '+33612345678',
      answers: JSON.stringify({ health: 'diabète sévère' }),
      needs: extra.needs ? JSON.stringify(extra.needs) : null,
      fragilityLevel: extra.fragilityLevel ?? null,
      notes: 'NOTE CONFIDENTIELLE ne jamais exporter',
      durationSeconds: 420,
      createdAt: call.createdAt,
    },
  )
}

/**
 * Two landlords (A with agencies N1 and N2, B) and a partner P. Calls either side of both ends of December in Paris
 * time, unreachable targets, and referrals in every direction.
 */
async function seed(db: Db) {
  const a = await makeOrganization(db, { code: `A-${randomUUID().slice(0, 6)}`, name: 'Habitat Lorrain' })
  const b = await makeOrganization(db, { code: `B-${randomUUID().slice(0, 6)}` })
  const p = await makeOrganization(db, { type: 'partner', code: `P-${randomUUID().slice(0, 6)}`, name: 'CCAS Nancy' })
  const n1 = await createAgency(db, { organizationId: a.id, code: 'N1', name: 'Nancy Nord' })
  const n2 = await createAgency(db, { organizationId: a.id, code: 'N2', name: 'Nancy Sud' })
  const managerA = await makeUser(db, 'manager', { organizationId: a.id })
  const callerA = await makeUser(db, 'caller', { organizationId: a.id })
  const c1 = await makeCampaign(db, { organizationId: a.id, createdBy: managerA.id })
  const c2 = await makeCampaign(db, { organizationId: a.id, createdBy: managerA.id })
  const cb = await makeCampaign(db, { organizationId: b.id })
  const callerB = await makeUser(db, 'caller', { organizationId: b.id })

  const targets = [
    await makeTarget(db, c1, { household: { agencyId: n1.id, externalRef: 'A-001', lastName: 'Durand' } }),
    await makeTarget(db, c1, { household: { agencyId: n1.id, externalRef: 'A-002' } }),
    await makeTarget(db, c2, { household: { agencyId: n2.id, externalRef: 'A-003', lastName: '=SOMME(A1)' } }),
    await makeTarget(db, c2, { household: { agencyId: null, externalRef: 'A-004' } }),
  ]
  const refs = ['A-001', 'A-002', 'A-003', 'A-004']
  const agencies = ['N1', 'N1', 'N2', null]
  const times = [
    '2026-12-01T10:00:00.000Z',
    '2026-11-30T23:30:00.000Z', // 00:30 on 1 December in Paris: inside
    '2026-11-30T22:59:00.000Z', // 23:59 on 30 November in Paris: outside
    '2026-12-31T22:30:00.000Z', // 23:30 on 31 December in Paris: inside
    '2026-12-31T23:30:00.000Z', // 00:30 on 1 January in Paris: outside
    '2026-12-15T08:00:00.000Z',
  ]
  const calls: FixtureCall[] = []
  for (const [index, target] of targets.entries()) {
    for (const [k, createdAt] of times.entries()) {
      if ((index + k) % 2 === 1 && k !== 1 && k !== 4) continue // not every household on every day
      const call = {
        campaignId: target.campaignId,
        householdId: target.householdId,
        organizationId: a.id,
        targetId: target.id,
        createdAt,
      }
      await insertCall(db, call, callerA.id, {
        disposition: k === 0 ? 'no_answer' : 'completed',
        needs: k === 5 ? ['isolation', 'food'] : undefined,
        fragilityLevel: k === 5 ? 'fragile' : undefined,
      })
      calls.push({ ...call, externalRef: refs[index], agency: agencies[index] })
    }
  }
  const targetB = await makeTarget(db, cb, { household: { externalRef: 'B-001' } })
  await insertCall(
    db,
    {
      campaignId: cb.id,
      householdId: targetB.householdId,
      organizationId: b.id,
      targetId: targetB.id,
      createdAt: '2026-12-10T10:00:00.000Z',
    },
    callerB.id,
  )
  const callsOfB = [{ externalRef: 'B-001', createdAt: '2026-12-10T10:00:00.000Z' }]

  // Unreachable: two of A in the period (one with two numbers tried), one of A before, one of B in the period.
  const unreachable = async (target: { id: string }, lastCalledAt: string, attempts: number) =>
    db
      .updateTable('campaignTarget')
      .set({ status: 'unreachable', lastCalledAt, attempts, lastDisposition: 'no_answer' })
      .where('id', '=', target.id)
      .execute()
  await unreachable(targets[0], '2026-12-20T09:00:00.000Z', 5)
  await unreachable(targets[2], '2026-12-31T22:45:00.000Z', 4)
  await unreachable(targets[3], '2026-11-30T22:00:00.000Z', 5)
  await unreachable(targetB, '2026-12-20T09:00:00.000Z', 5)
  await insertCall(
    db,
    {
      campaignId: c1.id,
      householdId: targets[0].householdId,
      organizationId: a.id,
      targetId: targets[0].id,
      createdAt: '2026-12-20T09:00:00.000Z',
    },
    callerA.id,
    { disposition: 'no_answer', phoneE164: '+33383000000' },
  )
  calls.push({
    campaignId: c1.id,
    householdId: targets[0].householdId,
    organizationId: a.id,
    targetId: targets[0].id,
    externalRef: 'A-001',
    createdAt: '2026-12-20T09:00:00.000Z',
    agency: 'N1',
  })

  // Referrals: A→P sent, A→P done, B→P sent, A→A (internal), A→P before the period.
  const referral = async (
    householdId: string,
    sender: { id: string },
    senderUserId: string,
    recipient: { id: string },
    status: string,
    createdAt: string,
  ) => {
    const id = randomUUID()
    await db
      .insertInto('referral')
      .values({
        id,
        householdId,
        callId: null,
        senderOrganizationId: sender.id,
        senderUserId,
        recipientOrganizationId: recipient.id,
        recipientTeam: null,
        assigneeId: null,
        category: 'food',
        urgency: 'within_7_days',
        status,
        summary: 'RÉSUMÉ PRIVÉ à ne pas exporter',
        consentGiven: 1,
        consentRecordedAt: createdAt,
        overrideReason: null,
        outcome: status === 'done' ? 'ISSUE PRIVÉE' : null,
        dueAcceptBy: '2027-01-10T10:00:00.000Z',
        dueResolveBy: '2027-02-10T10:00:00.000Z',
        acceptedAt: null,
        closedAt: status === 'done' ? '2026-12-20T10:00:00.000Z' : null,
        overdueNotifiedAt: null,
        createdAt,
        updatedAt: createdAt,
      })
      .execute()
    return id
  }
  await referral(targets[0].householdId, a, managerA.id, p, 'sent', '2026-12-02T10:00:00.000Z')
  await referral(targets[1].householdId, a, managerA.id, p, 'done', '2026-12-03T10:00:00.000Z')
  await referral(targetB.householdId, b, callerB.id, p, 'sent', '2026-12-04T10:00:00.000Z')
  await referral(targets[2].householdId, a, managerA.id, a, 'sent', '2026-12-05T10:00:00.000Z')
  await referral(targets[3].householdId, a, managerA.id, p, 'sent', '2026-11-30T22:00:00.000Z')

  return { a, b, p, c1, c2, cb, managerA, callerA, calls, callsOfB }
}

/** Parses a CSV body as Excel would: BOM, then `;`-separated lines ending in CRLF. */
function readCsv(body: string) {
  assert.equal(body.charCodeAt(0), 0xfeff, 'starts with a UTF-8 byte order mark')
  const text = body.slice(1)
  assert.ok(text.includes('\r\n'), 'CRLF line ends')
  assert.ok(!/[^\r]\n/.test(text), 'no bare LF line end')
  const parsed = Papa.parse<string[]>(text, { delimiter: ';', skipEmptyLines: true })
  assert.deepEqual(parsed.errors, [])
  const [header, ...rows] = parsed.data
  return { header, rows }
}

async function readXlsx(body: Buffer) {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(body as unknown as ArrayBuffer)
  const sheet = workbook.worksheets[0]
  const rows: unknown[][] = []
  sheet.eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1))
  })
  const [header, ...data] = rows
  return { name: sheet.name, header, rows: data }
}

async function exportAs(setup: Awaited<ReturnType<typeof buildTestApp>>, user: TestUser, path: string) {
  return setup.app.inject({ method: 'GET', url: `/api/exports/${path}`, headers: await setup.loginAs(user) })
}

async function exportAudits(db: Db) {
  const rows = await db.selectFrom('auditEvent').selectAll().where('action', '=', 'export.download').execute()
  return rows.map((row) => ({ ...row, details: JSON.parse(row.details ?? '{}') }))
}

describe('GET /api/exports/calls', () => {
  it('streams the calls of the organisation and the Paris period as CSV for Excel, without notes or answers', async (t) => {
    const setup = await buildTestApp(t)
    const fixture = await seed(setup.db)
    const response = await exportAs(
      setup,
      fixture.managerA,
      `calls.csv?scope=organization:${fixture.a.code}&from=${FROM}&to=${TO}`,
    )
    assert.equal(response.statusCode, 200, response.body)
    assert.match(response.headers['content-type'] as string, /^text\/csv; charset=utf-8/)
    assert.equal(
      response.headers['content-disposition'],
      `attachment; filename="appels_${fixture.a.code}_${FROM}_${TO}.csv"`,
    )
    const { header, rows } = readCsv(response.body)
    assert.deepEqual(header, [
      'Date',
      'Campagne',
      'Référence ménage',
      'Appelant',
      'Tentative',
      'Issue',
      'Durée (secondes)',
      'Niveau de fragilité',
      'Besoins repérés',
    ])
    const expected = fixture.calls.filter((call) => inPeriod(call.createdAt))
    assert.ok(expected.length >= 8 && expected.length < fixture.calls.length, 'the fixture straddles the period')
    assert.equal(rows.length, expected.length)
    assert.deepEqual(rows.map((row) => row[2]).sort(), expected.map((call) => call.externalRef).sort())
    // Paris day boundaries: 23:30 UTC on 30 November is 1 December; 23:30 UTC on 31 December is 1 January.
    const dates = rows.map((row) => row[0])
    assert.ok(dates.includes('01/12/2026 00:30'))
    assert.ok(dates.includes('31/12/2026 23:30'))
    assert.ok(!dates.includes('01/01/2027 00:30'))
    assert.ok(!dates.includes('30/11/2026 23:59'))
    assert.deepEqual(
      dates,
      [...dates].sort((x, y) => toSortable(x).localeCompare(toSortable(y))),
      'oldest first',
    )
    const withNeeds = rows.find((row) => row[8] !== '')!
    assert.equal(withNeeds[8], 'Isolement, Alimentation')
    assert.equal(withNeeds[7], 'Fragile')
    assert.equal(withNeeds[5], 'Entretien réalisé')
    assert.equal(withNeeds[6], '420')
    assert.equal(withNeeds[3], 'Test caller')
    assert.ok(!response.body.includes('NOTE CONFIDENTIELLE'), 'never notes')
    assert.ok(!response.body.includes('diabète'), 'never free-text answers or health details')
    assert.ok(!response.body.includes('B-001'), 'never another organisation’s calls')

    const audits = await exportAudits(setup.db)
    assert.equal(audits.length, 1)
    assert.equal(audits[0].actorUserId, fixture.managerA.id)
    assert.equal(audits[0].organizationId, fixture.a.id)
    assert.deepEqual(audits[0].details, {
      dataset: 'calls',
      format: 'csv',
      scope: `organization:${fixture.a.code}`,
      agency: null,
      from: FROM,
      to: TO,
      rows: expected.length,
      complete: true,
    })
    assert.ok(!String(audits[0].details).includes('A-001'), 'the audit never holds rows')
  })

  it('writes the same rows as an XLSX sheet with real dates in Paris time', async (t) => {
    const setup = await buildTestApp(t)
    const fixture = await seed(setup.db)
    const response = await exportAs(
      setup,
      fixture.managerA,
      `calls.xlsx?scope=organization:${fixture.a.code}&from=${FROM}&to=${TO}`,
    )
    assert.equal(response.statusCode, 200, response.body)
    assert.equal(response.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    assert.match(response.headers['content-disposition'] as string, /filename="appels_.*\.xlsx"/)
    const sheet = await readXlsx(response.rawPayload)
    assert.equal(sheet.name, 'Appels')
    assert.equal(sheet.header[0], 'Date')
    const expected = fixture.calls.filter((call) => inPeriod(call.createdAt))
    assert.equal(sheet.rows.length, expected.length)
    assert.deepEqual(sheet.rows.map((row) => row[2]).sort(), expected.map((call) => call.externalRef).sort())
    const dates = sheet.rows.map((row) => (row[0] as Date).toISOString())
    // Wall-clock Paris time carried in the UTC fields: what a spreadsheet shows.
    assert.ok(dates.includes('2026-12-01T00:30:00.000Z'))
    assert.ok(dates.includes('2026-12-31T23:30:00.000Z'))
    assert.equal(typeof sheet.rows[0][4], 'number', 'attempt is a number')
    const audits = await exportAudits(setup.db)
    assert.equal(audits[0].details.rows, expected.length)
    assert.equal(audits[0].details.format, 'xlsx')
  })

  it('narrows to an agency or a campaign', async (t) => {
    const setup = await buildTestApp(t)
    const fixture = await seed(setup.db)
    const byAgency = await exportAs(
      setup,
      fixture.managerA,
      `calls.csv?scope=organization:${fixture.a.code}&from=${FROM}&to=${TO}&agency=N1`,
    )
    assert.equal(byAgency.statusCode, 200, byAgency.body)
    assert.match(byAgency.headers['content-disposition'] as string, new RegExp(`appels_${fixture.a.code}_N1_`))
    const expectedN1 = fixture.calls.filter((call) => inPeriod(call.createdAt) && call.agency === 'N1')
    assert.deepEqual(
      readCsv(byAgency.body)
        .rows.map((row) => row[2])
        .sort(),
      expectedN1.map((call) => call.externalRef).sort(),
    )
    const byCampaign = await exportAs(
      setup,
      fixture.managerA,
      `calls.csv?scope=campaign:${fixture.c2.id}&from=${FROM}&to=${TO}`,
    )
    assert.equal(byCampaign.statusCode, 200, byCampaign.body)
    const expectedC2 = fixture.calls.filter((call) => inPeriod(call.createdAt) && call.campaignId === fixture.c2.id)
    assert.ok(expectedC2.length > 0)
    assert.equal(readCsv(byCampaign.body).rows.length, expectedC2.length)
  })

  it('gives an administrator the whole network, counting every organisation', async (t) => {
    const setup = await buildTestApp(t)
    const fixture = await seed(setup.db)
    const admin = await makeUser(setup.db, 'admin', { organizationId: fixture.a.id })
    const response = await exportAs(setup, admin, `calls.csv?scope=network&from=${FROM}&to=${TO}`)
    assert.equal(response.statusCode, 200, response.body)
    const rows = readCsv(response.body).rows
    const expected = [...fixture.calls, ...fixture.callsOfB].filter((call) => inPeriod(call.createdAt))
    assert.equal(rows.length, expected.length)
    assert.ok(rows.some((row) => row[2] === 'B-001'))
    assert.match(response.headers['content-disposition'] as string, /appels_reseau_2026-12-01_2026-12-31\.csv/)
    // Any one organisation of the network too, as they read its review (no role of theirs there needed).
    const ofB = await exportAs(setup, admin, `calls.csv?scope=organization:${fixture.b.code}&from=${FROM}&to=${TO}`)
    assert.equal(ofB.statusCode, 200, ofB.body)
    assert.deepEqual(
      readCsv(ofB.body).rows.map((row) => row[2]),
      ['B-001'],
    )
    const manager = await exportAs(setup, fixture.managerA, `calls.csv?scope=network&from=${FROM}&to=${TO}`)
    assert.equal(manager.statusCode, 403)
    assert.match(manager.json().error.message, /administrators/)
  })
})

describe('GET /api/exports/unreachable', () => {
  it('lists what a letter or a visit needs, with the numbers already tried', async (t) => {
    const setup = await buildTestApp(t)
    const fixture = await seed(setup.db)
    const response = await exportAs(
      setup,
      fixture.managerA,
      `unreachable.csv?scope=organization:${fixture.a.code}&from=${FROM}&to=${TO}`,
    )
    assert.equal(response.statusCode, 200, response.body)
    const { header, rows } = readCsv(response.body)
    assert.deepEqual(header.slice(0, 7), [
      'Référence ménage',
      'Nom',
      'Prénom',
      'Adresse',
      'Complément d’adresse',
      'Code postal',
      'Commune',
    ])
    // A-001 (20 December) and A-003 (23:45 on 31 December in Paris) are in; A-004 was before; B-001 is not ours.
    assert.deepEqual(rows.map((row) => row[0]).sort(), ['A-001', 'A-003'])
    const durand = rows.find((row) => row[0] === 'A-001')!
    assert.equal(durand[1], 'Durand')
    assert.equal(durand[3], '12 rue des Lilas')
    assert.equal(durand[5], '54000')
    assert.equal(durand[6], 'Nancy')
    assert.equal(durand[7], '03 83 00 00 00, 06 12 34 56 78')
    assert.equal(durand[8], '5')
    assert.equal(durand[9], '20/12/2026 10:00')
    assert.equal(durand[10], 'Pas de réponse')
    const formula = rows.find((row) => row[0] === 'A-003')!
    assert.equal(formula[1], "'=SOMME(A1)", 'a name that looks like a formula is never run by Excel')
    assert.equal(formula[9], '31/12/2026 23:45')
    const xlsx = await exportAs(
      setup,
      fixture.managerA,
      `unreachable.xlsx?scope=organization:${fixture.a.code}&from=${FROM}&to=${TO}`,
    )
    assert.equal(xlsx.statusCode, 200)
    const sheet = await readXlsx(xlsx.rawPayload)
    assert.equal(sheet.name, 'Injoignables')
    assert.deepEqual(sheet.rows.map((row) => row[0]).sort(), ['A-001', 'A-003'])
    const audits = await exportAudits(setup.db)
    assert.deepEqual(
      audits.map((audit) => [audit.details.dataset, audit.details.rows]),
      [
        ['unreachable', 2],
        ['unreachable', 2],
      ],
    )
  })
})

describe('GET /api/exports/referrals', () => {
  it('gives managers and social workers the referrals from or to their organisation, never the summary', async (t) => {
    const setup = await buildTestApp(t)
    const fixture = await seed(setup.db)
    const socialWorker = await makeUser(setup.db, 'social_worker', { organizationId: fixture.a.id })
    for (const user of [fixture.managerA, socialWorker]) {
      const response = await exportAs(
        setup,
        user,
        `referrals.csv?scope=organization:${fixture.a.code}&from=${FROM}&to=${TO}`,
      )
      assert.equal(response.statusCode, 200, response.body)
      const { header, rows } = readCsv(response.body)
      assert.equal(header[0], 'Date d’envoi')
      // A→P sent, A→P done, A→A internal; not B→P, not the one sent before the period.
      assert.deepEqual(rows.map((row) => row[1]).sort(), ['A-001', 'A-002', 'A-003'])
      assert.ok(rows.every((row) => row[2] === 'Alimentation'))
      assert.ok(!response.body.includes('RÉSUMÉ PRIVÉ'))
      assert.ok(!response.body.includes('ISSUE PRIVÉE'))
    }
  })

  it('gives a partner only what was addressed to it, without the household once the referral is over', async (t) => {
    const setup = await buildTestApp(t)
    const fixture = await seed(setup.db)
    const partner = await makeUser(setup.db, 'partner', { organizationId: fixture.p.id })
    const response = await exportAs(
      setup,
      partner,
      `referrals.csv?scope=organization:${fixture.p.code}&from=${FROM}&to=${TO}`,
    )
    assert.equal(response.statusCode, 200, response.body)
    const rows = readCsv(response.body).rows
    assert.equal(rows.length, 3, 'A→P sent, A→P done, B→P sent')
    assert.deepEqual(rows.map((row) => row[1]).sort(), ['', 'A-001', 'B-001'], 'the done one has no household')
    const done = rows.find((row) => row[4] === 'Résolue')!
    assert.equal(done[1], '')
    assert.equal(done[2], '', 'nor its need')
    const ofLandlord = await exportAs(
      setup,
      partner,
      `referrals.csv?scope=organization:${fixture.a.code}&from=${FROM}&to=${TO}`,
    )
    assert.equal(ofLandlord.statusCode, 404)
    const calls = await exportAs(setup, partner, `calls.csv?scope=organization:${fixture.p.code}&from=${FROM}&to=${TO}`)
    assert.equal(calls.statusCode, 403)
  })
})

describe('Export role gates and parameters', () => {
  it('refuses viewers (aggregates only), callers and social workers for calls; another organisation is not found', async (t) => {
    const setup = await buildTestApp(t)
    const fixture = await seed(setup.db)
    const query = `scope=organization:${fixture.a.code}&from=${FROM}&to=${TO}`
    const viewer = await makeUser(setup.db, 'viewer', { organizationId: fixture.a.id })
    for (const dataset of ['calls', 'referrals', 'unreachable']) {
      const response = await exportAs(setup, viewer, `${dataset}.csv?${query}`)
      assert.equal(response.statusCode, 403)
      assert.equal(response.json().error.code, 'FORBIDDEN')
      assert.match(response.json().error.message, /aggregates only/)
    }
    const caller = await exportAs(setup, fixture.callerA, `calls.csv?${query}`)
    assert.equal(caller.statusCode, 403)
    const socialWorker = await makeUser(setup.db, 'social_worker', { organizationId: fixture.a.id })
    for (const dataset of ['calls', 'unreachable']) {
      const response = await exportAs(setup, socialWorker, `${dataset}.xlsx?${query}`)
      assert.equal(response.statusCode, 403)
      assert.match(response.json().error.message, /admin, manager/)
    }
    const managerB = await makeUser(setup.db, 'manager', { organizationId: fixture.b.id })
    const other = await exportAs(setup, managerB, `calls.csv?${query}`)
    assert.equal(other.statusCode, 404)
    const otherCampaign = await exportAs(
      setup,
      managerB,
      `calls.csv?scope=campaign:${fixture.c1.id}&from=${FROM}&to=${TO}`,
    )
    assert.equal(otherCampaign.statusCode, 404)
    const unknown = await exportAs(setup, managerB, `calls.csv?scope=organization:NOPE&from=${FROM}&to=${TO}`)
    assert.equal(unknown.statusCode, 404)
    const anonymous = await setup.app.inject({ method: 'GET', url: `/api/exports/calls.csv?${query}` })
    assert.equal(anonymous.statusCode, 401)
    assert.deepEqual(await exportAudits(setup.db), [], 'nothing refused is logged as an export')
  })

  it('answers 400 naming the parameter and its value', async (t) => {
    const setup = await buildTestApp(t)
    const fixture = await seed(setup.db)
    const scope = `organization:${fixture.a.code}`
    const cases: Array<[string, string, string]> = [
      [`people.csv?scope=${scope}&from=${FROM}&to=${TO}`, 'dataset', 'people'],
      [`calls.pdf?scope=${scope}&from=${FROM}&to=${TO}`, 'format', 'pdf'],
      [`calls.csv?scope=everything&from=${FROM}&to=${TO}`, 'scope', 'everything'],
      [`calls.csv?scope=${scope}&from=2026-02-30&to=${TO}`, 'from', '2026-02-30'],
      [`calls.csv?scope=${scope}&from=${FROM}&to=31/12/2026`, 'to', '31/12/2026'],
      [`calls.csv?scope=${scope}&from=${FROM}&to=2026-11-01`, 'from', FROM],
      [`calls.csv?scope=${scope}&from=${FROM}&to=${TO}&agency=ZZ`, 'agency', 'ZZ'],
      [`calls.csv?scope=network&from=${FROM}&to=${TO}&agency=N1`, 'agency', 'N1'],
    ]
    const admin = await makeUser(setup.db, 'admin', { organizationId: fixture.a.id })
    for (const [path, field, value] of cases) {
      const response = await exportAs(setup, admin, path)
      assert.equal(response.statusCode, 400, `${path}: ${response.body}`)
      const { error } = response.json()
      assert.equal(error.code, 'VALIDATION_FAILED')
      assert.equal(error.details[0].field, field, path)
      assert.equal(error.details[0].value, value, path)
      assert.ok(error.message.includes(field) && error.message.includes(value), error.message)
    }
    const missing = await exportAs(setup, admin, `calls.csv?scope=${scope}&from=${FROM}`)
    assert.equal(missing.statusCode, 400)
    assert.match(missing.json().error.message, /to/)
    assert.deepEqual(await exportAudits(setup.db), [])
  })
})

function toSortable(frenchDate: string) {
  const [, day, month, year, time] = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}:\d{2})$/.exec(frenchDate)!
  return `${year}-${month}-${day} ${time}`
}

describe('A long export', () => {
  it('leaves the database to other requests while the client reads slowly', { timeout: 120_000 }, async (t) => {
    const directory = mkdtempSync(join(tmpdir(), 'allervers-export-'))
    const database = await createTestDatabase({ sqliteFile: join(directory, 'export.sqlite') })
    const app = await buildApp({
      config: loadConfig({ LOG_LEVEL: 'silent', MFA_REQUIRED_ROLES: 'none' }),
      db: database.db,
      logger: false,
    })
    t.after(async () => {
      await app.close()
      await database.destroy()
      rmSync(directory, { recursive: true, force: true })
    })
    const db = database.db
    const campaign = await makeCampaign(db)
    const target = await makeTarget(db, campaign)
    const manager = await makeUser(db, 'manager', { organizationId: campaign.organizationId })
    const organization = await db
      .selectFrom('organization')
      .select('code')
      .where('id', '=', campaign.organizationId)
      .executeTakeFirstOrThrow()
    const total = 60_000
    const calls = Array.from({ length: total }, (_, index) =>
      callRow(target, manager.id, {
        durationSeconds: 30,
        idempotencyKey: `k${index}`,
        createdAt: new Date(Date.UTC(2026, 11, 2) + index * 1000).toISOString(),
      }),
    )
    await bulkInsert(db, 'call', calls)
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: manager.email, password: manager.password },
    })
    const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const response = await fetch(
      `${address}/api/exports/calls.csv?scope=organization:${organization.code}&from=${FROM}&to=${TO}`,
      { headers: { cookie } },
    )
    assert.equal(response.status, 200)
    const reader = response.body!.getReader()
    const first = await reader.read()
    assert.ok(first.value && first.value.length > 0)
    // The download now waits on this client, which reads nothing more: the rest of the app must still answer.
    const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })
    assert.equal(me.statusCode, 200)
    let body = Buffer.from(first.value)
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      body = Buffer.concat([body, Buffer.from(value)])
    }
    const { rows } = readCsv(body.toString('utf8'))
    assert.equal(rows.length, total)
    const audits = await exportAudits(db)
    assert.equal(audits[0].details.rows, total)
  })
})
