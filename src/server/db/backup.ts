/**
 * Backups and restores of the whole database, for `allervers backup` and `allervers restore` (docs/deploying.md
 * "Backups"). A backup is a consistent copy taken while the server runs and writes:
 * - SQLite: the online backup API (better-sqlite3's `backup()`), all pages in one step, so one read transaction sees
 *   one state of the file (step by step, a write from the server between two steps would restart the copy); the copy
 *   is then made a self-contained file (no WAL).
 * - PostgreSQL: `pg_dump` in its custom format, inside a snapshot this module exports, so that the rows it counts are
 *   exactly those dumped.
 * A copy is written next to its final name and renamed once complete (a failed backup never leaves a file that looks
 * whole), readable by its owner only: it holds every tenant's data.
 *
 * A restore puts a backup into an empty database (one whose tables hold no row), or replaces a database's content
 * with `force`, then runs the migrations so that an older backup is brought up to this version. On SQLite the server
 * must be stopped (the file is replaced: a running server would keep writing into the old one) and the restore
 * refuses a database that another process holds open; the file replaced is kept aside. On PostgreSQL, the drop of the
 * tables and the archive (read by `pg_restore`, applied by `psql`) in one transaction, so that a failed restore changes
 * nothing; stop the instances too, or they write into a database being replaced.
 */
import { spawn } from 'node:child_process'
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import SQLite from 'better-sqlite3'
import pg from 'pg'
import { createDb, type Engine, engineOf, sqlitePathOf } from './database.js'
import { migrateToLatest, migrationProvider } from './migrate.js'

/** A refusal or a failure the operator can act on (a wrong file, a database not empty, a missing tool): exit 2. */
export class BackupError extends Error {}

export interface BackupReport {
  file: string
  bytes: number
  engine: Engine
  /** Rows of each table of the application, as copied. */
  tables: Record<string, number>
  rows: number
  durationMs: number
}

export interface RestoreReport extends BackupReport {
  /** Migrations run after the restore, bringing an older backup up to this version. */
  migrationsApplied: string[]
  /** SQLite with `force`: where the file that was replaced was kept. */
  replacedFileKeptAt: string | null
}

/** Bookkeeping tables of the migrator: not the application's data (a migrated but empty database is empty). */
const isApplicationTable = (name: string) => !name.startsWith('kysely_') && !name.startsWith('sqlite_')
const quote = (name: string) => `"${name.replaceAll('"', '""')}"`
const SQLITE_MAGIC = 'SQLite format 3\0'
const PG_DUMP_MAGIC = 'PGDMP'

function report(file: string, engine: Engine, tables: Record<string, number>, startedAt: number): BackupReport {
  return {
    file,
    bytes: statSync(file).size,
    engine,
    tables,
    rows: Object.values(tables).reduce((sum, rows) => sum + rows, 0),
    durationMs: Math.round(performance.now() - startedAt),
  }
}

/** What a file-system error code means, in the words of the one line the operator reads. */
const FILE_ERROR_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the disk',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many symbolic links',
  EBUSY: 'busy',
}

/** The nearest folder of `path`'s that exists but is a file (or other non-folder), if any. */
function fileInTheWay(path: string): string | null {
  for (let folder = dirname(path); folder !== dirname(folder); folder = dirname(folder)) {
    try {
      return statSync(folder).isDirectory() ? null : folder
    } catch {
      // Missing, or itself under a file: look further up.
    }
  }
  return null
}

/**
 * A file-system error on `path` as one line the operator can act on (exit 2, not a raw EACCES and exit 1): the path
 * that matters to them (the backup, the database file), never a temporary name beside it. Any other error is returned
 * as it is.
 */
function fileSystemError(path: string, action: 'read' | 'write', error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code
  if (error instanceof BackupError || typeof code !== 'string' || !(error as NodeJS.ErrnoException).syscall)
    return error
  if (code === 'EISDIR') return new BackupError(`${path} is a folder: name a file`)
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    const file = fileInTheWay(path)
    if (file) return new BackupError(`${path}: ${file} is a file, not a folder`)
  }
  if (code === 'ENOENT') return new BackupError(`${path}: no such file or folder`)
  return new BackupError(`${path}: cannot ${action} (${FILE_ERROR_WORDS[code] ?? code})`)
}

