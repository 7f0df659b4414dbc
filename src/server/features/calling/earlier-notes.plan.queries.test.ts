/**
 * The earlier callers' notes are read through the household's calls (call_household_idx), never by walking every call
 * of the organisation latest first (call_stats_org_idx) looking for the household's: that walk grew with the
 * organisation's calls and made every claim slower (bench:calling: 1.4 ms per claim at 9,600 calls). Checked without
 * statistics, as a database has them before autovacuum's first ANALYZE (and as a generic plan made while the table was
 * small keeps them): the case where the planner chose the walk. EXPLAIN (PostgreSQL) / EXPLAIN QUERY PLAN (SQLite).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createTestDatabase, type TestDatabase } from '../../../../test/database.js'
import { makeCall, makeCampaign, makeTarget, makeUser } from '../../../../test/factories.js'
import { rawRows } from '../../db/raw.js'
import { FIND_EARLIER_NOTES, findEarlierNotes } from './claim.queries.js'

describe('earlier notes query plan', () => {
  let test: TestDatabase
  before(async () => {
    test = await createTestDatabase()
  })
  after(() => test.destroy())

  it('reads the household’s calls through call_household_idx, not the organisation’s', async () => {
    const { db } = test
    const campaign = await makeCampaign(db)
    const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    let last = await makeTarget(db, campaign)
    for (let index = 0; index < 400; index++) {
      last = await makeTarget(db, campaign)
      await makeCall(db, last, caller.id, {
        notes: `Note ${index}`,
        createdAt: new Date(Date.UTC(2026, 10, 1) + index * 60_000).toISOString(),
      })
    }
    const notes = await findEarlierNotes(db, last.householdId, campaign.organizationId, 5, 500)
    assert.deepEqual(
      notes.map((note) => note.notes),
      ['Note 399'],
      'the household’s own note, and only it',
    )
    const explain = db.engine === 'postgres' ? 'explain' : 'explain query plan'
    const rows = await rawRows<Record<string, unknown>>(db, `${explain} ${FIND_EARLIER_NOTES[db.engine]}`, [
      500,
      last.householdId,
      campaign.organizationId,
      5,
    ])
    const plan = rows.map((row) => Object.values(row).join(' ')).join('\n')
    console.log(`${db.engine} plan of the earlier notes:\n${plan}`)
    assert.match(plan, /call_household_idx/)
    assert.doesNotMatch(plan, /call_stats_org_idx/)
  })
})
