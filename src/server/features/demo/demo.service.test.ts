import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createTestDatabase } from '../../../../test/database.js'
import { ROLES } from '../../../shared/roles.js'
import { verifyPassword } from '../auth/passwords.js'
import { DEMO_ORGANIZATIONS, generateHouseholds, lorraineCommunes } from './demo.generator.js'
import { DEMO_ACCOUNTS, seedDemo } from './demo.service.js'

describe('demo generator', () => {
  it('gives the same households for the same seed, and different ones for another seed', () => {
    const [landlord] = DEMO_ORGANIZATIONS
    const first = [...generateHouseholds(landlord, 50, { seed: 7 })]
    const again = [...generateHouseholds(landlord, 50, { seed: 7 })]
    const other = [...generateHouseholds(landlord, 50, { seed: 8 })]
    assert.deepEqual(first, again)
    assert.notDeepEqual(first, other)
  })

  it('places households in real Lorraine communes with plausible ages and phones', () => {
    const households = [...generateHouseholds(DEMO_ORGANIZATIONS[1], 2000)]
    const known = new Set([...lorraineCommunes().values()].flat().map((c) => c.inseeCode))
    assert.ok(households.every((h) => known.has(h.inseeCode) && ['57', '88'].includes(h.inseeCode.slice(0, 2))))
    const seniors = households.filter((h) => h.members[0].birthDate && h.members[0].birthDate <= '1956-01-01')
    const share = seniors.length / households.length
    assert.ok(share > 0.2 && share < 0.4, `about a quarter of leaseholders are 70 or more (got ${share})`)
    const withoutPhone = households.filter((h) => h.phones.length === 0).length / households.length
    assert.ok(withoutPhone > 0.03 && withoutPhone < 0.12, `some households have no phone (got ${withoutPhone})`)
    assert.equal(new Set(households.map((h) => h.externalRef)).size, households.length, 'references are unique')
  })
})

describe('seedDemo', () => {
  it('seeds the network once and renews the demo passwords on every run', async (t) => {
    const database = await createTestDatabase()
    t.after(() => database.destroy())
    const { db } = database
    const first = await seedDemo(db, { households: 300 })
    assert.equal(first.createdHouseholds, 300)
    assert.equal(first.accounts.length, DEMO_ACCOUNTS.length)
    assert.deepEqual(new Set(first.accounts.map((a) => a.role)), new Set(ROLES), 'one account per role at least')
    const organizations = await db.selectFrom('organization').select(['code', 'type']).orderBy('code').execute()
    assert.deepEqual(organizations, [
      { code: 'ALS', type: 'association' },
      { code: 'CCAS-NANCY', type: 'partner' },
      { code: 'MHS', type: 'landlord' },
      { code: 'TDL', type: 'landlord' },
    ])
    const civilities = await db.selectFrom('household').select('civility').execute()
    const count = (civility: string | null) => civilities.filter((h) => h.civility === civility).length
    assert.equal(count('M') + count('Mme') + count(null), civilities.length, 'M, Mme or none')
    assert.ok(count('Mme') > count('M') && count('M') > 0, 'more women than men among leaseholders, both there')
    assert.ok(count(null) > 0 && count(null) < civilities.length / 5, 'a few without a civility, as in real files')
    const phones = await db.selectFrom('phone').select(['e164', 'isValid', 'kind']).execute()
    const valid = phones.filter((p) => p.isValid === 1)
    assert.ok(valid.length / phones.length > 0.9, 'most demo phones are valid')
    assert.ok(valid.every((p) => p.e164?.startsWith('+33')))
    assert.ok(
      phones.some((p) => p.isValid === 0),
      'some are invalid, as in real files',
    )

    const campaigns = await db.selectFrom('campaign').select(['name', 'status']).orderBy('name').execute()
    assert.deepEqual(
      campaigns.map((c) => c.status),
      ['draft', 'active'],
      'a heat-wave draft and a running well-being campaign',
    )
    const queued = await db.selectFrom('campaignTarget').select('id').where('status', '=', 'pending').execute()
    assert.ok(queued.length > 10, `the running campaign has households to call (${queued.length})`)

    const second = await seedDemo(db, { households: 300 })
    assert.equal(second.createdHouseholds, 0, 'no duplicate households')
    const admin = second.accounts.find((a) => a.role === 'admin')!
    const row = await db.selectFrom('user').selectAll().where('email', '=', admin.email).executeTakeFirstOrThrow()
    assert.equal(await verifyPassword(row.passwordHash, admin.password), true)
    assert.notEqual(admin.password, first.accounts.find((a) => a.role === 'admin')!.password)
  })
})
