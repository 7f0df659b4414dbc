import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { createTestDatabase, type TestDatabase } from '../../../../test/database.js'
import { makeOrganization } from '../../../../test/factories.js'
import { FRAGILITY_LEVELS } from '../../../shared/campaigns.js'
import type { Db } from '../../db/database.js'
import type { HouseholdTable } from '../../db/schema.js'
import { listTopPriority } from './campaigns.queries.js'
import { computePriority, DEFAULT_PRIORITY_WEIGHTS, type PriorityWeights } from './priority.js'
import { prioritySql } from './priority.sql.js'

// Days that exercise birthdays, 29 February in leap and other years, and both daylight-saving changes in Paris.
const DAYS = ['2026-11-26', '2027-02-28', '2027-03-01', '2028-02-29', '2026-03-29', '2026-10-25'] as const

const day = (min: string, max: string) =>
  fc
    .date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true })
    .map((date) => date.toISOString().slice(0, 10))
const nullable = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null, freq: 5 })
const flag = nullable(fc.constantFrom(0, 1))
const birthDate = fc.oneof(
  day('1915-01-01', '2010-12-31'),
  // Around the 70, 75 and 85 tiers on the days above, and 29 February.
  fc.constantFrom('1940-02-29', '1941-11-26', '1941-11-27', '1951-11-26', '1951-11-27', '1956-11-26', '1956-11-27'),
  fc.constantFrom('1942-02-28', '1942-03-01', '1952-02-29', '1957-03-01', '1943-02-28'),
)
const instant = fc.oneof(
  fc
    .date({ min: new Date('2025-06-01T00:00:00Z'), max: new Date('2028-03-01T00:00:00Z'), noInvalidDate: true })
    .map((date) => date.toISOString()),
  fc
    .tuple(day('2026-06-01', '2028-01-01'), fc.constantFrom('21:59:59.999', '22:00:00.000', '23:00:00.000'))
    .map(([date, time]) => `${date}T${time}Z`),
)
const priorityFields = fc.record({
  birthDate: nullable(birthDate),
  oldestBirthDate: nullable(birthDate),
  livesAlone: flag,
  supportProgramme: flag,
  fragilityLevel: nullable(fc.constantFrom(...FRAGILITY_LEVELS, 'legacy')),
  arrearsCents: nullable(
    fc.oneof(fc.constantFrom(0, 1, 50_000, 50_001, -1250), fc.integer({ min: -5000, max: 900_000 })),
  ),
  floor: nullable(fc.integer({ min: -1, max: 12 })),
  hasLift: flag,
  lastContactedAt: nullable(instant),
})
const weightsArbitrary: fc.Arbitrary<PriorityWeights | null> = fc.option(
  fc.record(
    Object.fromEntries(
      DEFAULT_PRIORITY_WEIGHTS.map((weight) => [weight.key, fc.constantFrom(0, 5, 30, 100, weight.points)]),
    ) as Record<string, fc.Arbitrary<number>>,
    { requiredKeys: [] },
  ) as fc.Arbitrary<PriorityWeights>,
  { nil: null },
)

describe('the priority in SQL and in memory', () => {
  let database: TestDatabase
  let db: Db
  let organizationId: string
  let households: HouseholdTable[]

  before(async () => {
    database = await createTestDatabase()
    db = database.db
    organizationId = (await makeOrganization(db)).id
    const samples = fc.sample(priorityFields, { numRuns: 300, seed: 20_261_205 })
    households = samples.map((fields, index) => ({
      id: randomUUID(),
      organizationId,
      agencyId: null,
      externalRef: `Q-${String(index).padStart(4, '0')}`,
      lastName: 'Priorité',
      firstName: null,
      searchName: 'priorite',
      email: null,
      addressLine1: null,
      addressLine2: null,
      postcode: null,
      city: null,
      inseeCode: null,
      occupants: null,
      leaseStart: null,
      housingBenefit: null,
      worksProgramme: null,
      status: 'active',
      leftAt: null,
      objectionAt: null,
      objectionChannel: null,
      objectionRecordedBy: null,
      objectionNote: null,
      lastImportId: null,
      importSignature: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      ...fields,
    }))
    for (let start = 0; start < households.length; start += 50) {
      await db
        .insertInto('household')
        .values(households.slice(start, start + 50))
        .execute()
    }
  })

  after(() => database.destroy())

  it('gives every household the score computePriority gives, whatever the day and the weights', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...DAYS), weightsArbitrary, async (today, weights) => {
        const rows = await db
          .selectFrom('household')
          .select(['household.id', prioritySql(today, weights).as('priority')])
          .where('household.organizationId', '=', organizationId)
          .execute()
        const inSql = new Map(rows.map((row) => [row.id, Number(row.priority)]))
        for (const household of households) {
          assert.equal(
            inSql.get(household.id),
            computePriority(household, today, weights).score,
            `${today} ${JSON.stringify(weights)} ${JSON.stringify(household)}`,
          )
        }
      }),
      { numRuns: 40, seed: 7 },
    )
  })

  it('keeps the true top 20 by priority, ties by reference', async () => {
    for (const today of DAYS) {
      const top = await listTopPriority(db, organizationId, (eb) => eb.lit(true), { today, limit: 20 })
      const expected = households
        .map((household) => ({ ref: household.externalRef, score: computePriority(household, today).score }))
        .sort((a, b) => b.score - a.score || (a.ref < b.ref ? -1 : 1))
        .slice(0, 20)
      assert.deepEqual(
        top.map((row) => [row.externalRef, row.priority]),
        expected.map((row) => [row.ref, row.score]),
        today,
      )
    }
  })
})
