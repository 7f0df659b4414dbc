import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import {
  makeCampaign,
  makeHousehold,
  makeOrganization,
  makePhone,
  makeTarget,
  makeUser,
} from '../../../../test/factories.js'
import { createAgency } from '../organizations/organizations.queries.js'
import { phoneSearchOf } from './households.queries.js'

type Item = { externalRef: string; lastName: string; firstName: string | null; age: number | null; objection: boolean }
const refs = (body: { items: Item[] }) => body.items.map((item) => item.externalRef)

describe('GET /api/households: search, filters, sort, pages', () => {
  it('finds names ignoring case, accents and order, references, and phones in any common format', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const mine = await makeOrganization(db)
    const lefevre = await makeHousehold(db, {
      organizationId: mine.id,
      lastName: 'Lefèvre',
      firstName: 'Hélène',
      externalRef: 'S-001',
    })
    await makeHousehold(db, { organizationId: mine.id, lastName: 'LEFEVRE', firstName: 'Marc', externalRef: 'S-002' })
    const benali = await makeHousehold(db, {
      organizationId: mine.id,
      lastName: 'Benali',
      firstName: 'Emma',
      externalRef: 'S-003',
    })
    await makePhone(db, benali, '+33383123456')
    await makeHousehold(db, { organizationId: mine.id, lastName: 'Emma', firstName: 'Paul', externalRef: 'S-004' })
    await makeHousehold(db, {
      organizationId: mine.id,
      lastName: "N'Diaye-Le Goff",
      firstName: 'Awa',
      externalRef: 'S-005',
    })
    const theirs = await makeOrganization(db)
    await makeHousehold(db, { organizationId: theirs.id, lastName: 'Lefèvre', firstName: 'Anne', externalRef: 'T-001' })
    await makePhone(db, lefevre, '+33612345678')
    const headers = await loginAs(await makeUser(db, 'manager', { organizationId: mine.id }))
    const search = async (q: string) => {
      const response = await app.inject({ url: `/api/households?q=${encodeURIComponent(q)}`, headers })
      assert.equal(response.statusCode, 200, q)
      return response.json() as { items: Item[]; total: number }
    }

    assert.deepEqual(refs(await search('Lefevre')), ['S-001', 'S-002'], 'no accent typed finds both spellings')
    assert.deepEqual(refs(await search('lefèvre')), ['S-001', 'S-002'])
    assert.deepEqual(refs(await search('LEFÈVRE hélène')), ['S-001'])
    assert.deepEqual(refs(await search('helene lefevre')), ['S-001'])
    assert.deepEqual(refs(await search('Emma Benali')), ['S-003'])
    assert.deepEqual(refs(await search('Benali Emma')), ['S-003'])
    assert.deepEqual(refs(await search('emma')), ['S-003', 'S-004'], 'a first name or a last name alike')
    assert.deepEqual(refs(await search('ndiaye le goff')), [], 'punctuation is a space: N Diaye, not NDiaye')
    assert.deepEqual(refs(await search('n diaye le goff')), ['S-005'])
    assert.deepEqual(refs(await search("N'Diaye-Le Goff Awa")), ['S-005'])
    assert.deepEqual(refs(await search('s-003')), ['S-003'], 'a reference, in any case')
    for (const phone of [
      '+33 3 83 12 34 56',
      '+33383123456',
      '03 83 12 34 56',
      '03.83.12.34.56',
      '03-83-12-34-56',
      '0383123456',
      '0033 3 83 12 34 56',
      '+33 3 83 12',
      '03 83 12 3',
      '83 12 34',
    ]) {
      assert.deepEqual(refs(await search(phone)), ['S-003'], phone)
    }
    assert.deepEqual(refs(await search('06 12 34 56 78')), ['S-001'])
    assert.deepEqual(refs(await search('+44 20 7946 0958')), [], 'a number nobody has')
    assert.equal((await search('%')).total, 0, 'a % typed by the user is a literal, not a wildcard')
    assert.equal((await search('_')).total, 0)
  })

  it('pages with a total, bounded, in a whitelisted order with ties by reference', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    for (let index = 0; index < 25; index++) {
      await makeHousehold(db, {
        organizationId: organization.id,
        externalRef: `P-${String(index).padStart(3, '0')}`,
        lastName: index % 2 ? 'Martin' : 'Bernard',
        birthDate: `19${String(30 + index).padStart(2, '0')}-06-01`,
        oldestBirthDate: null,
      })
    }
    const headers = await loginAs(await makeUser(db, 'social_worker', { organizationId: organization.id }))
    const page = async (query: string) => {
      const response = await app.inject({ url: `/api/households?${query}`, headers })
      assert.equal(response.statusCode, 200, query)
      return response.json() as { items: Item[]; total: number }
    }
    const first = await page('limit=10&offset=0&sort=reference')
    assert.equal(first.total, 25)
    assert.deepEqual(
      refs(first),
      Array.from({ length: 10 }, (_, i) => `P-${String(i).padStart(3, '0')}`),
    )
    const last = await page('limit=10&offset=20&sort=reference')
    assert.equal(last.total, 25)
    assert.equal(last.items.length, 5)
    const reversed = await page('limit=3&sort=-reference')
    assert.deepEqual(refs(reversed), ['P-024', 'P-023', 'P-022'])
    const byName = await page('limit=25&sort=name')
    assert.deepEqual(
      byName.items.map((item) => item.lastName),
      [...Array(13).fill('Bernard'), ...Array(12).fill('Martin')],
    )
    assert.deepEqual(refs(byName).slice(0, 3), ['P-000', 'P-002', 'P-004'], 'ties by reference')
    const oldest = await page('limit=2&sort=-age')
    assert.deepEqual(refs(oldest), ['P-000', 'P-001'], 'oldest first')
    assert.ok((oldest.items[0].age ?? 0) > (oldest.items[1].age ?? 0))
    const searched = await page('q=martin&limit=5')
    assert.equal(searched.total, 12)
    assert.equal(searched.items.length, 5)
    for (const bad of ['sort=priority', 'sort=last_name', 'limit=0', 'limit=201', 'fragility=awful', 'status=gone']) {
      const refused = await app.inject({ url: `/api/households?${bad}`, headers })
      assert.equal(refused.statusCode, 400, bad)
      assert.equal(refused.json().error.code, 'VALIDATION_FAILED')
    }
  })

  it('filters by agency, fragility, objection, status and a running campaign', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const nancy = await createAgency(db, { organizationId: organization.id, code: 'NANCY', name: 'Nancy' })
    const metz = await createAgency(db, { organizationId: organization.id, code: 'METZ', name: 'Metz' })
    const make = (externalRef: string, fields: Record<string, unknown>) =>
      makeHousehold(db, { organizationId: organization.id, externalRef, ...fields })
    const a = await make('F-A', { agencyId: nancy.id, fragilityLevel: 'fragile' })
    await make('F-B', {
      agencyId: metz.id,
      fragilityLevel: 'high_vulnerability',
      objectionAt: '2026-01-05T10:00:00.000Z',
    })
    await make('F-C', { agencyId: nancy.id, status: 'left', leftAt: '2026-02-01T10:00:00.000Z' })
    const d = await make('F-D', { agencyId: null, fragilityLevel: 'watch' })
    const running = await makeCampaign(db, { organizationId: organization.id, status: 'active' })
    const closed = await makeCampaign(db, { organizationId: organization.id, status: 'closed' })
    await makeTarget(db, running, { householdId: a.id })
    await makeTarget(db, closed, { householdId: d.id })
    const headers = await loginAs(await makeUser(db, 'manager', { organizationId: organization.id }))
    const list = async (query: string) => {
      const response = await app.inject({ url: `/api/households?sort=reference&${query}`, headers })
      assert.equal(response.statusCode, 200, query)
      return refs(response.json())
    }
    assert.deepEqual(await list('agency=NANCY'), ['F-A', 'F-C'])
    assert.deepEqual(await list('agency=nancy&status=active'), ['F-A'])
    assert.deepEqual(await list('agency=LUNEVILLE'), [])
    assert.deepEqual(await list('fragility=high_vulnerability'), ['F-B'])
    assert.deepEqual(await list('fragility=unknown'), ['F-C'])
    assert.deepEqual(await list('objection=true'), ['F-B'])
    assert.deepEqual(await list('objection=false'), ['F-A', 'F-C', 'F-D'])
    assert.deepEqual(await list('status=left'), ['F-C'])
    assert.deepEqual(await list('inCampaign=true'), ['F-A'], 'only a running campaign counts')
    assert.deepEqual(await list('inCampaign=false&objection=false&status=active'), ['F-D'])
    const answer = await app.inject({ url: '/api/households?ref=F-B', headers })
    assert.equal(answer.json().items[0].objection, true)
    assert.equal(answer.json().items[0].agencyCode, 'METZ')
    assert.equal(answer.json().items[0].fragilityLevel, 'high_vulnerability')
    const audit = await db
      .selectFrom('auditEvent')
      .select('details')
      .where('action', '=', 'household.search')
      .orderBy('id', 'desc')
      .executeTakeFirst()
    assert.doesNotMatch(String(audit?.details), /F-B/, 'the text searched is not logged')
  })
})

