import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { seedDemo } from '../src/server/features/demo/demo.service.js'
import { launchBrowser, screenshotPath, seriousViolations, startTestServer } from '../test/browser.js'

describe('campaigns in Chromium', () => {
  it('a manager creates a campaign from the heat-wave template, previews its target and activates it', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 400 })
    const manager = accounts.find((a) => a.role === 'manager' && a.organization === 'TDL')!
    const browser = await launchBrowser(t)
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    await page.goto(server.url)
    await page.getByLabel('Adresse e-mail').fill(manager.email)
    await page.getByLabel(/^Mot de passe/).fill(manager.password)
    await page.getByRole('button', { name: 'Se connecter' }).click()
    await page
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Campagnes' })
      .click()

    await page.getByRole('radio', { name: 'Canicule — appel de vigilance' }).check()
    await page.getByLabel(/^Nom de la campagne/).fill('Canicule août')
    await page.getByRole('button', { name: 'Créer le brouillon' }).click()
    await page.getByRole('heading', { level: 2, name: 'Canicule août' }).waitFor()
    await page.getByText('Brouillon').first().waitFor()

    // The template's target is previewed live: a count and a sample ordered by priority.
    const countHeading = page.getByRole('heading', { name: /ménages? correspondent?/ })
    await countHeading.waitFor()
    const expected = Number(((await countHeading.textContent()) ?? '').match(/\d+/)![0])
    assert.ok(expected > 0, 'the heat-wave target finds households in the demo data')
    // A draft shows what its target matches, not an empty queue.
    await page.waitForFunction(
      (n) => document.querySelector('[data-progress="matching"]')?.textContent === String(n),
      expected,
    )
    assert.deepEqual(await seriousViolations(page), [])
    await page.screenshot({ path: screenshotPath('campaign-draft'), fullPage: true })

    // Leaving with an unsaved change asks first; staying keeps the change.
    await page.getByRole('tab', { name: 'Règles d’appel' }).click()
    const attempts = page.getByLabel('Tentatives au plus')
    await attempts.fill('5')
    await page
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Campagnes' })
      .click()
    const leaveDialog = page.getByRole('dialog', { name: 'Quitter sans enregistrer ?' })
    await leaveDialog.waitFor()
    assert.deepEqual(await seriousViolations(page, { include: '[role="dialog"]' }), [])
    await leaveDialog.getByRole('button', { name: 'Rester sur la page' }).click()
    await leaveDialog.waitFor({ state: 'hidden' })
    assert.equal(await attempts.inputValue(), '5', 'staying keeps the unsaved change')
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click()
    await page.getByRole('tab', { name: 'Cible' }).click()

    // Démarrer asks first, saying how many households will be called.
    await page.getByRole('button', { name: 'Démarrer' }).click()
    const startDialog = page.getByRole('dialog', { name: 'Démarrer la campagne ?' })
    await startDialog.getByText(`${expected} ménages seront appelés`).waitFor()
    await page.screenshot({ path: screenshotPath('campaign-start-confirm') })
    await startDialog.getByRole('button', { name: 'Démarrer' }).click()
    await page.getByText('Campagne démarrée.').waitFor()
    await page.getByText('En cours').first().waitFor()
    const targeted = page.locator('[data-progress="targeted"]')
    await page.waitForFunction(
      (n) => document.querySelector('[data-progress="targeted"]')?.textContent === String(n),
      expected,
    )
    assert.equal(Number(await targeted.textContent()), expected, 'every previewed household is queued')
    const campaign = await server.db
      .selectFrom('campaign')
      .selectAll()
      .where('name', '=', 'Canicule août')
      .executeTakeFirstOrThrow()
    assert.equal(campaign.status, 'active')

    // Clôturer says what is lost (the households still to call: those without a usable number are already listed
    // unreachable); cancelling changes nothing.
    const remaining = await page.locator('[data-progress="pending"]').textContent()
    const unreachable = await page.locator('[data-progress="unreachable"]').textContent()
    assert.equal(Number(remaining) + Number(unreachable), expected, 'each queued household is to call or unreachable')
    await page.getByRole('button', { name: 'Clôturer' }).click()
    const closeDialog = page.getByRole('dialog', { name: 'Clôturer la campagne ?' })
    await closeDialog.getByText(`Les ${remaining} ménages restants ne seront plus appelés`).waitFor()
    await closeDialog.getByRole('button', { name: 'Annuler' }).click()
    await closeDialog.waitFor({ state: 'hidden' })
    const stillActive = await server.db
      .selectFrom('campaign')
      .select('status')
      .where('id', '=', campaign.id)
      .executeTakeFirstOrThrow()
    assert.equal(stillActive.status, 'active', 'cancelling the close leaves the campaign running')
    await page.screenshot({ path: screenshotPath('campaign-active'), fullPage: true })
  })
})
