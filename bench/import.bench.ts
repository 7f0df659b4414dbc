// npm run bench:import — generates a 200,000-household Windows-1252 `;` file (and an XLSX of the same data) with the
// demo generator, imports it, then imports it again unchanged, on SQLite and PostgreSQL. Prints rows/s and peak RSS.
// Each engine and format runs in a child process so that the peak RSS is the import's own; generated files are kept
// in .bench/ and reused. `--engine=sqlite|postgres` runs one engine; BENCH_PROFILE=1 writes CPU profiles;
// BENCH_MAX_OLD_SPACE=<MB> caps the children's V8 heap (default 1024, as `allervers import` does; 0 for none). The children run this file compiled by esbuild, as production
// runs the server (`npm start`, docs/decisions.md "Production runs a compiled server"): through tsx each process
// carried ~40 MB more for the compiler. BENCH_TSX=1 runs them through tsx as before.

import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import iconv from 'iconv-lite'
import type { Db } from '../src/server/db/database.js'
import { DEMO_ORGANIZATIONS, generateHouseholds } from '../src/server/features/demo/demo.generator.js'
import { autoMap, checkMapping } from '../src/server/features/imports/imports.columns.js'
import { openTable } from '../src/server/features/imports/imports.reader.js'
import { runImport } from '../src/server/features/imports/imports.service.js'
import { makeOrganization } from '../test/factories.js'
import { benchEngines, freshBenchDatabase } from './support/bench-db.js'

const HOUSEHOLDS = Number(process.env.BENCH_HOUSEHOLDS ?? 200_000)
const XLSX_HOUSEHOLDS = Number(process.env.BENCH_XLSX_HOUSEHOLDS ?? 50_000)
const HEADERS = [
  'N° locataire',
  'Nom',
  'Prénom',
  'Date de naissance',
  'Rôle',
  'Téléphone',
  'Portable',
  'Adresse',
  'Complément d’adresse',
  'Code postal',
  'Ville',
  'Agence',
  'Étage',
  'Ascenseur',
  'Date d’entrée',
  'Solde',
  'APL',
  'Accompagnement',
  'Programme de travaux',
]

function frenchDate(iso: string | null) {
  if (!iso) return ''
  const [y, m, d] = iso.split('-')
  return `${d}/${m}/${y}`
}

function* tableRows(count: number) {
  for (const household of generateHouseholds(DEMO_ORGANIZATIONS[0], count, { seed: 11 })) {
    for (const [index, member] of household.members.entries()) {
      const first = index === 0
      yield [
        household.externalRef,
        member.lastName,
        member.firstName,
        frenchDate(member.birthDate),
        member.role,
        first ? (household.phones[0] ?? '') : '',
        first ? (household.phones[1] ?? '') : '',
        first ? household.addressLine1 : '',
        first ? (household.addressLine2 ?? '') : '',
        household.postcode,
        household.city,
        household.agencyCode,
        first ? String(household.floor) : '',
        first ? (household.hasLift ? 'oui' : 'non') : '',
        first ? frenchDate(household.leaseStart) : '',
        first ? `${(household.arrearsCents / 100).toFixed(2).replace('.', ',')} €` : '',
        first ? (household.housingBenefit ? 'oui' : 'non') : '',
        first ? (household.supportProgramme ? 'x' : '') : '',
        first ? (household.worksProgramme ?? '') : '',
      ]
    }
  }
}

async function writeCsv(path: string) {
  const out = createWriteStream(path)
  const quote = (cell: string) => (/[;"\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)
  let rows = 0
  let buffer = `${HEADERS.join(';')}\r\n`
  for (const row of tableRows(HOUSEHOLDS)) {
    buffer += `${row.map(quote).join(';')}\r\n`
    rows++
    if (buffer.length > 1 << 20) {
      if (!out.write(iconv.encode(buffer, 'windows-1252')))
        await new Promise<void>((resolve) => out.once('drain', () => resolve()))
      buffer = ''
    }
  }
  out.end(iconv.encode(buffer, 'windows-1252'))
  await new Promise<void>((resolve) => out.on('finish', () => resolve()))
  return rows
}

async function writeXlsx(path: string) {
  // Loaded here only: the children that import must not carry exceljs unless the import itself loads it.
  const { default: ExcelJS } = await import('exceljs')
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path })
  const sheet = workbook.addWorksheet('Locataires')
  sheet.addRow(HEADERS).commit()
  let rows = 0
  for (const row of tableRows(XLSX_HOUSEHOLDS)) {
    sheet.addRow(row).commit()
    rows++
  }
  await workbook.commit()
  return rows
}

/** The process's peak resident memory so far (getrusage), in MB: the true peak, not a sample. */
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024)