/** Runs `work`, turning its file-system errors into a BackupError naming `path`. */
function onFile<T>(path: string, action: 'read' | 'write', work: () => T): T {
  try {
    return work()
  } catch (error) {
    throw fileSystemError(path, action, error)
  }
}

function readMagic(file: string): string {
  let descriptor: number
  try {
    descriptor = openSync(file, 'r')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new BackupError(`${file}: no such file`)
    throw fileSystemError(file, 'read', error)
  }
  try {
    const buffer = Buffer.alloc(16)
    const length = onFile(file, 'read', () => readSync(descriptor, buffer, 0, 16, 0))
    return buffer.subarray(0, length).toString('latin1')
  } finally {
    closeSync(descriptor)
  }
}

/** Flushes a file and its folder's entry to disk: a backup that the system reported written survives a power cut. */
function syncToDisk(file: string) {
  for (const [path, flags] of [
    [file, 'r+'],
    [dirname(file), 'r'],
  ] as const) {
    const descriptor = openSync(path, flags)
    try {
      fsyncSync(descriptor)
    } finally {
      closeSync(descriptor)
    }
  }
}

/**
 * A new empty file next to `target`, readable by its owner only, to be renamed into place once complete. A target
 * that cannot be written is refused here, before any copy is taken.
 */
function partialFileFor(target: string): string {
  const file = fileInTheWay(target)
  if (file) throw new BackupError(`${target}: ${file} is a file, not a folder`)
  if (!existsSync(dirname(target))) throw new BackupError(`${dirname(target)}: no such folder`)
  if (onFile(target, 'write', () => existsSync(target) && statSync(target).isDirectory())) {
    throw new BackupError(`${target} is a folder: name a file inside it`)
  }
  const partial = `${target}.partial-${process.pid}`
  onFile(target, 'write', () => writeFileSync(partial, '', { mode: 0o600 }))
  return partial
}

function countSqliteRows(sqlite: SQLite.Database): Record<string, number> {
  const names = sqlite
    .prepare("select name from sqlite_schema where type = 'table' order by name")
    .pluck()
    .all() as string[]
  const tables: Record<string, number> = {}
  for (const name of names.filter(isApplicationTable)) {
    tables[name] = sqlite
      .prepare(`select count(*) from ${quote(name)}`)
      .pluck()
      .get() as number
  }
  return tables
}

async function countPostgresRows(client: pg.Client): Promise<Record<string, number>> {
  const { rows } = await client.query<{ tablename: string }>(
    'select tablename from pg_tables where schemaname = current_schema() order by tablename',
  )
  const tables: Record<string, number> = {}
  for (const { tablename } of rows.filter((row) => isApplicationTable(row.tablename))) {
    const counted = await client.query<{ n: string }>(`select count(*) as n from ${quote(tablename)}`)
    tables[tablename] = Number(counted.rows[0].n)
  }
  return tables
}

/**
 * The PostgreSQL client tools take the connection as a URL without its password (which `ps` would show) and the
 * password in their environment.
 */
function postgresToolConnection(databaseUrl: string) {
  const url = new URL(databaseUrl)
  const password = decodeURIComponent(url.password)
  url.password = ''
  return { dbname: url.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } }
}

/** Runs a PostgreSQL client tool; its failure becomes a BackupError carrying its first error line. */
function runTool(command: 'pg_dump' | 'pg_restore', args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 64_000) stderr += chunk
    })
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        new BackupError(
          error.code === 'ENOENT'
            ? `${command} was not found: install the PostgreSQL client tools, of the server's major version or newer`
            : `${command} could not start: ${error.message}`,
        ),
      ),
    )
    child.on('close', (code) => {
      if (code === 0) return resolvePromise()
      const lines = stderr.split('\n').filter((line) => line.trim())
      const line = lines.find((candidate) => /error|fatal/i.test(candidate)) ?? lines[0] ?? `exit code ${code}`
      reject(new BackupError(`${command} failed: ${line.trim()}`))
    })
  })
}

