import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createTestDatabase } from '../../../test/database.js'
import { makeOrganization } from '../../../test/factories.js'
import type { Db } from './database.js'
import { inGroupedTransaction } from './group-commit.js'

async function insertAgency(tx: Db, organizationId: string, code: string) {
  await tx
    .insertInto('agency')
    .values({
      id: `agency-${code}`,
      organizationId,
      code,
      name: `Agence ${code}`,
      inseeCode: null,
      createdAt: '2026-11-30T00:00:00.000Z',
    })
    .execute()
}

async function agencyCodes(db: Db) {
  const rows = await db.selectFrom('agency').select('code').orderBy('code').execute()
  return rows.map((row) => row.code)
}

describe('grouped transactions', () => {
  it('commits the works that succeed and rolls back only the one that throws, when many arrive at once', async (t) => {
    const { db, destroy } = await createTestDatabase()
    t.after(destroy)
    const organization = await makeOrganization(db)
    const codes = Array.from({ length: 30 }, (_, index) => `A${String(index).padStart(2, '0')}`)
    const results = await Promise.allSettled(
      codes.map((code, index) =>
        inGroupedTransaction(db, async (tx) => {
          await insertAgency(tx, organization.id, code)
          // Every seventh work fails after writing: its row must vanish, and only its row.
          if (index % 7 === 3) throw new Error(`refused ${code}`)
          // A second statement reading what the first wrote: the work sees its own change.
          const mine = await tx.selectFrom('agency').select('code').where('code', '=', code).executeTakeFirst()
          return mine?.code
        }),
      ),
    )
    const refused = codes.filter((_, index) => index % 7 === 3)
    const kept = codes.filter((_, index) => index % 7 !== 3)
    assert.deepEqual(
      results.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message)),
      codes.map((code, index) => (index % 7 === 3 ? `refused ${code}` : code)),
    )
    assert.equal(refused.length, 4)
    assert.deepEqual(await agencyCodes(db), kept)
  })

  it('rejects a work that breaks a constraint without losing the others of its batch', async (t) => {
    const { db, destroy } = await createTestDatabase()
    t.after(destroy)
    const organization = await makeOrganization(db)
    await insertAgency(db, organization.id, 'TAKEN')
    const results = await Promise.allSettled([
      inGroupedTransaction(db, (tx) => insertAgency(tx, organization.id, 'B1')),
      // Same organisation and code as an existing agency: the unique constraint refuses it.
      inGroupedTransaction(db, (tx) =>
        tx
          .insertInto('agency')
          .values({
            id: 'agency-dup',
            organizationId: organization.id,
            code: 'TAKEN',
            name: 'Doublon',
            inseeCode: null,
            createdAt: '2026-11-30T00:00:00.000Z',
          })
          .execute(),
      ),
      inGroupedTransaction(db, (tx) => insertAgency(tx, organization.id, 'B2')),
    ])
    assert.deepEqual(
      results.map((result) => result.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    )
    assert.deepEqual(await agencyCodes(db), ['B1', 'B2', 'TAKEN'])
    assert.equal(
      await db.selectFrom('agency').select('id').where('id', '=', 'agency-dup').executeTakeFirst(),
      undefined,
      'nothing of the refused work is saved',
    )
  })

  it('answers a work only once its change is committed and visible to everyone', async (t) => {
    const { db, destroy } = await createTestDatabase()
    t.after(destroy)
    const organization = await makeOrganization(db)
    const seen = await Promise.all(
      ['C1', 'C2', 'C3'].map((code) =>
        inGroupedTransaction(db, (tx) => insertAgency(tx, organization.id, code)).then(async () =>
          // Read outside any transaction right after the answer.
          (await agencyCodes(db)).includes(code),
        ),
      ),
    )
    assert.deepEqual(seen, [true, true, true])
  })
})
