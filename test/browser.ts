import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { AxeBuilder } from '@axe-core/playwright'
import { type Browser, chromium, type Page } from 'playwright-core'
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

/**
 * Axe's serious and critical violations on the page as a reader sees it at rest: the pointer moved away (a hovered
 * button's colour is not what one reads) and every opening dialog fully faded in (contrast is measured on the final
 * colours). Each line names the rule, the element and why it fails. `include` narrows the check to a part of the page.
 */
export async function seriousViolations(page: Page, { include }: { include?: string } = {}): Promise<string[]> {
  await page.mouse.move(0, 0)
  // A dialog that has just been opened or closed fades in or out (a CSS transition): axe reads its text at part
  // opacity as contrast 1:1. Two frames let a transition begin, then none may still run.
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(undefined)))),
  )
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every((animation) => !(animation instanceof CSSTransition) || animation.playState !== 'running'),
  )
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[role="dialog"]')].every((dialog) => {
      for (let node: Element | null = dialog; node; node = node.parentElement) {
        if (getComputedStyle(node).opacity !== '1') return false
      }
      return true
    }),
  )
  const builder = new AxeBuilder({ page })
  if (include) builder.include(include)
  const { violations } = await builder.analyze()
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => {
      const nodes = violation.nodes.map(
        (node) => `${node.target.join(' ')} (${node.failureSummary?.split('\n').slice(1).join(' ') ?? ''})`,
      )
      return `${violation.id}: ${nodes.join(', ')}`
    })
}

/**
 * Signs in through the login page as a person does: opens `base`, types the address and the password, presses
 * « Se connecter ». It waits for nothing after: the caller waits for what it expects (the home page, a second factor,
 * a refusal).
 */
export async function signIn(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(base)
  await page.getByLabel('Adresse e-mail').fill(email)
  await page.getByLabel(/^Mot de passe/).fill(password)
  await page.getByRole('button', { name: 'Se connecter' }).click()
}
