import { SingleBar } from 'cli-progress'
import { loadConfig } from '../server/config.js'
import { seedDemo } from '../server/features/demo/demo.service.js'
import { refreshRollups } from '../server/features/stats/stats.refresh.js'
import { startServer } from '../server/main.js'
import { openDatabase } from './database.js'

export async function runDemo(options: { households: number; seed: number; serve?: boolean }) {
  // The demo's accounts sign in with their password alone, unless MFA_REQUIRED_ROLES says otherwise.
  const config = loadConfig({ MFA_REQUIRED_ROLES: 'none', ...process.env })
  const db = await openDatabase(config.databaseUrl)
  const bar = process.stdout.isTTY ? new SingleBar({ format: 'Demo households [{bar}] {value}/{total}' }) : null
  bar?.start(options.households, 0)
  const result = await seedDemo(db, {
    households: options.households,
    seed: options.seed,
    onProgress: (done) => bar?.update(done),
  })
  bar?.stop()
  // The history's calls counted into the review's rollups now, so the first review answers at once.
  await refreshRollups(db)
  console.log(
    result.createdHouseholds > 0
      ? `Demo network seeded: ${result.createdHouseholds} households (${db.engine}).`
      : `Demo network already present (${db.engine}); demo passwords renewed.`,
  )
  console.log('\nDemo accounts (passwords generated now):')
  for (const account of result.accounts) {
    console.log(
      `  ${account.role.padEnd(14)} ${account.organization.padEnd(11)} ${account.email.padEnd(36)} ${account.password}`,
    )
  }
  if (!options.serve) {
    await db.destroy()
    return
  }
  const server = await startServer(config, { db })
  console.log(`\nAllervers is running on ${server.url} — press Ctrl+C to stop.`)
}
