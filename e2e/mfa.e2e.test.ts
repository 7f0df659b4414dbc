import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { describe, it } from 'node:test'
import { Secret, TOTP } from 'otpauth'
import { DEMO_ACCOUNTS, seedDemo } from '../src/server/features/demo/demo.service.js'
import { launchBrowser, screenshotPath, seriousViolations, signIn, startTestServer } from '../test/browser.js'

/** The test's "phone": the code an authenticator app shows for the secret read on the page. */
function phoneCode(secret: string, timestamp = Date.now()) {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp,
  })
}

describe('the second factor, in Chromium', () => {
  it('makes a manager enrol, then asks a code at each sign-in, or a recovery code once', async (t) => {
    // The default roles (admin, manager, social worker, DPO) must have a second factor.
    const server = await startTestServer(t, { MFA_REQUIRED_ROLES: '' })
    const { accounts } = await seedDemo(server.db, { households: 10 })
    const manager = accounts.find((account) => account.role === 'manager')!
    const browser = await launchBrowser(t)
    const context = await browser.newContext({ locale: 'fr-FR', acceptDownloads: true })
    const page = await context.newPage()
    const navigation = page.getByRole('navigation', { name: 'Navigation principale' })

    // First sign-in: the password is right, and the role requires a second factor the account does not have.
    await signIn(page, server.url, manager.email, manager.password)
    await page.getByRole('heading', { name: 'Activer la double authentification' }).waitFor()
    await page.getByRole('img', { name: 'QR code à scanner avec votre application d’authentification' }).waitFor()
    assert.equal(await navigation.count(), 0, 'nothing of the app before the second factor')
    const secret = ((await page.getByTestId('mfa-secret').textContent()) ?? '').replaceAll(/\s/g, '')
    assert.match(secret, /^[A-Z2-7]{32}$/, 'the secret is on the page as text')
    assert.deepEqual(await seriousViolations(page), [], 'enrolment page')
    await page.screenshot({ path: screenshotPath('mfa-enrol'), fullPage: true })

    await page.getByLabel(/^Code à 6 chiffres/).fill('12345')
    await page.getByRole('button', { name: 'Activer' }).click()
    await page.getByText('Saisissez les 6 chiffres du code.').waitFor()
    await page.getByLabel(/^Code à 6 chiffres/).fill(phoneCode(secret))
    await page.getByRole('button', { name: 'Activer' }).click()
    await page.getByRole('heading', { name: 'Vos codes de secours' }).waitFor()
    const codes = (await page.getByTestId('recovery-codes').getByRole('listitem').allInnerTexts()).map((code) =>
      code.trim(),
    )
    assert.equal(codes.length, 10)
    for (const code of codes) assert.match(code, /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/)
    assert.deepEqual(await seriousViolations(page), [], 'recovery codes')
    await page.screenshot({ path: screenshotPath('mfa-recovery-codes'), fullPage: true })
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Télécharger' }).click(),
    ])
    const file = await readFile((await download.path())!, 'utf8')
    for (const code of codes) assert.ok(file.includes(code), 'the downloaded file holds every code')
    await page.getByRole('button', { name: 'J’ai noté mes codes' }).click()
    await navigation.getByRole('link', { name: 'Mon compte' }).click()
    await page.getByRole('heading', { name: 'Double authentification' }).waitFor()
    await page.getByText('10 codes de secours restants.', { exact: false }).waitFor()
    await page.getByText('Votre rôle demande la double authentification : elle ne peut pas être désactivée.').waitFor()
    assert.equal(await page.getByRole('button', { name: 'Désactiver', exact: true }).count(), 0)
    assert.deepEqual(await seriousViolations(page), [], '« Mon compte » with the second factor on')
    await page.screenshot({ path: screenshotPath('mfa-account'), fullPage: true })
    await page.getByRole('button', { name: 'Se déconnecter' }).click()

    // Signing in again: a code of the app. The code just used for enrolment would be refused, so the "phone" shows
    // the next one (a phone's clock a little ahead is accepted).
    await signIn(page, server.url, manager.email, manager.password)
    await page.getByRole('heading', { name: 'Code de vérification' }).waitFor()
    await page.getByLabel(/^Code à 6 chiffres/).fill('000000')
    await page.getByRole('button', { name: 'Valider' }).click()
    await page.getByText('Ce code n’est pas le bon. Il vous reste 4 essais.').waitFor()
    assert.deepEqual(await seriousViolations(page), [], 'code page, wrong code')
    await page.screenshot({ path: screenshotPath('mfa-code'), fullPage: true })
    await page.getByLabel(/^Code à 6 chiffres/).fill(phoneCode(secret, Date.now() + 30_000))
    await page.getByRole('button', { name: 'Valider' }).click()
    await navigation.waitFor()
    await page.getByRole('button', { name: 'Se déconnecter' }).click()

    // Without the phone: a recovery code, once.
    await signIn(page, server.url, manager.email, manager.password)
    await page.getByRole('button', { name: 'Je n’ai pas mon téléphone : utiliser un code de secours' }).click()
    await page.getByLabel(/^Code de secours/).fill(codes[0]!.toUpperCase())
    await page.getByRole('button', { name: 'Valider' }).click()
    await page.getByText('Vous êtes connecté·e. Il vous reste 9 codes de secours.', { exact: false }).waitFor()
    assert.deepEqual(await seriousViolations(page), [], 'recovery code accepted')
    await page.screenshot({ path: screenshotPath('mfa-recovery-used'), fullPage: true })
    await page.getByRole('button', { name: 'Continuer' }).click()
    await navigation.waitFor()
    await page.getByRole('button', { name: 'Se déconnecter' }).click()

    await signIn(page, server.url, manager.email, manager.password)
    await page.getByRole('button', { name: 'Je n’ai pas mon téléphone : utiliser un code de secours' }).click()
    await page.getByLabel(/^Code de secours/).fill(codes[0]!)
    await page.getByRole('button', { name: 'Valider' }).click()
    await page.getByText('Ce code n’est pas le bon. Il vous reste 4 essais.').waitFor()

    const logins = await server.db
      .selectFrom('auditEvent')
      .select('details')
      .where('action', '=', 'auth.login')
      .where('actorEmail', '=', manager.email)
      .execute()
    assert.deepEqual(
      logins.map((login) => JSON.parse(String(login.details)).secondFactor),
      ['enrolled', 'totp', 'recovery_code'],
    )
  })

  it('lets an administrator reset the second factor of a manager who lost their phone', async (t) => {
    const server = await startTestServer(t, { MFA_REQUIRED_ROLES: 'manager' })
    const { accounts } = await seedDemo(server.db, { households: 10 })
    const manager = accounts.find((account) => account.role === 'manager')!
    const admin = accounts.find((account) => account.role === 'admin')!
    const name = DEMO_ACCOUNTS.find((account) => account.email === manager.email)!.name
    const browser = await launchBrowser(t)

    const managerPage = await (await browser.newContext({ locale: 'fr-FR' })).newPage()
    await signIn(managerPage, server.url, manager.email, manager.password)
    await managerPage.getByRole('heading', { name: 'Activer la double authentification' }).waitFor()
    const secret = ((await managerPage.getByTestId('mfa-secret').textContent()) ?? '').replaceAll(/\s/g, '')
    await managerPage.getByLabel(/^Code à 6 chiffres/).fill(phoneCode(secret))
    await managerPage.getByRole('button', { name: 'Activer' }).click()
    await managerPage.getByRole('button', { name: 'J’ai noté mes codes' }).click()
    await managerPage.getByRole('navigation', { name: 'Navigation principale' }).waitFor()

    // The administrator's role is not made to enrol here: the password alone.
    const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage()
    await signIn(page, server.url, admin.email, admin.password)
    await page
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Administration' })
      .click()
    await page.getByRole('tab', { name: 'Utilisateurs' }).click()
    const row = page.getByRole('row').filter({ hasText: manager.email })
    await row.getByText('Double authentification').waitFor()
    await row.screenshot({ path: screenshotPath('mfa-admin-users') })
    await row.getByRole('button', { name: `Réinitialiser la double authentification de ${name}` }).click()
    const dialog = page.getByRole('dialog', { name: `Réinitialiser la double authentification de ${name} ?` })
    await dialog.waitFor()
    assert.deepEqual(await seriousViolations(page), [], 'reset dialog')
    await page.screenshot({ path: screenshotPath('mfa-admin-reset') })
    await dialog.getByRole('button', { name: 'Réinitialiser' }).click()
    await page.getByText(`La double authentification de ${name} est réinitialisée.`).waitFor()
    await row.getByText('Double authentification').waitFor({ state: 'detached' })

    // The manager's session has ended; their next sign-in enrols a new phone.
    await managerPage.reload()
    await managerPage.getByRole('button', { name: 'Se connecter' }).waitFor()
    await signIn(managerPage, server.url, manager.email, manager.password)
    await managerPage.getByRole('heading', { name: 'Activer la double authentification' }).waitFor()
    const newSecret = ((await managerPage.getByTestId('mfa-secret').textContent()) ?? '').replaceAll(/\s/g, '')
    assert.notEqual(newSecret, secret, 'a new secret for the new phone')
    const reset = await server.db
      .selectFrom('auditEvent')
      .select(['actorEmail', 'entityId'])
      .where('action', '=', 'user.mfa_reset')
      .execute()
    assert.equal(reset.length, 1)
  })
})
