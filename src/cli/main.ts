import { Command, CommanderError, InvalidArgumentError } from 'commander'
import { ConfigError, loadConfig } from '../server/config.js'
import { BackupError } from '../server/db/backup.js'
import { createDb } from '../server/db/database.js'
import { migrateToLatest } from '../server/db/migrate.js'
import { startServer } from '../server/main.js'
import { isRole, ORGANIZATION_TYPES, ROLES } from '../shared/roles.js'
import { addOrganization, addUser } from './admin.command.js'
import { runBackup, runRestore } from './backup.command.js'
import { CliInputError } from './cli-errors.js'
import { runDemo } from './demo.command.js'
import { importHouseholds } from './import.command.js'
import { runPurgeCommand } from './purge.command.js'
import { readStdin } from './stdin.js'

function positiveInteger(value: string): number {
  const number = Number(value)
  if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError(`"${value}" is not a whole number`)
  return number
}

const program = new Command()
  .name('allervers')
  .description('Allervers: phone outreach to fragile social-housing tenants')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(`${text.split('\n')[0]}\n`) })

program
  .command('serve')
  .description('Start the server (PORT, default 3000; HOST, default 127.0.0.1; DATABASE_URL)')
  .action(async () => {
    const server = await startServer(loadConfig())
    console.log(`Allervers listens on ${server.url} (${server.db.engine})`)
  })

program
  .command('migrate')
  .description('Bring the database schema up to date')
  .action(async () => {
    const config = loadConfig()
    const db = createDb(config.databaseUrl)
    try {
      const applied = await migrateToLatest(db)
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.')
    } finally {
      await db.destroy()
    }
  })

program
  .command('demo')
  .description('Seed the synthetic demo network into the configured database and print the demo accounts')
  .option('--households <n>', 'number of households to generate', positiveInteger, 4000)
  .option('--seed <n>', 'random seed (same seed, same data)', positiveInteger, 2020)
  .option('--serve', 'start the server afterwards')
  .action(async (options: { households: number; seed: number; serve?: boolean }) => {
    await runDemo(options)
  })

program
  .command('backup')
  .description('Copy the database (DATABASE_URL) into FILE while the server runs: SQLite online backup, or pg_dump')
  .requiredOption('--to <file>', 'the backup file to write (replaced atomically if it exists; readable by you only)')
  .option('--json', 'print exactly one JSON report on stdout')
  .action(async (options: { to: string; json?: boolean }) => runBackup(options))

program
  .command('restore')
  .description(
    'Restore a backup into the empty database of DATABASE_URL, then run the migrations. Stop the server first: on SQLite the file is replaced (refused while in use)',
  )
  .argument('<file>', 'a file written by `allervers backup`')
  .option('--force', 'replace a database that holds data (SQLite keeps the old file beside it)')
  .option('--json', 'print exactly one JSON report on stdout')
  .action(async (file: string, options: { force?: boolean; json?: boolean }) => runRestore(file, options))

program
  .command('purge')
  .description(
    'Erase what retention says is past its period (identity and free texts, households that left, audit entries), as the server does daily',
  )
  .option('--org <code>', 'one organisation (default: all)')
  .option('--as-of <day>', 'run as if this Paris day (YYYY-MM-DD) were today: drills and tests')
  .option('--dry-run', 'count what would be erased, erase nothing')
  .option('--json', 'print exactly one JSON report on stdout')
  .action(async (options: { org?: string; asOf?: string; dryRun?: boolean; json?: boolean }) =>
    runPurgeCommand(options),
  )

const orgs = program.command('orgs').description('Manage organisations')
orgs
  .command('add')
  .description('Add an organisation to the network')
  .requiredOption('--code <code>', 'short code, e.g. TDL')
  .requiredOption('--name <name>', 'display name')
  .requiredOption('--type <type>', `one of ${ORGANIZATION_TYPES.join(', ')}`)
  .option('--network <code>', 'network code (default: the only network, created if none)')
  .action(async (options) => addOrganization(options))

const usersCommand = program.command('users').description('Manage users')
usersCommand
  .command('add')
  .description('Add a user with one role in an organisation')
  .requiredOption('--org <code>', 'organisation code')
  .requiredOption('--email <email>', 'email address (the login)')
  .requiredOption('--name <name>', 'full name')
  .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
  .option('--password-stdin', 'read the password from standard input (otherwise one is generated and printed once)')
  .action(async (options) => {
    if (!isRole(options.role))
      throw new CliInputError(`unknown role "${options.role}"; expected one of ${ROLES.join(', ')}`)
    const password = options.passwordStdin ? (await readStdin()).replace(/\r?\n$/, '') : undefined
    await addUser({ ...options, password })
  })

const importCommand = program.command('import').description('Import data')
importCommand
  .command('households')
  .description('Import the landlord’s tenant export (CSV or XLSX) into an organisation')
  .argument('<file>', 'CSV (; , tab or |, UTF-8 or Windows-1252) or XLSX file')
  .requiredOption('--org <code>', 'organisation code')
  .option('--mapping <name>', 'a saved column mapping of the organisation')
  .option('--snapshot', 'the file is complete: households absent from it are marked as left')
  .option('--dry-run', 'read and check everything, save nothing')
  .option('--json', 'print exactly one JSON report on stdout')
  .action(async (file: string, options) => importHouseholds(file, options))

try {
  await program.parseAsync(process.argv)
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? 0 : 2)
  }
  if (error instanceof CliInputError || error instanceof ConfigError || error instanceof BackupError) {
    process.stderr.write(`allervers: ${error.message}\n`)
    process.exit(2)
  }
  process.stderr.write(`allervers: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}
