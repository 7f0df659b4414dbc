import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeHousehold, makeOrganization, makeUser } from '../../../../test/factories.js'
import type { Db } from '../../db/database.js'
import { runPurge } from './retention.service.js'

const DEFAULTS = { contactMonths: 24, leftMonths: 3, auditMonths: 12, requestsMonths: 60 }

/** A request of the register: closed on `handledOn` (a Paris day), or still open when it is null. */
async function addRequest(
  db: Db,
  organizationId: string,
  recordedBy: string,
  receivedOn: string,
  handledOn: string | null,
) {
  const household = await makeHousehold(db, { organizationId })
  const id = randomUUID()
  await db
    .insertInto('dataRequest')
    .values({
      id,
      organizationId,
      householdId: household.id,
      householdRef: household.externalRef,
      kind: 'access',
      channel: 'mail',
      receivedOn,
      dueOn: receivedOn,
      status: handledOn ? 'closed' : 'open',
      recordedBy,
      createdAt: `${receivedOn}T09:00:00.000Z`,
      handledBy: handledOn ? recordedBy : null,
      handledAt: handledOn ? `${handledOn}T09:00:00.000Z` : null,
      outcome: handledOn ? 'answered' : null,
      response: handledOn ? 'Dossier envoyé par courrier' : null,
      details: null,
    })
    .execute()
  return id
}

async function requestIds(db: Db) {
  const rows = await db.selectFrom('dataRequest').select('id').execute()
  return new Set(rows.map((row) => row.id))
}

describe('retention: the register of tenants’ requests', () => {
  it('deletes closed requests once their period has passed since they were answered, never an open one', async (t) => {
    const { db } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const dpo = await makeUser(db, 'dpo', { organizationId: organization.id })
    // Five years (60 months) after the answer: a purge as of 2026-01-11 deletes what was answered before 2021-01-11.
    const old = await addRequest(db, organization.id, dpo.id, '2020-10-01', '2020-11-01')
    const lastDayKept = await addRequest(db, organization.id, dpo.id, '2020-12-01', '2021-01-11')
    const recent = await addRequest(db, organization.id, dpo.id, '2025-10-01', '2025-10-20')
    const openForYears = await addRequest(db, organization.id, dpo.id, '2019-01-01', null)
    // Another organisation with its own period: 12 months.
    const other = await makeOrganization(db)
    await db.updateTable('organization').set({ retentionRequestsMonths: 12 }).where('id', '=', other.id).execute()
    const otherDpo = await makeUser(db, 'dpo', { organizationId: other.id })
    const otherOld = await addRequest(db, other.id, otherDpo.id, '2024-11-01', '2024-12-01')
    const otherRecent = await addRequest(db, other.id, otherDpo.id, '2025-02-01', '2025-02-01')

    const dry = await runPurge(db, { defaults: DEFAULTS, asOf: '2026-01-11', dryRun: true, trigger: 'cli' })
    assert.equal(dry.status, 'done')
    assert.equal((await requestIds(db)).size, 6, 'a dry run deletes nothing')

    const purge = await runPurge(db, { defaults: DEFAULTS, asOf: '2026-01-11', trigger: 'cli' })
    assert.equal(purge.status, 'done')
    assert.deepEqual(
      await requestIds(db),
      new Set([lastDayKept, recent, openForYears, otherRecent]),
      'the old closed requests of each organisation go, on its own period',
    )
    assert.ok(!(await requestIds(db)).has(old) && !(await requestIds(db)).has(otherOld))
    const traces = await db
      .selectFrom('auditEvent')
      .select('details')
      .where('action', '=', 'retention.purge')
      .orderBy('id')
      .execute()
    assert.deepEqual(
      traces.map((row) => JSON.parse(row.details!).requestsErased),
      [2, 2],
      'the dry run counted them, the purge deleted them; both on record',
    )
    const again = await runPurge(db, { defaults: DEFAULTS, asOf: '2026-01-11', trigger: 'cli' })
    assert.equal(again.status, 'done')
    assert.equal((await requestIds(db)).size, 4, 'a second purge the same day deletes nothing more')
  })

  it('an administrator sets the register’s own period with a reason; the DPO reads it', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t, { RETENTION_REQUESTS_MONTHS: '72' })
    const organization = await makeOrganization(db)
    const admin = await makeUser(db, 'admin', { organizationId: organization.id })
    const dpo = await makeUser(db, 'dpo', { organizationId: organization.id })
    const url = `/api/organizations/${organization.code}/retention`
    const read = async () =>
      (await app.inject({ method: 'GET', url, headers: await loginAs(dpo) })).json() as {
        periods: { requestsMonths: number }
        overrides: { requestsMonths: number | null }
        defaults: { requestsMonths: number }
      }
    const before = await read()
    assert.equal(before.defaults.requestsMonths, 72, 'the server’s default comes from RETENTION_REQUESTS_MONTHS')
    assert.equal(before.periods.requestsMonths, 72)
    assert.equal(before.overrides.requestsMonths, null)

    const body = { contactMonths: null, leftMonths: null, auditMonths: null, reason: 'Délibération du 3 décembre' }
    const headers = await loginAs(admin)
    const refused = await app.inject({ method: 'PUT', url, headers, payload: { ...body, requestsMonths: 121 } })
    assert.equal(refused.statusCode, 400)
    assert.match(refused.body, /requestsMonths/)
    assert.equal((await read()).periods.requestsMonths, 72, 'a refused change changes nothing')

    const saved = await app.inject({ method: 'PUT', url, headers, payload: { ...body, requestsMonths: 36 } })
    assert.equal(saved.statusCode, 200, saved.body)
    const after = await read()
    assert.equal(after.periods.requestsMonths, 36)
    assert.equal(after.overrides.requestsMonths, 36)
    const trace = await db
      .selectFrom('auditEvent')
      .select('details')
      .where('action', '=', 'retention.settings')
      .executeTakeFirstOrThrow()
    const details = JSON.parse(trace.details!)
    assert.equal(details.before.requestsMonths, null)
    assert.equal(details.after.requestsMonths, 36)

    // 0 months is refused, naming the field: it used to be coerced to null, "back to the default", and saved.
    for (const months of [0, false, '']) {
      const zero = await app.inject({ method: 'PUT', url, headers, payload: { ...body, requestsMonths: months } })
      assert.equal(zero.statusCode, 400, `${JSON.stringify(months)}: ${zero.body}`)
      assert.match(zero.json().error.message, /requestsMonths/)
    }
    assert.equal((await read()).overrides.requestsMonths, 36, 'the saved period is kept')
    // null is still "back to the default".
    const reset = await app.inject({ method: 'PUT', url, headers, payload: { ...body, requestsMonths: null } })
    assert.equal(reset.statusCode, 200, reset.body)
    assert.equal((await read()).overrides.requestsMonths, null)
    assert.equal((await read()).periods.requestsMonths, 72)
  })
})
