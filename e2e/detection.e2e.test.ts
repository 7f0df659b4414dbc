import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { findTemplate } from '../src/server/features/campaigns/campaigns.templates.js'
import { launchBrowser, screenshotPath, seriousViolations, startTestServer } from '../test/browser.js'
import { makeCampaign, makeTarget, makeUser } from '../test/factories.js'

const answer = (page: Page, question: RegExp, value: 'Oui' | 'Non') =>
  page.getByRole('radiogroup', { name: question }).getByLabel(value, { exact: true }).check()

describe('detection suggestions in Chromium', () => {
  it('on a tablet, a caller’s heat-wave answers suggest a fragility level and orientations; the caller follows one, sets one aside, sends the orientation from the suggestion (a hint, nothing pre-selected); the call keeps both and the campaign’s review counts them', async (t) => {
    const server = await startTestServer(t)
    const db = server.db
    const campaign = await makeCampaign(db, { questionnaire: findTemplate('heat_wave').questionnaire })
    const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const manager = await makeUser(db, 'manager', { organizationId: campaign.organizationId })
    const target = await makeTarget(db, campaign, {
      household: { lastName: 'Schmitt', firstName: 'Monique', birthDate: '1938-05-02' },
      phones: ['+33612345678'],
    })
    const browser = await launchBrowser(t)
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 820, height: 1180 } })
    const page = await context.newPage()
    await page.goto(server.url)
    await page.getByLabel('Adresse e-mail').fill(caller.email)
    await page.getByLabel(/^Mot de passe/).fill(caller.password)
    await page.getByRole('button', { name: 'Se connecter' }).click()
    // On a tablet the navigation sits behind the menu button.
    await page.getByRole('heading', { level: 2, name: /^Bonjour/ }).waitFor()
    await page.goto(`${server.url}/calling`)
    await page.getByRole('button', { name: 'Appeler le suivant' }).click()
    await page.getByRole('heading', { level: 3, name: 'Schmitt Monique' }).waitFor()

    // Reassuring answers first: nothing is suggested.
    await answer(page, /Buvez-vous suffisamment d’eau/, 'Oui')
    await answer(page, /pièce fraîche/, 'Oui')
    await answer(page, /chaque jour/, 'Oui')
    await answer(page, /Souhaitez-vous qu’une personne vienne vous voir/, 'Non')
    for (const question of [/Vous sentez-vous bien/, /seul·e ou isolé·e/, /courses/, /soins ou vos médicaments/]) {
      await answer(page, question, question.source.includes('bien') ? 'Oui' : 'Non')
    }
    assert.equal(await page.getByRole('heading', { name: 'Suggestions d’après les réponses' }).count(), 0)

    // Does not drink enough, and would like a visit: what the issue found raised nothing now raises three suggestions.
    await answer(page, /Buvez-vous suffisamment d’eau/, 'Non')
    await answer(page, /Souhaitez-vous qu’une personne vienne vous voir/, 'Oui')
    const panel = page.getByRole('region', { name: 'Suggestions d’après les réponses' })
    await panel.getByText('Niveau de fragilité suggéré : Fragile', { exact: true }).waitFor()
    await panel.getByText(/^Orientation suggérée\s: Santé et autonomie, sous 24/).waitFor()
    await panel.getByText(/^Orientation suggérée\s: Isolement/).waitFor()
    await panel.getByText('Parce que : Ne boit pas suffisamment par forte chaleur').first().waitFor()

    // Saving without choosing says so, next to each suggestion.
    await page.getByLabel('Entretien réalisé').check()
    await page.getByRole('button', { name: 'Enregistrer l’issue' }).click()
    await panel.getByText('Suivez ou écartez cette suggestion.').first().waitFor()

    const fragility = panel.getByRole('radiogroup', { name: /Niveau de fragilité suggéré/ })
    await fragility.getByLabel('Suivre').check()
    await panel.getByText('Niveau de fragilité mis à « Fragile ».').waitFor()
    await panel
      .getByRole('radiogroup', { name: /Santé et autonomie/ })
      .getByLabel('Suivre')
      .check()
    await panel
      .getByRole('radiogroup', { name: /Isolement/ })
      .getByLabel('Écarter')
      .check()
    // Following an orientation offers to prepare it: the suggestion is a hint, category and urgency stay for the
    // caller to pick.
    await panel.getByRole('button', { name: 'Préparer l’orientation' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.waitFor()
    await dialog
      .getByText('Suggéré : Santé et autonomie, sous 24 heures. À vous de choisir la catégorie et l’urgence.')
      .waitFor()
    assert.equal(await dialog.getByLabel(/^Urgence/).inputValue(), '', 'no urgency pre-selected')
    assert.equal(await dialog.getByLabel(/^Catégorie/).inputValue(), '', 'no category pre-selected')
    assert.deepEqual(await seriousViolations(page), [], 'orientation dialog')
    await page.screenshot({ path: screenshotPath('detection-referral-hint') })
    // Sending without choosing says what is missing.
    await dialog.getByRole('button', { name: 'Envoyer l’orientation' }).click()
    await dialog.getByText('Choisissez l’urgence.').waitFor()
    await dialog.getByLabel(/^Urgence/).click()
    await page.getByRole('option', { name: 'Sous 24 heures' }).click()
    await dialog.getByLabel(/^Catégorie/).click()
    await page.getByRole('option', { name: 'Santé et autonomie' }).click()
    await dialog
      .getByLabel(/^Résumé factuel/)
      .fill('Ne boit pas assez par forte chaleur ; souhaite une visite cette semaine.')
    await dialog.getByRole('button', { name: 'Envoyer l’orientation' }).click()
    const confirmation = dialog.getByRole('status')
    await confirmation
      .getByText(/^Orientation envoyée à Service social \(.+\) pour le ménage Schmitt Monique/)
      .waitFor()
    assert.deepEqual(await seriousViolations(page), [], 'orientation sent')
    await page.screenshot({ path: screenshotPath('detection-referral-sent') })
    await dialog.getByRole('button', { name: 'Terminé' }).click()
    await dialog.waitFor({ state: 'hidden' })
    const referral = await db.selectFrom('referral').selectAll().executeTakeFirstOrThrow()
    assert.equal(referral.category, 'health_autonomy')
    assert.equal(referral.urgency, 'within_24h')
    assert.equal(referral.householdId, target.householdId)

    assert.deepEqual(await seriousViolations(page), [])
    await page.screenshot({ path: screenshotPath('detection-suggestions'), fullPage: true })
    await page.getByRole('button', { name: 'Enregistrer l’issue' }).click()
    await page
      .getByText(/enregistr/i)
      .first()
      .waitFor()
    await page.waitForFunction(async () => true)
    const deadline = Date.now() + 15_000
    let call: { id: string; suggestions?: string | null; fragilityLevel: string | null } | undefined
    while (Date.now() < deadline && !call) {
      call = await db
        .selectFrom('call')
        .select(['id', 'suggestions', 'fragilityLevel'])
        .where('householdId', '=', target.householdId)
        .executeTakeFirst()
      if (!call) await new Promise((resolve) => setTimeout(resolve, 200))
    }
    assert.ok(call, 'the call was saved')
    assert.equal(call.fragilityLevel, 'fragile')
    assert.deepEqual(JSON.parse(call.suggestions!), [
      { kind: 'fragility', value: 'fragile', followed: true },
      { kind: 'referral', value: 'health_autonomy', urgency: 'within_24h', followed: true },
      { kind: 'referral', value: 'isolation', urgency: 'within_7_days', followed: false },
    ])

    const linked = await db.selectFrom('referral').select('callId').executeTakeFirstOrThrow()
    assert.equal(linked.callId, call.id, 'the orientation sent during the call belongs to it')

    // Orienting again once the call is saved: the hint is still the followed suggestion, with its urgency, not the
    // first need ticked; nothing pre-selected.
    await page.getByRole('button', { name: 'Orienter Schmitt Monique' }).click()
    const after = page.getByRole('dialog')
    await after
      .getByTestId('referral-suggested')
      .getByText('Suggéré : Santé et autonomie, sous 24 heures. À vous de choisir la catégorie et l’urgence.')
      .waitFor()
    assert.equal(await after.getByText(/^Besoin repéré pendant l’appel/).count(), 0, 'no hint from the first need')
    assert.equal(await after.getByLabel(/^Urgence/).inputValue(), '', 'no urgency pre-selected')
    assert.equal(await after.getByLabel(/^Catégorie/).inputValue(), '', 'no category pre-selected')
    assert.deepEqual(await seriousViolations(page), [], 'orientation dialog after the call')
    await page.screenshot({ path: screenshotPath('detection-referral-after-call') })
    await page.keyboard.press('Escape')
    await after.waitFor({ state: 'hidden' })

    // The manager opens the campaign's review: the orientation sent during the call is counted in the campaign, and
    // so are the suggestions followed.
    const managerContext = await browser.newContext({ locale: 'fr-FR', viewport: { width: 820, height: 1180 } })
    const review = await managerContext.newPage()
    await review.goto(server.url)
    await review.getByLabel('Adresse e-mail').fill(manager.email)
    await review.getByLabel(/^Mot de passe/).fill(manager.password)
    await review.getByRole('button', { name: 'Se connecter' }).click()
    await review.getByRole('heading', { level: 2, name: /^Bonjour/ }).waitFor()
    await review.goto(`${server.url}/bilan?scope=campaign:${campaign.id}`)
    await review.getByRole('heading', { level: 2, name: 'Bilan' }).waitFor()
    const keyFigure = (label: string) =>
      review.locator('dl dt', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]')
    await keyFigure('Orientations').filter({ hasText: /^1$/ }).waitFor()
    assert.equal(
      await review.locator('[data-stats="suggestions"]').textContent(),
      'Suggestions des règles de détection suivies par les appelant·es\u00a0: niveau de fragilité 1 sur 1, orientation 1 sur 2.',
    )
    assert.deepEqual(await seriousViolations(review), [], 'campaign review')
    await review.screenshot({ path: screenshotPath('detection-review'), fullPage: true })
  })
})
