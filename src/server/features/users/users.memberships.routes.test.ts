import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { LightMyRequestResponse } from 'fastify'
import { sql, type Transaction } from 'kysely'
import { buildTestApp } from '../../../../test/app.js'
import { testEngine } from '../../../../test/database.js'
import { makeHousehold, makeOrganization, makeUser } from '../../../../test/factories.js'
import type { Db } from '../../db/database.js'
import type { Database } from '../../db/schema.js'
import { nowTimestamp } from '../../db/time.js'
import { createNetwork, createOrganization } from '../organizations/organizations.queries.js'
import { upsertMembership } from './users.queries.js'

/**
 * Two networks: HOME and SIBLING (the test network, administered by `admin`), and FAR (another network, with its own
 * administrator). A social worker of a partner association can work in both.
 */
async function twoNetworks(t: Parameters<typeof buildTestApp>[0]) {
  const test = await buildTestApp(t)
  const { db } = test
  const home = await makeOrganization(db, { code: 'HOME' })
  const sibling = await makeOrganization(db, { code: 'SIBLING' })
  const farNetwork = await createNetwork(db, { code: 'far', name: 'Réseau lointain' })
  const far = await createOrganization(db, { networkId: farNetwork.id, code: 'FAR', name: 'Loin', type: 'landlord' })
  const admin = await makeUser(db, 'admin', { organizationId: home.id })
  const farAdmin = await makeUser(db, 'admin', { organizationId: far.id })
  const adminHeaders = await test.loginAs(admin)
  const farAdminHeaders = await test.loginAs(farAdmin)
  const remove = (userId: string, code: string, headers = adminHeaders) =>
    test.app.inject({ method: 'DELETE', url: `/api/users/${userId}/memberships/${code}`, headers })
  const membershipsOf = async (userId: string) =>
    (
      await db
        .selectFrom('membership')
        .innerJoin('organization', 'organization.id', 'membership.organizationId')
        .select(['organization.code', 'membership.role'])
        .where('membership.userId', '=', userId)
        .orderBy('organization.code')
        .execute()
    ).map((row) => `${row.role}@${row.code}`)
  return { ...test, home, sibling, far, admin, adminHeaders, farAdmin, farAdminHeaders, remove, membershipsOf }
}

/** A promise `opened` that resolves when `open` is called. */
function gate() {
  let open = () => {}
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { open, opened }
}

/** How many backends of this test database wait on a lock now. */
async function waitingOnLocks(db: Db) {
  const result = await sql<{ waiting: number }>`select count(*)::int as "waiting" from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock'`.execute(db)
  return result.rows[0]!.waiting
}

/**
 * Sends the requests at once, in the interleaving that lets two removals of one account's memberships each see the
 * other's still there. On PostgreSQL the test holds the account's membership rows until every request waits on a lock
 * (to delete, having read the memberships; or, behind another removal, to take the account's row: users.queries'
 * lockUser), then lets them all go on together. SQLite runs one transaction at a time: they are simply sent at once.
 */
async function atOnce(db: Db, userId: string, requests: (() => Promise<LightMyRequestResponse>)[]) {
  if (testEngine() !== 'postgres') return Promise.all(requests.map((request) => request()))
  const { open: release, opened: released } = gate()
  const { open: held, opened: isHeld } = gate()
  const holder = db.transaction().execute(async (tx) => {
    await tx.selectFrom('membership').select('id').where('userId', '=', userId).forUpdate().execute()
    held()
    await released
  })
  await isHeld
  const responses = Promise.all(requests.map((request) => request()))
  try {
    const deadline = Date.now() + 3000
    while ((await waitingOnLocks(db)) < requests.length) {
      if (Date.now() > deadline) throw new Error(`the ${requests.length} requests did not all come to wait on a lock`)
      await sleep(5)
    }
  } finally {
    release()
    await holder
  }
  return responses
}

/**
 * Sends the requests one after the other, each once those before it wait on a lock or have answered, while the test
 * holds what `hold` takes (in a transaction rolled back at the end: a row it inserts never exists); then lets them go
 * on. On PostgreSQL this sets an interleaving: the first request is held where it needs what `hold` took, the next one
 * comes to the same point, or to the account's row (users.queries' lockUser) that the first one holds. SQLite runs one
 * transaction at a time: they are simply sent one after the other.
 */
