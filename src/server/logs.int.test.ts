/**
 * The logs never hold a tenant's name, phone, email or note. A whole day's scenario runs with the app's own logger
 * (its serializers and redactions) at `debug` writing into a buffer: sign in, import a file, search by name and by
 * phone, read the household, claim, record a call with notes, refer with a summary, the partner reads it, export the
 * calls; then errors: a refused body holding the data, and 500s whose database errors carry it. Every value used is
 * then looked for in the log, in every form a phone takes.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { createTestDatabase, testEngine } from '../../test/database.js'
import { makeCampaign, makeOrganization, makeTarget, makeUser, type TestUser } from '../../test/factories.js'
import { multipart } from '../../test/multipart.js'
import { buildApp } from './app.js'
import { loadConfig } from './config.js'

const TENANT = {
  lastName: 'Quintanilla',
  firstName: 'Zéphirine',
  mobile: '06 71 82 93 04',
  landline: '03.83.47.29.61',
  email: 'zephirine.quintanilla@exemple.fr',
  note: 'Vit seule depuis le décès de son mari, ne sort plus',
  summary: 'Besoin urgent de portage de repas, frigo vide',
}

/** Every form a phone takes: as typed, digits only, national, international, E.164, spaced, dotted. */
function phoneForms(typed: string): string[] {
  const digits = typed.replace(/\D/g, '')
  const national = digits.slice(1)
  const pairs = digits.match(/../g)!
  return [
    typed,
    digits,
    national,
    `+33${national}`,
    `0033${national}`,
    `+33 ${national[0]} ${pairs.slice(1).join(' ')}`,
    pairs.join(' '),
    pairs.join('.'),
    pairs.join('-'),
  ]
}

