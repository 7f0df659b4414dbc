/**
 * The restore drill, on the engine of the run: calls, referrals and their mails are written through the app while
 * `allervers backup` runs in its own process (as a scheduled backup does beside a running server); the backup is
 * restored into a fresh database elsewhere, where every call, referral and mail acknowledged before the backup began
 * is found, and what was written during it is there whole or not at all.
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it, type TestContext } from 'node:test'
import { Migrator, sql } from 'kysely'
import pg from 'pg'
import { postgresAdminUrl, testEngine } from '../../../test/database.js'
import { makeCampaign, makeOrganization, makeTarget, makeUser } from '../../../test/factories.js'
import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import type { BackupReport, RestoreReport } from './backup.js'
import { createDb, type Db } from './database.js'
import { migrateToLatest, migrationProvider } from './migrate.js'

const folder = mkdtempSync(join(tmpdir(), 'allervers-backup-'))

/** A database for this test, dropped afterwards: migrated to `migrateTo` ('latest', a migration's name, or 'none'). */
async function freshDatabase(t: TestContext, migrateTo: string = 'latest'): Promise<{ url: string; db: Db }> {
  let url: string
  if (testEngine() === 'postgres') {
    const name = `allervers_backup_${process.pid}_${randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: postgresAdminUrl() })
    await admin.connect()
    await admin.query(`create database ${name}`)
    await admin.end()
    const address = new URL(postgresAdminUrl())
    address.pathname = `/${name}`
    url = address.toString()
    t.after(async () => {
      const cleanup = new pg.Client({ connectionString: postgresAdminUrl() })
      await cleanup.connect()
      await cleanup.query(`drop database if exists ${name} with (force)`)
      await cleanup.end()
    })
  } else {
    url = `sqlite:${join(folder, `${randomUUID()}.sqlite`)}`
  }
  const db = createDb(url)
  t.after(() => db.destroy().catch(() => {}))
  // Kysely closes a handle only once it has been used: one query, so that `destroy` lets the file go.
  await sql`select 1`.execute(db)
  if (migrateTo === 'latest') await migrateToLatest(db)
  else if (migrateTo !== 'none') {
    const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo(migrateTo)
    if (error) throw error
  }
  return { url, db }
}

const cliArguments = (args: string[]) => [join(import.meta.dirname, '../../../bin/allervers.js'), ...args]

function cli(args: string[], databaseUrl: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, cliArguments(args), {
    env: { ...process.env, DATABASE_URL: databaseUrl, ...env },
    encoding: 'utf8',
    // A restore that waits forever is a failure too.
    timeout: 120_000,
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** The CLI in its own process, without blocking this one (the load goes on meanwhile). */
function cliInBackground(args: string[], databaseUrl: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, cliArguments(args), { env: { ...process.env, DATABASE_URL: databaseUrl } })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

function assertRefused(result: { code: number | null; stderr: string }, message: RegExp) {
  assert.equal(result.code, 2, result.stderr)
  assert.match(result.stderr, message)
  assert.equal(result.stderr.trim().split('\n').length, 1, 'one line on stderr')
}

interface Acknowledged {
  callId: string
  referralId: string
}

describe(`backup and restore drill (${testEngine()})`, () => {
  it('finds, after a restore elsewhere, every call, referral and mail acknowledged before a backup taken under load', async (t) => {
    const source = await freshDatabase(t)
    const config = loadConfig({ LOG_LEVEL: 'silent', WEB_ROOT: 'dist/web', DATABASE_URL: source.url })
    const app = await buildApp({ config, db: source.db, logger: false })
    t.after(() => app.close())
    const { db } = source
    const campaign = await makeCampaign(db)
    const partner = await makeOrganization(db, { type: 'partner', code: `CCAS-${randomUUID().slice(0, 6)}` })
    await makeUser(db, 'partner', { organizationId: partner.id })
    const targets = 600
    for (let index = 0; index < targets; index++) await makeTarget(db, campaign)
    const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: caller.email, password: caller.password },
    })
    const cookie = login.cookies.find((candidate) => candidate.name === 'allervers_session')!
    const headers = { cookie: `${cookie.name}=${cookie.value}` }

    // The load: claim, record the call, refer the household to the partner (a mail queued to its member).
    const acknowledged: Acknowledged[] = []
    let stop = false
    const load = (async () => {
      while (!stop) {
        const claim = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign.id}/claim`, headers })
        if (claim.statusCode === 204) break
        assert.equal(claim.statusCode, 200, claim.body)
        const { assignment } = claim.json()
        const outcome = await app.inject({
          method: 'POST',
          url: `/api/assignments/${assignment.id}/outcome`,
          headers: { ...headers, 'idempotency-key': `drill-${randomUUID()}` },
          payload: { disposition: 'no_answer', notes: 'Pas de réponse, rappeler.' },
        })
        assert.equal(outcome.statusCode, 201, outcome.body)
        const callId = outcome.json().call.id as string
        const referral = await app.inject({
          method: 'POST',
          url: '/api/referrals',
          headers,
          payload: {
            householdId: assignment.household.id,
            callId,
            category: 'food',
            urgency: 'within_7_days',
            recipient: { organization: partner.code },
            summary: 'Ne peut plus faire ses courses ; souhaite une aide alimentaire.',
            consent: { given: true },
          },
        })
        assert.equal(referral.statusCode, 201, referral.body)
        acknowledged.push({ callId, referralId: referral.json().referral.id })
      }
    })()

    while (acknowledged.length < 20) await new Promise((resolve) => setTimeout(resolve, 10))
    const file = join(folder, `drill-${randomUUID()}.backup`)
    const acknowledgedBefore = acknowledged.length
    const backup = await cliInBackground(['backup', '--to', file, '--json'], source.url)
    const acknowledgedDuring = acknowledged.length - acknowledgedBefore
    stop = true
    await load
    assert.equal(backup.code, 0, backup.stderr)
    assert.ok(acknowledgedDuring > 0, 'calls were written while the backup ran')
    assert.ok(acknowledged.length < targets, 'the load never ran out of households while the backup ran')
    const backupReport = JSON.parse(backup.stdout) as BackupReport
    assert.equal(backupReport.file, file)
    assert.equal(backupReport.engine, testEngine())
    assert.equal(backupReport.bytes, statSync(file).size)
    assert.equal(statSync(file).mode & 0o077, 0, 'the backup is readable by its owner only')
    assert.ok(backupReport.tables.call >= acknowledgedBefore)
    assert.ok(backupReport.durationMs >= 0)

    // Elsewhere: a database the server has migrated but that holds nothing (PostgreSQL), or no file yet (SQLite).
    const destination = await freshDatabase(t, testEngine() === 'postgres' ? 'latest' : 'none')
    await destination.db.destroy()
    const restored = cli(['restore', file, '--json'], destination.url)
    assert.equal(restored.code, 0, restored.stderr)
    const restoreReport = JSON.parse(restored.stdout) as RestoreReport
    assert.deepEqual(restoreReport.tables, backupReport.tables, 'the restored rows are the rows the backup counted')
    assert.deepEqual(restoreReport.migrationsApplied, [])

    const copy = createDb(destination.url)
    t.after(() => copy.destroy())
    const calls = new Set((await copy.selectFrom('call').select('id').execute()).map((row) => row.id))
    const referrals = new Map(
      (await copy.selectFrom('referral').select(['id', 'callId']).execute()).map((row) => [row.id, row.callId]),
    )
    const mails = await copy.selectFrom('outboxEmail').select('body').execute()
    const mailsOf = (referralId: string) => mails.filter((mail) => mail.body.includes(referralId)).length
    for (const [position, written] of acknowledged.entries()) {
      const hasCall = calls.has(written.callId)
      const hasReferral = referrals.has(written.referralId)
      if (position < acknowledgedBefore) {
        assert.ok(hasCall, `acknowledged call ${position} is restored`)
        assert.ok(hasReferral, `acknowledged referral ${position} is restored`)
      }
      // Written during the backup: whole or absent, never half.
      if (hasReferral) {
        assert.ok(hasCall, `the call of referral ${position} is there`)
        assert.equal(referrals.get(written.referralId), written.callId)
        assert.equal(mailsOf(written.referralId), 1, `the mail of referral ${position} is there, once`)
      } else assert.equal(mailsOf(written.referralId), 0)
    }
    assert.equal(calls.size, backupReport.tables.call)
  })

  it('brings an older backup up to date with the migrations, and refuses what it must', async (t) => {
    const names = Object.keys(await migrationProvider.getMigrations()).sort()
    const older = await freshDatabase(t, names.at(-2)!)
    const organization = await makeOrganization(older.db, { code: 'OLD-TDL' })
    const file = join(folder, `older-${randomUUID()}.backup`)
    const backup = cli(['backup', '--to', file], older.url)
    assert.equal(backup.code, 0, backup.stderr)
    assert.match(backup.stdout, new RegExp(`^Backed up the ${testEngine()} database to .+: .+ tables, 2 rows`))

    const destination = await freshDatabase(t, 'none')
    await destination.db.destroy()
    const restored = cli(['restore', file, '--json'], destination.url)
    assert.equal(restored.code, 0, restored.stderr)
    assert.deepEqual((JSON.parse(restored.stdout) as RestoreReport).migrationsApplied, [names.at(-1)])
    const reopened = createDb(destination.url)
    const row = await reopened
      .selectFrom('organization')
      .select('code')
      .where('id', '=', organization.id)
      .executeTakeFirst()
    assert.equal(row?.code, 'OLD-TDL')

    // The destination now holds data: refused without --force, while the server holds it open (SQLite) and after.
    if (testEngine() === 'sqlite') assertRefused(cli(['restore', file], destination.url), /is in use: stop the server/)
    await reopened.destroy()
    assertRefused(cli(['restore', file], destination.url), /the database is not empty \(2 rows in 2 tables\).*--force/)
    const forced = cli(['restore', file, '--force', '--json'], destination.url)
    assert.equal(forced.code, 0, forced.stderr)
    const kept = (JSON.parse(forced.stdout) as RestoreReport).replacedFileKeptAt
    if (testEngine() === 'sqlite') assert.ok(kept && existsSync(kept), 'the replaced file is kept aside')
    else assert.equal(kept, null)

    const notABackup = join(folder, 'notes.txt')
    writeFileSync(notABackup, 'Mme Durand, 06 12 34 56 78')
    const other =
      testEngine() === 'sqlite' ? 'postgres://postgres@127.0.0.1:1/none' : `sqlite:${join(folder, 'x.sqlite')}`
    assertRefused(cli(['restore', notABackup], destination.url), /not a backup of Allervers/)
    assertRefused(cli(['restore', join(folder, 'missing.backup')], destination.url), /no such file/)
    assertRefused(cli(['restore', file], other), /restore it into the same engine/)
    assertRefused(cli(['backup', '--to', join(folder, 'no-folder', 'x.backup')], destination.url), /no such folder/)
    assertRefused(cli(['backup'], destination.url), /required option '--to/)
  })

  it('leaves a PostgreSQL database as it was when restore --force of a truncated archive fails, and replaces it with a whole one', {
    skip: testEngine() !== 'postgres' && 'PostgreSQL restores only',
  }, async (t) => {
    const database = await freshDatabase(t)
    const campaign = await makeCampaign(database.db)
    for (let index = 0; index < 50; index++) await makeTarget(database.db, campaign)
    // Enough rows for the archive's SQL to outgrow a pipe's buffer many times over.
    await sql`insert into "audit_event" ("at", "action", "details")
      select now()::text, 'test.filler', repeat('x', 200) from generate_series(1, 5000)`.execute(database.db)
    const file = join(folder, `whole-${randomUUID()}.backup`)
    const backup = cli(['backup', '--to', file, '--json'], database.url)
    assert.equal(backup.code, 0, backup.stderr)
    const backupReport = JSON.parse(backup.stdout) as BackupReport
    // Written after the backup: a whole restore takes it away, a failed one must not.
    const later = await makeOrganization(database.db, { code: `LATER-${randomUUID().slice(0, 6)}` })
    const rowsNow = async () => {
      const tables = await sql<{ tablename: string }>`
        select tablename from pg_tables where schemaname = current_schema() order by tablename`.execute(database.db)
      const counts: Record<string, number> = {}
      for (const { tablename } of tables.rows) {
        const counted = await sql<{ n: string }>`select count(*) as n from ${sql.table(tablename)}`.execute(database.db)
        counts[tablename] = Number(counted.rows[0]!.n)
      }
      return counts
    }
    const before = await rowsNow()
    assert.ok(before.campaign_target === 50 && before.organization === backupReport.tables.organization + 1)

    const whole = readFileSync(file)
    for (const [name, length] of [
      ['missing its last data blocks', whole.length - 64],
      ['cut in half', Math.floor(whole.length / 2)],
    ] as const) {
      const truncated = join(folder, `truncated-${randomUUID()}.backup`)
      writeFileSync(truncated, whole.subarray(0, length))
      assertRefused(cli(['restore', truncated, '--force'], database.url), /^allervers: pg_restore failed: /)
      assert.deepEqual(await rowsNow(), before, `an archive ${name}: every table and row is still there`)
    }

    // The server refuses the restore's first statement (a read-only session here): psql stops at once while
    // pg_restore still has the whole archive to write; the restore must end, not wait on a pipe nobody reads.
    const refusedByServer = cli(['restore', file, '--force'], database.url, {
      PGOPTIONS: '-c default_transaction_read_only=on',
    })
    assertRefused(refusedByServer, /^allervers: psql failed: .*read-only/)
    assert.deepEqual(await rowsNow(), before, 'a restore the server refused: every table and row is still there')

    const forced = cli(['restore', file, '--force', '--json'], database.url)
    assert.equal(forced.code, 0, forced.stderr)
    assert.deepEqual((JSON.parse(forced.stdout) as RestoreReport).tables, backupReport.tables)
    const gone = await database.db.selectFrom('organization').select('id').where('id', '=', later.id).execute()
    assert.deepEqual(gone, [], 'the row written after the backup was replaced')
    assert.equal((await rowsNow()).campaign_target, 50)
  })

  it('refuses, in one line and exit 2, a backup or a restore the file system cannot take', async (t) => {
    const source = await freshDatabase(t)
    await makeOrganization(source.db, { code: 'FS-ERR' })
    await source.db.destroy()
    const place = mkdtempSync(join(folder, 'file-system-'))
    const aFile = join(place, 'file.txt')
    writeFileSync(aFile, 'not a folder')
    const aFolder = join(place, 'a-folder')
    mkdirSync(aFolder)

    // Under a regular file (ENOTDIR), into a folder (EISDIR), where even root may not write (/sys: EACCES or EROFS).
    assertRefused(
      cli(['backup', '--to', join(aFile, 'backup.db')], source.url),
      new RegExp(`${join(aFile, 'backup.db')}: ${aFile} is a file, not a folder`),
    )
    assertRefused(cli(['backup', '--to', join(aFile, 'deeper', 'backup.db')], source.url), /is a file, not a folder/)
    assertRefused(cli(['backup', '--to', aFolder], source.url), new RegExp(`${aFolder} is a folder`))
    assert.deepEqual(readdirSync(aFolder), [], 'nothing written into the folder')
    if (existsSync('/sys/kernel')) {
      assertRefused(
        cli(['backup', '--to', '/sys/allervers.backup'], source.url),
        /^allervers: \/sys\/allervers\.backup: cannot write \((permission denied|read-only file system)\)$/m,
      )
    }
    assert.deepEqual(
      readdirSync(place).filter((name) => name.includes('.partial-')),
      [],
      'no partial file left behind',
    )

    // A restore from a folder (read as a file, EISDIR).
    assertRefused(cli(['restore', aFolder], source.url), new RegExp(`${aFolder} is a folder`))

    if (testEngine() === 'sqlite') {
      const file = join(place, 'good.backup')
      assert.equal(cli(['backup', '--to', file], source.url).code, 0)
      // Into a database file whose folder is a regular file (ENOTDIR on mkdir), or that is itself a folder.
      assertRefused(
        cli(['restore', file], `sqlite:${join(aFile, 'db', 'allervers.sqlite')}`),
        new RegExp(`${aFile} is a file, not a folder`),
      )
      assertRefused(
        cli(['restore', file], `sqlite:${aFolder}`),
        new RegExp(`${aFolder} \\(DATABASE_URL\\) is a folder`),
      )
      if (existsSync('/sys/kernel')) {
        assertRefused(
          cli(['restore', file], 'sqlite:/sys/allervers.sqlite'),
          /\/sys\/allervers\.sqlite: cannot write \((permission denied|read-only file system)\)$/m,
        )
      }
    }
  })
})
