import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { createTestDatabase } from '../../../../test/database.js'
import { makeOrganization } from '../../../../test/factories.js'
import { FRAGILITY_LEVELS } from '../../../shared/campaigns.js'
import type { HouseholdTable } from '../../db/schema.js'
import { createAgency } from '../organizations/organizations.queries.js'
import { listMatchingHouseholds } from './campaigns.queries.js'
import { compileRule, evaluateRule, type Rule, validateRule } from './targeting.js'

const TODAY = '2026-11-26'
const nullable = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null, freq: 4 })
const isoDate = fc
  .date({ min: new Date('1920-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 10))
const flag = nullable(fc.constantFrom(0, 1))
const householdFields = fc.record({
  birthDate: nullable(fc.oneof(isoDate, fc.constantFrom('1951-11-26', '1951-11-27', '1940-02-29', '2024-02-29'))),
  oldestBirthDate: nullable(isoDate),
  livesAlone: flag,
  occupants: nullable(fc.integer({ min: 1, max: 8 })),
  supportProgramme: flag,
  housingBenefit: flag,
  arrearsCents: nullable(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 900_000 }))),
  postcode: nullable(fc.constantFrom('54000', '54100', '57000', '88000')),
  inseeCode: nullable(fc.constantFrom('54395', '57463', '88160')),
  city: nullable(fc.constantFrom('Nancy', 'Metz', 'Épinal')),
  floor: nullable(fc.integer({ min: 0, max: 12 })),
  hasLift: flag,
  worksProgramme: nullable(fc.constantFrom('Réhabilitation Haussonville 2027', 'Isolation Borny')),
  leaseStart: nullable(isoDate),
  fragilityLevel: nullable(fc.constantFrom(...FRAGILITY_LEVELS)),
  lastContactedAt: nullable(
    fc
      .date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2026-11-26T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString()),
  ),
  agency: nullable(fc.constantFrom('NANCY', 'METZ')),
})

const numberLeaf = (field: string, values: fc.Arbitrary<number>) =>
  fc.record({ field: fc.constant(field), op: fc.constantFrom('=', '!=', '<', '<=', '>', '>='), value: values })
const leaf: fc.Arbitrary<Rule> = fc.oneof(
  numberLeaf('age', fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom(74.5, 75))),
  numberLeaf('oldestAge', fc.integer({ min: 50, max: 100 })),
  numberLeaf('occupants', fc.integer({ min: 0, max: 9 })),
  numberLeaf(
    'arrears',
    fc.oneof(
      fc.constant(0),
      fc.constant(500),
      fc.double({ min: 0, max: 9000, noNaN: true }).map((v) => Math.round(v * 100) / 100),
    ),
  ),
  numberLeaf('floor', fc.integer({ min: 0, max: 12 })),
  fc.record({
    field: fc.constantFrom('livesAlone', 'supportProgramme', 'housingBenefit', 'hasLift'),
    op: fc.constantFrom('=', '!='),
    value: fc.boolean(),
  }),
  fc
    .record({
      field: fc.constantFrom('postcode'),
      op: fc.constantFrom('=', '!=', '<', '>=', 'in', 'notIn'),
      value: fc.constantFrom('54000', '57000'),
    })
    .map((l) => (l.op === 'in' || l.op === 'notIn' ? { ...l, value: [l.value, '88000'] } : l)),
  fc
    .record({
      field: fc.constantFrom('agency', 'city', 'worksProgramme'),
      op: fc.constantFrom('=', '!=', 'in', 'notIn', 'isSet', 'isNotSet'),
      value: fc.constantFrom('NANCY', 'Metz', 'Isolation Borny'),
    })
    .map((l) =>
      l.op === 'isSet' || l.op === 'isNotSet'
        ? { field: l.field, op: l.op }
        : l.op === 'in' || l.op === 'notIn'
          ? { ...l, value: [l.value] }
          : l,
    ),
  fc.record({
    field: fc.constantFrom('leaseStart', 'lastContactedAt'),
    op: fc.constantFrom('=', '!=', '<', '<=', '>', '>='),
    value: isoDate,
  }),
  fc.record({
    field: fc.constant('fragilityLevel'),
    op: fc.constantFrom('=', '!=', '<', '<=', '>', '>='),
    value: fc.constantFrom(...FRAGILITY_LEVELS),
  }),
  fc.record({
    field: fc.constantFrom('age', 'fragilityLevel', 'lastContactedAt', 'hasLift'),
    op: fc.constantFrom('isSet', 'isNotSet'),
  }),
) as fc.Arbitrary<Rule>
const { rule } = fc.letrec<{ rule: Rule }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('rule'), { maxLength: 3 }).map((all) => ({ all })),
    fc.array(tie('rule'), { maxLength: 3 }).map((any) => ({ any })),
    tie('rule').map((not) => ({ not })),
  ),
}))

describe('targeting rules in SQL and in memory', () => {
  it('select exactly the same households, on random rules over random households', async (t) => {
    const database = await createTestDatabase()
    t.after(() => database.destroy())
    const { db } = database
    const organization = await makeOrganization(db)
    const agencies = new Map<string, string>()
    for (const code of ['NANCY', 'METZ'])
      agencies.set(code, (await createAgency(db, { organizationId: organization.id, code, name: code })).id)
    const samples = fc.sample(householdFields, { numRuns: 250, seed: 20_201 })
    const rows: HouseholdTable[] = samples.map(({ agency, ...fields }, index) => ({
      id: randomUUID(),
      organizationId: organization.id,
      agencyId: agency ? agencies.get(agency)! : null,
      externalRef: `P-${index}`,
      lastImportId: null,
      importSignature: null,
      lastName: 'Propriété',
      firstName: null,
      email: null,
      addressLine1: null,
      addressLine2: null,
      status: 'active',
      leftAt: null,
      objectionAt: null,
      objectionChannel: null,
      objectionRecordedBy: null,
      objectionNote: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      ...fields,
    }))
    for (let start = 0; start < rows.length; start += 100)
      await db
        .insertInto('household')
        .values(rows.slice(start, start + 100))
        .execute()
    const households = await listMatchingHouseholds(db, organization.id, compileRule({ all: [] }, TODAY))
    assert.equal(households.length, rows.length)

    await fc.assert(
      fc.asyncProperty(rule, async (candidate) => {
        const validated = validateRule(candidate)
        const inSql = new Set(
          (await listMatchingHouseholds(db, organization.id, compileRule(validated, TODAY))).map((h) => h.id),
        )
        const inMemory = new Set(households.filter((h) => evaluateRule(validated, h, TODAY)).map((h) => h.id))
        assert.deepEqual([...inSql].sort(), [...inMemory].sort(), JSON.stringify(candidate))
      }),
      { numRuns: 150, seed: 4242 },
    )
  })
})
