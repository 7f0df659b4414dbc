import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { seedDemo } from '../src/server/features/demo/demo.service.js'
import { launchBrowser, screenshotPath, seriousViolations, startTestServer } from '../test/browser.js'

const PASSWORD = 'Quatre chevaux boivent du thé vert au matin'

describe('accounts people manage themselves, in Chromium', () => {
  it('invites by email, the invited person sets a password, sees their sessions; disabled, they are signed out', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 10 })
    const admin = accounts.find((account) => account.role === 'admin')!
    const browser = await launchBrowser(t)

    const adminPage = await (await browser.newContext({ locale: 'fr-FR' })).newPage()
    await adminPage.goto(server.url)
    await adminPage.getByLabel('Adresse e-mail').fill(admin.email)
    await adminPage.getByLabel(/^Mot de passe/).fill(admin.password)
    await adminPage.getByRole('button', { name: 'Se connecter' }).click()
    await adminPage
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Administration' })
      .click()
    await adminPage.getByRole('tab', { name: 'Utilisateurs' }).click()
    const invite = adminPage
      .locator('form')
      .filter({ has: adminPage.getByRole('button', { name: 'Envoyer l’invitation' }) })
    await invite.getByLabel('Nom').fill('Inès Morel')
    await invite.getByLabel('Adresse e-mail').fill('ines.morel@demo.allervers.local')
    await invite.getByLabel('Organisme').click()
    await adminPage.getByRole('option').first().click()
    await invite.getByRole('button', { name: 'Envoyer l’invitation' }).click()
    await adminPage.getByText(/^Invitation envoyée à ines\.morel@demo\.allervers\.local/).waitFor()

    const mail = await server.db
      .selectFrom('outboxEmail')
      .select('body')
      .where('recipient', '=', 'ines.morel@demo.allervers.local')
      .executeTakeFirstOrThrow()
    const fragment = /\/mot-de-passe(#token=[A-Za-z0-9_-]+)/.exec(mail.body)?.[1]
    assert.ok(fragment, 'the invitation carries a link')

    // The invited person, in a browser of their own, without signing in.
    const context = await browser.newContext({ locale: 'fr-FR' })
    const page = await context.newPage()
    await page.goto(`${server.url}/mot-de-passe${fragment}`)
    await page.getByRole('heading', { name: 'Bienvenue sur Allervers' }).waitFor()
    await page.getByText(/Bonjour Inès Morel/).waitFor()
    await page.getByLabel(/^Nouveau mot de passe( \*)?$/).fill('password1234')
    await page.getByLabel(/^Nouveau mot de passe, encore une fois/).fill('password1234')
    await page.getByRole('button', { name: 'Enregistrer mon mot de passe' }).click()
    await page.getByText(/^Ce mot de passe est trop facile à deviner/).waitFor()
    assert.deepEqual(await seriousViolations(page), [], 'set-password page, refusal shown')
    await page.screenshot({ path: screenshotPath('account-set-password-refused'), fullPage: true })
    await page.getByLabel(/^Nouveau mot de passe( \*)?$/).fill(PASSWORD)
    await page.getByLabel(/^Nouveau mot de passe, encore une fois/).fill(PASSWORD)
    await page.getByRole('button', { name: 'Enregistrer mon mot de passe' }).click()
    await page.getByText('Votre mot de passe est enregistré. Vous pouvez vous connecter.').waitFor()
    assert.equal(new URL(page.url()).hash, '', 'the token has left the address bar')

    await page.getByRole('link', { name: 'Se connecter' }).click()
    await page.getByLabel('Adresse e-mail').fill('ines.morel@demo.allervers.local')
    await page.getByLabel(/^Mot de passe/).fill(PASSWORD)
    await page.getByRole('button', { name: 'Se connecter' }).click()
    await page
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Mon compte' })
      .click()
    await page.getByRole('heading', { name: 'Mes sessions' }).waitFor()
    await page.getByText('Cette session').waitFor()
    assert.deepEqual(await seriousViolations(page), [], '« Mon compte »')
    await page.screenshot({ path: screenshotPath('account-page'), fullPage: true })
    await page.setViewportSize({ width: 820, height: 1180 })
    await page.screenshot({ path: screenshotPath('account-page-tablet'), fullPage: true })

    // The administrator disables the account, after confirming: the person's next request finds no session.
    await adminPage.reload()
    await adminPage.getByRole('tab', { name: 'Utilisateurs' }).click()
    await adminPage.getByRole('button', { name: 'Désactiver le compte de Inès Morel' }).click()
    const dialog = adminPage.getByRole('dialog', { name: 'Désactiver le compte de Inès Morel ?' })
    await dialog.waitFor()
    assert.deepEqual(await seriousViolations(adminPage), [], 'the confirmation')
    await adminPage.screenshot({ path: screenshotPath('account-disable-confirm'), fullPage: true })
    await dialog.getByRole('button', { name: 'Désactiver' }).click()
    await adminPage.getByText('Le compte de Inès Morel est désactivé.').waitFor()
    await page.reload()
    await page.getByRole('button', { name: 'Se connecter' }).waitFor()

    // Forgotten password: reachable signed out, the same answer for any address.
    await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click()
    await page.getByLabel('Adresse e-mail').fill('personne@nulle.part')
    await page.getByRole('button', { name: 'Recevoir un lien' }).click()
    await page.getByText(/^Si cette adresse a un compte/).waitFor()
    assert.deepEqual(await seriousViolations(page), [], 'forgotten password')
    await page.screenshot({ path: screenshotPath('account-forgot-tablet'), fullPage: true })
  })
})
