import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { createTestDatabase, testEngine } from '../../../../test/database.js'
import {
  makeCall,
  makeCampaign,
  makeOrganization,
  makeReferral,
  makeTarget,
  makeUser,
} from '../../../../test/factories.js'
import { loadConfig } from '../../config.js'
import { createDb, type Db } from '../../db/database.js'
import { startServer } from '../../main.js'
import { listDueHouseholds, type PurgeReport, runPurge } from './retention.service.js'

const DEFAULTS = { contactMonths: 24, leftMonths: 3, auditMonths: 12, requestsMonths: 60 }

/**
 * One organisation's households, each on one clock:
 * - `contacted`: last call 2024-01-10 (erased from 2026-01-11 on);
 * - `oriented`: last call 2023-06-01, an orientation closed 2024-03-01 (the later: erased from 2026-03-02);
 * - `referred`: last call 2023-01-01, an orientation still in progress (kept, however old);
 * - `watched`: last call 2023-01-01, a watch running until 2999 (kept);
 * - `left`: left the file on 2025-09-01, never called (erased from 2025-12-02 on);
 * - `leftReferred`: left on 2025-09-01, an orientation sent (kept);
 * - `recent`: called 2025-11-01 (erased in 2027);
 * - `quiet`: never called, still a tenant (no clock runs).
 */
async function seed(db: Db) {
  const organization = await makeOrganization(db)
  const manager = await makeUser(db, 'manager', { organizationId: organization.id })
  const campaign = await makeCampaign(db, { organizationId: organization.id, createdBy: manager.id })
  const households: Record<string, string> = {}
  const targets: Record<string, string> = {}
  const add = async (name: string, fields: Record<string, unknown> = {}) => {
    const target = await makeTarget(db, campaign, { household: { lastName: `Nom-${name}`, ...fields } })
    households[name] = target.householdId
    targets[name] = target.id
  }
  const call = async (name: string, createdAt: string) => {
    await makeCall(
      db,
      { id: targets[name]!, campaignId: campaign.id, householdId: households[name]!, organizationId: organization.id },
      manager.id,
      {
        disposition: 'completed',
        needs: JSON.stringify(['food']),
        fragilityLevel: 'watch',
        notes: `Note sur ${name}`,
        durationSeconds: 300,
        createdAt,
      },
    )
    await db.updateTable('household').set({ lastContactedAt: createdAt }).where('id', '=', households[name]!).execute()
  }
  const referral = async (name: string, status: string, createdAt: string, closedAt: string | null) => {
    await makeReferral(
      db,
      { householdId: households[name]!, organizationId: organization.id, senderUserId: manager.id, createdAt },
      { category: 'food', status, summary: `Synthèse sur ${name}`, closedAt },
    )
  }
  await add('contacted')
  await call('contacted', '2024-01-10T10:00:00.000Z')
  await add('oriented')
  await call('oriented', '2023-06-01T10:00:00.000Z')
  await referral('oriented', 'done', '2023-06-01T10:10:00.000Z', '2024-03-01T10:00:00.000Z')
  await add('referred')
  await call('referred', '2023-01-01T10:00:00.000Z')
  await referral('referred', 'in_progress', '2023-01-01T10:10:00.000Z', null)
  await add('watched')
  await call('watched', '2023-01-01T10:00:00.000Z')
  await db
    .updateTable('campaignTarget')
    .set({ status: 'scheduled', followUpIntervalDays: 14, followUpUntil: '2999-12-31' })
    .where('id', '=', targets.watched!)
    .execute()
  await add('left', { status: 'left', leftAt: '2025-09-01T08:00:00.000Z' })
  await add('leftReferred', { status: 'left', leftAt: '2025-09-01T08:00:00.000Z' })
  await referral('leftReferred', 'sent', '2025-08-01T10:00:00.000Z', null)
  await add('recent')
  await call('recent', '2025-11-01T10:00:00.000Z')
  await add('quiet')
  // Audit entries of the organisation: one of 2024-12-15 (12 months: gone from 2025-12-16), one of 2025-06-15.
  for (const at of ['2024-12-15T10:00:00.000Z', '2025-06-15T10:00:00.000Z']) {
    await db
      .insertInto('auditEvent')
      .values({ at, actorUserId: manager.id, organizationId: organization.id, action: 'household.read' })
      .execute()
  }
  return { organization, manager, campaign, households }
}

async function erasedOf(db: Db, households: Record<string, string>) {
  const rows = await db
    .selectFrom('household')
    .select(['id', 'erasedAt'])
    .where('id', 'in', Object.values(households))
    .execute()
  const byId = new Map(rows.map((row) => [row.id, row.erasedAt]))
  return Object.keys(households)
    .filter((name) => byId.get(households[name]!))
    .sort()
}

const emptyReport = (): PurgeReport => ({
  households: { erased: 0, kept: { activeReferral: 0, followUp: 0 } },
  leftHouseholds: { erased: 0 },
  auditEvents: { erased: 0 },
})

