import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import AxeBuilder from '@axe-core/playwright'
import type { Browser, Page } from 'playwright-core'
import { seedDemo } from '../src/server/features/demo/demo.service.js'
import { launchBrowser, screenshotPath, startTestServer } from '../test/browser.js'

async function signIn(browser: Browser, url: string, email: string, password: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR' })
  const page = await context.newPage()
  await page.goto(url)
  await page.getByLabel('Adresse e-mail').fill(email)
  await page.getByLabel(/^Mot de passe/).fill(password)
  await page.getByRole('button', { name: 'Se connecter' }).click()
  await page.getByRole('heading', { level: 2, name: /^Bonjour/ }).waitFor()
  return page
}

describe('referrals in Chromium', () => {
  it('a social worker refers a household to the CCAS, the partner accepts and closes it, the sender sees it resolved', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 30 })
    const account = (role: string) => accounts.find((a) => a.role === role && a.organization !== 'MHS')!
    const household = await server.db
      .selectFrom('household')
      .innerJoin('organization', 'organization.id', 'household.organizationId')
      .select(['household.id', 'household.lastName'])
      .where('organization.code', '=', 'TDL')
      .orderBy('household.externalRef')
      .executeTakeFirstOrThrow()
    const browser = await launchBrowser(t)

    const worker = await signIn(browser, server.url, account('social_worker').email, account('social_worker').password)
    await worker.goto(`${server.url}/households/${household.id}`)
    await worker.getByRole('button', { name: 'Orienter le ménage' }).click()
    const dialog = worker.getByRole('dialog')
    await dialog.getByLabel('Catégorie').click()
    await worker.getByRole('option', { name: 'Alimentation' }).click()
    await dialog.getByText('Un partenaire').click()
    await dialog.getByLabel(/^Partenaire/).click()
    await worker.getByRole('option', { name: 'CCAS de Nancy' }).click()
    await dialog
      .getByLabel(/^Résumé factuel/)
      .fill('Ne peut plus faire ses courses depuis sa chute ; souhaite une aide alimentaire.')
    await dialog.getByRole('button', { name: 'Envoyer l’orientation' }).click()
    await dialog.getByText('Sans l’accord du locataire').first().waitFor()
    await dialog.getByLabel('Le locataire accepte que sa situation soit transmise à ce partenaire').check()
    await dialog.getByRole('button', { name: 'Envoyer l’orientation' }).click()
    await worker.getByText('Orientation envoyée.').waitFor()

    const partner = await signIn(browser, server.url, account('partner').email, account('partner').password)
    await partner
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Orientations' })
      .click()
    await partner.getByRole('link', { name: 'Alimentation' }).click()
    await partner.getByText(household.lastName).first().waitFor()
    const violations = (await new AxeBuilder({ page: partner }).analyze()).violations.filter(
      (v) => v.impact === 'serious' || v.impact === 'critical',
    )
    assert.deepEqual(
      violations.map((v) => v.id),
      [],
    )
    await partner.getByRole('button', { name: 'Accepter' }).click()
    await partner.getByRole('button', { name: 'Commencer l’accompagnement' }).click()
    // The step lands before the note is typed: its success resets the form (a note typed sooner was lost).
    await partner.getByRole('button', { name: 'Commencer l’accompagnement' }).waitFor({ state: 'detached' })
    await partner.getByLabel('Action ou note').fill('Colis alimentaire hebdomadaire mis en place.')
    await partner.getByRole('button', { name: 'Clôturer' }).click()
    await partner.getByText('Résolu').first().waitFor()
    await partner.screenshot({ path: screenshotPath('referral-partner'), fullPage: true })

    await worker.goto(`${server.url}/referrals`)
    await worker.getByRole('tab', { name: 'Envoyés' }).click()
    await worker.getByText('Résolu').first().waitFor()
    const referral = await server.db.selectFrom('referral').selectAll().executeTakeFirstOrThrow()
    assert.equal(referral.status, 'done')
    assert.equal(referral.outcome, 'Colis alimentaire hebdomadaire mis en place.')
  })

  it('a caller raises a referral to the CCAS during a call, the partner accepts and closes it, the manager sees it resolved', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 30 })
    const account = (role: string) => accounts.find((a) => a.role === role && a.organization !== 'MHS')!
    const browser = await launchBrowser(t)

    const caller = await signIn(browser, server.url, account('caller').email, account('caller').password)
    await caller
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Appeler' })
      .click()
    await caller.getByRole('button', { name: 'Appeler le suivant' }).click()
    const heading = caller.getByRole('heading', { level: 3 }).first()
    await heading.waitFor()
    await caller.getByRole('button', { name: 'Orienter le ménage' }).click()
    const dialog = caller.getByRole('dialog')
    await dialog.getByText('Un partenaire').click()
    await dialog.getByLabel(/^Partenaire/).click()
    await caller.getByRole('option', { name: 'CCAS de Nancy' }).click()
    await dialog
      .getByLabel(/^Résumé factuel/)
      .fill('Seule depuis trois semaines, plus de courses livrées ; accepte une aide.')
    await dialog.getByLabel('Le locataire accepte que sa situation soit transmise à ce partenaire').check()
    await dialog.getByRole('button', { name: 'Envoyer l’orientation' }).click()
    await dialog.waitFor({ state: 'hidden' })
    const sent = await server.db
      .selectFrom('referral')
      .innerJoin('household', 'household.id', 'referral.householdId')
      .select(['referral.id', 'referral.status', 'referral.consentGiven', 'household.lastName', 'household.firstName'])
      .where('referral.status', '=', 'sent')
      .where('referral.summary', 'like', 'Seule depuis trois semaines%')
      .executeTakeFirstOrThrow()
    assert.equal(sent.consentGiven, 1)
    assert.match((await heading.textContent()) ?? '', new RegExp(sent.lastName))

    const partner = await signIn(browser, server.url, account('partner').email, account('partner').password)
    await partner.goto(`${server.url}/referrals/${sent.id}`)
    await partner.getByText(sent.lastName).first().waitFor()
    await partner.getByRole('button', { name: 'Accepter' }).click()
    await partner.getByRole('button', { name: 'Commencer l’accompagnement' }).click()
    // The step lands before the note is typed: its success resets the form (a note typed sooner was lost).
    await partner.getByRole('button', { name: 'Commencer l’accompagnement' }).waitFor({ state: 'detached' })
    await partner.getByLabel('Action ou note').fill('Portage de repas mis en place dès lundi.')
    await partner.getByRole('button', { name: 'Clôturer' }).click()
    await partner.getByText('Résolu').first().waitFor()

    const manager = await signIn(browser, server.url, account('manager').email, account('manager').password)
    await manager.goto(`${server.url}/referrals/${sent.id}`)
    await manager.getByText('Résolu').first().waitFor()
    await manager.getByText('Portage de repas mis en place dès lundi.').first().waitFor()
    const done = await server.db.selectFrom('referral').selectAll().where('id', '=', sent.id).executeTakeFirstOrThrow()
    assert.equal(done.status, 'done')
  })
})
