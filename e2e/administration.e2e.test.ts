import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { nowTimestamp } from '../src/server/db/time.js'
import { seedDemo } from '../src/server/features/demo/demo.service.js'
import {
  createNetwork,
  createOrganization,
  findOrganizationByCode,
} from '../src/server/features/organizations/organizations.queries.js'
import { linkSsoIdentity } from '../src/server/features/sso/sso.queries.js'
import { insertUser, upsertMembership } from '../src/server/features/users/users.queries.js'
import { launchBrowser, screenshotPath, seriousViolations, signIn, startTestServer } from '../test/browser.js'

/** Signs the administrator in and opens « Administration », tab « Utilisateurs ». */
async function openUsersTab(page: Page, base: string, admin: { email: string; password: string }) {
  await signIn(page, base, admin.email, admin.password)
  await page
    .getByRole('navigation', { name: 'Navigation principale' })
    .getByRole('link', { name: 'Administration' })
    .click()
  await page.getByRole('tab', { name: 'Utilisateurs' }).click()
}

describe('user administration in Chromium', () => {
  it('explains why a chosen password is refused, then adds the user with a strong one', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 10 })
    const admin = accounts.find((account) => account.role === 'admin')!
    const browser = await launchBrowser(t)
    const context = await browser.newContext({ locale: 'fr-FR' })
    const page = await context.newPage()
    await openUsersTab(page, server.url, admin)

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

  it('takes a person out of one organisation after a confirmation naming them, and explains why a shared account is not disabled', async (t) => {
    const server = await startTestServer(t)
    const { db } = server
    const { accounts } = await seedDemo(db, { households: 10 })
    const admin = accounts.find((account) => account.role === 'admin')!
    const landlord = (await findOrganizationByCode(db, 'TDL'))!
    const sister = (await findOrganizationByCode(db, 'MHS'))!
    // A social worker of a partner association, working with two landlords of the network.
    const ines = await insertUser(db, { email: 'ines.moreau@asso.example', name: 'Inès Moreau', passwordHash: 'x' })
    await upsertMembership(db, { userId: ines.id, organizationId: landlord.id, role: 'social_worker' })
    await upsertMembership(db, { userId: ines.id, organizationId: sister.id, role: 'social_worker' })
    // She reaches the second through its single sign-on: her account is bound to its provider.
    await linkSsoIdentity(db, {
      organizationId: sister.id,
      subject: 'ines.moreau',
      userId: ines.id,
      now: nowTimestamp(),
    })
    // Another who also works for a landlord of another network.
    const farNetwork = await createNetwork(db, { code: 'alsace', name: 'Réseau d’Alsace' })
    const far = await createOrganization(db, {
      networkId: farNetwork.id,
      code: 'HAB67',
      name: 'Habitat du Rhin',
      type: 'landlord',
    })
    const samir = await insertUser(db, { email: 'samir.haddad@asso.example', name: 'Samir Haddad', passwordHash: 'x' })
    await upsertMembership(db, { userId: samir.id, organizationId: landlord.id, role: 'social_worker' })
    await upsertMembership(db, { userId: samir.id, organizationId: far.id, role: 'social_worker' })

    const browser = await launchBrowser(t)
    const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage()
    await openUsersTab(page, server.url, admin)

    // The shared account: an explanation instead of « Désactiver »; the other network is not named.
    const samirRow = page.getByRole('row').filter({ hasText: 'samir.haddad@asso.example' })
    await samirRow
      .getByText(
        'Ce compte travaille aussi dans un autre réseau : retirez-le de vos organismes plutôt que de le désactiver.',
      )
      .waitFor()
    assert.equal(await samirRow.getByRole('button', { name: /^Désactiver/ }).count(), 0)
    assert.equal(await page.getByText('Habitat du Rhin').count(), 0)
    assert.equal(await page.getByText('HAB67').count(), 0)
    await samirRow.getByRole('button', { name: /^Retirer de l’organisme Toits de Lorraine : Samir Haddad/ }).waitFor()

    // Keyboard: the removal opens with Enter, Escape closes it and removes nothing.
    const inesRow = page.getByRole('row').filter({ hasText: 'ines.moreau@asso.example' })
    const remove = inesRow.getByRole('button', {
      name: 'Retirer de l’organisme Moselle Habitat Solidaire : Inès Moreau, Travailleur·se social·e',
    })
    await remove.focus()
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: 'Retirer Inès Moreau de Moselle Habitat Solidaire ?' })
    await dialog
      .getByText(
        'Inès Moreau n’aura plus le rôle « Travailleur·se social·e » dans Moselle Habitat Solidaire, tout de suite, sur tous les serveurs. Ses autres organismes ne changent pas.',
      )
      .waitFor()
    assert.equal(await dialog.getByText(/C’est son dernier organisme/).count(), 0, 'she keeps Toits de Lorraine')
    // Through single sign-on, the removal holds only if the provider stops giving her a role: said before confirming.
    await dialog
      .getByText(
        'Cette personne se connecte par la connexion unique de l’organisme : tant que son fournisseur la place dans un groupe associé à un rôle, elle retrouvera cet organisme à sa prochaine connexion. Retirez-la aussi de ce groupe chez le fournisseur.',
      )
      .waitFor()
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
    // A membership reached with a password: no such warning.
    await samirRow.getByRole('button', { name: /^Retirer de l’organisme Toits de Lorraine : Samir Haddad/ }).click()
    const samirDialog = page.getByRole('dialog', { name: 'Retirer Samir Haddad de Toits de Lorraine ?' })
    await samirDialog.getByText(/^Samir Haddad n’aura plus le rôle/).waitFor()
    assert.equal(await samirDialog.getByText(/connexion unique/).count(), 0, 'Samir signs in with a password')
    await page.keyboard.press('Escape')
    await samirDialog.waitFor({ state: 'hidden' })
    assert.equal((await db.selectFrom('membership').select('id').where('userId', '=', ines.id).execute()).length, 2)

    await remove.click()
    await dialog.waitFor()
    assert.deepEqual(
      await seriousViolations(page),
      [],
      'no serious or critical accessibility violation, the modal open',
    )
    await page.setViewportSize({ width: 1280, height: 900 })
    await page.screenshot({ path: screenshotPath('admin-membership-remove-confirm') })
    await dialog.getByRole('button', { name: 'Retirer de l’organisme' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await page
      .getByText(
        /^Inès Moreau est retiré·e de Moselle Habitat Solidaire\. Pensez aussi à son groupe chez le fournisseur\s:\ssinon, sa prochaine connexion unique lui redonnera cet organisme\.$/,
      )
      .waitFor()
    await inesRow.getByText('Travailleur·se social·e — TDL').waitFor()
    assert.equal(await inesRow.getByText(/— MHS/).count(), 0, 'the line is gone from the list')
    const left = await db.selectFrom('membership').select('organizationId').where('userId', '=', ines.id).execute()
    assert.deepEqual(left, [{ organizationId: landlord.id }])
    assert.deepEqual(
      await seriousViolations(page),
      [],
      'no serious or critical accessibility violation, the result shown',
    )
    await page.screenshot({ path: screenshotPath('admin-membership-removed'), fullPage: true })
    await page.setViewportSize({ width: 820, height: 1180 })
    await page.screenshot({ path: screenshotPath('admin-membership-removed-tablet'), fullPage: true })
  })
})
