import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { seedDemo } from '../src/server/features/demo/demo.service.js'
import { launchBrowser, screenshotPath, seriousViolations, startTestServer } from '../test/browser.js'
import { makeUser } from '../test/factories.js'

const CLAIRE = 'Claire Appelante'

describe('running a campaign from the screens in Chromium', () => {
  it('a manager chooses two callers, watches the live view change as a caller saves a call, handles a debrief', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 300 })
    const manager = accounts.find((a) => a.role === 'manager' && a.organization === 'TDL')!
    const claire = accounts.find((a) => a.role === 'caller' && a.organization === 'TDL')!
    const campaign = await server.db
      .selectFrom('campaign')
      .innerJoin('organization', 'organization.id', 'campaign.organizationId')
      .select(['campaign.id', 'campaign.organizationId'])
      .where('campaign.status', '=', 'active')
      .where('organization.code', '=', 'TDL')
      .executeTakeFirstOrThrow()
    // The demo's own debriefs depend on the day it is generated: those still waiting are handled beforehand, so that
    // the one Claire asks for below is the only one on the tab.
    const managerRow = await server.db
      .selectFrom('user')
      .select('id')
      .where('email', '=', manager.email)
      .executeTakeFirstOrThrow()
    await server.db
      .updateTable('callerFeedback')
      .set({ debriefHandledBy: managerRow.id, debriefHandledAt: new Date().toISOString() })
      .where('campaignId', '=', campaign.id)
      .where('debriefRequested', '=', 1)
      .where('debriefHandledAt', 'is', null)
      .execute()
    const bruno = await makeUser(server.db, 'caller', { organizationId: campaign.organizationId })
    await server.db.updateTable('user').set({ name: 'Bruno Bénévole' }).where('id', '=', bruno.id).execute()

    const browser = await launchBrowser(t)
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1000 } })
    const page = await context.newPage()
    await page.goto(server.url)
    await page.getByLabel('Adresse e-mail').fill(manager.email)
    await page.getByLabel(/^Mot de passe/).fill(manager.password)
    await page.getByRole('button', { name: 'Se connecter' }).click()
    await page.getByRole('heading', { name: 'À traiter aujourd’hui' }).waitFor()
    await page.locator('[data-today="campaigns"]').waitFor()
    assert.deepEqual(await seriousViolations(page), [], 'home')
    await page.screenshot({ path: screenshotPath('home-manager'), fullPage: true })

    // Callers: search without accents, add two.
    await page.goto(`${server.url}/campaigns/${campaign.id}?tab=callers`)
    const search = page.getByRole('searchbox', { name: 'Ajouter une personne de l’organisme' })
    await search.fill('claire appelante')
    await page.getByRole('button', { name: `Ajouter ${CLAIRE}` }).click()
    await page.getByRole('table', { name: 'Appelants de la campagne' }).getByText(CLAIRE).waitFor()
    await search.fill('bruno benevole')
    await page.getByRole('button', { name: 'Ajouter Bruno Bénévole' }).click()
    const listed = page.getByRole('table', { name: 'Appelants de la campagne' })
    await listed.getByText('Bruno Bénévole').waitFor()
    assert.equal(await listed.locator('tbody tr').count(), 2)
    assert.deepEqual(await seriousViolations(page), [], 'callers tab')

    // The live view, then a caller saves a call in another browser context: the figures move without a reload.
    await page.getByRole('tab', { name: 'Suivi en direct' }).click()
    const lastHour = page.locator('[data-live="callsLastHour"]')
    await lastHour.waitFor()
    const before = Number(await lastHour.textContent())
    const callerContext = await browser.newContext({ locale: 'fr-FR' })
    const api = callerContext.request
    const login = await api.post(`${server.url}/api/auth/login`, {
      data: { email: claire.email, password: claire.password },
    })
    assert.equal(login.status(), 200)
    const claim = await api.post(`${server.url}/api/campaigns/${campaign.id}/claim`)
    assert.equal(claim.status(), 200)
    const assignment = (await claim.json()).assignment
    await page.locator('[data-testid="live-callers"]').getByText(CLAIRE).waitFor()
    const saved = await api.post(`${server.url}/api/assignments/${assignment.id}/outcome`, {
      headers: { 'idempotency-key': randomUUID() },
      data: { disposition: 'refused' },
    })
    assert.equal(saved.status(), 201, await saved.text())
    await page.locator('[data-live="callsLastHour"]', { hasText: String(before + 1) }).waitFor({ timeout: 15_000 })
    assert.deepEqual(await seriousViolations(page), [], 'live view')
    // The tab is in the address: a reload comes back to the live view, not to the target.
    assert.equal(new URL(page.url()).searchParams.get('tab'), 'live')
    await page.reload()
    assert.equal(await page.getByRole('tab', { name: 'Suivi en direct' }).getAttribute('aria-selected'), 'true')
    await page.locator('[data-live="callsLastHour"]', { hasText: String(before + 1) }).waitFor()
    await page.screenshot({ path: screenshotPath('supervision-live-desktop'), fullPage: true })

    // A debrief asked for after a hard call, handled by the manager.
    const feedback = await api.post(`${server.url}/api/campaigns/${campaign.id}/feedback`, {
      data: { meaningful: 3, useful: 4, debriefRequested: true },
    })
    assert.equal(feedback.status(), 201, await feedback.text())
    await page.getByRole('tab', { name: 'Débriefings' }).click()
    await page.getByRole('button', { name: `Marquer traitée la demande de ${CLAIRE}` }).click()
    await page.locator('[data-debriefs="empty"]').waitFor()
    assert.deepEqual(await seriousViolations(page), [], 'debriefs tab')

    // Tablet: the navigation folds behind the menu button, inert until opened; Escape folds it back.
    await page.setViewportSize({ width: 800, height: 1100 })
    await page.getByRole('tab', { name: 'Suivi en direct' }).click()
    await page.locator('[data-live="callsLastHour"]').waitFor()
    const menu = page.getByRole('button', { name: 'Ouvrir le menu' })
    await menu.waitFor()
    const nav = page.locator('nav#main-navigation')
    assert.equal(await nav.getAttribute('inert'), '')
    await page.screenshot({ path: screenshotPath('supervision-live-tablet'), fullPage: true })
    await menu.click()
    await page.getByRole('link', { name: 'Campagnes', exact: true }).waitFor()
    assert.equal(await nav.getAttribute('inert'), null)
    assert.deepEqual(await seriousViolations(page), [], 'tablet, menu open')
    await page.screenshot({ path: screenshotPath('navigation-tablet-open') })
    await page.keyboard.press('Escape')
    await page.waitForFunction(() => document.querySelector('nav#main-navigation')?.hasAttribute('inert'))
    assert.equal(await menu.evaluate((el) => el === document.activeElement), true)
  })
})