/** Copies the database named by `databaseUrl` into `file` while the server goes on writing. */
export async function backupDatabase(databaseUrl: string, file: string): Promise<BackupReport> {
  const startedAt = performance.now()
  const target = resolve(file)
  const engine = engineOf(databaseUrl)
  const partial = partialFileFor(target)
  try {
    const tables =
      engine === 'postgres' ? await dumpPostgres(databaseUrl, partial) : await copySqlite(databaseUrl, partial)
    onFile(target, 'write', () => {
      syncToDisk(partial)
      renameSync(partial, target)
      syncToDisk(target)
    })
    return report(target, engine, tables, startedAt)
  } catch (error) {
    throw fileSystemError(target, 'write', error)
  } finally {
    rmSync(partial, { force: true })
  }
}

async function copySqlite(databaseUrl: string, partial: string): Promise<Record<string, number>> {
  const source = sqlitePathOf(databaseUrl)
  if (source === ':memory:')
    throw new BackupError('DATABASE_URL names an in-memory database: there is nothing to back up')
  if (!existsSync(source)) throw new BackupError(`${source}: no such database`)
  const sqlite = new SQLite(source, { fileMustExist: true })
  try {
    sqlite.pragma('busy_timeout = 5000')
    // Every page in one step (one read transaction); the first step copies none.
    await sqlite.backup(partial, { progress: () => 0x7fffffff })
  } finally {
    sqlite.close()
  }
  const copy = new SQLite(partial, { fileMustExist: true })
  try {
    // One self-contained file: the copy keeps no write-ahead log beside it.
    copy.pragma('journal_mode = DELETE')
    return countSqliteRows(copy)
  } finally {
    copy.close()
  }
}

async function dumpPostgres(databaseUrl: string, partial: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect().catch((error: Error) => {
    throw new BackupError(`cannot connect to PostgreSQL: ${error.message}`)
  })
  try {
    // pg_dump reads in this transaction's snapshot: the rows counted here are the rows it dumps.
    await client.query('begin isolation level repeatable read read only')
    const { rows } = await client.query<{ snapshot: string }>('select pg_export_snapshot() as snapshot')
    const tables = await countPostgresRows(client)
    const { dbname, env } = postgresToolConnection(databaseUrl)
    await runTool(
      'pg_dump',
      ['--format=custom', `--snapshot=${rows[0].snapshot}`, '--no-password', `--file=${partial}`, `--dbname=${dbname}`],
      env,
    )
    await client.query('commit')
    return tables
  } finally {
    await client.end()
  }
}

/** Puts the backup `file` into the database named by `databaseUrl`, then brings its schema up to date. */
export async function restoreDatabase(
  databaseUrl: string,
  file: string,
  options: { force?: boolean } = {},
): Promise<RestoreReport> {
  const startedAt = performance.now()
  const source = resolve(file)
  const engine = engineOf(databaseUrl)
  const magic = readMagic(source)
  const kind = magic.startsWith(SQLITE_MAGIC) ? 'sqlite' : magic.startsWith(PG_DUMP_MAGIC) ? 'postgres' : null
  if (!kind) throw new BackupError(`${file}: not a backup of Allervers (neither a SQLite file nor a pg_dump archive)`)
  if (kind !== engine) {
    throw new BackupError(
      `${file} is a ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} backup and DATABASE_URL names a ${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'} database: restore it into the same engine`,
    )
  }
  const replacedFileKeptAt =
    engine === 'postgres'
      ? await restorePostgres(databaseUrl, source, Boolean(options.force))
      : await restoreSqlite(databaseUrl, source, Boolean(options.force)).catch((error: unknown) => {
          throw fileSystemError(sqlitePathOf(databaseUrl), 'write', error)
        })
  const db = createDb(databaseUrl)
  try {
    let migrationsApplied: string[]
    try {
      migrationsApplied = await migrateToLatest(db)
    } catch (error) {
      throw new BackupError(
        `the backup is in place but its migrations failed (${(error as Error).message}); a backup from a newer version needs that version`,
      )
    }
    const tables =
      engine === 'postgres' ? await withPostgresClient(databaseUrl, countPostgresRows) : countSqliteFile(databaseUrl)
    return {
      ...report(source, engine, tables, startedAt),
      migrationsApplied,
      replacedFileKeptAt,
    }
  } finally {
    await db.destroy()
  }
}

function countSqliteFile(databaseUrl: string) {
  const sqlite = new SQLite(sqlitePathOf(databaseUrl), { fileMustExist: true, readonly: true })
  try {
    return countSqliteRows(sqlite)
  } finally {
    sqlite.close()
  }
}

