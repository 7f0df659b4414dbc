import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { seedDemo } from '../src/server/features/demo/demo.service.js'
import { launchBrowser, screenshotPath, seriousViolations, startTestServer } from '../test/browser.js'

describe('campaign planning in Chromium', () => {
  it('a manager types a team or a deadline and reads the estimate with its assumptions', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 400 })
    const manager = accounts.find((a) => a.role === 'manager' && a.organization === 'TDL')!
    const campaign = await server.db
      .selectFrom('campaign')
      .select('id')
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow()
    const browser = await launchBrowser(t)
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1000 } })
    const page = await context.newPage()
    await page.goto(server.url)
    await page.getByLabel('Adresse e-mail').fill(manager.email)
    await page.getByLabel(/^Mot de passe/).fill(manager.password)
    await page.getByRole('button', { name: 'Se connecter' }).click()
    await page.getByRole('navigation', { name: 'Navigation principale' }).waitFor()
    await page.goto(`${server.url}/campaigns/${campaign.id}`)

    const card = page.getByRole('region', { name: 'Planifier la campagne' })
    await card.waitFor()
    await card.getByLabel('Nombre d’appelants').fill('3')
    await card.getByLabel('Heures par semaine et par appelant').fill('4')
    const estimate = card.locator('[data-plan="estimate"]')
    await estimate.filter({ hasText: 'Avec 3 appelants à 4 h par semaine' }).waitFor()
    // The figure shown is the server's, for the same question asked directly.
    const direct = await page.request.get(`${server.url}/api/campaigns/${campaign.id}/plan?callers=3&hoursPerWeek=4`)
    const plan = await direct.json()
    assert.match((await estimate.textContent()) ?? '', new RegExp(`environ ${plan.estimate.days} jours`))
    for (const key of ['reachRate', 'attemptsPerHousehold', 'conversationMinutes', 'wrapUpMinutes']) {
      const source = plan.assumptions[key].source === 'observed' ? /Observé \(\d+\)/ : /Par défaut/
      assert.match((await card.locator(`[data-assumption="${key}"]`).textContent()) ?? '', source, key)
    }

    await card.getByLabel('Finir en (jours)').fill('60')
    const requirement = card.locator('[data-plan="requirement"]')
    await requirement.filter({ hasText: 'Pour finir en 60 jours' }).waitFor()
    const inverse = await (
      await page.request.get(`${server.url}/api/campaigns/${campaign.id}/plan?callers=3&hoursPerWeek=4&days=60`)
    ).json()
    assert.match((await requirement.textContent()) ?? '', new RegExp(`${inverse.requirement.callers} appelants?`))

    assert.deepEqual(await seriousViolations(page, { include: 'section[aria-labelledby="plan-title"]' }), [])
    await card.screenshot({ path: screenshotPath('campaign-plan') })
  })
})
