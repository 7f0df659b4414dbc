import { loadConfig } from '../server/config.js'
import { runPurge, UnknownOrganizationError } from '../server/features/retention/retention.service.js'
import { isCalendarDay } from '../shared/clock.js'
import { CliInputError } from './cli-errors.js'
import { withDatabase } from './database.js'

export interface PurgeCommandOptions {
  org?: string
  asOf?: string
  dryRun?: boolean
  json?: boolean
}

/**
 * `allervers purge`: erases what retention says is past its period (features/retention), as the server's daily worker
 * does; `--as-of` runs it as if that Paris day were today, `--dry-run` counts without erasing.
 */
export async function runPurgeCommand(options: PurgeCommandOptions) {
  if (options.asOf !== undefined && !isCalendarDay(options.asOf)) {
    throw new CliInputError(`--as-of takes a day as YYYY-MM-DD, got "${options.asOf}"`)
  }
  const config = loadConfig()
  const outcome = await withDatabase(async (db) => {
    try {
      return await runPurge(db, {
        defaults: config.retention,
        organizationCode: options.org,
        asOf: options.asOf,
        dryRun: options.dryRun,
        trigger: 'cli',
      })
    } catch (error) {
      if (error instanceof UnknownOrganizationError) throw new CliInputError(error.message)
      throw error
    }
  })
  if (outcome.status === 'skipped') throw new Error('another purge is running; try again in a moment')
  const { report } = outcome
  if (options.json) {
    console.log(JSON.stringify(report))
    return
  }
  const verb = options.dryRun ? 'would be' : 'were'
  const kept = report.households.kept
  console.log(
    [
      `Purge as of ${outcome.asOf}${options.org ? ` for ${options.org}` : ''}${options.dryRun ? ' (dry run: nothing erased)' : ''}:`,
      `  ${report.households.erased} household(s) ${verb} erased two years after their last contact (or their period);`,
      `  ${kept.activeReferral + kept.followUp} kept: ${kept.activeReferral} with an active orientation, ${kept.followUp} with a planned follow-up;`,
      `  ${report.leftHouseholds.erased} household(s) that left the file ${verb} erased;`,
      `  ${report.auditEvents.erased} audit entr${report.auditEvents.erased === 1 ? 'y' : 'ies'} ${verb} deleted.`,
    ].join('\n'),
  )
}
