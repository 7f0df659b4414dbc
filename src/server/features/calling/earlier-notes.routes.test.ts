import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../../../test/app.js'
import { assertMatchesContract } from '../../../../test/contract.js'
import { makeCall, makeCampaign, makeTarget, makeUser } from '../../../../test/factories.js'
import { callingContract, EARLIER_NOTES_LIMIT, NOTE_MAX_LENGTH } from '../../../shared/contracts/calling.js'
import type { Db } from '../../db/database.js'

/** Puts the target back in the queue, due now (as when its next attempt comes). */
async function makeDueAgain(db: Db, targetId: string) {
  await db
    .updateTable('campaignTarget')
    .set({ status: 'pending', nextAttemptAt: '2000-01-01T00:00:00.000Z', heldBy: null, leaseUntil: null })
    .where('id', '=', targetId)
    .execute()
}

describe('the earlier callers’ notes on the household’s screen', () => {
  it('shows the next caller the notes of earlier calls with date, role and outcome; masks a flagged one; leaves out another organisation’s', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    // Three calls this week: the cap across campaigns is raised for the third one.
    const campaign = await makeCampaign(db, { frequencyCap: { maxAttempts: 10, days: 7 } })
    const target = await makeTarget(db, campaign)
    const ana = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const bruno = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    await db.updateTable('user').set({ name: 'Ana Lefèvre' }).where('id', '=', ana.id).execute()
    const [anaHeaders, brunoHeaders] = [await loginAs(ana), await loginAs(bruno)]
    const claim = (headers: Record<string, string>) =>
      app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
    const save = (headers: Record<string, string>, assignmentId: string, payload: object) =>
      app.inject({
        method: 'POST',
        url: `/api/assignments/${assignmentId}/outcome`,
        headers: { ...headers, 'idempotency-key': randomUUID() },
        payload,
      })

    // Ana's first claim: nobody wrote anything yet.
    const first = await claim(anaHeaders)
    assert.equal(first.statusCode, 200)
    assertMatchesContract(callingContract.claim, first)
    assert.deepEqual(first.json().assignment.household.earlierNotes, [])
    const note = 'Sa fille passe le soir : rappeler après 18 h.'
    assert.equal(
      (await save(anaHeaders, first.json().assignment.id, { disposition: 'no_answer', notes: note })).statusCode,
      201,
    )

    // Ana calls again and writes a note with a word of a special category (health): it is flagged.
    await makeDueAgain(db, target.id)
    const again = await claim(anaHeaders)
    const flagged = 'Il parle de son alcoolisme.'
    assert.equal(
      (await save(anaHeaders, again.json().assignment.id, { disposition: 'busy', notes: flagged })).statusCode,
      201,
    )

    // Another organisation's call about the same household, later than both: not this organisation's to read.
    const elsewhere = await makeCampaign(db)
    const theirTarget = await makeTarget(db, elsewhere, { householdId: target.householdId })
    const theirCaller = await makeUser(db, 'caller', { organizationId: elsewhere.organizationId })
    await makeCall(db, theirTarget, theirCaller.id, {
      notes: 'Note d’un autre organisme',
      createdAt: new Date(Date.now() + 1000).toISOString(),
    })

    await makeDueAgain(db, target.id)
    const next = await claim(brunoHeaders)
    assert.equal(next.statusCode, 200)
    assertMatchesContract(callingContract.claim, next)
    const { household } = next.json().assignment
    assert.equal(household.id, target.householdId)
    const calls = await db
      .selectFrom('call')
      .select(['createdAt', 'disposition'])
      .where('organizationId', '=', campaign.organizationId)
      .orderBy('createdAt', 'desc')
      .execute()
    assert.deepEqual(household.earlierNotes, [
      { at: calls[0].createdAt, authorRole: 'caller', disposition: 'busy', notes: null, masked: true },
      { at: calls[1].createdAt, authorRole: 'caller', disposition: 'no_answer', notes: note, masked: false },
    ])
    assert.doesNotMatch(next.body, /alcoolisme|autre organisme/, 'neither the flagged text nor another organisation’s')
    assert.doesNotMatch(next.body, /Lefèvre/, 'the author is named by role, not by name')

    // The read is the claim's, on record as a read of the household by Bruno.
    const reads = await db
      .selectFrom('auditEvent')
      .select(['entityId', 'details'])
      .where('actorUserId', '=', bruno.id)
      .where('action', '=', 'household.read')
      .execute()
    assert.equal(reads.length, 1)
    assert.equal(reads[0].entityId, target.householdId)

    // The household is erased while Bruno holds it: his screen, reloaded, shows none of its notes.
    await db
      .updateTable('household')
      .set({ erasedAt: new Date().toISOString() })
      .where('id', '=', target.householdId)
      .execute()
    const reloaded = await claim(brunoHeaders)
    assert.equal(reloaded.statusCode, 200)
    assert.equal(reloaded.json().assignment.id, next.json().assignment.id, 'the same household, still held')
    assert.deepEqual(reloaded.json().assignment.household.earlierNotes, [])
  })

  it('shows the five latest notes, each cut at the longest note a caller may write, with a manager named as such', async (t) => {
    const { app, db, loginAs } = await buildTestApp(t)
    const campaign = await makeCampaign(db)
    const target = await makeTarget(db, campaign)
    const manager = await makeUser(db, 'manager', { organizationId: campaign.organizationId })
    const start = Date.parse('2026-11-02T09:00:00.000Z')
    for (let index = 0; index < 7; index++) {
      await makeCall(db, target, manager.id, {
        notes: `${index}`.repeat(NOTE_MAX_LENGTH + 50),
        createdAt: new Date(start + index * 86_400_000).toISOString(),
      })
    }
    // A call without a note is not one of them.
    await makeCall(db, target, manager.id, {
      notes: null,
      createdAt: new Date(start + 8 * 86_400_000).toISOString(),
    })
    const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const claimed = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${campaign.id}/claim`,
      headers: await loginAs(caller),
    })
    assert.equal(claimed.statusCode, 200)
    const notes = claimed.json().assignment.household.earlierNotes
    assert.equal(notes.length, EARLIER_NOTES_LIMIT)
    assert.deepEqual(
      notes.map((n: { notes: string; authorRole: string }) => [n.notes[0], n.notes.length, n.authorRole]),
      ['6', '5', '4', '3', '2'].map((digit) => [digit, NOTE_MAX_LENGTH, 'manager']),
    )
  })
})