async function inTurn(
  db: Db,
  hold: (tx: Transaction<Database>) => Promise<unknown>,
  requests: (() => Promise<LightMyRequestResponse>)[],
) {
  if (testEngine() !== 'postgres') {
    const responses: LightMyRequestResponse[] = []
    for (const request of requests) responses.push(await request())
    return responses
  }
  const { open: release, opened: released } = gate()
  const { open: held, opened: isHeld } = gate()
  const rolledBack = new Error('rolled back')
  const holder = db
    .transaction()
    .execute(async (tx) => {
      await hold(tx)
      held()
      await released
      throw rolledBack
    })
    .catch((error) => {
      if (error !== rolledBack) throw error
    })
  await Promise.race([isHeld, holder])
  const responses: Promise<LightMyRequestResponse>[] = []
  let answered = 0
  try {
    for (const request of requests) {
      responses.push(
        request().finally(() => {
          answered += 1
        }),
      )
      const deadline = Date.now() + 5000
      while ((await waitingOnLocks(db)) < responses.length - answered) {
        if (Date.now() > deadline) throw new Error(`request ${responses.length} neither waited on a lock nor answered`)
        await sleep(5)
      }
    }
  } finally {
    release()
    await holder
  }
  return Promise.all(responses)
}

describe('DELETE /api/users/:id/memberships/:code', () => {
  it('takes the person out of one organisation: their open session loses it at once and keeps the others; audited', async (t) => {
    const { app, db, home, sibling, admin, adminHeaders, remove, membershipsOf } = await twoNetworks(t)
    const person = await makeUser(db, 'manager', { organizationId: home.id })
    await upsertMembership(db, { userId: person.id, organizationId: sibling.id, role: 'social_worker' })
    const homeHousehold = await makeHousehold(db, { organizationId: home.id })
    const siblingHousehold = await makeHousehold(db, { organizationId: sibling.id })
    const session = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: person.email, password: person.password },
    })
    const headers = {
      cookie: `allervers_session=${session.cookies.find((c) => c.name === 'allervers_session')!.value}`,
    }
    const read = async (id: string) => (await app.inject({ url: `/api/households/${id}`, headers })).statusCode
    // Read once: the session is now remembered by this process (session-cache.ts).
    assert.equal(await read(homeHousehold.id), 200)
    assert.equal(await read(siblingHousehold.id), 200)

    const removed = await remove(person.id, 'HOME')
    assert.equal(removed.statusCode, 200, removed.body)
    assert.deepEqual(removed.json(), { accountDisabled: false })
    assert.deepEqual(await membershipsOf(person.id), ['social_worker@SIBLING'])
    assert.equal(await read(homeHousehold.id), 404, 'refused on the very next request, not after the cache’s seconds')
    assert.equal(await read(siblingHousehold.id), 200, 'the other organisation stays')
    const me = (await app.inject({ url: '/api/auth/me', headers })).json().user
    assert.deepEqual(
      me.memberships.map((m: { organization: { code: string } }) => m.organization.code),
      ['SIBLING'],
    )
    const listed = (await app.inject({ url: '/api/users', headers: adminHeaders })).json().items
    const item = listed.find((user: { id: string }) => user.id === person.id)
    assert.deepEqual(item.memberships, [
      { organization: { code: 'SIBLING', name: sibling.name }, role: 'social_worker', signIn: 'password' },
    ])
    assert.equal(item.isActive, true)

    const audit = await db
      .selectFrom('auditEvent')
      .select(['actorUserId', 'organizationId', 'action', 'entityType', 'entityId', 'details'])
      .where('action', '=', 'user.membership_removed')
      .execute()
    assert.deepEqual(audit, [
      {
        actorUserId: admin.id,
        organizationId: home.id,
        action: 'user.membership_removed',
        entityType: 'user',
        entityId: person.id,
        details: JSON.stringify({ role: 'manager', accountDisabled: false }),
      },
    ])
    assert.equal((await remove(person.id, 'HOME')).statusCode, 404, 'removed once: a second removal finds nothing')
  })

  it('disables an account left with no membership: its sessions end; a role given again enables it', async (t) => {
    const { app, db, home, remove, membershipsOf, adminHeaders } = await twoNetworks(t)
    const person = await makeUser(db, 'caller', { organizationId: home.id })
    const headers = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: person.email, password: person.password },
    })
    const cookie = { cookie: `allervers_session=${headers.cookies.find((c) => c.name === 'allervers_session')!.value}` }
    assert.equal((await app.inject({ url: '/api/auth/me', headers: cookie })).statusCode, 200)
    const removed = await remove(person.id, 'HOME')
    assert.equal(removed.statusCode, 200)
    assert.deepEqual(removed.json(), { accountDisabled: true })
    assert.deepEqual(await membershipsOf(person.id), [])
    assert.equal((await app.inject({ url: '/api/auth/me', headers: cookie })).statusCode, 401)
    const row = await db.selectFrom('user').select('isActive').where('id', '=', person.id).executeTakeFirstOrThrow()
    assert.equal(row.isActive, 0)
    const audit = await db
      .selectFrom('auditEvent')
      .select('details')
      .where('action', '=', 'user.membership_removed')
      .executeTakeFirstOrThrow()
    assert.equal(audit.details, JSON.stringify({ role: 'caller', accountDisabled: true }))

    // Back next year: given a role again from the administration, the account is the person's own, enabled again.
    const back = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: adminHeaders,
      payload: { email: person.email, name: 'Revenu', organization: 'SIBLING', role: 'caller' },
    })
    assert.equal(back.statusCode, 201, back.body)
    assert.equal(back.json().created, false)
    assert.deepEqual(await membershipsOf(person.id), ['caller@SIBLING'])
    const again = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: person.email, password: person.password },
    })
    assert.equal(again.statusCode, 200, 'the person signs in again with their own password')
    const given = await db
      .selectFrom('auditEvent')
      .select('details')
      .where('action', '=', 'membership.upsert')
      .executeTakeFirstOrThrow()
    assert.equal(given.details, JSON.stringify({ role: 'caller', reactivated: true }))
  })

  it('answers 404, revealing nothing, to another network’s administrator and for a membership that does not exist', async (t) => {
    const { db, home, far, farAdminHeaders, remove, membershipsOf } = await twoNetworks(t)
    const person = await makeUser(db, 'caller', { organizationId: home.id })
    await upsertMembership(db, { userId: person.id, organizationId: far.id, role: 'social_worker' })
    const auditBefore = (await db.selectFrom('auditEvent').select('id').execute()).length

    const refused = await remove(person.id, 'HOME', farAdminHeaders)
    assert.equal(refused.statusCode, 404)
    assert.equal(refused.json().error.code, 'NOT_FOUND')
    assert.ok(!refused.body.includes(home.name) && !refused.body.includes(person.email))
    const unknown = await remove(person.id, 'NOWHERE')
    assert.equal(unknown.statusCode, 404)
    assert.equal((await remove(person.id, 'SIBLING')).statusCode, 404, 'not a member there')
    assert.equal((await remove(person.id, 'FAR')).statusCode, 404, 'a membership of the other network')
    assert.equal((await remove('no-such-account', 'HOME')).statusCode, 404)
    assert.deepEqual(await membershipsOf(person.id), ['social_worker@FAR', 'caller@HOME'])
    assert.equal((await db.selectFrom('auditEvent').select('id').execute()).length, auditBefore)
  })

  it('refuses with 409 removing one’s own last administrator membership of the network, not one of two', async (t) => {
    const { db, sibling, admin, remove, membershipsOf } = await twoNetworks(t)
    const own = await remove(admin.id, 'HOME')
    assert.equal(own.statusCode, 409)
    assert.equal(own.json().error.code, 'CONFLICT')
    assert.equal(own.json().error.details.reason, 'own_last_admin')
    assert.deepEqual(await membershipsOf(admin.id), ['admin@HOME'])

    await upsertMembership(db, { userId: admin.id, organizationId: sibling.id, role: 'admin' })
    assert.equal((await remove(admin.id, 'HOME')).statusCode, 200, 'still administers the network through SIBLING')
    assert.deepEqual(await membershipsOf(admin.id), ['admin@SIBLING'])
    const last = await remove(admin.id, 'SIBLING')
    assert.equal(last.statusCode, 409)
    assert.equal(last.json().error.details.reason, 'own_last_admin')
  })

  it('two removals at once of an account’s last two memberships: both succeed and the account ends disabled', async (t) => {
    const { app, db, home, sibling, remove, membershipsOf } = await twoNetworks(t)
    const person = await makeUser(db, 'caller', { organizationId: home.id })
    await upsertMembership(db, { userId: person.id, organizationId: sibling.id, role: 'social_worker' })
    const session = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: person.email, password: person.password },
    })
    const cookie = { cookie: `allervers_session=${session.cookies.find((c) => c.name === 'allervers_session')!.value}` }

    const responses = await atOnce(db, person.id, [() => remove(person.id, 'HOME'), () => remove(person.id, 'SIBLING')])
    assert.deepEqual(
      responses.map((response) => response.statusCode),
      [200, 200],
      responses.map((response) => response.body).join(' '),
    )
    assert.deepEqual(
      responses.map((response) => response.json().accountDisabled).sort(),
      [false, true],
      'the second to run found no membership left',
    )
    assert.deepEqual(await membershipsOf(person.id), [])
    const row = await db.selectFrom('user').select('isActive').where('id', '=', person.id).executeTakeFirstOrThrow()
    assert.equal(row.isActive, 0, 'an account with no membership is disabled')
    assert.equal((await app.inject({ url: '/api/auth/me', headers: cookie })).statusCode, 401)
  })

  it('two removals at once of one’s own last two administrator memberships: exactly one is refused', async (t) => {
    const { db, sibling, admin, remove, membershipsOf } = await twoNetworks(t)
    await upsertMembership(db, { userId: admin.id, organizationId: sibling.id, role: 'admin' })

    const responses = await atOnce(db, admin.id, [() => remove(admin.id, 'HOME'), () => remove(admin.id, 'SIBLING')])
    const statuses = responses.map((response) => response.statusCode).sort()
    assert.deepEqual(statuses, [200, 409], responses.map((response) => response.body).join(' '))
    const refused = responses.find((response) => response.statusCode === 409)!
    assert.equal(refused.json().error.details.reason, 'own_last_admin')
    const left = await membershipsOf(admin.id)
    assert.equal(left.length, 1, 'one administrator membership of the network stays')
    assert.equal((await remove(admin.id, left[0]!.replace('admin@', ''))).statusCode, 409, 'and it is the last')
  })
})

