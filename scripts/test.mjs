#!/usr/bin/env node
// The whole test suite: unit and integration tests on SQLite, integration tests again on PostgreSQL, then the
// end-to-end tests in Chromium. Ends with one line "N passed, N failed" summing every run.
//
// Conventions: every `*.test.ts` under src/ and test/ runs on SQLite; those named `*.routes.test.ts`,
// `*.queries.test.ts`, `*.service.test.ts` or `*.int.test.ts` touch the database and run on PostgreSQL too;
// `e2e/*.e2e.test.ts` drive the built web app in Chromium. A test that opens a database under any other name stops the
// suite before anything runs (see the guard below).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'

const isCi = Boolean(process.env.CI)
const args = process.argv.slice(2)
const only = new Set(args.filter((a) => !a.startsWith('-')))
const postgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

function findFiles(dir, pattern) {
  if (!existsSync(dir)) return []
  const found = []
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist') continue
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) found.push(...findFiles(path, pattern))
    else if (pattern.test(entry)) found.push(path)
  }
  return found.sort()
}

const allTests = [...findFiles('src', /\.test\.tsx?$/), ...findFiles('test', /\.test\.tsx?$/)]
const INTEGRATION_NAME = /\.(routes|queries|service|int)\.test\.tsx?$/
const integrationTests = allTests.filter((f) => INTEGRATION_NAME.test(f))
const e2eTests = findFiles('e2e', /\.e2e\.test\.ts$/)

// Guard: a test that opens a database must run on PostgreSQL too, so its name must be one the PostgreSQL run picks.
// A file calling one of these helpers under another name would pass on SQLite only and nobody would notice. End-to-end
// tests (`*.e2e.test.ts`) are exempt: they drive the built app in Chromium on SQLite by design. The check reads the
// file's own text (comments stripped): a helper that opens a database behind another name escapes it.
const OPENS_DATABASE = /\b(buildTestApp|createTestDatabase|startTestServer|startServer|createDb)\b/
const withoutComments = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1')
const misnamed = allTests.filter(
  (file) =>
    !INTEGRATION_NAME.test(file) &&
    !/\.e2e\.test\.tsx?$/.test(file) &&
    OPENS_DATABASE.test(withoutComments(readFileSync(file, 'utf8'))),
)
if (misnamed.length > 0) {
  for (const file of misnamed) {
    console.error(
      `${file} opens a database but the PostgreSQL run skips it: name it *.routes|queries|service|int.test.ts`,
    )
  }
  process.exit(1)
}
const totals = { passed: 0, failed: 0, skipped: 0 }
const runs = []

function runNodeTests(label, files, env) {
  return new Promise((resolve) => {
    if (files.length === 0) return resolve()
    console.log(`\n=== ${label}: ${files.length} file(s) ===`)
    const started = Date.now()
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let output = ''
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk)
      output += chunk.toString()
    })
    child.on('close', (code) => {
      const count = (name) =>
        Number(
          output
            .match(new RegExp(`ℹ ${name} (\\d+)`, 'g'))
            ?.pop()
            ?.split(' ')
            .pop() ?? 0,
        )
      const result = {
        label,
        passed: count('pass'),
        failed: count('fail'),
        skipped: count('skipped') + count('todo'),
        minutes: (Date.now() - started) / 60_000,
      }
      if (code !== 0 && result.failed === 0) result.failed = 1 // a crash outside any test still fails the run
      totals.passed += result.passed
      totals.failed += result.failed
      totals.skipped += result.skipped
      runs.push(result)
      resolve()
    })
  })
}

async function isPostgresReachable() {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.end()
    return true
  } catch {
    return false
  }
}

const wants = (kind) => only.size === 0 || only.has(kind)

if (wants('sqlite')) await runNodeTests('SQLite (unit + integration)', allTests, { TEST_DATABASE: 'sqlite' })

if (wants('postgres')) {
  if (await isPostgresReachable()) {
    await runNodeTests('PostgreSQL (integration)', integrationTests, { TEST_DATABASE: 'postgres' })
  } else if (isCi) {
    console.error(`PostgreSQL is not reachable at ${postgresUrl}: CI never skips the PostgreSQL run.`)
    totals.failed += 1
  } else {
    console.log(`\nPostgreSQL not reachable at ${postgresUrl}: the PostgreSQL run was skipped.`)
  }
}

if (wants('e2e') && e2eTests.length > 0) {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!existsSync(chromium)) {
    if (isCi) {
      console.error(`Chromium not found at ${chromium}: CI never skips the browser tests.`)
      totals.failed += 1
    } else {
      console.log(`\nChromium not found at ${chromium}: the browser tests were skipped (apt-get install chromium).`)
    }
  } else {
    console.log('\n=== Building the web app for the browser tests ===')
    const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'error'], { stdio: 'inherit' })
    if (build.status !== 0) totals.failed += 1
    else await runNodeTests('Chromium (end-to-end)', e2eTests, { TEST_DATABASE: 'sqlite' })
  }
}

console.log('\n=== Summary ===')
// Each run's time too: the whole suite is meant to stay under 30 minutes on 2 cores.
for (const run of runs) {
  console.log(
    `${run.label}: ${run.passed} passed, ${run.failed} failed, ${run.skipped} skipped, ${run.minutes.toFixed(1)} min`,
  )
}
console.log(`${totals.passed} passed, ${totals.failed} failed`)
process.exit(totals.failed > 0 ? 1 : 0)
