import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { createOrganization } from '../src/server/features/organizations/organizations.queries.js'
import { saveSsoSettings } from '../src/server/features/sso/sso.queries.js'
import { launchBrowser, screenshotPath, seriousViolations, signIn, startTestServer } from '../test/browser.js'
import { makeOrganization, makeUser } from '../test/factories.js'
import { startOidcProvider } from '../test/oidc-provider.js'

/** Waits until the layout has finished moving (the navigation slides away below the tablet breakpoint). */
async function settled(page: Page) {
  await page.waitForFunction(() => document.getAnimations().every((animation) => animation.playState !== 'running'))
}

describe('single sign-on in Chromium', () => {
  it('an administrator sets the provider on the screen; a person signs in through its form, another is refused', async (t) => {
    const server = await startTestServer(t, { SSO_SECRET_KEY: 'c3'.repeat(32), SSO_ALLOW_HTTP_ISSUER: '1' })
    const provider = await startOidcProvider(t, {
      redirectUri: `${server.url}/api/auth/sso/callback`,
      accounts: {
        'camille.roux': { email: 'camille.roux@nord.example', name: 'Camille Roux', groups: ['agents-allervers'] },
        'marc.comptable': { email: 'marc@nord.example', name: 'Marc Comptable', groups: ['comptabilite'] },
        // An account that had a password before its organisation turned single sign-on on (address set below).
        'sophie.bernard': { email: 'placeholder', name: 'Sophie Bernard', groups: ['agents-allervers'] },
      },
    })
    const organization = await makeOrganization(server.db, { name: 'Habitat du Nord', code: 'HDN' })
    const admin = await makeUser(server.db, 'admin', { organizationId: organization.id })
    const browser = await launchBrowser(t)

    // The administrator configures single sign-on.
    const adminPage = await (await browser.newContext({ locale: 'fr-FR' })).newPage()
    await adminPage.goto(server.url)
    await adminPage.getByLabel('Adresse e-mail').fill(admin.email)
    await adminPage.getByLabel(/^Mot de passe/).fill(admin.password)
    await adminPage.getByRole('button', { name: 'Se connecter' }).click()
    await adminPage
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Administration' })
      .click()
    await adminPage.getByRole('tab', { name: 'Connexion unique' }).click()
    await adminPage.getByTestId('sso-redirect-uri').getByText(`${server.url}/api/auth/sso/callback`).waitFor()
    await adminPage.getByLabel('Connexion unique active').check({ force: true })
    await adminPage.getByLabel(/^Adresse du fournisseur/).fill(provider.issuer)
    await adminPage.getByLabel(/^Identifiant du client/).fill(provider.clientId)
    await adminPage.getByLabel(/^Secret du client/).fill(provider.clientSecret)
    await adminPage.getByLabel(/^Portées demandées/).fill('openid email profile groups')
    await adminPage.getByLabel('Groupe chez le fournisseur 1').fill('agents-allervers')
    await adminPage.getByRole('button', { name: 'Ajouter une ligne' }).click()
    await adminPage.getByLabel('Groupe chez le fournisseur 2').fill('cadres-allervers')
    await adminPage.getByLabel('Rôle dans Allervers 2').first().click()
    await adminPage.getByRole('option', { name: 'Chargé·e de campagne' }).click()
    // A group given the administrator's role: the screen says at once what that grants, and asks before saving.
    await adminPage.getByRole('button', { name: 'Ajouter une ligne' }).click()
    await adminPage.getByLabel('Groupe chez le fournisseur 3').fill('direction-si')
    assert.equal(await adminPage.getByTestId('sso-line-warning-3').count(), 0, 'no warning for a caller')
    await adminPage.getByLabel('Rôle dans Allervers 3').first().click()
    await adminPage.getByRole('option', { name: 'Administrateur·rice' }).click()
    const warning = adminPage.getByTestId('sso-line-warning-3')
    await warning.waitFor()
    assert.equal(await warning.getAttribute('role'), 'alert', 'announced to a screen reader')
    assert.match(String(await warning.textContent()), /administrera tout le réseau, pas seulement cet organisme/)
    assert.match(String(await warning.textContent()), /celle du fournisseur sera la seule/)
    assert.equal(await adminPage.getByTestId('sso-line-warning-2').count(), 0, 'no warning for a manager')
    // A full-page shot of a scrolled page draws the fixed header halfway down.
    await adminPage.evaluate(() => window.scrollTo(0, 0))
    await adminPage.screenshot({ path: screenshotPath('sso-admin-warning'), fullPage: true })
    await adminPage.getByRole('button', { name: 'Enregistrer la connexion unique' }).click()
    const confirmation = adminPage.getByRole('dialog', { name: 'Donner ces rôles par la connexion unique ?' })
    await confirmation.getByText('Groupe « direction-si » → Administrateur·rice (tout le réseau)').waitFor()
    assert.equal(await confirmation.getByText(/cadres-allervers|agents-allervers/).count(), 0, 'only those groups')
    assert.deepEqual(await seriousViolations(adminPage), [], 'the confirmation')
    await adminPage.screenshot({ path: screenshotPath('sso-admin-confirm') })
    // Escape (or « Annuler ») saves nothing.
    await adminPage.keyboard.press('Escape')
    await confirmation.waitFor({ state: 'detached' })
    assert.equal(await server.db.selectFrom('organizationSso').select('organizationId').executeTakeFirst(), undefined)
    await adminPage.getByRole('button', { name: 'Enregistrer la connexion unique' }).click()
    await confirmation.getByRole('button', { name: 'Enregistrer avec ces rôles' }).click()
    await adminPage.getByText('Connexion unique enregistrée.').waitFor()
    await adminPage.getByText(/Un secret est enregistré/).waitFor()
    await adminPage.evaluate(() => window.scrollTo(0, 0))
    await adminPage.screenshot({ path: screenshotPath('sso-admin'), fullPage: true })
    assert.deepEqual(await seriousViolations(adminPage), [], 'the settings screen')
    await adminPage.setViewportSize({ width: 820, height: 1180 })
    await settled(adminPage)
    await adminPage.evaluate(() => window.scrollTo(0, 0))
    await adminPage.screenshot({ path: screenshotPath('sso-admin-tablet'), fullPage: true })
    const stored = await server.db.selectFrom('organizationSso').selectAll().executeTakeFirstOrThrow()
    assert.equal(stored.isEnabled, 1)
    assert.deepEqual(JSON.parse(stored.roleMapping), [
      { group: 'agents-allervers', role: 'caller' },
      { group: 'cadres-allervers', role: 'manager' },
      { group: 'direction-si', role: 'admin' },
    ])

    // A person of the organisation signs in through the provider's own form.
    const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage()
    await page.goto(server.url)
    const ssoButton = page.getByRole('link', { name: 'Se connecter avec Habitat du Nord' })
    await ssoButton.waitFor()
    await page.screenshot({ path: screenshotPath('sso-login'), fullPage: true })
    assert.deepEqual(await seriousViolations(page), [], 'the login page with its provider')
    await ssoButton.click()
    await page.waitForURL((url) => url.href.startsWith(provider.issuer))
    await page.locator('input[name="login"]').fill('camille.roux')
    await page.locator('input[name="password"]').fill('le mot de passe du fournisseur')
    await page.screenshot({ path: screenshotPath('sso-provider-form'), fullPage: true })
    await page.getByRole('button', { name: 'Sign-in' }).click()
    await page.getByText('Bonjour Camille Roux').waitFor()
    await page.screenshot({ path: screenshotPath('sso-signed-in'), fullPage: true })
    const camille = await server.db
      .selectFrom('user')
      .innerJoin('membership', 'membership.userId', 'user.id')
      .select(['membership.role', 'membership.organizationId'])
      .where('user.email', '=', 'camille.roux@nord.example')
      .execute()
    assert.deepEqual(camille, [{ role: 'caller', organizationId: organization.id }])

    // Someone in no mapped group comes back to the login page, told why.
    const refusedPage = await (await browser.newContext({ locale: 'fr-FR' })).newPage()
    await refusedPage.goto(server.url)
    await refusedPage.getByRole('link', { name: 'Se connecter avec Habitat du Nord' }).click()
    await refusedPage.locator('input[name="login"]').fill('marc.comptable')
    await refusedPage.locator('input[name="password"]').fill('un autre mot de passe')
    await refusedPage.getByRole('button', { name: 'Sign-in' }).click()
    await refusedPage
      .getByRole('alert')
      .getByText(/aucun de vos groupes ne donne accès à Allervers/)
      .waitFor()
    assert.equal(new URL(refusedPage.url()).search, '', 'the refusal leaves the address bar')
    await refusedPage.screenshot({ path: screenshotPath('sso-refused'), fullPage: true })
    assert.deepEqual(await seriousViolations(refusedPage), [], 'the refusal')

    // An account that had a password, bound at its first sign-in through the provider: « Mon compte » says where its
    // password and second factor are managed, instead of forms whose answers no sign-in would ever ask.
    const sophie = await makeUser(server.db, 'caller', { organizationId: organization.id })
    provider.accounts.get('sophie.bernard')!.email = sophie.email
    const boundPage = await (await browser.newContext({ locale: 'fr-FR' })).newPage()
    await boundPage.goto(server.url)
    await boundPage.getByRole('link', { name: 'Se connecter avec Habitat du Nord' }).click()
    await boundPage.locator('input[name="login"]').fill('sophie.bernard')
    await boundPage.locator('input[name="password"]').fill('le mot de passe du fournisseur')
    await boundPage.getByRole('button', { name: 'Sign-in' }).click()
    await boundPage.getByText('Bonjour Sophie Bernard').waitFor()
    await boundPage
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Mon compte' })
      .click()
    await boundPage.getByRole('heading', { name: 'Ma connexion' }).waitFor()
    await boundPage
      .getByText(
        'Vous vous connectez avec la connexion unique de votre organisme (Habitat du Nord) : votre mot de passe et votre double authentification se gèrent chez lui.',
      )
      .waitFor()
    await boundPage.getByText('Cette session').waitFor()
    // The session says which organisation's single sign-on opened it.
    await boundPage.getByRole('cell', { name: /Cette session\s*Par la connexion unique de Habitat du Nord/ }).waitFor()
    assert.equal(await boundPage.getByRole('heading', { name: 'Mon mot de passe' }).count(), 0, 'no password form')
    assert.equal(await boundPage.getByLabel(/^Mot de passe actuel/).count(), 0, 'no password form')
    assert.equal(
      await boundPage.getByRole('heading', { name: 'Double authentification' }).count(),
      0,
      'no second factor to add',
    )
    assert.deepEqual(await seriousViolations(boundPage), [], '« Mon compte » of an SSO account')
    await boundPage.screenshot({ path: screenshotPath('sso-account-page'), fullPage: true })
    await boundPage.setViewportSize({ width: 820, height: 1180 })
    await settled(boundPage)
    await boundPage.screenshot({ path: screenshotPath('sso-account-page-tablet'), fullPage: true })

    // Her former password no longer signs in: the login page says which button to use instead.
    const passwordPage = await (await browser.newContext({ locale: 'fr-FR' })).newPage()
    await signIn(passwordPage, server.url, sophie.email, sophie.password)
    await passwordPage
      .getByRole('alert')
      .getByText(
        'Ce compte se connecte avec la connexion unique de son organisme, pas avec un mot de passe : choisissez « Se connecter avec Habitat du Nord ».',
      )
      .waitFor()
    assert.deepEqual(await seriousViolations(passwordPage), [], 'the password refused to an SSO account')
    await passwordPage.screenshot({ path: screenshotPath('sso-password-refused'), fullPage: true })
    await passwordPage.setViewportSize({ width: 820, height: 1180 })
    await settled(passwordPage)
    await passwordPage.screenshot({ path: screenshotPath('sso-password-refused-tablet'), fullPage: true })
  })

  it('an administrator of the network requires the organisation’s single sign-on, told what it changes; its own administrator is asked to try it first', async (t) => {
    const server = await startTestServer(t, { SSO_SECRET_KEY: 'c3'.repeat(32) })
    const organization = await makeOrganization(server.db, { name: 'Habitat du Nord', code: 'HDN' })
    const partner = await createOrganization(server.db, {
      networkId: organization.networkId,
      code: 'ASSO',
      name: 'Association Entraide',
      type: 'partner',
    })
    await saveSsoSettings(server.db, {
      organizationId: organization.id,
      isEnabled: true,
      issuer: 'https://sso.nord.example/realms/hdn',
      clientId: 'allervers',
      clientSecretEncrypted: 'v1.x.y.z',
      scopes: 'openid email profile',
      groupsClaim: 'groups',
      roleMapping: [{ group: 'agents-allervers', role: 'caller' }],
      provisioning: 'first_sign_in',
      updatedAt: new Date().toISOString(),
      updatedBy: 'test',
    })
    const localAdmin = await makeUser(server.db, 'admin', { organizationId: organization.id })
    const agent = await makeUser(server.db, 'caller', { organizationId: organization.id })
    const networkAdmin = await makeUser(server.db, 'admin', { organizationId: partner.id })
    const browser = await launchBrowser(t)
    const isRequired = async () =>
      (
        await server.db
          .selectFrom('organizationSso')
          .select('requireSso')
          .where('organizationId', '=', organization.id)
          .executeTakeFirstOrThrow()
      ).requireSso

    const requireFrom = async (page: Page) => {
      await page
        .getByRole('navigation', { name: 'Navigation principale' })
        .getByRole('link', { name: 'Administration' })
        .click()
      await page.getByRole('tab', { name: 'Connexion unique' }).click()
      await page.getByLabel('Organisme', { exact: true }).first().click()
      await page.getByRole('option', { name: 'Habitat du Nord' }).click()
      await page.getByLabel(/^Adresse du fournisseur/).waitFor()
      await page.getByLabel('Connexion unique obligatoire').check({ force: true })
      await page.getByRole('button', { name: 'Enregistrer la connexion unique' }).click()
      const dialog = page.getByRole('dialog', { name: 'Rendre la connexion unique obligatoire ?' })
      await dialog
        .getByText(
          '2 comptes de l’organisme se connectent aujourd’hui avec un mot de passe : ils devront passer par la connexion unique, et leurs sessions en cours prennent fin.',
        )
        .waitFor()
      return dialog
    }

    // The organisation's own administrator, who signs in with a password: the confirmation, then a refusal that says why.
    const localPage = await (await browser.newContext({ locale: 'fr-FR' })).newPage()
    await signIn(localPage, server.url, localAdmin.email, localAdmin.password)
    const localDialog = await requireFrom(localPage)
    await localDialog.getByRole('button', { name: 'Rendre obligatoire' }).click()
    await localPage
      .getByRole('alert')
      .getByText(/Votre compte se connecte encore à cet organisme avec un mot de passe/)
      .waitFor()
    assert.equal(await isRequired(), 0, 'nothing saved')
    await localPage.evaluate(() => window.scrollTo(0, 0))
    await localPage.screenshot({ path: screenshotPath('sso-require-not-proven'), fullPage: true })

    // The network's administrator, from the partner association: confirmed, saved, and the agent's password refused.
    const adminPage = await (await browser.newContext({ locale: 'fr-FR' })).newPage()
    await signIn(adminPage, server.url, networkAdmin.email, networkAdmin.password)
    const dialog = await requireFrom(adminPage)
    await dialog
      .getByText('Vérifiez avant que chacun a un compte chez le fournisseur, dans un groupe associé à un rôle.')
      .waitFor()
    assert.deepEqual(await seriousViolations(adminPage), [], 'the confirmation')
    await adminPage.screenshot({ path: screenshotPath('sso-require-confirm') })
    await adminPage.setViewportSize({ width: 820, height: 1180 })
    await settled(adminPage)
    await adminPage.screenshot({ path: screenshotPath('sso-require-confirm-tablet') })
    await dialog.getByRole('button', { name: 'Rendre obligatoire' }).click()
    await adminPage.getByText('Connexion unique enregistrée.').waitFor()
    assert.equal(await isRequired(), 1)
    assert.equal(await adminPage.getByRole('switch', { name: 'Connexion unique obligatoire' }).isChecked(), true)
    // The users list says who reaches the organisation only once they have signed in through its provider.
    await adminPage.getByRole('tab', { name: 'Utilisateurs' }).click()
    const awaiting = adminPage
      .getByRole('row')
      .filter({ hasText: agent.email })
      .getByTestId('membership-awaiting-provider')
    await awaiting.getByText(/Connexion unique obligatoire\s:\sn’accède à cet organisme qu’après/).waitFor()
    assert.deepEqual(await seriousViolations(adminPage), [], 'the users list')
    await adminPage.screenshot({ path: screenshotPath('sso-require-users-tablet'), fullPage: true })

    const agentPage = await (await browser.newContext({ locale: 'fr-FR' })).newPage()
    await signIn(agentPage, server.url, agent.email, agent.password)
    await agentPage
      .getByRole('alert')
      .getByText(
        'Ce compte se connecte avec la connexion unique de son organisme, pas avec un mot de passe : choisissez « Se connecter avec Habitat du Nord ».',
      )
      .waitFor()
    assert.deepEqual(await seriousViolations(agentPage), [], 'the password refused')
  })
})
