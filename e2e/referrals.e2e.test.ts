import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { seedDemo } from '../src/server/features/demo/demo.service.js'
import { launchBrowser, screenshotPath, seriousViolations, signIn, startTestServer } from '../test/browser.js'

async function signedInPage(browser: Browser, url: string, email: string, password: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR' })
  const page = await context.newPage()
  await signIn(page, url, email, password)
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

    const worker = await signedInPage(
      browser,
      server.url,
      account('social_worker').email,
      account('social_worker').password,
    )
    await worker.goto(`${server.url}/households/${household.id}`)
    await worker.getByRole('button', { name: 'Orienter le ménage' }).click()
    const dialog = worker.getByRole('dialog')
    await dialog.getByText(`Ménage\u00a0: ${household.lastName}`).waitFor()
    // Nothing is chosen for the sender: sending at once names the two missing choices.
    await dialog.getByRole('button', { name: 'Envoyer l’orientation' }).click()
    await dialog.getByText('Choisissez l’urgence.').waitFor()
    await dialog.getByText('Choisissez la catégorie.').waitFor()
    await dialog.getByLabel(/^Urgence/).click()
    await worker.getByRole('option', { name: 'Sous 7 jours' }).click()
    // The reason to send without consent is asked only in an emergency.
    await dialog.getByLabel(/^Catégorie/).click()
    await worker.getByRole('option', { name: 'Alimentation' }).click()
    await dialog.getByText('Un partenaire').click()
    await dialog.getByLabel(/^Partenaire/).click()
    await worker.getByRole('option', { name: 'CCAS de Nancy' }).click()
    await dialog
      .getByLabel(/^Résumé factuel/)
      .fill('Ne peut plus faire ses courses depuis sa chute ; souhaite une aide alimentaire.')
    await dialog.getByRole('button', { name: 'Envoyer l’orientation' }).click()
    await dialog.getByText('Sans l’accord du locataire').first().waitFor()
    assert.equal(await dialog.getByLabel(/^Urgence sans accord/).count(), 0, 'no emergency: no override reason')
    await dialog.getByLabel('Le locataire accepte que sa situation soit transmise à ce partenaire').check()
    await dialog.getByRole('button', { name: 'Envoyer l’orientation' }).click()
    await dialog.getByText('Orientation envoyée.').waitFor()
    await dialog.getByText(`Orientation envoyée à CCAS de Nancy pour le ménage ${household.lastName}`).waitFor()
    await dialog.getByRole('button', { name: 'Terminé' }).click()
    await dialog.waitFor({ state: 'hidden' })

    const partner = await signedInPage(browser, server.url, account('partner').email, account('partner').password)
    await partner
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Orientations' })
      .click()
    await partner.getByRole('link', { name: new RegExp(household.lastName) }).click()
    await partner.getByText(household.lastName).first().waitFor()
    assert.deepEqual(await seriousViolations(partner), [])
    await partner.getByRole('button', { name: 'Accepter' }).click()
    await partner.getByRole('button', { name: 'Commencer l’accompagnement' }).click()
    // The step lands before the note is typed: its success resets the form (a note typed sooner was lost).
    await partner.getByRole('button', { name: 'Commencer l’accompagnement' }).waitFor({ state: 'detached' })
    // Closing without an outcome says what is missing rather than staying greyed.
    await partner.getByRole('button', { name: 'Clôturer' }).click()
    await partner.getByText('Décrivez l’issue de l’accompagnement pour pouvoir clôturer.').waitFor()
    await partner.getByLabel(/^Issue de l’accompagnement/).fill('Colis alimentaire hebdomadaire mis en place.')
    await partner.getByRole('button', { name: 'Clôturer' }).click()
    await partner.getByText('Résolu').first().waitFor()
    await partner.screenshot({ path: screenshotPath('orientation-partner-closed'), fullPage: true })
    // The partner keeps its closed orientations: listed under « Clôturées », without the household's details.
    await partner.goto(`${server.url}/referrals`)
    await partner.getByText('Clôturées', { exact: true }).click()
    await partner.getByText('1 orientation').waitFor()
    await partner.getByRole('link', { name: /^Orientation du / }).waitFor()

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

    const caller = await signedInPage(browser, server.url, account('caller').email, account('caller').password)
    await caller
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Appeler' })
      .click()
    await caller.getByRole('button', { name: 'Appeler le suivant' }).click()
    const heading = caller.getByRole('heading', { level: 3 }).first()
    await heading.waitFor()
    await caller.getByRole('button', { name: 'Orienter le ménage' }).click()
    const dialog = caller.getByRole('dialog')
    await dialog.getByLabel(/^Urgence/).click()
    await caller.getByRole('option', { name: 'Sous 24 heures' }).click()
    await dialog.getByLabel(/^Catégorie/).click()
    await caller.getByRole('option', { name: 'Isolement' }).click()
    await dialog.getByText('Un partenaire').click()
    await dialog.getByLabel(/^Partenaire/).click()
    await caller.getByRole('option', { name: 'CCAS de Nancy' }).click()
    await dialog
      .getByLabel(/^Résumé factuel/)
      .fill('Seule depuis trois semaines, plus de courses livrées ; accepte une aide.')
    // An emergency to a partner without consent: only now is the reason asked.
    await dialog.getByLabel(/^Urgence sans accord/).waitFor()
    await dialog.getByLabel('Le locataire accepte que sa situation soit transmise à ce partenaire').check()
    await dialog.getByRole('button', { name: 'Envoyer l’orientation' }).click()
    await dialog.getByText(/^Orientation envoyée à CCAS de Nancy pour le ménage /).waitFor()
    await dialog.getByRole('button', { name: 'Terminé' }).click()
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
    // The call's outcome links the orientation sent during it to the call (the campaign's review counts it).
    await caller
      .getByRole('region', { name: 'Issues rapides' })
      .getByRole('button', { name: /^Pas de réponse/ })
      .click()
    await caller.getByText('Issue enregistrée. Merci !').waitFor()
    const linked = await server.db
      .selectFrom('referral')
      .innerJoin('call', 'call.id', 'referral.callId')
      .select(['call.householdId', 'call.disposition'])
      .where('referral.id', '=', sent.id)
      .executeTakeFirstOrThrow()
    assert.equal(linked.disposition, 'no_answer')

    const partner = await signedInPage(browser, server.url, account('partner').email, account('partner').password)
    await partner.goto(`${server.url}/referrals/${sent.id}`)
    await partner.getByText(sent.lastName).first().waitFor()
    await partner.getByRole('button', { name: 'Accepter' }).click()
    await partner.getByRole('button', { name: 'Commencer l’accompagnement' }).click()
    // The step lands before the note is typed: its success resets the form (a note typed sooner was lost).
    await partner.getByRole('button', { name: 'Commencer l’accompagnement' }).waitFor({ state: 'detached' })
    await partner.getByLabel(/^Issue de l’accompagnement/).fill('Portage de repas mis en place dès lundi.')
    await partner.getByRole('button', { name: 'Clôturer' }).click()
    await partner.getByText('Résolu').first().waitFor()

    const manager = await signedInPage(browser, server.url, account('manager').email, account('manager').password)
    await manager.goto(`${server.url}/referrals/${sent.id}`)
    await manager.getByText('Résolu').first().waitFor()
    await manager.getByText('Portage de repas mis en place dès lundi.').first().waitFor()
    const done = await server.db.selectFrom('referral').selectAll().where('id', '=', sent.id).executeTakeFirstOrThrow()
    assert.equal(done.status, 'done')
  })

  it('a social worker sends an orientation to their team, finds it among the overdue and closes it with an outcome', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 30 })
    const account = (role: string) => accounts.find((a) => a.role === role && a.organization !== 'MHS')!
    const household = await server.db
      .selectFrom('household')
      .innerJoin('organization', 'organization.id', 'household.organizationId')
      .innerJoin('call', 'call.householdId', 'household.id')
      .select(['household.id', 'household.lastName', 'household.firstName', 'call.id as callId'])
      .where('organization.code', '=', 'TDL')
      .where('call.disposition', '=', 'completed')
      .where('call.answers', 'is not', null)
      .orderBy('household.externalRef', 'desc')
      .executeTakeFirstOrThrow()
    const browser = await launchBrowser(t)
    const worker = await signedInPage(
      browser,
      server.url,
      account('social_worker').email,
      account('social_worker').password,
    )
    const axe = async (where: string) => assert.deepEqual(await seriousViolations(worker), [], where)

    await worker.goto(`${server.url}/households/${household.id}`)
    await worker.getByRole('button', { name: 'Orienter le ménage' }).click()
    const dialog = worker.getByRole('dialog')
    await dialog.getByRole('button', { name: 'Envoyer l’orientation' }).click()
    await dialog.getByText('Choisissez l’urgence.').waitFor()
    await axe('form with errors')
    await worker.screenshot({ path: screenshotPath('orientation-form-desktop') })
    await dialog.getByLabel(/^Urgence/).click()
    await worker.getByRole('option', { name: 'Sous 7 jours' }).click()
    await dialog.getByLabel(/^Catégorie/).click()
    await worker.getByRole('option', { name: 'Santé et autonomie' }).click()
    await dialog.getByLabel(/^Résumé factuel/).fill('Chute la semaine dernière ; souhaite une aide pour la toilette.')
    await dialog.getByRole('button', { name: 'Envoyer l’orientation' }).click()
    await dialog.getByText(/^Orientation envoyée à Service social/).waitFor()
    await worker.screenshot({ path: screenshotPath('orientation-sent-desktop') })
    await dialog.getByRole('button', { name: 'Terminé' }).click()
    await dialog.waitFor({ state: 'hidden' })
    const sent = await server.db
      .selectFrom('referral')
      .select('id')
      .where('householdId', '=', household.id)
      .where('status', '=', 'sent')
      .executeTakeFirstOrThrow()
    // The demo's past calls keep no answers: this one answered the questionnaire's first yes/no question.
    const version = await server.db
      .selectFrom('call')
      .innerJoin('questionnaireVersion', 'questionnaireVersion.id', 'call.questionnaireVersionId')
      .select('questionnaireVersion.definition')
      .where('call.id', '=', household.callId)
      .executeTakeFirstOrThrow()
    const firstYesNo = (
      JSON.parse(version.definition) as {
        sections: Array<{ questions?: Array<{ id: string; type: string; label: string }> }>
      }
    ).sections
      .flatMap((section) => section.questions ?? [])
      .find((question) => question.type === 'yes_no')!
    await server.db
      .updateTable('call')
      .set({ answers: JSON.stringify({ [firstYesNo.id]: true }) })
      .where('id', '=', household.callId)
      .execute()
    // A week later, nobody has accepted it yet. (It came from the household's last answered call.)
    await server.db
      .updateTable('referral')
      .set({ dueAcceptBy: new Date(Date.now() - 3_600_000).toISOString(), callId: household.callId })
      .where('id', '=', sent.id)
      .execute()

    // The home page's « attendent votre réponse » opens the inbox on the orientations to accept, the filter in the address.
    await worker
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Accueil' })
      .click()
    await worker
      .locator('[data-today="orientations"]')
      .getByRole('link', { name: /attend(ent)? votre réponse/ })
      .click()
    await worker.waitForURL(/\/referrals\?status=waiting$/)
    assert.equal(
      await worker.getByLabel('À accepter').isChecked(),
      true,
      'the inbox opens on the orientations to accept',
    )
    const name = new RegExp(`^${household.lastName}`)
    await worker.getByRole('link', { name }).first().waitFor()
    const rows = worker.getByRole('row')
    for (const row of await rows.all()) {
      if ((await row.getByRole('columnheader').count()) > 0) continue
      await row.getByText('Envoyée', { exact: true }).waitFor()
    }
    await worker.getByLabel('En retard seulement').check()
    await worker.waitForURL(/\/referrals\?status=waiting&overdue=1$/)
    // A reload keeps both filters; « Toutes » takes the status out of the address.
    await worker.reload()
    assert.equal(await worker.getByLabel('En retard seulement').isChecked(), true, 'overdue kept on reload')
    assert.equal(await worker.getByLabel('À accepter').isChecked(), true, 'status kept on reload')
    await worker.getByText('Toutes', { exact: true }).click()
    await worker.waitForURL(/\/referrals\?overdue=1$/)
    await worker.getByRole('link', { name }).first().waitFor()
    for (const row of await rows.all()) {
      if ((await row.getByRole('columnheader').count()) > 0) continue
      await row.getByText('En retard', { exact: true }).waitFor()
    }
    const overdueRow = rows.filter({ has: worker.getByRole('link', { name }) })
    await overdueRow.getByText('À accepter avant le').waitFor()
    assert.doesNotMatch((await overdueRow.textContent()) ?? '', /\d{2}:\d{2}:\d{2}/, 'times to the minute')
    await axe('inbox, overdue')
    await worker.screenshot({ path: screenshotPath('orientation-inbox-desktop'), fullPage: true })

    await overdueRow.getByRole('link', { name }).click()
    // The team sees what the caller noted: needs, fragility, answers.
    const noted = worker.getByRole('region', { name: 'Ce que l’appelant·e a noté' })
    await noted.getByText('Besoins repérés').waitFor()
    await noted.getByRole('row', { name: `${firstYesNo.label} Oui` }).waitFor()
    await worker.getByRole('button', { name: 'Accepter' }).click()
    await worker.getByRole('button', { name: 'Commencer l’accompagnement' }).click()
    await worker.getByRole('button', { name: 'Commencer l’accompagnement' }).waitFor({ state: 'detached' })
    await worker.getByLabel(/^Note ou action menée/).fill('Appel à la fille : passage prévu jeudi.')
    await worker.getByRole('button', { name: 'Ajouter' }).click()
    await worker.getByText('Appel à la fille : passage prévu jeudi.').waitFor()
    await worker.getByRole('button', { name: 'Clôturer' }).click()
    await worker.getByText('Décrivez l’issue de l’accompagnement pour pouvoir clôturer.').waitFor()
    await axe('closing without an outcome')
    await worker.getByLabel(/^Issue de l’accompagnement/).fill('Aide à domicile en place deux matins par semaine.')
    await worker.getByRole('button', { name: 'Clôturer' }).click()
    await worker.getByText('Résolu').first().waitFor()
    await worker.screenshot({ path: screenshotPath('orientation-closed-desktop'), fullPage: true })
    const closed = await server.db
      .selectFrom('referral')
      .selectAll()
      .where('id', '=', sent.id)
      .executeTakeFirstOrThrow()
    assert.equal(closed.status, 'done')
    assert.equal(closed.outcome, 'Aide à domicile en place deux matins par semaine.')
    // A call that recorded nothing says so in one sentence, not a table of « Aucun ».
    await server.db
      .updateTable('call')
      .set({ answers: JSON.stringify({}), needs: JSON.stringify([]), fragilityLevel: null })
      .where('id', '=', household.callId)
      .execute()
    await worker.reload()
    await noted.getByText('Aucune réponse enregistrée pendant l’appel.').waitFor()
    assert.equal(await noted.getByRole('table').count(), 0)

    // On a tablet: the inbox and the form.
    await worker.setViewportSize({ width: 820, height: 1180 })
    await worker.goto(`${server.url}/referrals`)
    await worker.getByText('Clôturées', { exact: true }).click()
    await worker.getByRole('link', { name }).first().waitFor()
    await axe('inbox on a tablet')
    await worker.screenshot({ path: screenshotPath('orientation-inbox-tablet'), fullPage: true })
    await worker.goto(`${server.url}/households/${household.id}`)
    await worker.getByRole('button', { name: 'Orienter le ménage' }).click()
    await dialog.getByText(`Ménage\u00a0: ${household.lastName}`).waitFor()
    await axe('form on a tablet')
    await worker.screenshot({ path: screenshotPath('orientation-form-tablet') })
  })
})
