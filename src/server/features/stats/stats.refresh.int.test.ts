import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { createTestDatabase } from '../../../../test/database.js'
import { makeTarget } from '../../../../test/factories.js'
import type { Db } from '../../db/database.js'
import type { AppError } from '../../http/errors.js'
import { PERIOD, seedStatsFixture } from './stats.fixture.js'
import { MAX_HOME_HOUSEHOLDS } from './stats.queries.js'
import { refreshRollups } from './stats.refresh.js'
import { INLINE_COUNT_LIMIT, resolveStatsContext, summaryOf } from './stats.service.js'

/** The summary a user reads for a scope over the fixture's period. */
const summaryFor = async (db: Db, user: Parameters<typeof resolveStatsContext>[1], scope: string) =>
  summaryOf(await resolveStatsContext(db, user, { scope, ...PERIOD }))

/** Every rollup row and household snapshot, in a stable order. */
async function rollupState(db: Db) {
  const rows = await db.selectFrom('statsRollup').select(['id', 'counts']).orderBy('id').execute()
  const snapshots = await db
    .selectFrom('statsHousehold')
    .select(['householdId', 'homeKey', 'agencyId'])
    .orderBy('householdId')
    .execute()
  // JSON objects compared as values: key order may differ with the order counts were added in.
  return { rows: rows.map((row) => ({ id: row.id, counts: JSON.parse(row.counts) as unknown })), snapshots }
}

/** The first landlord's administrator, as a review reader. */
function adminOf(fixture: Awaited<ReturnType<typeof seedStatsFixture>>) {
  const { a, users } = fixture
  return {
    userId: users.adminA.id,
    memberships: [
      {
        organizationId: a.id,
        organizationCode: a.code,
        organizationName: a.name,
        organizationType: a.type,
        networkId: a.networkId,
        role: 'admin' as const,
      },
    ],
  }
}

/** Counts everything again from nothing. */
async function rebuild(db: Db) {
  await db.deleteFrom('statsRollup').execute()
  await db.deleteFrom('statsHousehold').execute()
  await db.updateTable('call').set({ statsPending: 1 }).execute()
  await refreshRollups(db)
  return rollupState(db)
}

describe('review rollups in the database', () => {
  it('counted call by call, in any order, hold exactly what a count from nothing gives', async (t) => {
    const test = await createTestDatabase()
    t.after(() => test.destroy())
    const db = test.db
    const fixture = await seedStatsFixture(db)
    const calls = await db.selectFrom('call').select('id').orderBy('createdAt', 'desc').execute()
    assert.ok(calls.length >= 10)
    // Half the calls (the latest ones first) are counted, then the rest one transaction per call.
    const later = calls.filter((_, index) => index % 2 === 0).map((call) => call.id)
    await db.updateTable('call').set({ statsPending: 2 }).where('id', 'in', later).execute()
    assert.equal(await refreshRollups(db), calls.length - later.length)
    await db.updateTable('call').set({ statsPending: 1 }).where('id', 'in', later).execute()
    assert.equal(await refreshRollups(db, { batch: 1 }), later.length)
    assert.equal(await refreshRollups(db), 0, 'nothing left to count')
    const incremental = await rollupState(db)
    assert.ok(incremental.rows.length > 0)
    assert.deepEqual(incremental, await rebuild(db))

    // An import moves B's household out of the home it shared with A's: the network now sees two homes.
    const admin = adminOf(fixture)
    const before = await summaryFor(db, admin, 'network')
    const beforeMove = new Date(Date.now() - 1000).toISOString()
    await db
      .updateTable('household')
      .set({ addressLine1: '9 avenue Foch', updatedAt: new Date().toISOString() })
      .where('id', '=', fixture.households.hSharedB.id)
      .execute()
    // Looking only at households updated later than the move finds nothing; from before it, the moved household.
    await refreshRollups(db, { movedSince: new Date(Date.now() + 60_000).toISOString() })
    assert.deepEqual(await rollupState(db), incremental, 'not recounted: not updated since')
    assert.equal(await refreshRollups(db, { movedSince: beforeMove }), 0, 'no call to count, one household to recount')
    const moved = await rollupState(db)
    assert.notDeepEqual(moved.rows, incremental.rows)
    assert.deepEqual(moved, await rebuild(db))
    const after = await summaryFor(db, admin, 'network')
    // Two homes where there was one: B's household is now attempted, reached and targeted on its own.
    assert.equal(after.households.attempted, (before.households.attempted as number) + 1)
    assert.equal(after.households.reached, (before.households.reached as number) + 1)
    assert.equal(after.households.targeted, (before.households.targeted as number) + 1)
  })
})