async function withPostgresClient<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect().catch((error: Error) => {
    throw new BackupError(`cannot connect to PostgreSQL: ${error.message}`)
  })
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

function notEmpty(tables: Record<string, number>): string | null {
  const filled = Object.entries(tables).filter(([, rows]) => rows > 0)
  if (!filled.length) return null
  const rows = filled.reduce((sum, [, count]) => sum + count, 0)
  return `the database is not empty (${rows} rows in ${filled.length} tables): restore into an empty database, or pass --force to replace its content`
}

/** The migrations a backup has run that this version does not know: it was taken by a newer version. */
async function unknownMigrations(executed: string[]): Promise<string[]> {
  const known = new Set(Object.keys(await migrationProvider.getMigrations()))
  return executed.filter((name) => !known.has(name))
}

function newerVersionMessage(source: string, unknown: string[]) {
  return `${basename(source)} was taken by a newer version of Allervers (migrations ${unknown.join(', ')})`
}

/** Returns where the replaced file was kept (with `force` over a database that held rows), or null. */
async function restoreSqlite(databaseUrl: string, source: string, force: boolean): Promise<string | null> {
  const target = sqlitePathOf(databaseUrl)
  if (target === ':memory:') throw new BackupError('DATABASE_URL names an in-memory database: restore into a file')
  onFile(target, 'write', () => mkdirSync(dirname(target), { recursive: true }))
  if (onFile(target, 'read', () => existsSync(target) && statSync(target).isDirectory())) {
    throw new BackupError(`${target} (DATABASE_URL) is a folder: name the database file`)
  }
  // The backup is checked on a copy beside the target: the final rename is then atomic (same file system).
  const incoming = `${target}.restoring-${process.pid}`
  onFile(target, 'write', () => copyFileSync(source, incoming))
  try {
    const copy = new SQLite(incoming, { fileMustExist: true })
    let executed: string[]
    try {
      const check = copy.pragma('quick_check', { simple: true })
      if (check !== 'ok') throw new BackupError(`${source}: the backup is damaged (${String(check)})`)
      copy.pragma('journal_mode = DELETE')
      const hasMigrations = copy
        .prepare("select 1 from sqlite_schema where type = 'table' and name = 'kysely_migration'")
        .get()
      if (!hasMigrations) throw new BackupError(`${source}: a SQLite file, but not an Allervers database`)
      executed = copy.prepare('select name from kysely_migration').pluck().all() as string[]
    } catch (error) {
      if (error instanceof BackupError) throw error
      throw new BackupError(`${source}: cannot be read as a SQLite database (${(error as Error).message})`)
    } finally {
      copy.close()
    }
    const unknown = await unknownMigrations(executed)
    if (unknown.length) throw new BackupError(`${newerVersionMessage(source, unknown)}: upgrade Allervers first`)
    let keptAt: string | null = null
    if (existsSync(target)) {
      const current = new SQLite(target, { fileMustExist: true })
      let tables: Record<string, number>
      try {
        current.pragma('busy_timeout = 0')
        // Leaving WAL mode needs the only connection to the file: a running server (or any command) holds one.
        try {
          current.pragma('journal_mode = DELETE')
        } catch (error) {
          if ((error as { code?: string }).code === 'SQLITE_BUSY') {
            throw new BackupError(
              `${target} is in use: stop the server (and any other allervers command) before restoring on SQLite`,
            )
          }
          throw new BackupError(`${target}: not a SQLite database (${(error as Error).message})`)
        }
        tables = countSqliteRows(current)
      } finally {
        current.close()
      }
      const refusal = notEmpty(tables)
      if (refusal && !force) throw new BackupError(refusal)
      if (refusal) {
        keptAt = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`
        const aside = keptAt
        onFile(target, 'write', () => renameSync(target, aside))
      }
      for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${target}${suffix}`, { force: true })
    }
    onFile(target, 'write', () => {
      syncToDisk(incoming)
      renameSync(incoming, target)
      syncToDisk(target)
    })
    return keptAt
  } finally {
    rmSync(incoming, { force: true })
  }
}

/**
 * Tables left by migrations of an empty database (or replaced with --force) make way for the backup's own: dropped
 * by the transaction that restores, so that they are back if it fails.
 */
const DROP_EVERY_TABLE = `do $$
declare name text;
begin
  for name in select tablename from pg_tables where schemaname = current_schema() loop
    execute format('drop table if exists %I cascade', name);
  end loop;
end $$;`