describe('a role given, or the account enabled, while the removal of its last membership runs', () => {
  async function oneMembership(t: Parameters<typeof buildTestApp>[0]) {
    const test = await twoNetworks(t)
    const person = await makeUser(test.db, 'caller', { organizationId: test.home.id })
    const give = () =>
      test.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: test.adminHeaders,
        payload: { email: person.email, name: 'Même personne', organization: 'SIBLING', role: 'social_worker' },
      })
    const isActive = async () =>
      (await test.db.selectFrom('user').select('isActive').where('id', '=', person.id).executeTakeFirstOrThrow())
        .isActive
    const given = async () =>
      (
        await test.db
          .selectFrom('auditEvent')
          .select('details')
          .where('action', '=', 'membership.upsert')
          .where('entityId', '=', person.id)
          .executeTakeFirstOrThrow()
      ).details
    const holdMemberships = (tx: Transaction<Database>) =>
      tx.selectFrom('membership').select('id').where('userId', '=', person.id).forUpdate().execute()
    return { ...test, person, give, isActive, given, holdMemberships }
  }

  it('a role given first: the removal that follows sees it and leaves the account enabled with it', async (t) => {
    const { db, sibling, person, remove, membershipsOf, give, isActive, given } = await oneMembership(t)
    // The role given waits to write its membership (the test writes the same one, never kept) once it has read the
    // account; the removal comes meanwhile. Without the lock the removal ran through, saw no membership, disabled it.
    const holdTheNewMembership = (tx: Transaction<Database>) =>
      tx
        .insertInto('membership')
        .values({
          id: randomUUID(),
          userId: person.id,
          organizationId: sibling.id,
          role: 'social_worker',
          createdAt: nowTimestamp(),
        })
        .execute()
    const [granted, removed] = await inTurn(db, holdTheNewMembership, [give, () => remove(person.id, 'HOME')])
    assert.equal(granted!.statusCode, 201, granted!.body)
    assert.equal(granted!.json().created, false)
    assert.equal(removed!.statusCode, 200, removed!.body)
    assert.deepEqual(removed!.json(), { accountDisabled: false }, 'the removal saw the membership given')
    assert.deepEqual(await membershipsOf(person.id), ['social_worker@SIBLING'])
    assert.equal(await isActive(), 1, 'the account that holds a membership is enabled')
    assert.equal(await given(), JSON.stringify({ role: 'social_worker' }))
  })

  it('the removal first: the role given after it enables the account it disabled again (reactivated)', async (t) => {
    const { db, person, remove, membershipsOf, give, isActive, given, holdMemberships } = await oneMembership(t)
    // The removal holds the account and waits to delete; the role given reads the account (still enabled) and waits
    // for it. The removal disables it: what was read before waiting is stale.
    const [removed, granted] = await inTurn(db, holdMemberships, [() => remove(person.id, 'HOME'), give])
    assert.equal(removed!.statusCode, 200, removed!.body)
    assert.deepEqual(removed!.json(), { accountDisabled: true })
    assert.equal(granted!.statusCode, 201, granted!.body)
    assert.equal(granted!.json().created, false)
    assert.deepEqual(await membershipsOf(person.id), ['social_worker@SIBLING'])
    assert.equal(await isActive(), 1, 'enabled again with its new membership')
    assert.equal(await given(), JSON.stringify({ role: 'social_worker', reactivated: true }))
  })

  it('enabling an account while its last membership is removed: 404 once removed, and it stays disabled', async (t) => {
    const { app, db, person, adminHeaders, remove, membershipsOf, isActive, holdMemberships } = await oneMembership(t)
    const enable = () => app.inject({ method: 'POST', url: `/api/users/${person.id}/enable`, headers: adminHeaders })
    const disabled = await app.inject({ method: 'POST', url: `/api/users/${person.id}/disable`, headers: adminHeaders })
    assert.equal(disabled.statusCode, 204)
    // The removal holds the account and waits to delete; enabling comes meanwhile. Without its checks under the lock,
    // it found the membership still there, then enabled the account the removal had just left with none.
    const [removed, enabled] = await inTurn(db, holdMemberships, [() => remove(person.id, 'HOME'), enable])
    assert.equal(removed!.statusCode, 200, removed!.body)
    assert.deepEqual(removed!.json(), { accountDisabled: true })
    assert.equal(enabled!.statusCode, 404, enabled!.body)
    assert.deepEqual(await membershipsOf(person.id), [])
    assert.equal(await isActive(), 0, 'an account in no network stays disabled')
    const audited = await db
      .selectFrom('auditEvent')
      .select('action')
      .where('entityId', '=', person.id)
      .where('action', '=', 'user.enable')
      .execute()
    assert.deepEqual(audited, [])
  })
})

