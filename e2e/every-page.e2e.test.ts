import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { seedDemo } from '../src/server/features/demo/demo.service.js'
import { launchBrowser, screenshotPath, seriousViolations, startTestServer } from '../test/browser.js'

const ROLES = ['admin', 'manager', 'caller', 'social_worker', 'partner', 'viewer', 'dpo'] as const
const SIZES = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'tablet', width: 820, height: 1180 },
] as const

describe('every page of every role in Chromium', () => {
  it('passes axe with no serious or critical violation, on a desktop and on a tablet', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 60 })
    const browser = await launchBrowser(t)
    const found: string[] = []
    let visited = 0
    for (const role of ROLES) {
      const account =
        accounts.find((a) => a.role === role && a.organization === 'TDL') ?? accounts.find((a) => a.role === role)!
      const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } })
      const page = await context.newPage()
      await page.goto(server.url)
      await page.getByLabel('Adresse e-mail').fill(account.email)
      await page.getByLabel(/^Mot de passe/).fill(account.password)
      await page.getByRole('button', { name: 'Se connecter' }).click()
      await page.getByRole('heading', { level: 2, name: /^Bonjour/ }).waitFor()
      // The pages of the role's navigation, and the first item each list leads to (a campaign, a household, an
      // orientation), read from the links on screen.
      const navigation = page.getByRole('navigation', { name: 'Navigation principale' })
      const paths = new Set(
        await navigation
          .getByRole('link')
          .evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname)),
      )
      for (const [list, detail] of [
        ['/campaigns', /^\/campaigns\/[^/]+$/],
        ['/households', /^\/households\/(?!import$)[^/]+$/],
        ['/referrals', /^\/referrals\/[^/]+$/],
      ] as const) {
        if (!paths.has(list)) continue
        await page.goto(`${server.url}${list}`)
        await page.waitForLoadState('networkidle')
        const first = await page
          .locator('main a[href]')
          .evaluateAll(
            (links, pattern) =>
              links
                .map((a) => new URL((a as HTMLAnchorElement).href).pathname)
                .find((p) => new RegExp(pattern).test(p)),
            detail.source,
          )
        if (first) paths.add(first)
      }
      for (const size of SIZES) {
        await page.setViewportSize({ width: size.width, height: size.height })
        for (const path of paths) {
          await page.goto(`${server.url}${path}`)
          await page.waitForLoadState('networkidle')
          await page.locator('main h2, main h1').first().waitFor()
          visited += 1
          for (const violation of await seriousViolations(page))
            found.push(`${role} ${size.name} ${path}: ${violation}`)
          const name = `page-${role}-${size.name}${path.replaceAll('/', '-')}`.slice(0, 120)
          await page.screenshot({ path: screenshotPath(name), fullPage: true })
        }
      }
      await context.close()
    }
    assert.ok(visited >= 40, `every role's pages were visited (${visited})`)
    assert.deepEqual(found, [])
  })
})
