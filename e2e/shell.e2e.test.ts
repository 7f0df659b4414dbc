import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { describe, it } from 'node:test'
import { seedDemo } from '../src/server/features/demo/demo.service.js'
import { launchBrowser, screenshotPath, seriousViolations, signIn, startTestServer } from '../test/browser.js'

const EXPECTED_NAVIGATION: Record<string, string[]> = {
  admin: [
    'Accueil',
    'Appeler',
    'Campagnes',
    'Ménages',
    'Bilan',
    'Protection des données',
    'Administration',
    'Mon compte',
  ],
  manager: ['Accueil', 'Appeler', 'Campagnes', 'Ménages', 'Orientations', 'Bilan', 'Mon compte'],
  caller: ['Accueil', 'Appeler', 'Orientations', 'Mon compte'],
  social_worker: ['Accueil', 'Ménages', 'Orientations', 'Mon compte'],
  partner: ['Accueil', 'Orientations', 'Mon compte'],
  viewer: ['Accueil', 'Bilan', 'Mon compte'],
  dpo: ['Accueil', 'Protection des données', 'Mon compte'],
}

describe('the web shell in Chromium', () => {
  it('lets each role sign in and land on its home page with the navigation its role may use', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 50 })
    const browser = await launchBrowser(t)
    for (const role of Object.keys(EXPECTED_NAVIGATION)) {
      const account = accounts.find((a) => a.role === role)!
      const context = await browser.newContext({ locale: 'fr-FR' })
      const page = await context.newPage()
      await signIn(page, server.url, account.email, account.password)
      await page.getByRole('heading', { level: 2, name: /^Bonjour/ }).waitFor()
      const navigation = page.getByRole('navigation', { name: 'Navigation principale' })
      const links = await navigation.getByRole('link').allInnerTexts()
      assert.deepEqual(links, EXPECTED_NAVIGATION[role], `navigation of ${role}`)
      assert.equal(await page.locator(`[data-role="${role}"]`).count(), 1, `${role} sees the card of their role`)
      if (role === 'caller') {
        // « À traiter aujourd’hui »: the campaigns they may call for, with the households left, and their callbacks.
        const section = page.locator('[data-today="calling"]')
        await section
          .getByRole('link', { name: /^Appeler pour / })
          .first()
          .waitFor()
        assert.match((await section.textContent()) ?? '', /m\u00e9nages? rest|Plus aucun m\u00e9nage/)
        assert.match((await section.textContent()) ?? '', /rappel/)
        await page.setViewportSize({ width: 820, height: 1180 })
        assert.deepEqual(await seriousViolations(page), [], 'caller’s home')
        await page.screenshot({ path: screenshotPath('home-caller-tablet'), fullPage: true })
        // The callbacks' count leads to « Mes rappels » on the calling page, brought into view.
        await section.getByRole('link', { name: /rappel/ }).click()
        await page.waitForURL(/\/calling#mes-rappels$/)
        const heading = page.getByRole('heading', { level: 3, name: 'Mes rappels' })
        await heading.waitFor()
        await page.waitForFunction(() => {
          const top = document.getElementById('mes-rappels')?.getBoundingClientRect().top ?? -1
          return top >= 0 && top < window.innerHeight
        })
      }
      if (role === 'manager' || role === 'admin') {
        // They may call for the demo's running campaign of their organisation: « Vos appels » is theirs too.
        await page
          .locator('[data-today="calling"]')
          .getByRole('link', { name: /^Appeler pour / })
          .first()
          .waitFor()
      } else if (role !== 'caller') {
        // Once « À traiter aujourd’hui » is shown (each of these roles has a section of its own):
        await page.locator('[data-today]').first().waitFor()
        assert.equal(await page.locator('[data-today="calling"]').count(), 0, `${role} does not call`)
      }
      if (role === 'social_worker' || role === 'partner') {
        await page
          .locator('[data-today="orientations"]')
          .getByRole('link', { name: /orientations? re\u00e7ues/ })
          .waitFor()
      }
      await context.close()
    }
  })

  it('explains a wrong password in plain French, switches to English, and passes an accessibility scan', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 20 })
    const browser = await launchBrowser(t)
    const context = await browser.newContext({ locale: 'fr-FR' })
    const page = await context.newPage()
    await page.goto(server.url)
    await page.getByRole('button', { name: 'Se connecter' }).waitFor()
    assert.deepEqual(await seriousViolations(page), [], 'login page')
    const path = screenshotPath('login')
    mkdirSync(dirname(path), { recursive: true })
    await page.screenshot({ path })

    const manager = accounts.find((a) => a.role === 'manager')!
    await signIn(page, server.url, manager.email, 'not the password')
    await page.getByRole('alert').filter({ hasText: 'L’adresse e-mail ou le mot de passe n’est pas le bon.' }).waitFor()

    await signIn(page, server.url, manager.email, manager.password)
    await page.getByRole('heading', { level: 2, name: /^Bonjour/ }).waitFor()
    assert.deepEqual(await seriousViolations(page), [], 'shell')
    await page.screenshot({ path: screenshotPath('home-manager'), fullPage: true })

    await page.locator('label', { hasText: 'English' }).click()
    await page.getByRole('heading', { level: 2, name: /^Hello/ }).waitFor()
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en')

    await page.getByRole('link', { name: 'Households' }).click()
    await page.getByLabel('Search (name, reference, phone, address)').fill('TDL-0000001')
    await page.getByText('1 household', { exact: true }).waitFor()
    assert.equal(await page.getByRole('cell', { name: 'TDL-0000001' }).count(), 1)
    assert.deepEqual(await seriousViolations(page), [], 'households page')
    await page.screenshot({ path: screenshotPath('households'), fullPage: true })
  })
})