describe('GET /api/households/export.csv', () => {
  it('gives managers the filtered list as CSV, formulas neutralised, and logs the export', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const hostile = await makeHousehold(db, {
      organizationId: organization.id,
      externalRef: 'X-1',
      lastName: '=HYPERLINK("http://evil")',
      firstName: 'Zoé',
    })
    await makePhone(db, hostile, '+33383123456')
    await makeHousehold(db, { organizationId: organization.id, externalRef: 'X-2', lastName: 'Lefèvre' })
    await makeHousehold(db, { organizationId: organization.id, externalRef: 'X-3', lastName: 'Autre', status: 'left' })
    const manager = await makeUser(db, 'manager', { organizationId: organization.id })
    const headers = await loginAs(manager)
    const response = await app.inject({ url: '/api/households/export.csv?status=active&sort=reference', headers })
    assert.equal(response.statusCode, 200)
    assert.match(String(response.headers['content-type']), /^text\/csv/)
    assert.match(
      String(response.headers['content-disposition']),
      /attachment; filename="menages-\d{4}-\d{2}-\d{2}\.csv"/,
    )
    const lines = response.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
    assert.equal(lines.length, 3, 'a header and the two active households')
    assert.match(lines[0], /^Référence;Nom;Prénom;/)
    assert.match(lines[1], /^X-1;"?'=HYPERLINK/, 'the formula is written as text')
    assert.match(lines[1], /\+33383123456/)
    assert.match(lines[2], /^X-2;Lefèvre;/)
    const filtered = await app.inject({ url: '/api/households/export.csv?q=lefevre', headers })
    assert.equal(
      filtered.body
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n').length,
      2,
    )
    const events = await db
      .selectFrom('auditEvent')
      .selectAll()
      .where('action', '=', 'household.export')
      .orderBy('id')
      .execute()
    assert.equal(events.length, 2)
    assert.equal(events[0].actorUserId, manager.id)
    assert.equal(events[0].organizationId, organization.id)
    assert.doesNotMatch(String(events[1].details), /lefevre/i, 'the text searched is not logged')
  })

  it('is refused to callers, social workers, viewers and partners', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    await makeHousehold(db, { organizationId: organization.id })
    for (const role of ['caller', 'social_worker', 'viewer'] as const) {
      const headers = await loginAs(await makeUser(db, role, { organizationId: organization.id }))
      const response = await app.inject({ url: '/api/households/export.csv', headers })
      assert.equal(response.statusCode, 403, role)
      assert.equal(response.json().error.code, 'FORBIDDEN')
    }
    const exports = await db.selectFrom('auditEvent').select('id').where('action', '=', 'household.export').execute()
    assert.deepEqual(exports, [])
  })
})

describe('phoneSearchOf', () => {
  it('reads whole numbers as E.164 and starts of numbers as prefixes', () => {
    assert.deepEqual(phoneSearchOf('03.83.12.34.56'), { exact: '+33383123456' })
    assert.deepEqual(phoneSearchOf('+33 3 83 12 34 56'), { exact: '+33383123456' })
    assert.deepEqual(phoneSearchOf('0033 3 83 12 34 56'), { exact: '+33383123456' })
    assert.deepEqual(phoneSearchOf('+33 3 83'), { pattern: '+33383%' })
    assert.deepEqual(phoneSearchOf('03 83 1'), { pattern: '+333831%' })
    assert.deepEqual(phoneSearchOf('1234'), { pattern: '%1234%' })
    assert.equal(phoneSearchOf('123'), undefined)
    assert.equal(phoneSearchOf('Martin 2024'), undefined)
  })
})