async function measure(db: Db, organizationId: string, path: string, label: string) {
  const started = performance.now()
  const cpuBefore = process.cpuUsage()
  const table = await openTable(path)
  const { mapping } = autoMap(table.headers)
  checkMapping(mapping, table.headers)
  const report = await runImport(db, {
    importId: randomUUID(),
    organizationId,
    actorUserId: null,
    table,
    mapping,
    snapshot: true,
    dryRun: false,
  })
  await table.close()
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  // On a shared machine wall time includes waiting for a core; this process's CPU time (user + system) does not.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  const h = report.households
  console.log(
    `  ${label}: ${report.rows} rows in ${seconds.toFixed(1)} s = ${Math.round(report.rows / seconds)} rows/s (process CPU ${cpuSeconds.toFixed(1)} s = ${Math.round(report.rows / cpuSeconds)} rows/s of CPU); peak RSS ${peakRssMb()} MB; created ${h.created}, updated ${h.updated}, unchanged ${h.unchanged}, left ${h.left}, rejected ${report.rejected.length}, warnings ${report.warningsTotal}`,
  )
}

mkdirSync('.bench', { recursive: true })
const csv = `.bench/import-${HOUSEHOLDS}-cp1252.csv`
const xlsx = `.bench/import-${XLSX_HOUSEHOLDS}.xlsx`
const child = process.argv.find((arg) => arg.startsWith('--child='))?.split('=')[1]

if (child) {
  // One engine and one format per process, so that the peak memory printed is the import's own.
  const [engine] = benchEngines()
  const { db } = await freshBenchDatabase(`import_${child}`, engine)
  const organization = await makeOrganization(db, { code: 'BENCH' })
  if (child === 'csv') {
    await measure(db, organization.id, csv, 'CSV first import')
    await measure(db, organization.id, csv, 'CSV re-import, unchanged')
  } else {
    await measure(db, organization.id, xlsx, 'XLSX first import')
  }
  await db.destroy()
} else {
  console.log(
    `load average at start: ${readFileSync('/proc/loadavg', 'utf8').trim()} (${availableParallelism()} cores)`,
  )
  let started = performance.now()
  if (!existsSync(csv)) {
    const csvRows = await writeCsv(csv)
    console.log(`generated ${csv}: ${csvRows} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  }
  console.log(`${csv}: ${(statSync(csv).size / 1048576).toFixed(1)} MB, Windows-1252, ';'`)
  started = performance.now()
  if (!existsSync(xlsx)) {
    const xlsxRows = await writeXlsx(xlsx)
    console.log(`generated ${xlsx}: ${xlsxRows} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  }
  console.log(`${xlsx}: ${(statSync(xlsx).size / 1048576).toFixed(1)} MB`)
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=.bench/profiles'] : []
  // The children run with the heap ceiling `allervers import` sets on itself (bin/allervers.js, 1,024 MB): V8 otherwise
  // lets its heap grow to ~3× the live data when the machine has memory to spare. BENCH_MAX_OLD_SPACE=<MB> sets another,
  // BENCH_MAX_OLD_SPACE=0 none (V8's default, as the server's web import runs).
  const heapMb = process.env.BENCH_MAX_OLD_SPACE ?? '1024'
  if (heapMb !== '0') {
    profile.push(`--max-old-space-size=${heapMb}`)
    console.log(`children run with --max-old-space-size=${heapMb}`)
  } else console.log('children run with V8’s default heap limit')
  let childScript = ['--import', 'tsx', process.argv[1]]
  if (process.env.BENCH_TSX) console.log('children run through tsx')
  else {
    // Packages stay in node_modules (found from .bench/), only our TypeScript is compiled, as for production.
    const outfile = '.bench/import-child.mjs'
    // A path esbuild cannot follow: the children (this file, compiled) must not load esbuild.
    const helper = '../scripts/node-bundle.mjs'
    const { bundleForNode } = (await import(helper)) as typeof import('../scripts/node-bundle.mjs')
    await bundleForNode({ entryPoints: [process.argv[1]], outfile })
    childScript = [outfile]
    console.log(`children run ${outfile}, compiled by esbuild`)
  }
  for (const engine of benchEngines()) {
    console.log(`\n=== ${engine} ===`)
    for (const format of ['csv', 'xlsx']) {
      const run = spawnSync(process.execPath, [...profile, ...childScript, `--child=${format}`, `--engine=${engine}`], {
        stdio: 'inherit',
        env: process.env,
      })
      if (run.status !== 0) process.exitCode = 1
    }
  }
  console.log(`load average at end: ${readFileSync('/proc/loadavg', 'utf8').trim()}`)
}
