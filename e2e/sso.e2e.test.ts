import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { launchBrowser, screenshotPath, seriousViolations, startTestServer } from '../test/browser.js'
import { makeOrganization, makeUser } from '../test/factories.js'
import { startOidcProvider } from '../test/oidc-provider.js'

describe('single sign-on in Chromium', () => {
  it('an administrator sets the provider on the screen; a person signs in through its form, another is refused', async (t) => {
    const server = await startTestServer(t, { SSO_SECRET_KEY: 'c3'.repeat(32), SSO_ALLOW_HTTP_ISSUER: '1' })
    const provider = await startOidcProvider(t, {
      redirectUri: `${server.url}/api/auth/sso/callback`,
      accounts: {
        'camille.roux': { email: 'camille.roux@nord.example', name: 'Camille Roux', groups: ['agents-allervers'] },
        'marc.comptable': { email: 'marc@nord.example', name: 'Marc Comptable', groups: ['comptabilite'] },
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
    await adminPage.getByRole('button', { name: 'Enregistrer la connexion unique' }).click()
    await adminPage.getByText('Connexion unique enregistrée.').waitFor()
    await adminPage.getByText(/Un secret est enregistré/).waitFor()
    await adminPage.screenshot({ path: screenshotPath('sso-admin'), fullPage: true })
    assert.deepEqual(await seriousViolations(adminPage), [], 'the settings screen')
    const stored = await server.db.selectFrom('organizationSso').selectAll().executeTakeFirstOrThrow()
    assert.equal(stored.isEnabled, 1)
    assert.deepEqual(JSON.parse(stored.roleMapping), [
      { group: 'agents-allervers', role: 'caller' },
      { group: 'cadres-allervers', role: 'manager' },
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
  })
})
