import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { createTestDatabase } from '../../test/database.js'
import { createDb } from '../server/db/database.js'
import { verifyPassword } from '../server/features/auth/passwords.js'

async function freshDatabaseUrl(t: { after: (fn: () => Promise<void>) => void }) {
  // On SQLite the CLI needs a file it can open from its own process; on PostgreSQL a fresh database.
  const file = join(mkdtempSync(join(tmpdir(), 'allervers-cli-')), 'cli.sqlite')
  const database = await createTestDatabase({ sqliteFile: file })
  t.after(() => database.destroy())
  return database.url
}

function cli(args: string[], databaseUrl: string, input?: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, ['bin/allervers.js', ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, ...env },
    input,
    encoding: 'utf8',
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('allervers CLI', () => {
  it('adds an organisation and a user whose password comes from standard input', async (t) => {
    const url = await freshDatabaseUrl(t)
    const org = cli(['orgs', 'add', '--code', 'AMLI', '--name', 'AMLI', '--type', 'association'], url)
    assert.equal(org.code, 0, org.stderr)
    assert.match(org.stdout, /AMLI \(association\)/)
    const user = cli(
      [
        'users',
        'add',
        '--org',
        'AMLI',
        '--email',
        'b@amli.example',
        '--name',
        'Bénévole',
        '--role',
        'caller',
        '--password-stdin',
      ],
      url,
      'a long enough password\n',
    )
    assert.equal(user.code, 0, user.stderr)
    assert.doesNotMatch(user.stdout, /Password/)
    const db = createDb(url)
    try {
      const row = await db
        .selectFrom('user')
        .selectAll()
        .where('email', '=', 'b@amli.example')
        .executeTakeFirstOrThrow()
      assert.equal(await verifyPassword(row.passwordHash, 'a long enough password'), true)
    } finally {
      await db.destroy()
    }
  })

  it('generates and prints a password once when none is given', async (t) => {
    const url = await freshDatabaseUrl(t)
    cli(['orgs', 'add', '--code', 'TDL', '--name', 'Toits de Lorraine', '--type', 'landlord'], url)
    const user = cli(
      ['users', 'add', '--org', 'TDL', '--email', 'm@tdl.example', '--name', 'Marc', '--role', 'manager'],
      url,
    )
    assert.equal(user.code, 0, user.stderr)
    assert.match(user.stdout, /Password \(shown once\): \S{19}/)
  })

  it('exits 2 with a one-line message on bad arguments and bad input', async (t) => {
    const url = await freshDatabaseUrl(t)
    const cases: Array<[string[], RegExp]> = [
      [['orgs', 'add', '--code', 'X1', '--name', 'X', '--type', 'bank'], /unknown type "bank"/],
      [['orgs', 'add', '--name', 'X', '--type', 'landlord'], /required option '--code/],
      [
        ['users', 'add', '--org', 'NOPE', '--email', 'a@b.fr', '--name', 'A', '--role', 'caller'],
        /no organisation with code "NOPE"/,
      ],
      [['users', 'add', '--org', 'NOPE', '--email', 'a@b.fr', '--name', 'A', '--role', 'boss'], /unknown role "boss"/],
      [['demo', '--households', 'many'], /"many" is not a whole number/],
      [['no-such-command'], /unknown command/],
    ]
    for (const [args, message] of cases) {
      const result = cli(args, url)
      assert.equal(result.code, 2, `${args.join(' ')} → ${result.stderr}`)
      assert.match(result.stderr, message)
      assert.equal(result.stderr.trim().split('\n').length, 1, 'one line on stderr')
    }
    const duplicate = cli(['orgs', 'add', '--code', 'DUP', '--name', 'D', '--type', 'landlord'], url)
    assert.equal(duplicate.code, 0)
    const again = cli(['orgs', 'add', '--code', 'DUP', '--name', 'D', '--type', 'landlord'], url)
    assert.equal(again.code, 2)
    assert.match(again.stderr, /already exists/)
    // A chosen password is held to the same rule as through the API (password-strength.ts).
    const args = ['users', 'add', '--org', 'DUP', '--email', 'w@dup.example', '--name', 'W', '--role', 'caller']
    const weak = cli([...args, '--password-stdin'], url, 'password1234\n')
    assert.equal(weak.code, 2, weak.stderr)
    assert.match(weak.stderr, /password is too easy to guess/)
    assert.equal(weak.stderr.trim().split('\n').length, 1, 'one line on stderr')
  })
  it('imports a tenant file under its heap ceiling and prints one JSON report; refuses an unreadable file with exit 2', async (t) => {
    const url = await freshDatabaseUrl(t)
    assert.equal(cli(['orgs', 'add', '--code', 'TDL', '--name', 'Toits', '--type', 'landlord'], url).code, 0)
    // `allervers import` starts itself again with --max-old-space-size (bin/allervers.js): exit code, standard output
    // and error come through unchanged.
    const imported = cli(
      ['import', 'households', 'test/fixtures/imports/tenants-utf8-bom.csv', '--org', 'TDL', '--json'],
      url,
    )
    assert.equal(imported.code, 0, imported.stderr)
    const report = JSON.parse(imported.stdout) as { rows: number; households: { created: number } }
    assert.ok(report.rows > 0)
    assert.ok(report.households.created > 0)
    const refused = cli(['import', 'households', 'test/fixtures/imports/binary.png', '--org', 'TDL', '--json'], url)
    assert.equal(refused.code, 2)
    assert.notEqual(refused.stderr.trim(), '')
    // The server's reading limits apply to the command too: here 3 columns at most, for a file of 6.
    const tooWide = cli(
      ['import', 'households', 'test/fixtures/imports/tenants-utf8-bom.csv', '--org', 'TDL', '--json'],
      url,
      undefined,
      { IMPORT_MAX_COLUMNS: '3' },
    )
    assert.equal(tooWide.code, 2)
    assert.match(tooWide.stderr, /Line 1 has more than 3 columns, the most that is read/)
  })
})
