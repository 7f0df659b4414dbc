import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { createTestDatabase, type TestDatabase } from '../../../../test/database.js'
import { makeHousehold, makeOrganization } from '../../../../test/factories.js'
import { FRAGILITY_LEVELS } from '../../../shared/campaigns.js'
import type { Db } from '../../db/database.js'
import type { HouseholdTable } from '../../db/schema.js'
import { createAgency } from '../organizations/organizations.queries.js'
import {
  compileTargetFilter,
  evaluateRule,
  explainRule,
  type Operator,
  type Rule,
  TARGETING_FIELDS,
  type TargetableHousehold,
  type TargetingFieldName,
  validateRule,
} from './targeting.js'

// Days that exercise birthdays, 29 February in leap and other years, and both daylight-saving changes in Paris.
const DAYS = ['2026-11-26', '2027-02-28', '2027-03-01', '2028-02-29', '2026-03-29', '2026-10-25'] as const

const day = (min: string, max: string) =>
  fc
    .date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true })
    .map((date) => date.toISOString().slice(0, 10))
const nullable = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null, freq: 5 })
const flag = nullable(fc.constantFrom(0, 1))
// Around Paris midnight (22:00/23:00 UTC) as well as anywhere in the day.
const instant = fc.oneof(
  fc
    .date({ min: new Date('2025-06-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true })
    .map((date) => date.toISOString()),
  fc
    .tuple(
      day('2025-06-01', '2026-12-31'),
      fc.constantFrom('21:59:59.999', '22:00:00.000', '22:59:59.999', '23:00:00.000'),
    )
    .map(([date, time]) => `${date}T${time}Z`),
)
const birthDate = fc.oneof(
  day('1915-01-01', '2028-02-29'),
  fc.constantFrom('2024-02-29', '1940-02-29', '1952-02-29', '1951-11-26', '1951-11-27', '1941-11-26', '2027-02-28'),
)
const householdFields = fc.record({
  birthDate: nullable(birthDate),
  oldestBirthDate: nullable(birthDate),
  livesAlone: flag,
  occupants: nullable(fc.integer({ min: 0, max: 8 })),
  supportProgramme: flag,
  housingBenefit: flag,
  arrearsCents: nullable(fc.oneof(fc.constantFrom(0, 50_000, 50_001, -1250), fc.integer({ min: -5000, max: 900_000 }))),
  postcode: nullable(fc.constantFrom('54000', '54100', '57000', '88000')),
  inseeCode: nullable(fc.constantFrom('54395', '57463', '88160', '2A004', '20000')),
  city: nullable(fc.constantFrom('Nancy', 'Metz', 'Épinal', 'metz')),
  floor: nullable(fc.integer({ min: -1, max: 12 })),
  hasLift: flag,
  worksProgramme: nullable(fc.constantFrom('Réhabilitation Haussonville 2027', 'Isolation Borny')),
  leaseStart: nullable(fc.oneof(day('1960-01-01', '2026-12-31'), fc.constantFrom('2000-01-01', '2024-02-29'))),
  // 'legacy' stands for a level written by older software: only != and notIn may select it.
  fragilityLevel: nullable(fc.constantFrom(...FRAGILITY_LEVELS, 'legacy')),
  lastContactedAt: nullable(instant),
  agency: nullable(fc.constantFrom('NANCY', 'METZ', 'EPINAL')),
  status: fc.constantFrom('active', 'active', 'active', 'active', 'left' as const),
  objectionAt: fc.option(fc.constant('2026-05-01T10:00:00.000Z'), { nil: null, freq: 12 }),
})

/** Values a condition may compare with, chosen to overlap the generated households. */
const VALUES: Record<TargetingFieldName, fc.Arbitrary<unknown>> = {
  age: fc.oneof(fc.integer({ min: 0, max: 110 }), fc.constantFrom(2, 3, 4, 74, 75, 84, 85)),
  oldestAge: fc.oneof(fc.integer({ min: 0, max: 110 }), fc.constantFrom(2, 3, 4, 74, 75, 84, 85)),
  livesAlone: fc.boolean(),
  occupants: fc.integer({ min: 0, max: 9 }),
  supportProgramme: fc.boolean(),
  housingBenefit: fc.boolean(),
  arrears: fc.oneof(
    fc.constantFrom(0, 500, 500.01, -12.5),
    fc.integer({ min: -5000, max: 900_000 }).map((cents) => cents / 100),
  ),
  agency: fc.constantFrom('NANCY', 'METZ', 'EPINAL', 'LUNEVILLE'),
  postcode: fc.constantFrom('54000', '54100', '57000', '88000', '55000'),
  inseeCode: fc.constantFrom('54395', '57463', '88160', '2A004', '20000'),
  city: fc.constantFrom('Nancy', 'Metz', 'Épinal', 'metz'),
  floor: fc.integer({ min: -1, max: 12 }),
  hasLift: fc.boolean(),
  worksProgramme: fc.constantFrom('Réhabilitation Haussonville 2027', 'Isolation Borny', 'Autre'),
  leaseStart: fc.oneof(day('1960-01-01', '2026-12-31'), fc.constantFrom('2000-01-01', '2024-02-29')),
  fragilityLevel: fc.constantFrom(...FRAGILITY_LEVELS),
  lastContactedAt: fc.oneof(day('2025-06-01', '2026-12-31'), instant, fc.constant('2026-11-01T10:00:00+01:00')),
}

const condition: fc.Arbitrary<unknown> = fc.constantFrom(...TARGETING_FIELDS).chain((field) =>
  fc.constantFrom(...field.operators).chain((op: Operator): fc.Arbitrary<unknown> => {
    if (op === 'isSet' || op === 'isNotSet') return fc.constant({ field: field.field, op })
    const values = VALUES[field.field]
    const value = op === 'in' || op === 'notIn' ? fc.array(values, { minLength: 1, maxLength: 3 }) : values
    return value.map((v) => ({ field: field.field, op, value: v }))
  }),
)

// Trees of at most 4 levels over every field and operator.
const { rule: anyRule } = fc.letrec<{ rule: unknown }>((tie) => ({
  rule: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'rule' },
    condition,
    fc.array(tie('rule'), { maxLength: 3, depthIdentifier: 'rule' }).map((all) => ({ all })),
    fc.array(tie('rule'), { maxLength: 3, depthIdentifier: 'rule' }).map((any) => ({ any })),
    tie('rule').map((not) => ({ not })),
  ),
}))

async function loadHouseholds(db: Db, organizationId: string): Promise<TargetableHousehold[]> {
  return db
    .selectFrom('household')
    .leftJoin('agency', 'agency.id', 'household.agencyId')
    .selectAll('household')
    .select('agency.code as agencyCode')
    .where('household.organizationId', '=', organizationId)
    .execute()
}

async function selectIds(db: Db, rule: Rule, today: string, organizationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('household')
    .select('household.id')
    .where((eb) => compileTargetFilter(rule, today, organizationId)(eb))
    .execute()
  return rows.map((row) => row.id).sort()
}

const isTarget = (household: TargetableHousehold) => household.status === 'active' && household.objectionAt === null

describe('targeting rules in SQL and in memory', () => {
  let database: TestDatabase
  let db: Db
  let organizationId: string
  let households: TargetableHousehold[]

  before(async () => {
    database = await createTestDatabase()
    db = database.db
    const organization = await makeOrganization(db)
    const neighbour = await makeOrganization(db)
    organizationId = organization.id
    const agencies = new Map<string, string>()
    for (const code of ['NANCY', 'METZ', 'EPINAL']) {
      agencies.set(code, (await createAgency(db, { organizationId, code, name: code })).id)
    }
    // Another landlord with an agency of the same code: its households must never appear.
    const neighbourAgency = await createAgency(db, { organizationId: neighbour.id, code: 'NANCY', name: 'Nancy' })
    const samples = fc.sample(householdFields, { numRuns: 220, seed: 20_201 })
    const rows: HouseholdTable[] = samples.map(({ agency, ...fields }, index) => ({
      id: randomUUID(),
      organizationId: index < 200 ? organizationId : neighbour.id,
      agencyId: agency ? (index < 200 ? agencies.get(agency)! : neighbourAgency.id) : null,
      externalRef: `P-${index}`,
      lastImportId: null,
      importSignature: null,
      lastName: 'Propriété',
      firstName: null,
      searchName: 'propriete',
      email: null,
      addressLine1: null,
      addressLine2: null,
      leftAt: fields.status === 'left' ? '2026-01-01T00:00:00.000Z' : null,
      objectionChannel: null,
      objectionRecordedBy: null,
      objectionNote: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      ...fields,
    }))
    for (let start = 0; start < rows.length; start += 50) {
      await db
        .insertInto('household')
        .values(rows.slice(start, start + 50))
        .execute()
    }
    households = await loadHouseholds(db, organizationId)
    assert.equal(households.length, 200)
  })

  after(() => database.destroy())

  it('select exactly the same households, on random rules over random households', async () => {
    let discriminating = 0
    await fc.assert(
      fc.asyncProperty(anyRule, fc.constantFrom(...DAYS), async (candidate, today) => {
        const rule = validateRule(candidate)
        const inSql = await selectIds(db, rule, today, organizationId)
        const inMemory = households
          .filter((household) => isTarget(household) && evaluateRule(rule, household, today))
          .map((household) => household.id)
          .sort()
        assert.deepEqual(inSql, inMemory, `${today} ${JSON.stringify(rule)}`)
        for (const household of households) {
          assert.equal(explainRule(rule, household, today).holds, evaluateRule(rule, household, today))
        }
        if (inSql.length > 0 && inSql.length < households.filter(isTarget).length) discriminating++
      }),
      { numRuns: 150, seed: 4242 },
    )
    // Rules that select everyone or no one prove little: most of them must split the households.
    assert.ok(discriminating >= 75, `only ${discriminating} of 150 rules split the households`)
  })

  it('selects each operator of each field like the evaluator, negated or not', async () => {
    const today = DAYS[0]
    for (const field of TARGETING_FIELDS) {
      for (const op of field.operators) {
        const [value] = fc.sample(VALUES[field.field], { numRuns: 1, seed: field.field.length * 31 + op.length })
        const plain = validateRule(
          op === 'isSet' || op === 'isNotSet'
            ? { field: field.field, op }
            : { field: field.field, op, value: op === 'in' || op === 'notIn' ? [value] : value },
        )
        for (const rule of [plain, { not: plain }]) {
          const expected = households
            .filter((household) => isTarget(household) && evaluateRule(rule, household, today))
            .map((household) => household.id)
            .sort()
          assert.deepEqual(await selectIds(db, rule, today, organizationId), expected, JSON.stringify(rule))
        }
      }
    }
  })

  it('counts birthdays and 29 February in the database as in memory', async () => {
    const organization = await makeOrganization(db)
    const leapling = await makeHousehold(db, { organizationId: organization.id, birthDate: '2024-02-29' })
    const birthdayToday = await makeHousehold(db, { organizationId: organization.id, birthDate: '1951-11-26' })
    const tomorrow = await makeHousehold(db, { organizationId: organization.id, birthDate: '1951-11-27' })
    const unknown = await makeHousehold(db, { organizationId: organization.id, birthDate: null })
    const ids = (rule: unknown, today: string) => selectIds(db, validateRule(rule), today, organization.id)
    const sorted = (...list: { id: string }[]) => list.map((household) => household.id).sort()
    assert.deepEqual(await ids({ field: 'age', op: '=', value: 3 }, '2027-02-28'), [])
    assert.deepEqual(await ids({ field: 'age', op: '=', value: 2 }, '2027-02-28'), sorted(leapling))
    assert.deepEqual(await ids({ field: 'age', op: '=', value: 3 }, '2027-03-01'), sorted(leapling))
    assert.deepEqual(await ids({ field: 'age', op: '=', value: 4 }, '2028-02-29'), sorted(leapling))
    assert.deepEqual(await ids({ field: 'age', op: '>=', value: 75 }, '2026-11-26'), sorted(birthdayToday))
    assert.deepEqual(await ids({ field: 'age', op: '=', value: 74 }, '2026-11-26'), sorted(tomorrow))
    assert.deepEqual(
      await ids({ not: { field: 'age', op: '>=', value: 75 } }, '2026-11-26'),
      sorted(leapling, tomorrow, unknown),
    )
    assert.deepEqual(await ids({ field: 'age', op: 'isNotSet' }, '2026-11-26'), sorted(unknown))
  })

  it('reads a last contact just after Paris midnight as that Paris day', async () => {
    const organization = await makeOrganization(db)
    const afterMidnight = await makeHousehold(db, {
      organizationId: organization.id,
      lastContactedAt: '2026-10-31T23:30:00.000Z',
    })
    const never = await makeHousehold(db, { organizationId: organization.id, lastContactedAt: null })
    const ids = (rule: unknown) => selectIds(db, validateRule(rule), '2026-11-26', organization.id)
    assert.deepEqual(await ids({ field: 'lastContactedAt', op: '<', value: '2026-11-01' }), [])
    assert.deepEqual(await ids({ field: 'lastContactedAt', op: '=', value: '2026-11-01' }), [afterMidnight.id])
    assert.deepEqual(
      await ids({
        any: [
          { field: 'lastContactedAt', op: 'isNotSet' },
          { field: 'lastContactedAt', op: '<', value: '2026-11-02' },
        ],
      }),
      [afterMidnight.id, never.id].sort(),
    )
  })

  it('binds hostile values and keeps to the organisation, its active tenants and those who do not object', async () => {
    const organization = await makeOrganization(db)
    const hostile = "Metz'); DROP TABLE household; --"
    const target = await makeHousehold(db, { organizationId: organization.id, city: hostile })
    await makeHousehold(db, { organizationId: organization.id, city: hostile, status: 'left' })
    await makeHousehold(db, { organizationId: organization.id, city: hostile, objectionAt: '2026-01-01T00:00:00.000Z' })
    const rule = validateRule({ field: 'city', op: 'in', value: [hostile, "O'Brien"] })
    assert.deepEqual(await selectIds(db, rule, '2026-11-26', organization.id), [target.id])
    assert.deepEqual(await selectIds(db, { all: [] }, '2026-11-26', organization.id), [target.id])
    const stillThere = await db
      .selectFrom('household')
      .select('id')
      .where('organizationId', '=', organizationId)
      .execute()
    assert.equal(stillThere.length, 200)
  })
})
