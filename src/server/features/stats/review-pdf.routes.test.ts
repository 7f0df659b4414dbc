import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeCall, makeCampaign, makeOrganization, makeTarget, makeUser } from '../../../../test/factories.js'
import { pdfPages } from '../../../../test/pdf-text.js'

/**
 * One organisation, one campaign, three households each reached by one completed call and a fourth with two
 * unanswered calls, all on 2026-11-10 (Paris): managers read 3 reached and 5 calls, viewers "< 5" for both.
 */
async function setUp(t: Parameters<typeof buildTestApp>[0]) {
  const ctx = await buildTestApp(t)
  const { db } = ctx
  const organization = await makeOrganization(db, { code: 'PDFORG', name: 'Foyer Lorrain – œuvre d’Est' })
  const manager = await makeUser(db, 'manager', { organizationId: organization.id })
  const viewer = await makeUser(db, 'viewer', { organizationId: organization.id })
  const caller = await makeUser(db, 'caller', { organizationId: organization.id })
  const campaign = await makeCampaign(db, { organizationId: organization.id, createdBy: manager.id })
  const call = (target: Awaited<ReturnType<typeof makeTarget>>, disposition: string, at: string) =>
    makeCall(db, target, caller.id, {
      disposition,
      fragilityLevel: disposition === 'completed' ? 'watch' : null,
      durationSeconds: 300,
      createdAt: at,
    })
  for (let index = 0; index < 3; index++) {
    const target = await makeTarget(db, campaign)
    await call(target, 'completed', `2026-11-10T0${index + 8}:00:00.000Z`)
  }
  const silent = await makeTarget(db, campaign)
  await call(silent, 'no_answer', '2026-11-10T10:00:00.000Z')
  await call(silent, 'no_answer', '2026-11-10T11:00:00.000Z')
  return { ...ctx, organization, manager, viewer, caller, campaign }
}

const QUERY = 'scope=organization:PDFORG&from=2026-11-01&to=2026-11-30'

describe('GET /api/stats/review.pdf', () => {
  it('gives a manager the PDF of the review with exact figures, as an attachment, and audits it', async (t) => {
    const { app, db, loginAs, manager } = await setUp(t)
    const headers = await loginAs(manager)
    const response = await app.inject({ method: 'GET', url: `/api/stats/review.pdf?${QUERY}`, headers })
    assert.equal(response.statusCode, 200, response.body)
    assert.equal(response.headers['content-type'], 'application/pdf')
    assert.equal(
      response.headers['content-disposition'],
      'attachment; filename="bilan-organization-PDFORG-2026-11-01-2026-11-30.pdf"',
    )
    const pages = await pdfPages(response.rawPayload)
    const cover = pages[0] as string
    assert.ok(cover.includes('Foyer Lorrain – œuvre d’Est'), cover)
    assert.ok(cover.includes('Du 01/11/2026 au 30/11/2026'), cover)
    assert.ok(cover.includes('3 Ménages joints'), cover)
    assert.ok(cover.includes('4 Ménages appelés'), cover)
    assert.ok(cover.includes('5 Appels'), cover)
    const all = pages.join(' ')
    assert.ok(all.includes('Entretien réalisé 3'), all)
    assert.ok(all.includes('Pas de réponse 2'), all)

    const audit = await db
      .selectFrom('auditEvent')
      .selectAll()
      .where('action', '=', 'stats.review_pdf')
      .executeTakeFirstOrThrow()
    assert.equal(audit.actorUserId, manager.id)
    assert.equal(audit.entityId, 'organization:PDFORG')
    assert.deepEqual(JSON.parse(audit.details as string), {
      from: '2026-11-01',
      to: '2026-11-30',
      agency: null,
      lang: 'fr',
    })
  })

  it('shows a viewer "< 5" instead of counts from 1 to 4', async (t) => {
    const { app, loginAs, viewer } = await setUp(t)
    const response = await app.inject({
      method: 'GET',
      url: `/api/stats/review.pdf?${QUERY}`,
      headers: await loginAs(viewer),
    })
    assert.equal(response.statusCode, 200, response.body)
    const pages = await pdfPages(response.rawPayload)
    const cover = pages[0] as string
    assert.ok(cover.includes('< 5 Ménages joints'), cover)
    assert.ok(cover.includes('5 Appels'), cover)
    assert.ok(!/\b3 Ménages joints/.test(cover), cover)
    assert.ok(pages.join(' ').includes('Entretien réalisé < 5'))
  })

  it('speaks English with lang=en', async (t) => {
    const { app, loginAs, manager } = await setUp(t)
    const response = await app.inject({
      method: 'GET',
      url: `/api/stats/review.pdf?${QUERY}&lang=en`,
      headers: await loginAs(manager),
    })
    assert.equal(response.statusCode, 200)
    const cover = (await pdfPages(response.rawPayload))[0] as string
    assert.ok(cover.includes('Review of the calls'), cover)
    assert.ok(cover.includes('3 Households reached'), cover)
  })

  it('refuses bad parameters with 400 naming the parameter and its value, and writes no audit event', async (t) => {
    const { app, db, loginAs, manager } = await setUp(t)
    const headers = await loginAs(manager)
    const cases: Array<[string, string, string]> = [
      ['scope=everything&from=2026-11-01&to=2026-11-30', 'scope', 'everything'],
      ['scope=organization:PDFORG&from=2026-11-31&to=2026-11-30', 'from', '2026-11-31'],
      ['scope=campaign:abc&agency=NCY&from=2026-11-01&to=2026-11-30', 'agency', 'NCY'],
    ]
    for (const [query, field, value] of cases) {
      const response = await app.inject({ method: 'GET', url: `/api/stats/review.pdf?${query}`, headers })
      assert.equal(response.statusCode, 400, `${query}: ${response.body}`)
      const body = response.json()
      assert.equal(body.error.code, 'VALIDATION_FAILED')
      // One format for every 400, as the schemas' own: a list of { field, value, message }.
      assert.equal(body.error.details[0].field, field, query)
      assert.equal(body.error.details[0].value, value, query)
    }
    const unknownLang = await app.inject({ method: 'GET', url: `/api/stats/review.pdf?${QUERY}&lang=de`, headers })
    assert.equal(unknownLang.statusCode, 400)
    assert.match(unknownLang.json().error.message, /lang/)
    const audits = await db.selectFrom('auditEvent').select('id').where('action', '=', 'stats.review_pdf').execute()
    assert.equal(audits.length, 0)
  })

  it('refuses callers (403), strangers to the organisation (404) and anonymous requests (401)', async (t) => {
    const { app, db, loginAs, caller } = await setUp(t)
    const asCaller = await app.inject({
      method: 'GET',
      url: `/api/stats/review.pdf?${QUERY}`,
      headers: await loginAs(caller),
    })
    assert.equal(asCaller.statusCode, 403)
    assert.equal(asCaller.json().error.code, 'FORBIDDEN')

    const otherOrganization = await makeOrganization(db)
    const stranger = await makeUser(db, 'manager', { organizationId: otherOrganization.id })
    const asStranger = await app.inject({
      method: 'GET',
      url: `/api/stats/review.pdf?${QUERY}`,
      headers: await loginAs(stranger),
    })
    assert.equal(asStranger.statusCode, 404)
    assert.equal(asStranger.headers['content-type']?.toString().startsWith('application/json'), true)

    const anonymous = await app.inject({ method: 'GET', url: `/api/stats/review.pdf?${QUERY}` })
    assert.equal(anonymous.statusCode, 401)
  })
})