describe('retention: the purge', () => {
  it('erases on each clock as of a day, keeps what an orientation or follow-up holds, and is idempotent', async (t) => {
    const database = await createTestDatabase()
    t.after(() => database.destroy())
    const { db } = database
    const { organization, households } = await seed(db)
    const purge = (asOf: string, dryRun = false) =>
      runPurge(db, { defaults: DEFAULTS, organizationCode: organization.code, asOf, dryRun, trigger: 'cli' })

    // The day before: the left household's three months are not over, the audit entry's year neither.
    const early = await purge('2025-12-01')
    assert.equal(early.status, 'done')
    assert.deepEqual(early.status === 'done' && early.report, {
      ...emptyReport(),
      households: { erased: 0, kept: { activeReferral: 1, followUp: 1 } },
    })
    assert.deepEqual(await erasedOf(db, households), [])

    const dry = await purge('2026-01-11', true)
    assert.deepEqual(dry.status === 'done' && dry.report, {
      households: { erased: 1, kept: { activeReferral: 2, followUp: 1 } },
      leftHouseholds: { erased: 1 },
      auditEvents: { erased: 1 },
    })
    assert.deepEqual(await erasedOf(db, households), [], 'a dry run erases nothing')

    // Two years and a day after the last contact.
    const first = await purge('2026-01-11')
    assert.deepEqual(first.status === 'done' && first.report, {
      households: { erased: 1, kept: { activeReferral: 2, followUp: 1 } },
      leftHouseholds: { erased: 1 },
      auditEvents: { erased: 1 },
    })
    assert.deepEqual(await erasedOf(db, households), ['contacted', 'left'])
    const again = await purge('2026-01-11')
    assert.deepEqual(again.status === 'done' && again.report, {
      ...emptyReport(),
      households: { erased: 0, kept: { activeReferral: 2, followUp: 1 } },
    })
    // Two years after the end of the orientation, later than the last call.
    await purge('2026-03-01')
    assert.deepEqual(await erasedOf(db, households), ['contacted', 'left'])
    await purge('2026-03-02')
    assert.deepEqual(await erasedOf(db, households), ['contacted', 'left', 'oriented'])

    const erased = await db
      .selectFrom('call')
      .select(['notes', 'needs', 'fragilityLevel'])
      .where('householdId', '=', households.contacted!)
      .executeTakeFirstOrThrow()
    assert.deepEqual(erased, { notes: null, needs: JSON.stringify(['food']), fragilityLevel: 'watch' })
    const kept = await db
      .selectFrom('household')
      .select('lastName')
      .where('id', '=', households.referred!)
      .executeTakeFirstOrThrow()
    assert.equal(kept.lastName, 'Nom-referred')

    const runs = await db.selectFrom('purgeRun').selectAll().orderBy('startedAt').execute()
    assert.equal(runs.length, 6)
    assert.ok(runs.every((run) => run.status === 'done' && run.organizationId === organization.id))
    assert.deepEqual(
      runs.map((run) => run.dryRun),
      [0, 1, 0, 0, 0, 0],
    )
  })

  it('lists the households due within 30 days, with what keeps some of them', async (t) => {
    const database = await createTestDatabase()
    t.after(() => database.destroy())
    const { db } = database
    const { organization, households } = await seed(db)
    const names = new Map(Object.entries(households).map(([name, id]) => [id, name]))
    const due = await listDueHouseholds(db, [organization], DEFAULTS, { today: '2025-12-20', days: 30 })
    assert.deepEqual(
      due.map((item) => [names.get(item.householdId), item.rule, item.dueOn, item.keptBecause.map((k) => k.reason)]),
      [
        ['left', 'left', '2025-12-02', []],
        ['leftReferred', 'left', '2025-12-02', ['active_referral']],
        ['referred', 'contact', '2025-01-02', ['active_referral']],
        ['watched', 'contact', '2025-01-02', ['follow_up']],
        ['contacted', 'contact', '2026-01-11', []],
      ].sort((x, y) => (String(x[2]) < String(y[2]) ? -1 : String(x[2]) > String(y[2]) ? 1 : 0)),
    )
  })

  it('runs from the command line: allervers purge --as-of --json, --dry-run, and refusals', async (t) => {
    const file = join(mkdtempSync(join(tmpdir(), 'allervers-purge-')), 'purge.sqlite')
    const database = await createTestDatabase({ sqliteFile: file })
    t.after(() => database.destroy())
    const { organization, households } = await seed(database.db)
    const cli = (args: string[]) => {
      const result = spawnSync(process.execPath, ['bin/allervers.js', 'purge', ...args], {
        env: { ...process.env, DATABASE_URL: database.url },
        encoding: 'utf8',
      })
      return { code: result.status, stdout: result.stdout, stderr: result.stderr }
    }
    const after = () => erasedOf(database.db, households)
    const dry = cli(['--org', organization.code, '--as-of', '2026-01-11', '--dry-run', '--json'])
    assert.equal(dry.code, 0, dry.stderr)
    assert.deepEqual(JSON.parse(dry.stdout), {
      households: { erased: 1, kept: { activeReferral: 2, followUp: 1 } },
      leftHouseholds: { erased: 1 },
      auditEvents: { erased: 1 },
    })
    assert.deepEqual(await after(), [])
    const real = cli(['--as-of', '2026-01-11', '--json'])
    assert.equal(real.code, 0, real.stderr)
    const report = JSON.parse(real.stdout) as PurgeReport
    assert.equal(report.households.erased, 1)
    assert.equal(report.leftHouseholds.erased, 1)
    assert.deepEqual(await after(), ['contacted', 'left'])
    const text = cli(['--org', organization.code, '--as-of', '2026-01-11'])
    assert.equal(text.code, 0, text.stderr)
    assert.match(text.stdout, /Purge as of 2026-01-11/)
    for (const [args, message] of [
      [['--as-of', '2026-02-30'], /--as-of takes a day as YYYY-MM-DD/],
      [['--org', 'NO-SUCH-ORG'], /no organisation with code "NO-SUCH-ORG"/],
    ] as const) {
      const refused = cli([...args])
      assert.equal(refused.code, 2, refused.stderr)
      assert.match(refused.stderr, message)
      assert.equal(refused.stderr.trim().split('\n').length, 1)
    }
  })
})

