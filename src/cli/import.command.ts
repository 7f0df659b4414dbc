import { randomUUID } from 'node:crypto'
import { SingleBar } from 'cli-progress'
import { loadConfig } from '../server/config.js'
import { nowTimestamp } from '../server/db/time.js'
import { autoMap, checkMapping, MappingError, mappingFromNamed } from '../server/features/imports/imports.columns.js'
import * as importQueries from '../server/features/imports/imports.queries.js'
import { FileRefusedError, openTable } from '../server/features/imports/imports.reader.js'
import { runImport } from '../server/features/imports/imports.service.js'
import { findOrganizationByCode } from '../server/features/organizations/organizations.queries.js'
import { CliInputError } from './cli-errors.js'
import { withDatabase } from './database.js'

export async function importHouseholds(
  file: string,
  options: { org: string; mapping?: string; snapshot?: boolean; dryRun?: boolean; json?: boolean },
) {
  // The server's limits (IMPORT_MAX_*): read here, in this process, which is the command's own.
  const { limits } = loadConfig().imports
  await withDatabase(async (db) => {
    const organization = await findOrganizationByCode(db, options.org)
    if (!organization) throw new CliInputError(`no organisation with code "${options.org}"`)
    let table: Awaited<ReturnType<typeof openTable>>
    let mapping: ReturnType<typeof autoMap>['mapping']
    try {
      table = await openTable(file, { limits })
      if (options.mapping) {
        const saved = await importQueries.findMapping(db, organization.id, options.mapping)
        if (!saved) throw new MappingError(`no saved mapping named "${options.mapping}" for ${organization.code}`)
        mapping = mappingFromNamed(table.headers, JSON.parse(saved.columns))
      } else mapping = autoMap(table.headers).mapping
      checkMapping(mapping, table.headers)
    } catch (error) {
      if (error instanceof FileRefusedError || error instanceof MappingError)
        throw new CliInputError(`${file}: ${error.message}`)
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CliInputError(`${file}: no such file`)
      throw error
    }
    const importId = randomUUID()
    await importQueries.insertImportRun(db, {
      id: importId,
      organizationId: organization.id,
      createdBy: null,
      fileName: file,
      status: 'running',
      isSnapshot: options.snapshot ? 1 : 0,
      isDryRun: options.dryRun ? 1 : 0,
      rowsTotal: table.rowCount,
      rowsDone: 0,
      report: null,
      error: null,
      createdAt: nowTimestamp(),
      finishedAt: null,
    })
    const bar =
      process.stdout.isTTY && !options.json ? new SingleBar({ format: 'Import [{bar}] {value}/{total} rows' }) : null
    bar?.start(table.rowCount, 0)
    const report = await runImport(db, {
      importId,
      organizationId: organization.id,
      actorUserId: null,
      table,
      mapping,
      snapshot: Boolean(options.snapshot),
      dryRun: Boolean(options.dryRun),
      onProgress: (done) => bar?.update(done),
    })
    bar?.update(report.rows)
    bar?.stop()
    await importQueries.updateImportRun(db, importId, {
      status: 'done',
      rowsDone: report.rows,
      report: JSON.stringify(report),
      finishedAt: nowTimestamp(),
    })
    if (options.json) {
      const { warningsTotal: _, ...contract } = report
      process.stdout.write(`${JSON.stringify(contract)}\n`)
    } else {
      const h = report.households
      console.log(
        `${report.rows} rows: ${h.created} created, ${h.updated} updated, ${h.unchanged} unchanged, ${h.left} marked as left`,
      )
      console.log(
        `${report.rejected.length} rejected, ${report.warningsTotal} warning(s)${options.dryRun ? ' (dry run: nothing saved)' : ''}`,
      )
      for (const rejected of report.rejected.slice(0, 20))
        console.log(`  line ${rejected.line}: rejected, ${rejected.reason}`)
      for (const warning of report.warnings.slice(0, 20)) {
        console.log(`  line ${warning.line}, ${warning.column} "${warning.value}": ${warning.message}`)
      }
    }
  })
}
