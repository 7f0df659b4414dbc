import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { seedDemo } from '../src/server/features/demo/demo.service.js'
import { parisToday } from '../src/shared/clock.js'
import { launchBrowser, screenshotPath, seriousViolations, signIn, startTestServer } from '../test/browser.js'

async function signedInPage(browser: Browser, url: string, email: string, password: string, width = 1280) {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width, height: 900 }, acceptDownloads: true })
  const page = await context.newPage()
  await signIn(page, url, email, password)
  await page.getByRole('heading', { level: 2, name: /^Bonjour/ }).waitFor()
  return page
}

/** Today in Paris as the form shows it (jj/mm/aaaa). */
function parisTodayFr() {
  const [year, month, day] = parisToday().split('-')
  return `${day}/${month}/${year}`
}

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: screenshotPath(`dpo-${name}`), fullPage: true })
}

describe('the DPO’s desk in Chromium', () => {
  it('lets the DPO filter the access log by household reference and export it', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 30 })
    const account = (role: string) => accounts.find((a) => a.role === role && a.organization === 'TDL')!
    const household = await server.db
      .selectFrom('household')
      .innerJoin('organization', 'organization.id', 'household.organizationId')
      .select(['household.id', 'household.externalRef'])
      .where('organization.code', '=', 'TDL')
      .orderBy('household.externalRef')
      .offset(6)
      .limit(1)
      .executeTakeFirstOrThrow()

    // A manager reads the household's record and records an objection with a note naming an illness.
    const browser = await launchBrowser(t)
    const manager = await signedInPage(browser, server.url, account('manager').email, account('manager').password)
    assert.equal((await manager.request.get(`${server.url}/api/households/${household.id}`)).status(), 200)
    const objection = await manager.request.post(`${server.url}/api/households/${household.id}/objection`, {
      data: { channel: 'phone', note: 'Ne veut plus être appelée, parle de sa maladie de Parkinson.' },
    })
    assert.equal(objection.status(), 201, await objection.text())
    // And searches the list with filters: the log keeps which filters, never the text searched.
    const search = await manager.request.get(
      `${server.url}/api/households?q=dupont&fragility=unknown&objection=false&sort=-age`,
    )
    assert.equal(search.status(), 200, await search.text())

    const dpo = await signedInPage(browser, server.url, account('dpo').email, account('dpo').password)
    const navigation = dpo.getByRole('navigation', { name: 'Navigation principale' })
    assert.deepEqual(await navigation.getByRole('link').allInnerTexts(), [
      'Accueil',
      'Protection des données',
      'Mon compte',
    ])
    // The DPO's home: the register and the purge calendar at a glance, linking to the tabs.
    const today = dpo.getByRole('region', { name: 'Protection des données' })
    await today.getByRole('link', { name: 'Aucune demande de personne en cours' }).waitFor()
    await today.getByRole('link', { name: 'Aucun ménage à effacer dans les 30 jours' }).waitFor()
    assert.deepEqual(await seriousViolations(dpo), [], 'DPO home')
    await shoot(dpo, 'home-desktop')
    await navigation.getByRole('link', { name: 'Protection des données' }).click()
    await dpo.getByRole('heading', { level: 2, name: 'Protection des données' }).waitFor()
    await dpo.getByRole('tab', { name: 'Journal des accès', selected: true }).waitFor()
    await dpo.getByTestId('audit-total').waitFor()

    await dpo.getByLabel('Référence du ménage').fill(household.externalRef)
    await dpo.getByRole('button', { name: 'Filtrer' }).click()
    await dpo
      .getByTestId('audit-total')
      .filter({ hasText: /^2 lignes$/ })
      .waitFor()
    const rows = dpo.getByRole('table').getByRole('row')
    assert.equal(await rows.count(), 3, 'a header and the two lines about the household')
    await rows.filter({ hasText: 'Consultation de la fiche du ménage' }).filter({ hasText: 'Marc' }).waitFor()
    await rows.filter({ hasText: 'Opposition aux appels enregistrée' }).waitFor()
    assert.equal(await dpo.getByRole('cell', { name: household.externalRef, exact: true }).count(), 2)
    assert.deepEqual(await seriousViolations(dpo), [], 'journal')
    await shoot(dpo, 'journal-desktop')

    // The export carries the same filters.
    const link = dpo.getByRole('link', { name: 'Exporter en CSV' })
    assert.match((await link.getAttribute('href')) ?? '', new RegExp(`householdRef=${household.externalRef}`))
    const [download] = await Promise.all([dpo.waitForEvent('download'), link.click()])
    const csv = await (await download.createReadStream()).toArray()
    const text = Buffer.concat(csv).toString('utf8')
    assert.equal(text.trim().split('\n').length, 3, 'a header and two lines')
    assert.match(text, /household\.objection/)

    // A family of actions narrows further; an action of the contract in camel case is accepted.
    await dpo.getByRole('combobox', { name: 'Action' }).click()
    await dpo.getByRole('option', { name: 'Opposition aux appels enregistrée' }).click()
    await dpo.getByRole('button', { name: 'Filtrer' }).click()
    await dpo
      .getByTestId('audit-total')
      .filter({ hasText: /^1 ligne$/ })
      .waitFor()

    // The register: a reference unknown is refused in words; an access request is registered, its dossier downloaded.
    await dpo.getByRole('tab', { name: 'Demandes des personnes' }).click()
    await dpo.getByText('Aucune demande.').waitFor()
    const form = dpo.getByRole('region', { name: 'Enregistrer une demande' })
    assert.equal(await form.getByLabel(/^Reçue le/).inputValue(), parisTodayFr())
    await form.getByLabel(/^Référence du ménage/).fill('TDL-9999999')
    await form.getByRole('button', { name: 'Enregistrer la demande' }).click()
    await form.getByRole('alert').filter({ hasText: 'Aucun ménage de cet organisme n’a cette référence.' }).waitFor()
    await form.getByLabel(/^Référence du ménage/).fill(household.externalRef)
    await form.getByLabel('Accès').check()
    await form.getByRole('button', { name: 'Enregistrer la demande' }).click()
    await dpo
      .getByRole('status')
      .getByText(`Demande enregistrée pour le ménage ${household.externalRef}`, { exact: false })
      .waitFor()
    const row = dpo.getByRole('row').filter({ hasText: household.externalRef })
    await row.filter({ hasText: 'Accès' }).filter({ hasText: 'En cours' }).waitFor()
    assert.equal(await row.getByText('En retard').count(), 0)
    assert.deepEqual(await seriousViolations(dpo), [], 'requests')
    await shoot(dpo, 'demandes-desktop')

    const [pdf] = await Promise.all([
      dpo.waitForEvent('download'),
      row.getByRole('link', { name: `Dossier du ménage ${household.externalRef}, PDF` }).click(),
    ])
    const pdfBytes = Buffer.concat(await (await pdf.createReadStream()).toArray())
    assert.equal(pdfBytes.subarray(0, 5).toString(), '%PDF-')
    assert.match(pdf.suggestedFilename(), /^dossier-TDL-\d+-\d{4}-\d{2}-\d{2}\.pdf$/)
    const [json] = await Promise.all([
      dpo.waitForEvent('download'),
      row.getByRole('link', { name: `Dossier du ménage ${household.externalRef}, JSON` }).click(),
    ])
    const dossier = JSON.parse(Buffer.concat(await (await json.createReadStream()).toArray()).toString('utf8'))
    assert.equal(dossier.household.externalRef, household.externalRef)
    assert.equal(dossier.objection.note, 'Ne veut plus être appelée, parle de sa maladie de Parkinson.')

    // Closing asks first; cancelling keeps it open; confirmed, the row says who handled it and how.
    await row.getByRole('button', { name: `Clore la demande du ménage ${household.externalRef}` }).click()
    const dialog = dpo.getByRole('dialog', { name: `Clore la demande d’accès du ménage ${household.externalRef}` })
    await dialog.getByText('Une demande close ne peut plus être rouverte.', { exact: false }).waitFor()
    await dpo.waitForTimeout(400) // the window's opening transition fades its colours
    assert.deepEqual(await seriousViolations(dpo), [], 'closing dialog')
    await dialog.getByRole('button', { name: 'Annuler' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await row.getByRole('button', { name: `Clore la demande du ménage ${household.externalRef}` }).click()
    await dialog.getByLabel('Répondue').check()
    await dialog.getByLabel('Réponse faite à la personne').fill('Dossier envoyé par courrier.')
    await dialog.getByRole('button', { name: 'Clore la demande' }).click()
    await dpo.getByRole('status').getByText(`Demande du ménage ${household.externalRef} close : Répondue.`).waitFor()
    await dpo.getByText('Aucune demande.').waitFor()
    await dpo.getByText('Closes', { exact: true }).click()
    await row
      .filter({ hasText: 'Répondue par Denise Déléguée (DPO)' })
      .filter({ hasText: 'Dossier envoyé par courrier.' })
      .waitFor()
    assert.equal(await row.getByRole('link', { name: /Dossier du ménage/ }).count(), 0, 'no dossier once closed')

    // Retention: read-only for the DPO (an administrator changes the periods).
    await dpo.getByRole('tab', { name: 'Conservation' }).click()
    await dpo.getByRole('heading', { name: 'Durées de conservation' }).waitFor()
    const contactMonths = dpo.getByLabel(/^Identité et textes libres/)
    assert.equal(await contactMonths.getAttribute('readonly'), '')
    assert.equal(await dpo.getByRole('button', { name: 'Enregistrer les durées' }).count(), 0)
    await dpo.getByRole('heading', { name: 'Dernières purges' }).waitFor()
    assert.deepEqual(await seriousViolations(dpo), [], 'retention')
    await shoot(dpo, 'conservation-desktop')

    // The flagged notes: counted by category, never their text.
    await dpo.getByRole('tab', { name: 'Notes signalées' }).click()
    await dpo.getByRole('heading', { name: '1 texte signalé' }).waitFor()
    await dpo.getByRole('group', { name: 'Nombre de textes signalés par catégorie' }).getByText('Santé : 1').waitFor()
    assert.equal(await dpo.getByText(/Parkinson/).count(), 0, 'the text is never shown')
    assert.deepEqual(await seriousViolations(dpo), [], 'flagged notes')
    await shoot(dpo, 'notes-desktop')

    // At tablet width the log reads its details in words, wrapped within the screen: no JSON, nothing cut.
    const tablet = await signedInPage(browser, server.url, account('dpo').email, account('dpo').password, 820)
    await tablet.goto(`${server.url}/protection-des-donnees?tab=journal`)
    await tablet.getByRole('combobox', { name: 'Action' }).click()
    await tablet.getByRole('option', { name: 'Recherche de ménages' }).click()
    await tablet.getByRole('button', { name: 'Filtrer' }).click()
    await tablet
      .getByTestId('audit-total')
      .filter({ hasText: /^1 ligne$/ })
      .waitFor()
    const searchRow = tablet.getByRole('table').getByRole('row').filter({ hasText: 'Recherche de ménages' })
    const details = searchRow.getByRole('cell').last()
    const words = ((await details.textContent()) ?? '').replace(/[\u00a0\u202f]/g, ' ')
    for (const expected of [
      'Fragilité : Non évaluée',
      'Opposition aux appels : non',
      'Tri : Âge, décroissant',
      'Recherche : oui',
    ]) {
      assert.ok(words.includes(expected), `« ${expected} » in « ${words} »`)
    }
    assert.match(words, /Résultats : \d+/)
    assert.doesNotMatch(words, /[{}"]|dupont/, 'no JSON and not the text searched')
    const box = await details.boundingBox()
    assert.ok(box && box.x + box.width <= 820, `the details end within the screen (${box?.x} + ${box?.width})`)
    const region = tablet.getByRole('region', { name: 'Journal des accès, du plus récent au plus ancien' })
    const overflow = await region.evaluate((element) => element.scrollWidth - element.clientWidth)
    assert.ok(overflow <= 0, `the log does not scroll sideways (${overflow} px)`)
    assert.deepEqual(await seriousViolations(tablet), [], 'journal at tablet width')
    await shoot(tablet, 'journal-details-tablet')
  })

  it('lets an administrator change a retention period with a reason and erase a household on request', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 30 })
    const admin = accounts.find((a) => a.role === 'admin' && a.organization === 'TDL')!
    const tdl = server.db
      .selectFrom('household')
      .innerJoin('organization', 'organization.id', 'household.organizationId')
      .select(['household.id', 'household.externalRef'])
      .where('organization.code', '=', 'TDL')
      .where('household.erasedAt', 'is', null)
    const active = ['sent', 'accepted', 'in_progress']
    // An active orientation keeps its household from erasure.
    const kept = await tdl.orderBy('household.externalRef').executeTakeFirstOrThrow()
    const ids = await server.db
      .selectFrom('organization')
      .innerJoin('membership', 'membership.organizationId', 'organization.id')
      .innerJoin('user', 'user.id', 'membership.userId')
      .select(['organization.id as organizationId', 'user.id as userId', 'organization.code'])
      .where('user.email', '=', admin.email)
      .executeTakeFirstOrThrow()
    const partner = await server.db
      .selectFrom('organization')
      .select('id')
      .where('code', '!=', 'TDL')
      .executeTakeFirstOrThrow()
    const past = new Date(Date.now() - 86_400_000).toISOString()
    await server.db
      .insertInto('referral')
      .values({
        id: randomUUID(),
        householdId: kept.id,
        callId: null,
        senderOrganizationId: ids.organizationId,
        senderUserId: ids.userId,
        recipientOrganizationId: partner.id,
        recipientTeam: null,
        assigneeId: null,
        category: 'food',
        urgency: 'within_24h',
        status: 'sent',
        summary: 'Plus de courses',
        consentGiven: 1,
        consentRecordedAt: past,
        overrideReason: null,
        outcome: null,
        dueAcceptBy: past,
        dueResolveBy: past,
        acceptedAt: null,
        closedAt: null,
        overdueNotifiedAt: null,
        createdAt: past,
        updatedAt: past,
      })
      .execute()
    const free = await tdl
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('referral')
              .select('referral.id')
              .whereRef('referral.householdId', '=', 'household.id')
              .where('referral.status', 'in', active),
          ),
        ),
      )
      .orderBy('household.externalRef')
      .executeTakeFirstOrThrow()

    const browser = await launchBrowser(t)
    const page = await signedInPage(browser, server.url, admin.email, admin.password)
    await page.goto(`${server.url}/protection-des-donnees?tab=conservation`)
    const contactMonths = page.getByLabel(/^Identité et textes libres/)
    await contactMonths.fill('36')
    const save = page.getByRole('button', { name: 'Enregistrer les durées' })
    assert.equal(await save.isDisabled(), true, 'no change without a reason')
    await page.getByLabel('Motif du changement (conservé au journal)').fill('Délibération du conseil du 1er décembre')
    await save.click()
    await page.getByRole('status').getByText('Durées enregistrées ; le motif est au journal des accès.').waitFor()
    assert.deepEqual(await seriousViolations(page), [], 'retention, administrator')
    await shoot(page, 'conservation-admin-desktop')
    await page.reload()
    await page.getByRole('heading', { name: 'Durées de conservation' }).waitFor()
    const reloaded = page.getByLabel(/^Identité et textes libres/)
    for (let tries = 0; tries < 50 && (await reloaded.inputValue()) !== '36'; tries++) await page.waitForTimeout(100)
    assert.equal(await page.getByLabel(/^Identité et textes libres/).inputValue(), '36', 'saved')
    const organization = await server.db
      .selectFrom('organization')
      .select('retentionContactMonths')
      .where('code', '=', 'TDL')
      .executeTakeFirstOrThrow()
    assert.equal(organization.retentionContactMonths, 36)

    // Erasure on request: refused with the reason while an orientation is active; done, named, once confirmed.
    await page.getByRole('tab', { name: 'Demandes des personnes' }).click()
    const form = page.getByRole('region', { name: 'Enregistrer une demande' })
    for (const household of [kept, free]) {
      await form.getByLabel('Effacement').check()
      await form.getByLabel(/^Référence du ménage/).fill(household.externalRef)
      await form.getByRole('button', { name: 'Enregistrer la demande' }).click()
      await page
        .getByRole('status')
        .getByText(`Demande enregistrée pour le ménage ${household.externalRef}`, { exact: false })
        .waitFor()
    }
    await page.getByRole('button', { name: `Effacer le ménage ${kept.externalRef}` }).click()
    let dialog = page.getByRole('dialog', { name: `Effacer le ménage ${kept.externalRef} ?` })
    await dialog.getByRole('button', { name: `Effacer le ménage ${kept.externalRef}` }).click()
    await dialog.getByRole('alert').getByText('Ce ménage doit être conservé : rien n’a été effacé.').waitFor()
    await dialog
      .getByRole('alert')
      .getByText(/orientation en cours/)
      .waitFor()
    assert.deepEqual(await seriousViolations(page), [], 'erasure refused')
    await shoot(page, 'erasure-refused-desktop')
    await dialog.getByRole('button', { name: 'Annuler' }).click()

    await page.getByRole('button', { name: `Effacer le ménage ${free.externalRef}` }).click()
    dialog = page.getByRole('dialog', { name: `Effacer le ménage ${free.externalRef} ?` })
    await dialog.getByText('seront effacés définitivement', { exact: false }).waitFor()
    await dialog.getByRole('button', { name: `Effacer le ménage ${free.externalRef}` }).click()
    await page.getByRole('status').getByText(`Ménage ${free.externalRef} effacé le`, { exact: false }).waitFor()
    const erased = await server.db
      .selectFrom('household')
      .select(['erasedAt', 'lastName'])
      .where('id', '=', free.id)
      .executeTakeFirstOrThrow()
    assert.ok(erased.erasedAt, 'the household is erased')
    const stillKept = await server.db
      .selectFrom('household')
      .select('erasedAt')
      .where('id', '=', kept.id)
      .executeTakeFirstOrThrow()
    assert.equal(stillKept.erasedAt, null)
    assert.equal(await page.getByRole('button', { name: `Effacer le ménage ${kept.externalRef}` }).count(), 1)

    // Every tab at tablet width.
    const tablet = await signedInPage(browser, server.url, admin.email, admin.password, 820)
    for (const tab of ['journal', 'demandes', 'conservation', 'notes']) {
      await tablet.goto(`${server.url}/protection-des-donnees?tab=${tab}`)
      await tablet.getByRole('tab', { selected: true }).waitFor()
      await tablet.waitForLoadState('networkidle')
      assert.deepEqual(await seriousViolations(tablet), [], `${tab} at tablet width`)
      await shoot(tablet, `${tab}-tablet`)
    }
  })
})