describe('retention: a purge that fails', () => {
  it('rejects with its own error, is recorded once as failed, and erases nothing', async (t) => {
    const database = await createTestDatabase()
    t.after(() => database.destroy())
    const { db } = database
    const { households } = await seed(db)
    // The audit log gone from under the purge: it fails after recording its run.
    await sql`alter table "audit_event" rename to "audit_event_elsewhere"`.execute(db)
    await assert.rejects(runPurge(db, { defaults: DEFAULTS, asOf: '2026-01-11', trigger: 'cli' }), (error: Error) =>
      /audit_event/.test(error.message),
    )
    await sql`alter table "audit_event_elsewhere" rename to "audit_event"`.execute(db)
    const runs = await db.selectFrom('purgeRun').selectAll().execute()
    assert.equal(runs.length, 1, JSON.stringify(runs))
    assert.equal(runs[0]!.status, 'failed')
    assert.ok(runs[0]!.finishedAt)
    assert.match(String(runs[0]!.error), /audit_event/)
    assert.deepEqual(await erasedOf(db, households), [])
  })
})

describe('retention: one purge at a time across instances', {
  skip: testEngine() !== 'postgres' && 'PostgreSQL only: SQLite serves one instance',
}, () => {
  it('two purges at once on two handles erase each household once', async (t) => {
    const database = await createTestDatabase()
    const secondDb = createDb(database.url)
    t.after(async () => {
      await secondDb.destroy()
      await database.destroy()
    })
    const { households } = await seed(database.db)
    const outcomes = await Promise.all(
      [database.db, secondDb].map((db) =>
        runPurge(db, { defaults: DEFAULTS, asOf: '2026-01-11', trigger: 'worker', oncePerDay: true }),
      ),
    )
    const done = outcomes.filter((outcome) => outcome.status === 'done')
    assert.equal(done.length, 1, JSON.stringify(outcomes))
    assert.deepEqual(await erasedOf(database.db, households), ['contacted', 'left'])
  })

  it('the daily worker of two running servers purges once', async (t) => {
    const database = await createTestDatabase()
    t.after(() => database.destroy())
    const { households } = await seed(database.db)
    // A month of contact retention: every household called (and nothing keeps) is due today.
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      PORT: '0',
      DATABASE_URL: database.url,
      PURGE_CHECK_SECONDS: '1',
      RETENTION_CONTACT_MONTHS: '1',
    })
    // Each server closes its own handle when it stops.
    const servers = [
      await startServer(config, { db: createDb(database.url), handleSignals: false }),
      await startServer(config, { db: createDb(database.url), handleSignals: false }),
    ]
    const reader = database.db
    try {
      const deadline = Date.now() + 20_000
      while (Date.now() < deadline) {
        const runs = await reader.selectFrom('purgeRun').select('id').where('status', '=', 'done').execute()
        if (runs.length) break
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
      // A few more ticks of both workers.
      await new Promise((resolve) => setTimeout(resolve, 2500))
      const runs = await reader.selectFrom('purgeRun').selectAll().execute()
      assert.equal(runs.filter((run) => run.status === 'done').length, 1, JSON.stringify(runs))
      const erasures = await reader
        .selectFrom('auditEvent')
        .select(['entityId'])
        .where('action', '=', 'household.erased')
        .execute()
      const ids = erasures.map((row) => row.entityId)
      assert.equal(new Set(ids).size, ids.length, 'each household erased once')
      // With a month of contact retention, every called household nothing keeps is erased today.
      assert.deepEqual(await erasedOf(reader, households), ['contacted', 'left', 'oriented', 'recent'])
    } finally {
      for (const server of servers) await server.close()
    }
  })
})
