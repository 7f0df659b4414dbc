import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createTestDatabase } from '../../../test/database.js'
import { makeHousehold, makeOrganization } from '../../../test/factories.js'
import { bulkInsert, valuesIn } from './bulk.js'
import { sortableId } from './ids.js'
import type { MemberTable } from './schema.js'

const AWKWARD = [
  'a "quoted" name',
  'back\\slash',
  '{braces}',
  'comma, and; semicolon',
  'NULL',
  '',
  'Bœuf Çà ☎',
  "l'apostrophe",
]

describe('bulk inserts', () => {
  it('write every row and every value as given, nulls included, whatever the row count', async (t) => {
    const database = await createTestDatabase()
    t.after(() => database.destroy())
    const { db } = database
    const organization = await makeOrganization(db)
    const household = await makeHousehold(db, { organizationId: organization.id })
    // 1,000 + 131 rows: full statements, then the rest in smaller shapes (or arrays of 5,000 on PostgreSQL).
    const members: MemberTable[] = Array.from({ length: 1131 }, (_, index) => ({
      id: sortableId(),
      householdId: household.id,
      organizationId: organization.id,
      position: index,
      isLeaseholder: index === 0 ? 1 : 0,
      lastName: AWKWARD[index % AWKWARD.length],
      firstName: index % 3 === 0 ? null : `Prénom ${index}`,
      birthDate: index % 5 === 0 ? null : '1948-03-12',
      birthYear: null,
      role: null,
    }))
    await bulkInsert(db, 'member', members)
    const stored = await db
      .selectFrom('member')
      .selectAll()
      .where('householdId', '=', household.id)
      .orderBy('position')
      .execute()
    assert.deepEqual(stored, members)
    const some = [members[3].id, members[700].id, 'not-an-id']
    const found = await db
      .selectFrom('member')
      .select('position')
      .where('id', 'in', valuesIn(db, some))
      .orderBy('position')
      .execute()
    assert.deepEqual(
      found.map((row) => row.position),
      [3, 700],
    )
    assert.deepEqual(await db.selectFrom('member').select('id').where('id', 'in', valuesIn(db, [])).execute(), [])
  })
})