describe('logs', () => {
  it('hold no tenant name, phone, email or note through a whole scenario, errors included, at debug level', async (t) => {
    const lines: string[] = []
    const database = await createTestDatabase()
    const config = loadConfig({ LOG_LEVEL: 'debug', WEB_ROOT: 'dist/web', MFA_REQUIRED_ROLES: 'none' })
    const app = await buildApp({ config, db: database.db, logStream: { write: (line: string) => lines.push(line) } })
    // Errors the way a query goes wrong in a handler: the database refuses a value that is a tenant's.
    app.get('/test-errors/:kind', async (request) => {
      const { kind } = request.params as { kind: string }
      if (kind === 'cast' && testEngine() === 'postgres') await sql`select ${TENANT.lastName}::uuid`.execute(app.db)
      if (kind === 'not-null') {
        await sql`insert into member (id, household_id, organization_id, last_name, first_name) values (${randomUUID()}, null, null, ${TENANT.lastName}, ${TENANT.firstName})`.execute(
          app.db,
        )
      }
      throw new Error('no error happened')
    })
    t.after(async () => {
      await app.close()
      await database.destroy()
    })
    const { db } = database
    const landlord = await makeOrganization(db, { code: `TDL-${randomUUID().slice(0, 6)}` })
    const partner = await makeOrganization(db, { type: 'partner', code: `CCAS-${randomUUID().slice(0, 6)}` })
    const signIn = async (user: TestUser) => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: user.email, password: user.password },
      })
      assert.equal(response.statusCode, 200)
      const cookie = response.cookies.find((candidate) => candidate.name === 'allervers_session')!
      return { cookie: `${cookie.name}=${cookie.value}` }
    }
    const manager = await signIn(await makeUser(db, 'manager', { organizationId: landlord.id }))
    const caller = await signIn(await makeUser(db, 'caller', { organizationId: landlord.id }))
    const partnerUser = await signIn(await makeUser(db, 'partner', { organizationId: partner.id }))

    // Import.
    const csv = [
      'N° locataire;Nom;Prénom;Téléphone;Portable;Email;Code postal;Ville',
      `Q001;${TENANT.lastName};${TENANT.firstName};${TENANT.landline};${TENANT.mobile};${TENANT.email};54000;Nancy`,
    ].join('\r\n')
    const file = { name: 'locataires.csv', content: Buffer.from(csv) }
    const preview = await app.inject({
      method: 'POST',
      url: '/api/imports/preview',
      payload: multipart({}, file).payload,
      headers: { ...manager, ...multipart({}, file).headers },
    })
    assert.equal(preview.statusCode, 200, preview.body)
    const start = multipart({
      uploadId: preview.json().uploadId,
      organization: landlord.code,
      mapping: JSON.stringify(preview.json().mapping),
    })
    const started = await app.inject({
      method: 'POST',
      url: '/api/imports',
      payload: start.payload,
      headers: { ...manager, ...start.headers },
    })
    assert.equal(started.statusCode, 202, started.body)
    let status = 'running'
    for (let tries = 0; status === 'running' && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      status = (await app.inject({ url: `/api/imports/${started.json().import.id}`, headers: manager })).json().import
        .status
    }
    assert.equal(status, 'done')

    // Search by name and by phone, read the household.
    const byName = await app.inject({
      url: `/api/households?q=${encodeURIComponent(TENANT.lastName)}`,
      headers: manager,
    })
    assert.equal(byName.json().items.length, 1, byName.body)
    const householdId = byName.json().items[0].id as string
    const byPhone = await app.inject({
      url: `/api/households?q=${encodeURIComponent(TENANT.mobile)}`,
      headers: manager,
    })
    assert.equal(byPhone.json().items.length, 1)
    assert.equal((await app.inject({ url: `/api/households/${householdId}`, headers: manager })).statusCode, 200)

    // Claim, call with notes, refer with a summary; the partner reads it.
    const campaign = await makeCampaign(db, { organizationId: landlord.id })
    await makeTarget(db, campaign, { householdId })
    const claim = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers: caller })
    assert.equal(claim.statusCode, 200, claim.body)
    const outcome = await app.inject({
      method: 'POST',
      url: `/api/assignments/${claim.json().assignment.id}/outcome`,
      headers: { ...caller, 'idempotency-key': `logs-${randomUUID()}` },
      payload: {
        disposition: 'completed',
        answers: { alone: true, instruments: { ucla3: { q1: 3, q2: 3, q3: 3 } } },
        needs: ['isolation'],
        fragilityLevel: 'fragile',
        notes: TENANT.note,
        durationSeconds: 300,
      },
    })
    assert.equal(outcome.statusCode, 201, outcome.body)
    const referral = await app.inject({
      method: 'POST',
      url: '/api/referrals',
      headers: caller,
      payload: {
        householdId,
        callId: outcome.json().call.id,
        category: 'food',
        urgency: 'within_24h',
        recipient: { organization: partner.code },
        summary: TENANT.summary,
        consent: { given: true },
      },
    })
    assert.equal(referral.statusCode, 201, referral.body)
    const read = await app.inject({ url: `/api/referrals/${referral.json().referral.id}`, headers: partnerUser })
    assert.equal(read.statusCode, 200)

    // Export the calls.
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
    const exported = await app.inject({
      url: `/api/exports/calls.csv?scope=organization:${landlord.code}&from=${day(-1)}&to=${day(1)}`,
      headers: manager,
    })
    assert.equal(exported.statusCode, 200, exported.body)
    assert.match(exported.body, /\r\n[^;]+;[^;]+;Q001;/, 'the export lists the call: the scenario ran to its end')

    // Errors: a body refused by validation, a search too long, and 500s from the database.
    const refused = await app.inject({
      method: 'POST',
      url: '/api/referrals',
      headers: caller,
      payload: { householdId, summary: TENANT.summary, note: TENANT.note, email: TENANT.email },
    })
    assert.equal(refused.statusCode, 400)
    const tooLong = await app.inject({
      url: `/api/households?q=${encodeURIComponent(`${TENANT.lastName} ${'x'.repeat(300)}`)}`,
      headers: manager,
    })
    assert.equal(tooLong.statusCode, 400)
    for (const kind of ['cast', 'not-null']) {
      assert.equal((await app.inject({ url: `/test-errors/${kind}` })).statusCode, 500)
    }

    const log = lines.join('')
    assert.match(log, /"msg":"request completed"/, 'the logger wrote')
    assert.match(log, /"level":50,.*"msg":"unhandled error"/, 'the 500s are logged')
    if (testEngine() === 'postgres') {
      assert.match(log, /invalid input syntax for type uuid: \\"…\\"/, 'the message stays, its value masked')
    }
    const secrets = [
      TENANT.lastName,
      TENANT.lastName.toLowerCase(),
      TENANT.lastName.toUpperCase(),
      TENANT.firstName,
      'Zephirine',
      ...phoneForms(TENANT.mobile),
      ...phoneForms(TENANT.landline),
      TENANT.email,
      'zephirine.quintanilla',
      TENANT.note,
      'décès de son mari',
      TENANT.summary,
      'portage de repas',
    ]
    const leaks = secrets.filter((secret) => log.includes(secret) || log.includes(JSON.stringify(secret).slice(1, -1)))
    const leakingLines = lines.filter((line) => leaks.some((secret) => line.includes(secret))).slice(0, 3)
    assert.deepEqual(leaks, [], `found in the log: ${leakingLines.join('\n')}`)
  })
})
