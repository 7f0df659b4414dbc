import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { seedDemo } from '../src/server/features/demo/demo.service.js'
import { launchBrowser, screenshotPath, seriousViolations, signIn, startTestServer } from '../test/browser.js'

async function signedInPage(browser: Browser, url: string, email: string, password: string, width: number) {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width, height: 1180 } })
  const page = await context.newPage()
  await signIn(page, url, email, password)
  await page.getByRole('heading', { level: 2, name: /^Bonjour/ }).waitFor()
  return page
}

describe('rectification at the tenant’s request in Chromium', () => {
  it('an administrator answers a request of the register from the household’s page; a manager rectifies without one', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 20 })
    const account = (role: string) => accounts.find((a) => a.role === role && a.organization === 'TDL')!
    const household = await server.db
      .selectFrom('household')
      .innerJoin('organization', 'organization.id', 'household.organizationId')
      .select(['household.id', 'household.externalRef', 'household.lastName', 'household.firstName'])
      .where('organization.code', '=', 'TDL')
      .where('household.firstName', 'is not', null)
      .orderBy('household.externalRef')
      .limit(1)
      .executeTakeFirstOrThrow()
    const browser = await launchBrowser(t)

    // The administrator registers the tenant's request on the DPO's desk, then follows it to the household's page.
    const admin = await signedInPage(browser, server.url, account('admin').email, account('admin').password, 1280)
    await admin.goto(`${server.url}/protection-des-donnees?tab=demandes`)
    const form = admin.getByRole('region', { name: 'Enregistrer une demande' })
    await form.getByLabel(/^Référence du ménage/).fill(household.externalRef)
    await form.getByLabel('Rectification').check()
    await form.getByRole('button', { name: 'Enregistrer la demande' }).click()
    const row = admin.getByRole('row').filter({ hasText: household.externalRef })
    await row
      .getByRole('link', { name: `Rectifier les données du ménage ${household.externalRef} sur sa fiche` })
      .click()

    // The dialog opens with the request named; the household's values are filled in.
    const dialog = admin.getByRole('dialog', { name: `Rectifier les données du ménage ${household.externalRef}` })
    await dialog.getByText('Cette rectification répond à la demande ouverte au registre', { exact: false }).waitFor()
    assert.equal(await dialog.getByLabel(/^Nom/).inputValue(), household.lastName)
    // Nothing changed: nothing to review. An emptied name is refused before anything is sent.
    assert.equal(await dialog.getByRole('button', { name: /^Relire/ }).isDisabled(), true)
    await dialog.getByLabel(/^Nom/).fill('  ')
    await dialog.getByRole('alert').filter({ hasText: 'Un ménage garde un nom.' }).waitFor()
    assert.equal(await dialog.getByRole('button', { name: /^Relire/ }).isDisabled(), true)
    // A date of birth half typed is refused too.
    await dialog.getByLabel(/^Nom/).fill('Martin-Lefèvre')
    await dialog.getByLabel(/^Date de naissance/).fill('12/03/19')
    await dialog.getByRole('alert').filter({ hasText: 'Saisissez une date de naissance entière' }).waitFor()
    await dialog.getByLabel(/^Date de naissance/).fill('12/03/1941')
    await dialog.getByRole('button', { name: 'Relire les 2 modifications' }).click()

    // The changes are read back, old → new, with what cannot be undone.
    await dialog.getByText('Ces 2 modifications seront faites :').waitFor()
    const changes = await dialog.getByRole('listitem').allInnerTexts()
    assert.equal(changes.length, 2)
    assert.ok(
      changes.some((text) => text.replace(/\s/g, ' ').includes(`Nom : ${household.lastName} → Martin-Lefèvre`)),
      changes.join(' | '),
    )
    assert.ok(
      changes.some((text) => text.includes('→ 12/03/1941')),
      changes.join(' | '),
    )
    await dialog.getByText('ne pourront pas être rétablies', { exact: false }).waitFor()
    assert.deepEqual(await seriousViolations(admin), [], 'rectification read back')
    await admin.screenshot({ path: screenshotPath('rectification-confirm') })
    await dialog.getByRole('button', { name: 'Rectifier les 2 champs' }).click()

    // Done: said, the page shows the new name, the register's request is closed as rectified.
    await admin.getByText('Données rectifiées : Nom et Date de naissance.').waitFor()
    await admin.getByRole('heading', { level: 2, name: /Martin-Lefèvre/ }).waitFor()
    // The page says which fields were rectified and that the landlord's next import keeps them.
    await admin
      .getByText(
        'Champs rectifiés à la demande du locataire : Nom et Date de naissance. Un import du fichier du bailleur qui donne d’autres valeurs ne les remplace pas.',
      )
      .waitFor()
    assert.deepEqual(await seriousViolations(admin), [], 'the rectified fields said on the household page')
    await admin.screenshot({ path: screenshotPath('rectification-kept'), fullPage: true })
    // The request answered is closed: the page forgets it, a next rectification would register its own.
    await admin.waitForURL((url) => !url.searchParams.has('request'))
    // The household's history says it, naming the fields, never the values.
    const history = admin.getByRole('region', { name: 'Historique' })
    await history.getByText('Données rectifiées à la demande du locataire').waitFor()
    await history.getByText('Champs : Nom et Date de naissance', { exact: false }).waitFor()
    const saved = await server.db
      .selectFrom('household')
      .select(['lastName', 'birthDate'])
      .where('id', '=', household.id)
      .executeTakeFirstOrThrow()
    assert.deepEqual(saved, { lastName: 'Martin-Lefèvre', birthDate: '1941-03-12' })
    await admin.goto(`${server.url}/protection-des-donnees?tab=demandes`)
    await admin.getByText('Aucune demande.').waitFor()
    await admin.getByText('Closes', { exact: true }).click()
    await admin
      .getByRole('row')
      .filter({ hasText: household.externalRef })
      .getByText('Données rectifiées', { exact: false })
      .waitFor()

    // A manager on a tablet rectifies a first name without a request: one is registered and closed with it.
    const manager = await signedInPage(browser, server.url, account('manager').email, account('manager').password, 820)
    await manager.goto(`${server.url}/households/${household.id}`)
    await manager.getByRole('button', { name: 'Rectifier…' }).click()
    const managerDialog = manager.getByRole('dialog', { name: /^Rectifier les données du ménage/ })
    await managerDialog.getByText('Aucune demande ouverte n’est indiquée', { exact: false }).waitFor()
    await managerDialog.getByLabel(/^Prénom/).fill('Jeanne')
    assert.deepEqual(await seriousViolations(manager), [], 'rectification form on a tablet')
    await manager.screenshot({ path: screenshotPath('rectification-form-tablet') })
    await managerDialog.getByRole('button', { name: 'Relire la modification' }).click()
    // « Modifier » goes back to the form with what was typed.
    await managerDialog.getByRole('button', { name: 'Modifier' }).click()
    assert.equal(await managerDialog.getByLabel(/^Prénom/).inputValue(), 'Jeanne')
    await managerDialog.getByRole('button', { name: 'Relire la modification' }).click()
    await managerDialog.getByRole('button', { name: 'Rectifier', exact: true }).click()
    await manager.getByText('Données rectifiées : Prénom.').waitFor()
    await manager
      .getByText('Champs rectifiés à la demande du locataire : Nom, Prénom et Date de naissance.', { exact: false })
      .waitFor()
    assert.deepEqual(await seriousViolations(manager), [], 'the rectified fields said, on a tablet')
    await manager.screenshot({ path: screenshotPath('rectification-kept-tablet'), fullPage: true })
    // A postcode whose communes do not include the town is refused, in words; the town typed carelessly with it is
    // written as the official list writes it.
    await manager.getByRole('button', { name: 'Rectifier…' }).click()
    assert.equal(await managerDialog.getByLabel(/^Commune/).inputValue(), 'Nancy')
    // A town typed otherwise, which the official list writes as stored: nothing to rectify, said in the dialog, which
    // stays open; nothing is registered (the three requests below are all).
    await managerDialog.getByLabel(/^Commune/).fill('NANCY')
    await managerDialog.getByRole('button', { name: 'Relire la modification' }).click()
    await managerDialog.getByRole('button', { name: 'Rectifier', exact: true }).click()
    await managerDialog
      .getByRole('alert')
      .filter({ hasText: 'Rien à rectifier : ce qui a été saisi est déjà enregistré' })
      .waitFor()
    assert.deepEqual(await seriousViolations(manager), [], 'nothing to rectify')
    await manager.screenshot({ path: screenshotPath('rectification-nothing-to-rectify') })
    await managerDialog.getByRole('button', { name: 'Modifier' }).click()
    await managerDialog.getByLabel(/^Commune/).fill('Nancy')
    await managerDialog.getByLabel(/^Code postal/).fill('54500')
    await managerDialog.getByRole('button', { name: 'Relire la modification' }).click()
    await managerDialog.getByRole('button', { name: 'Rectifier', exact: true }).click()
    await managerDialog
      .getByRole('alert')
      .filter({
        hasText: '« Nancy » n’est pas une commune du code postal 54500 : corrigez la commune ou le code postal',
      })
      .waitFor()
    assert.deepEqual(await seriousViolations(manager), [], 'an address refused')
    await manager.screenshot({ path: screenshotPath('rectification-address-refused') })
    await managerDialog.getByRole('button', { name: 'Modifier' }).click()
    // Back in the form, the refusal stays on the refused field until the form is edited.
    const postcode = managerDialog.getByLabel(/^Code postal/)
    assert.equal(await postcode.getAttribute('aria-invalid'), 'true')
    await managerDialog.getByText('« Nancy » n’est pas une commune du code postal 54500', { exact: false }).waitFor()
    assert.deepEqual(await seriousViolations(manager), [], 'the refused field in the form')
    await manager.screenshot({ path: screenshotPath('rectification-address-field') })
    await managerDialog.getByLabel(/^Commune/).fill('vandoeuvre les nancy')
    assert.equal(await postcode.getAttribute('aria-invalid'), null, 'cleared once the form is edited')
    await managerDialog.getByRole('button', { name: 'Relire les 2 modifications' }).click()
    await managerDialog.getByRole('button', { name: 'Rectifier les 2 champs' }).click()
    await manager.getByText('Données rectifiées : Code postal et Commune.').waitFor()
    await manager.getByText('54500 Vandœuvre-lès-Nancy', { exact: false }).first().waitFor()
    assert.deepEqual(
      await server.db
        .selectFrom('household')
        .select(['postcode', 'city', 'inseeCode'])
        .where('id', '=', household.id)
        .executeTakeFirstOrThrow(),
      { postcode: '54500', city: 'Vandœuvre-lès-Nancy', inseeCode: '54547' },
    )

    const requests = await server.db
      .selectFrom('dataRequest')
      .select(['status', 'outcome'])
      .where('householdId', '=', household.id)
      .orderBy('createdAt')
      .execute()
    assert.deepEqual(requests, [
      { status: 'closed', outcome: 'rectified' },
      { status: 'closed', outcome: 'rectified' },
      { status: 'closed', outcome: 'rectified' },
    ])
  })
})
