/**
 * An outcome's read (and, on PostgreSQL, the guard of an outcome written from a claim copy) asks whether the caller
 * sent orientations about the household since the claim. It reads the household's referrals (referral_household_idx),
 * never every referral still without a call (referral_call_idx), which a planner without statistics (before
 * autovacuum's first ANALYZE, or a generic plan made while the table was small) chose. EXPLAIN (PostgreSQL) /
 * EXPLAIN QUERY PLAN (SQLite) of the very text the outcome runs.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { createTestDatabase, type TestDatabase } from '../../../../test/database.js'
import { makeCampaign, makeHousehold, makeReferral, makeTarget, makeUser } from '../../../../test/factories.js'
import { rawRows } from '../../db/raw.js'
import { findOutcomeContext, findOutcomeContextText } from './outcome.queries.js'

describe('outcome context query plan', () => {
  let test: TestDatabase
  before(async () => {
    test = await createTestDatabase()
  })
  after(() => test.destroy())

  it('counts the household’s orientations waiting for the call through referral_household_idx', async () => {
    const { db } = test
    const campaign = await makeCampaign(db)
    const organizationId = campaign.organizationId
    const caller = await makeUser(db, 'caller', { organizationId })
    const target = await makeTarget(db, campaign, { heldBy: caller.id })
    const heldAt = '2026-11-01T09:00:00.000Z'
    await db.updateTable('campaignTarget').set({ heldAt }).where('id', '=', target.id).execute()
    const refer = (householdId: string, createdAt: string) =>
      makeReferral(db, { householdId, organizationId, senderUserId: caller.id, createdAt })
    // Other households' orientations without a call, and one of this household's before the claim.
    for (let index = 0; index < 300; index++) {
      await refer((await makeHousehold(db, { organizationId })).id, '2026-11-02T09:00:00.000Z')
    }
    await refer(target.householdId, '2026-10-31T09:00:00.000Z')
    await refer(target.householdId, '2026-11-01T09:30:00.000Z')

    const context = await findOutcomeContext(db, target.id, caller.id, randomUUID())
    assert.equal(context.target?.unlinkedReferrals, 1, 'only the one sent since the claim')
    const explain = db.engine === 'postgres' ? 'explain' : 'explain query plan'
    const rows = await rawRows<Record<string, unknown>>(db, `${explain} ${findOutcomeContextText(db.engine)}`, [
      caller.id,
      'no-such-key',
      caller.id,
      target.id,
    ])
    const plan = rows.map((row) => Object.values(row).join(' ')).join('\n')
    console.log(`${db.engine} plan of the outcome context:\n${plan}`)
    assert.match(plan, /referral_household_idx/)
    assert.doesNotMatch(plan, /referral_call_idx/)
  })
})
