import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { type Browser, chromium } from 'playwright-core'
import { loadConfig } from '../src/server/config.js'
import { type RunningServer, startServer } from '../src/server/main.js'
import { createTestDatabase } from './database.js'

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Debian's Chromium driven by playwright-core; closed when the test ends. */
export async function launchBrowser(t: TestContext): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
  })
  t.after(() => browser.close())
  return browser
}

/** The real server, built web app included, on a free port and a fresh database. */
export async function startTestServer(t: TestContext, env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
  const file = join(mkdtempSync(join(tmpdir(), 'allervers-e2e-')), 'e2e.sqlite')
  const database = await createTestDatabase({ sqliteFile: file })
  // No role is made to enrol a second factor unless the scenario asks (MFA_REQUIRED_ROLES).
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    WEB_ROOT: 'dist/web',
    MFA_REQUIRED_ROLES: 'none',
    ...env,
    DATABASE_URL: database.url,
  })
  const server = await startServer(config, { db: database.db, handleSignals: false })
  t.after(() => server.close())
  return server
}

export function screenshotPath(name: string): string {
  return join(process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'allervers-screenshots'), `${name}.png`)
}