describe('an account that also works in a network the administrator does not administer', () => {
  it('is listed as such, and is refused disable and second factor reset (409 other_network), not removal', async (t) => {
    const { app, db, home, far, adminHeaders, remove, membershipsOf } = await twoNetworks(t)
    const shared = await makeUser(db, 'social_worker', { organizationId: home.id })
    await upsertMembership(db, { userId: shared.id, organizationId: far.id, role: 'social_worker' })
    const unshared = await makeUser(db, 'caller', { organizationId: home.id })

    const list = await app.inject({ url: '/api/users', headers: adminHeaders })
    const items = list.json().items as { id: string; isInOtherNetwork: boolean; memberships: unknown[] }[]
    assert.equal(items.find((item) => item.id === shared.id)?.isInOtherNetwork, true)
    assert.deepEqual(items.find((item) => item.id === shared.id)?.memberships.length, 1, 'only its HOME membership')
    assert.equal(items.find((item) => item.id === unshared.id)?.isInOtherNetwork, false)
    assert.ok(!list.body.includes('FAR') && !list.body.includes(far.name), 'the other network is not named')

    const disable = await app.inject({ method: 'POST', url: `/api/users/${shared.id}/disable`, headers: adminHeaders })
    assert.equal(disable.statusCode, 409)
    assert.equal(disable.json().error.details.reason, 'other_network')
    assert.match(disable.json().error.message, /remove it from the organisations of your network/)
    const reset = await app.inject({ method: 'POST', url: `/api/users/${shared.id}/mfa/reset`, headers: adminHeaders })
    assert.equal(reset.statusCode, 409)
    assert.equal(reset.json().error.details.reason, 'other_network')
    assert.match(reset.json().error.message, /administrators of that network/)
    const row = await db.selectFrom('user').select('isActive').where('id', '=', shared.id).executeTakeFirstOrThrow()
    assert.equal(row.isActive, 1)
    const audited = await db
      .selectFrom('auditEvent')
      .select('action')
      .where('entityId', '=', shared.id)
      .where('action', 'in', ['user.disable', 'user.mfa_reset'])
      .execute()
    assert.deepEqual(audited, [])

    // Its own network's part is the administrator's to end: the account stays, active, in the other network.
    const removed = await remove(shared.id, 'HOME')
    assert.equal(removed.statusCode, 200)
    assert.deepEqual(removed.json(), { accountDisabled: false })
    assert.deepEqual(await membershipsOf(shared.id), ['social_worker@FAR'])

    // An account only in the administrator's networks behaves as before.
    const resetUnshared = await app.inject({
      method: 'POST',
      url: `/api/users/${unshared.id}/mfa/reset`,
      headers: adminHeaders,
    })
    assert.equal(resetUnshared.statusCode, 204)
    const disableUnshared = await app.inject({
      method: 'POST',
      url: `/api/users/${unshared.id}/disable`,
      headers: adminHeaders,
    })
    assert.equal(disableUnshared.statusCode, 204)
  })
})