describe('a review with too many calls left to count', () => {
  it('answers 503 with how many are left, counts them in the background, then answers', async (t) => {
    const test = await createTestDatabase()
    t.after(() => test.destroy())
    const db = test.db
    const fixture = await seedStatsFixture(db)
    const template = await db
      .selectFrom('call')
      .selectAll()
      .where('disposition', '=', 'no_answer')
      .executeTakeFirstOrThrow()
    const extra = INLINE_COUNT_LIMIT + 1
    for (let start = 0; start < extra; start += 1000) {
      const rows = []
      for (let index = start; index < Math.min(extra, start + 1000); index++) {
        rows.push({
          ...template,
          id: `extra-${String(index).padStart(6, '0')}`,
          idempotencyKey: `extra-${index}`,
          statsPending: 1,
        })
      }
      await db.insertInto('call').values(rows).execute()
    }
    const admin = adminOf(fixture)
    await assert.rejects(summaryFor(db, admin, `organization:${fixture.a.code}`), (error: AppError) => {
      assert.equal(error.code, 'SERVICE_UNAVAILABLE')
      assert.deepEqual(error.details, { pendingCalls: INLINE_COUNT_LIMIT + 1 })
      return true
    })
    // The background count ends; the review then answers with every call.
    for (
      let waited = 0;
      waited < 600 &&
      (await db.selectFrom('call').select('id').where('statsPending', '=', 1).limit(1).executeTakeFirst());
      waited++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const summary = await summaryFor(db, admin, `organization:${fixture.a.code}`)
    const calls = await db
      .selectFrom('call')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('organizationId', '=', fixture.a.id)
      .where('createdAt', '>=', '2026-10-23T22:00:00.000Z')
      .where('createdAt', '<', '2026-10-26T23:00:00.000Z')
      .executeTakeFirstOrThrow()
    assert.equal(summary.calls.total, Number(calls.n))
    assert.ok(Number(calls.n) > INLINE_COUNT_LIMIT)
  })
})

describe('homes on the network', () => {
  it('merge a few households under one key, but not a whole building written without flat numbers', async (t) => {
    const test = await createTestDatabase()
    t.after(() => test.destroy())
    const db = test.db
    const fixture = await seedStatsFixture(db)
    const admin = adminOf(fixture)
    const before = await summaryFor(db, admin, 'network')
    const template = await db
      .selectFrom('call')
      .selectAll()
      .where('disposition', '=', 'completed')
      .where('campaignId', '=', fixture.campaigns.cA1.id)
      .executeTakeFirstOrThrow()
    // Two households under one key (one home), and MAX_HOME_HOUSEHOLDS + 1 under another (not one home).
    const address = async (addressLine1: string, count: number) => {
      for (let index = 0; index < count; index++) {
        const target = await makeTarget(db, fixture.campaigns.cA1, {
          household: { addressLine1, lastName: 'Lebrun', postcode: '54100' },
        })
        await db
          .insertInto('call')
          .values({
            ...template,
            id: randomUUID(),
            idempotencyKey: randomUUID(),
            targetId: target.id,
            householdId: target.householdId,
            statsPending: 1,
          })
          .execute()
      }
    }
    await address('4 place Carnot', 2)
    await address('1 avenue du Général Leclerc', MAX_HOME_HOUSEHOLDS + 1)
    const after = await summaryFor(db, admin, 'network')
    const grown = (key: 'targeted' | 'attempted' | 'reached') =>
      (after.households[key] as number) - (before.households[key] as number)
    assert.equal(grown('targeted'), 1 + MAX_HOME_HOUSEHOLDS + 1)
    assert.equal(grown('attempted'), 1 + MAX_HOME_HOUSEHOLDS + 1)
    assert.equal(grown('reached'), 1 + MAX_HOME_HOUSEHOLDS + 1)
    assert.deepEqual(await rollupState(db), await rebuild(db))
  })
})
