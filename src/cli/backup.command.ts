import { loadConfig } from '../server/config.js'
import { type BackupReport, backupDatabase, type RestoreReport, restoreDatabase } from '../server/db/backup.js'

function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

function summary(report: BackupReport): string {
  const tables = Object.keys(report.tables).length
  const rows = report.rows.toLocaleString('en')
  return `${size(report.bytes)}, ${tables} tables, ${rows} rows, in ${(report.durationMs / 1000).toFixed(1)} s`
}

/** `allervers backup --to FILE`: a consistent copy of the configured database, taken while the server runs. */
export async function runBackup(options: { to: string; json?: boolean }) {
  const report = await backupDatabase(loadConfig().databaseUrl, options.to)
  if (options.json) {
    console.log(JSON.stringify(report))
    return
  }
  console.log(`Backed up the ${report.engine} database to ${report.file}: ${summary(report)}.`)
}

/** `allervers restore FILE`: the backup into the configured (empty) database, then its migrations. */
export async function runRestore(file: string, options: { force?: boolean; json?: boolean }) {
  const report: RestoreReport = await restoreDatabase(loadConfig().databaseUrl, file, { force: options.force })
  if (options.json) {
    console.log(JSON.stringify(report))
    return
  }
  console.log(`Restored ${report.file} into the ${report.engine} database: ${summary(report)}.`)
  if (report.migrationsApplied.length) console.log(`Migrations applied: ${report.migrationsApplied.join(', ')}`)
  if (report.replacedFileKeptAt) console.log(`The database it replaced is kept at ${report.replacedFileKeptAt}.`)
}
