import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  CamelCasePlugin,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely'
import type { Database } from '../../db/schema.js'
import { leaf, SAMPLE_VALUES, TODAY } from './targeting.fixtures.js'
import { compileRule, compileTargetFilter, type Rule, TARGETING_FIELDS, validateRule } from './targeting.js'

function compilerFor(dialect: 'sqlite' | 'postgres') {
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => (dialect === 'sqlite' ? new SqliteAdapter() : new PostgresAdapter()),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => (dialect === 'sqlite' ? new SqliteIntrospector(db) : new PostgresIntrospector(db)),
      createQueryCompiler: () => (dialect === 'sqlite' ? new SqliteQueryCompiler() : new PostgresQueryCompiler()),
    },
    plugins: [new CamelCasePlugin()],
  })
}

describe('compileRule', () => {
  const sqlite = compilerFor('sqlite')
  const postgres = compilerFor('postgres')
  const whereOf = (db: Kysely<Database>, rule: Rule) => {
    const compiled = db
      .selectFrom('household')
      .select('household.id')
      .where((eb) => compileRule(rule, TODAY)(eb))
      .compile()
    return {
      sql: compiled.sql.replace(/^select "household"."id" from "household" where /, ''),
      parameters: compiled.parameters,
    }
  }

  it('compiles the typical rule to plain column comparisons with bound values', () => {
    const typical = validateRule({
      any: [
        {
          all: [
            { field: 'age', op: '>=', value: 75 },
            { field: 'livesAlone', op: '=', value: true },
          ],
        },
        { field: 'supportProgramme', op: '=', value: true },
      ],
    })
    assert.deepEqual(whereOf(sqlite, typical), {
      sql: '(("household"."birth_date" <= ? and "household"."lives_alone" = ?) or "household"."support_programme" = ?)',
      parameters: ['1951-11-26', 1, 1],
    })
    assert.deepEqual(whereOf(postgres, typical), {
      sql: '(("household"."birth_date" <= $1 and "household"."lives_alone" = $2) or "household"."support_programme" = $3)',
      parameters: ['1951-11-26', 1, 1],
    })
  })

  it('binds every value, whatever it holds', () => {
    const hostile = "Metz'); DROP TABLE household; --"
    const rule = validateRule({
      all: TARGETING_FIELDS.map((field) => {
        const sample = field.field === 'city' ? hostile : SAMPLE_VALUES[field.field]
        return {
          field: field.field,
          op: field.operators.includes('in') ? 'in' : '=',
          value: field.operators.includes('in') ? [sample] : sample,
        }
      }),
    })
    for (const db of [sqlite, postgres]) {
      const { sql, parameters } = whereOf(db, rule)
      assert.ok(!sql.includes("'"), sql)
      assert.ok(!/\d{4}-\d{2}-\d{2}|NANCY|Metz|Borny|fragile|54000/.test(sql), sql)
      assert.ok(parameters.includes(hostile))
      assert.ok(parameters.includes(50_050), 'arrears in cents')
      assert.ok(parameters.includes('2026-10-31T23:00:00.000Z'), 'a Paris day as its first instant')
      // No function call at all (Kysely writes `fn(`; operators read `in (`): indexes on the columns stay usable.
      assert.ok(!/\w\(/.test(sql), sql)
    }
  })

  it('guards a negated condition against NULL and leaves the others plain', () => {
    assert.equal(whereOf(sqlite, leaf('floor', '>=', 3)).sql, '"household"."floor" >= ?')
    assert.equal(
      whereOf(sqlite, { not: leaf('floor', '>=', 3) }).sql,
      'not ("household"."floor" is not null and "household"."floor" >= ?)',
    )
    // NOT binds looser than comparisons on both engines: this is NOT (NOT (floor >= ?)).
    assert.equal(whereOf(sqlite, { not: { not: leaf('floor', '>=', 3) } }).sql, 'not not "household"."floor" >= ?')
    assert.equal(whereOf(sqlite, { all: [] }).sql, '(1 = 1)')
    assert.equal(whereOf(sqlite, { any: [] }).sql, '(1 = 0)')
    assert.deepEqual(whereOf(sqlite, leaf('agency', '=', 'NANCY')), {
      sql: '"household"."agency_id" in (select "agency"."id" from "agency" where "agency"."code" in (?))',
      parameters: ['NANCY'],
    })
  })

  it('adds the organisation, active status, no objection and not erased for campaign targets', () => {
    const compiled = sqlite
      .selectFrom('household')
      .select('household.id')
      .where((eb) => compileTargetFilter({ all: [] }, TODAY, 'org-1')(eb))
      .compile()
    assert.equal(
      compiled.sql,
      'select "household"."id" from "household" where ("household"."organization_id" = ? and "household"."status" = ? and "household"."objection_at" is null and "household"."erased_at" is null and (1 = 1))',
    )
    assert.deepEqual(compiled.parameters, ['org-1', 'active'])
  })
})
