/**
 * « Mes rappels » reads the callbacks through campaign_target_callback_idx (a partial index on the callbacks still to
 * make): the plan of the very query the route runs, on a campaign of 4,000 targets of which 40 are callbacks,
 * with statistics as production has them (PostgreSQL's autovacuum analyses; nothing analyses SQLite). EXPLAIN (PostgreSQL) / EXPLAIN QUERY PLAN (SQLite).
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { createQueryId, type KyselyPlugin, type RootOperationNode, sql } from 'kysely'
import { createTestDatabase, type TestDatabase } from '../../../../test/database.js'
import { makeCampaign, makeHousehold, makeUser } from '../../../../test/factories.js'
import type { Db } from '../../db/database.js'
import { listCallbacksOfCaller } from './calling.queries.js'

/** Keeps the first query it sees, to compile it again for EXPLAIN. */
class FirstQuery implements KyselyPlugin {
  node: RootOperationNode | undefined
  transformQuery(args: { node: RootOperationNode }) {
    this.node ??= args.node
    return args.node
  }
  async transformResult<R>(args: { result: R }) {
    return args.result
  }
}

describe('« Mes rappels » query plan', () => {
  let test: TestDatabase
  before(async () => {
    test = await createTestDatabase()
  })
  after(() => test.destroy())

  it('reads the callbacks through campaign_target_callback_idx', async () => {
    const { db } = test
    const campaign = await makeCampaign(db)
    const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const template = await makeHousehold(db, { organizationId: campaign.organizationId })
    const { id: _id, externalRef: _ref, ...fields } = template
    const households = Array.from({ length: 4000 }, (_, index) => ({
      ...fields,
      id: randomUUID(),
      externalRef: `PLAN-${index}`,
    }))
    const targets = households.map((household, index) => {
      const callback = index % 100 === 0
      return {
        id: randomUUID(),
        campaignId: campaign.id,
        organizationId: campaign.organizationId,
        householdId: household.id,
        status: callback ? 'scheduled' : index % 3 === 0 ? 'pending' : 'done',
        priority: 50,
        priorityReasons: null,
        attempts: 1,
        nextAttemptAt: new Date(Date.UTC(2026, 11, 1) + index * 60_000).toISOString(),
        heldBy: null,
        leaseUntil: null,
        lastDisposition: callback ? 'callback' : index % 3 === 0 ? 'no_answer' : 'reached',
        lastCalledAt: null,
        phonePosition: 0,
        preferredCallerId: null,
        followUpIntervalDays: null,
        followUpUntil: null,
        addedAt: '2026-11-30T08:00:00.000Z',
        removedAt: null,
        updatedAt: '2026-11-30T08:00:00.000Z',
      }
    })
    for (let start = 0; start < households.length; start += 200) {
      await db
        .insertInto('household')
        .values(households.slice(start, start + 200))
        .execute()
      await db
        .insertInto('campaignTarget')
        .values(targets.slice(start, start + 200))
        .execute()
    }
    // PostgreSQL's autovacuum analyses a table this size; the server never runs ANALYZE on SQLite.
    if (db.engine === 'postgres') await sql`analyze`.execute(db)

    const capture = new FirstQuery()
    const rows = await listCallbacksOfCaller(
      db.withPlugin(capture) as unknown as Db,
      caller.id,
      [campaign.organizationId],
      [],
      50,
    )
    assert.equal(rows.length, 40, 'the 40 callbacks, and only them')
    assert.ok(capture.node)
    const query = db.getExecutor().compileQuery(capture.node, createQueryId())
    const explain = db.engine === 'postgres' ? 'explain' : 'explain query plan'
    // The route's query as compiled, with its parameters.
    const result = await db.executeQuery({ ...query, sql: `${explain} ${query.sql}`, queryId: createQueryId() })
    const text = result.rows.map((row) => Object.values(row as Record<string, unknown>).join(' ')).join('\n')
    console.log(`${db.engine} plan of « Mes rappels »:\n${text}`)
    assert.match(text, /campaign_target_callback_idx/)
  })
})
