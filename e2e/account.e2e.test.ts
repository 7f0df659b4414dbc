import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { seedDemo } from '../src/server/features/demo/demo.service.js'
import { linkSsoIdentity, saveSsoSettings } from '../src/server/features/sso/sso.queries.js'
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

  it('tells the holder of a reset link mailed before the account moved to its organisation’s provider where to sign in', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 10 })
    const caller = accounts.find((account) => account.role === 'caller')!
    const browser = await launchBrowser(t)
    const page = await (await browser.newContext({ locale: 'fr-FR', viewport: { width: 820, height: 1180 } })).newPage()
    await page.goto(`${server.url}/mot-de-passe-oublie`)
    await page.getByLabel('Adresse e-mail').fill(caller.email)
    await page.getByRole('button', { name: 'Recevoir un lien' }).click()
    await page.getByText(/^Si cette adresse a un compte/).waitFor()
    const mail = await server.db
      .selectFrom('outboxEmail')
      .select('body')
      .where('recipient', '=', caller.email)
      .executeTakeFirstOrThrow()
    const fragment = /\/mot-de-passe(#token=[A-Za-z0-9_-]+)/.exec(mail.body)?.[1]
    assert.ok(fragment, 'the reset mail carries a link')

    // Meanwhile the organisation switches its single sign-on on and the account is bound to it.
    const bound = await server.db
      .selectFrom('user')
      .innerJoin('membership', 'membership.userId', 'user.id')
      .innerJoin('organization', 'organization.id', 'membership.organizationId')
      .select(['user.id as userId', 'organization.id as organizationId', 'organization.name'])
      .where('user.email', '=', caller.email)
      .executeTakeFirstOrThrow()
    const now = new Date().toISOString()
    await saveSsoSettings(server.db, {
      organizationId: bound.organizationId,
      isEnabled: true,
      issuer: 'https://sso.example.org/realms/demo',
      clientId: 'allervers',
      clientSecretEncrypted: 'v1.x.y.z',
      scopes: 'openid email profile',
      groupsClaim: 'groups',
      roleMapping: [{ group: 'appels', role: 'caller' }],
      provisioning: 'first_sign_in',
      updatedAt: now,
      updatedBy: 'test',
    })
    await linkSsoIdentity(server.db, {
      organizationId: bound.organizationId,
      subject: 'sub-e2e',
      userId: bound.userId,
      now,
    })

    await page.goto(`${server.url}/mot-de-passe${fragment}`)
    await page.getByRole('heading', { name: 'Choisir un nouveau mot de passe' }).waitFor()
    // Said on opening the link, before anything is typed: no password field to fill in vain.
    const alert = page.getByRole('alert').filter({ hasText: 'Ce compte se connecte avec votre organisme' })
    await alert.getByText(/connexion unique de votre organisme/).waitFor()
    const words = ((await alert.textContent()) ?? '').replace(/[\u00a0\u202f]/g, ' ')
    assert.ok(
      words.includes(`choisissez « Se connecter avec ${bound.name} »`),
      `names the provider's button: « ${words} »`,
    )
    assert.equal(await page.getByRole('button', { name: 'Enregistrer mon mot de passe' }).count(), 0, 'no form')
    assert.equal(await page.getByLabel(/^Nouveau mot de passe/).count(), 0, 'no password field')
    assert.deepEqual(await seriousViolations(page), [], 'set-password page, account bound to its provider')
    await page.screenshot({ path: screenshotPath('account-set-password-sso-tablet'), fullPage: true })

    await page.getByRole('link', { name: 'Aller à la page de connexion' }).click()
    await page.getByRole('link', { name: `Se connecter avec ${bound.name}` }).waitFor()
  })
})
