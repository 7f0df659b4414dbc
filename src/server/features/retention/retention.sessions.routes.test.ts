import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { makeOrganization, makeUser } from '../../../../test/factories.js'
import { runPurge } from './retention.service.js'

const DEFAULTS = { contactMonths: 24, leftMonths: 3, auditMonths: 12, requestsMonths: 60 }

describe('retention: sessions past their end', () => {
  it('the server-wide purge deletes the sessions nothing can use any more, with their address and browser, and keeps the others', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const organization = await makeOrganization(db)
    const manager = await makeUser(db, 'manager', { organizationId: organization.id })
    const lapsed = await loginAs(manager)
    const live = await loginAs(manager)
    const sessions = await db.selectFrom('session').select(['id', 'ip']).orderBy('createdAt').execute()
    assert.equal(sessions.length, 2)
    assert.ok(
      sessions.every((session) => session.ip),
      'each session keeps the address it was opened from',
    )
    // The first one reached its absolute end an hour ago, on a device never used again: nothing presents it (a
    // session presented after its end is deleted then), so its row stays until a purge.
    const me = (headers: { cookie: string }) => app.inject({ url: '/api/auth/me', headers })
    const lapsedId = (await db.selectFrom('session').select('id').orderBy('createdAt').executeTakeFirstOrThrow()).id
    await db
      .updateTable('session')
      .set({ expiresAt: new Date(Date.now() - 3_600_000).toISOString() })
      .where('id', '=', lapsedId)
      .execute()
    assert.equal((await me(live)).statusCode, 200)
    // Its provider's row (who opened it there) goes with it.
    await db
      .insertInto('ssoSession')
      .values({
        sessionId: lapsedId,
        organizationId: organization.id,
        subject: 'provider-subject',
        providerSessionId: 'provider-session',
        refreshTokenEncrypted: null,
        checkedAt: new Date().toISOString(),
      })
      .execute()

    // One organisation's purge leaves sessions alone (they are the server's); a dry run counts them.
    await runPurge(db, { defaults: DEFAULTS, organizationCode: organization.code, trigger: 'cli' })
    const dry = await runPurge(db, { defaults: DEFAULTS, dryRun: true, trigger: 'cli' })
    assert.equal(dry.status, 'done')
    assert.equal((await db.selectFrom('session').select('id').execute()).length, 2, 'nothing deleted yet')

    // As of a past day (a drill): sessions still follow the real clock.
    const purge = await runPurge(db, { defaults: DEFAULTS, asOf: '2026-01-11', trigger: 'cli' })
    assert.equal(purge.status, 'done')
    const left = await db.selectFrom('session').select('id').execute()
    assert.deepEqual(
      left.map((session) => session.id),
      sessions.map((session) => session.id).filter((id) => id !== lapsedId),
    )
    assert.deepEqual(await db.selectFrom('ssoSession').select('sessionId').execute(), [])
    assert.equal((await me(live)).statusCode, 200, 'the session in use goes on')
    const traces = await db
      .selectFrom('auditEvent')
      .select('details')
      .where('action', '=', 'retention.purge')
      .orderBy('id')
      .execute()
    assert.deepEqual(
      traces.map((row) => JSON.parse(String(row.details)).sessionsErased),
      [0, 1, 1],
      'not by the organisation’s purge, counted by the dry run, deleted by the server-wide one',
    )
    assert.equal((await me(lapsed)).statusCode, 401)
    const again = await runPurge(db, { defaults: DEFAULTS, trigger: 'cli' })
    assert.equal(again.status, 'done')
    assert.equal((await db.selectFrom('session').select('id').execute()).length, 1)
  })
})