/** The first line of a tool's stderr that says what went wrong. */
function firstErrorLine(stderr: string, fallback: string): string {
  const lines = stderr.split('\n').filter((line) => line.trim())
  return (lines.find((candidate) => /error|fatal/i.test(candidate)) ?? lines[0] ?? fallback).trim()
}

/**
 * Drops the database's tables and restores the archive's in ONE transaction (docs/decisions.md "A PostgreSQL restore
 * is one transaction"): psql runs `begin`, the drop, then the SQL that `pg_restore` reads out of the archive, and
 * `commit` is sent only once pg_restore has read the whole archive without error. A truncated or damaged archive, or
 * a statement the server refuses, ends the connection without a commit: PostgreSQL rolls everything back.
 */
function replaceInOneTransaction(databaseUrl: string, source: string): Promise<void> {
  const { dbname, env } = postgresToolConnection(databaseUrl)
  // The first of the two to fail is the cause: the other then fails only because its peer went away.
  let cause: string | null = null
  const run = (
    command: 'psql' | 'pg_restore',
    args: string[],
    stdio: ['pipe' | 'ignore', 'pipe' | 'ignore', 'pipe'],
  ) => {
    const child = spawn(command, args, { env, stdio })
    let stderr = ''
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 64_000) stderr += chunk
    })
    const ended = new Promise<boolean>((resolveEnd) => {
      child.on('error', (error: NodeJS.ErrnoException) => {
        cause ??=
          error.code === 'ENOENT'
            ? `${command} was not found: install the PostgreSQL client tools, of the server's major version or newer`
            : `${command} could not start: ${error.message}`
        resolveEnd(false)
      })
      child.on('close', (code) => {
        if (code !== 0) cause ??= `${command} failed: ${firstErrorLine(stderr, `exit code ${code}`)}`
        resolveEnd(code === 0)
      })
    })
    return { child, ended }
  }
  const psql = run(
    'psql',
    ['--no-psqlrc', '--quiet', '--no-password', '--set=ON_ERROR_STOP=1', `--dbname=${dbname}`],
    ['pipe', 'ignore', 'pipe'],
  )
  const restore = run('pg_restore', ['--no-owner', '--no-privileges', '--file=-', source], ['ignore', 'pipe', 'pipe'])
  const input = psql.child.stdin
  const output = restore.child.stdout
  if (!input || !output) throw new Error('psql and pg_restore are started with pipes')
  // psql stops at the first error and closes its input: what is still written then goes nowhere.
  input.on('error', () => {})
  input.write(`begin;\n${DROP_EVERY_TABLE}\n`)
  output.pipe(input, { end: false })
  // The commit follows the whole archive only; without it, psql's end rolls the transaction back.
  // psql can only end first by failing (its input ends after pg_restore's): pg_restore, still writing into a pipe
  // nobody reads any more, would wait for ever. It has nothing left to do.
  void psql.ended.then(() => {
    if (restore.child.exitCode === null && restore.child.signalCode === null) restore.child.kill()
  })
  const restored = restore.ended.then((isRead) => {
    input.end(isRead && cause === null ? '\ncommit;\n' : undefined)
    return isRead
  })
  return Promise.all([psql.ended, restored]).then(([isApplied, isRead]) => {
    if (!isApplied || !isRead) throw new BackupError(`${cause ?? 'the restore failed'}; the database is unchanged`)
  })
}

async function restorePostgres(databaseUrl: string, source: string, force: boolean): Promise<null> {
  await withPostgresClient(databaseUrl, async (client) => {
    const tables = await countPostgresRows(client)
    const refusal = notEmpty(tables)
    if (refusal && !force) throw new BackupError(refusal)
  })
  await replaceInOneTransaction(databaseUrl, source)
  // A backup from a newer version holds migrations this one does not know: say so rather than fail on them.
  const executed = await withPostgresClient(databaseUrl, async (client) => {
    const result = await client.query<{ name: string }>('select name from kysely_migration').catch(() => ({ rows: [] }))
    return result.rows.map((row) => row.name)
  })
  const unknown = await unknownMigrations(executed)
  if (unknown.length) {
    throw new BackupError(`${newerVersionMessage(source, unknown)}: restored, but upgrade Allervers before starting it`)
  }
  return null
}
