import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { seedDemo } from '../src/server/features/demo/demo.service.js'
import { launchBrowser, screenshotPath, seriousViolations, startTestServer } from '../test/browser.js'

describe('user administration in Chromium', () => {
  it('explains why a chosen password is refused, then adds the user with a strong one', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 10 })
    const admin = accounts.find((account) => account.role === 'admin')!
    const browser = await launchBrowser(t)
    const context = await browser.newContext({ locale: 'fr-FR' })
    const page = await context.newPage()
    await page.goto(server.url)
    await page.getByLabel('Adresse e-mail').fill(admin.email)
    await page.getByLabel(/^Mot de passe/).fill(admin.password)
    await page.getByRole('button', { name: 'Se connecter' }).click()
    await page
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Administration' })
      .click()
    await page.getByRole('tab', { name: 'Utilisateurs' }).click()

    const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Ajouter un utilisateur' }) })
    // Sent empty, the form answers in French, not with the browser's « Please fill out this field ».
    await form.getByRole('button', { name: 'Ajouter un utilisateur' }).click()
    await form.getByText('Renseignez ce champ.').first().waitFor()
    await form.getByText('Saisissez une adresse e-mail, par exemple nom@exemple.fr.').waitFor()
    await form.getByLabel('Nom').fill('Odile Vasseur')
    await form.getByLabel('Adresse e-mail').fill('odile.vasseur@demo.allervers.local')
    await form.getByLabel('Organisme').click()
    await page.getByRole('option').first().click()
    await form.getByLabel(/^Mot de passe/).fill('password1234')
    await form.getByRole('button', { name: 'Ajouter un utilisateur' }).click()
    await form.getByText(/^Ce mot de passe est trop facile à deviner\. .*mot de passe/).waitFor()
    await page.screenshot({ path: screenshotPath('admin-password-refused'), fullPage: true })
    assert.deepEqual(
      await seriousViolations(page),
      [],
      'no serious or critical accessibility violation, the refusal shown',
    )
    await page.setViewportSize({ width: 820, height: 1180 })
    await page.screenshot({ path: screenshotPath('admin-password-refused-tablet'), fullPage: true })

    await form.getByLabel(/^Mot de passe/).fill('Odile-2024-vasseur')
    await form.getByRole('button', { name: 'Ajouter un utilisateur' }).click()
    await form.getByText('Ce mot de passe reprend l’adresse e-mail de la personne.').waitFor()

    await form.getByLabel(/^Mot de passe/).fill('Quatre chevaux boivent du thé vert')
    await form.getByRole('button', { name: 'Ajouter un utilisateur' }).click()
    await page.getByRole('cell', { name: 'odile.vasseur@demo.allervers.local' }).waitFor()
    const row = await server.db
      .selectFrom('user')
      .select('name')
      .where('email', '=', 'odile.vasseur@demo.allervers.local')
      .executeTakeFirst()
    assert.equal(row?.name, 'Odile Vasseur')
  })
})
