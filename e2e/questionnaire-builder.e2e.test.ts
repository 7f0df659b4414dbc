import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Locator, Page } from 'playwright-core'
import { seedDemo } from '../src/server/features/demo/demo.service.js'
import { launchBrowser, screenshotPath, seriousViolations, startTestServer } from '../test/browser.js'

/** Picks an option of a Mantine select by its label, inside `scope`. */
async function choose(page: Page, scope: Locator, label: string, option: string) {
  await scope.getByLabel(label, { exact: true }).click()
  await page.getByRole('option', { name: option, exact: true }).click()
}

describe('the questionnaire builder and the script editor in Chromium', () => {
  it('a manager adds a conditional question mapped to a need, tries it in the preview and saves a new version', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 120 })
    const manager = accounts.find((a) => a.role === 'manager' && a.organization === 'TDL')!
    const browser = await launchBrowser(t)
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    await page.goto(server.url)
    await page.getByLabel('Adresse e-mail').fill(manager.email)
    await page.getByLabel(/^Mot de passe/).fill(manager.password)
    await page.getByRole('button', { name: 'Se connecter' }).click()
    await page
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Campagnes' })
      .click()
    await page.getByRole('radio', { name: 'Canicule — appel de vigilance' }).check()
    await page.getByLabel(/^Nom de la campagne/).fill('Canicule août')
    await page.getByRole('button', { name: 'Créer le brouillon' }).click()
    await page.getByRole('heading', { level: 2, name: 'Canicule août' }).waitFor()
    await page.getByRole('tab', { name: 'Questionnaire' }).click()

    const versionText = await page.getByTestId('questionnaire-version').textContent()
    const before = Number(versionText?.match(/\d+/)?.[0])
    assert.ok(before >= 1, `the template's questionnaire is in service (${versionText})`)

    // A new part with a yes/no question mapped to a need, then a question shown only when it is answered "oui".
    await page.getByRole('button', { name: 'Ajouter une partie' }).click()
    const part = page.getByRole('region', { name: /— Nouvelle partie$/ })
    await part.getByLabel(/^Titre de la partie/).fill('Aide pratique')
    const section = page.getByRole('region', { name: /— Aide pratique$/ })
    await section.getByRole('button', { name: /^Ajouter une question/ }).click()
    const first = section.getByRole('region', { name: 'Question 1' })
    await first.getByLabel(/^Libellé de la question/).fill('Avez-vous besoin d’aide pour vos courses ?')
    await choose(page, first, 'Besoin suggéré si « oui »', 'Alimentation')

    await section.getByRole('button', { name: /^Ajouter une question/ }).click()
    const second = section.getByRole('region', { name: 'Question 2' })
    await second.getByLabel(/^Libellé de la question/).fill('Qui vous aide aujourd’hui ?')
    await choose(page, second, 'Type de réponse', 'Texte court')
    await second.getByRole('switch', { name: 'Montrer seulement si…' }).check()
    await choose(page, second, 'La question', 'Avez-vous besoin d’aide pour vos courses ?')
    await choose(page, second, 'a pour réponse', 'Oui')
    await page.getByText('Modifications non enregistrées').waitFor()

    // The preview behaves as the caller's form: the conditional question appears only after "Oui".
    const preview = page.getByRole('region', { name: 'Aperçu : ce que voit l’appelant·e' })
    await preview.getByText('Avez-vous besoin d’aide pour vos courses ?').waitFor()
    assert.equal(await preview.getByText('Qui vous aide aujourd’hui ?').count(), 0, 'hidden before the answer')
    const question = preview.getByRole('radiogroup', { name: /Avez-vous besoin d’aide pour vos courses/ })
    await question.getByRole('radio', { name: 'Oui' }).check()
    await preview.getByText('Qui vous aide aujourd’hui ?').waitFor()

    assert.deepEqual(await seriousViolations(page), [])
    await page.screenshot({ path: screenshotPath('questionnaire-builder'), fullPage: true })
    await page.setViewportSize({ width: 820, height: 1180 })
    await page.screenshot({ path: screenshotPath('questionnaire-builder-tablet'), fullPage: true })
    await page.setViewportSize({ width: 1280, height: 900 })

    await page.getByRole('button', { name: 'Enregistrer une nouvelle version' }).click()
    await page.getByText(`Version ${before + 1} enregistrée. Les prochains appels l’utiliseront.`).waitFor()
    await page.getByText(`Version ${before + 1} en service`).waitFor()

    const campaign = await server.db
      .selectFrom('campaign')
      .select('id')
      .where('name', '=', 'Canicule août')
      .executeTakeFirstOrThrow()
    const versions = await server.db
      .selectFrom('questionnaireVersion')
      .select(['version', 'definition'])
      .where('campaignId', '=', campaign.id)
      .orderBy('version')
      .execute()
    assert.deepEqual(
      versions.map((v) => v.version),
      Array.from({ length: before + 1 }, (_, i) => i + 1),
      'saving made one new version and kept the earlier ones',
    )
    const saved = JSON.parse(versions.at(-1)!.definition)
    const added = saved.sections.at(-1)
    assert.equal(added.title, 'Aide pratique')
    const [asked, shown] = added.questions
    assert.equal(asked.type, 'yes_no')
    assert.equal(asked.needIfYes, 'food')
    assert.equal(shown.type, 'short_text')
    assert.deepEqual(shown.showIf, { question: asked.id, equals: true })

    // A detection rule on the new question: "needs help with groceries" suggests a food orientation within 7 days.
    const rules = page.getByRole('region', { name: 'Règles de détection' })
    const shipped = await rules.locator('[data-rule]').count()
    assert.ok(shipped > 0, 'the heat-wave template ships its rules')
    await rules.getByRole('button', { name: 'Ajouter une règle' }).click()
    const rule = rules.getByRole('region', { name: `Règle ${shipped + 1}` })
    await rule.getByLabel(/^Ce qui alerte/).fill('A besoin d’aide pour ses courses')
    await choose(page, rule, 'Condition 1 — réponse à', 'Avez-vous besoin d’aide pour vos courses ?')
    await choose(page, rule, 'est', 'Oui')
    await choose(page, rule, 'Niveau de fragilité', 'Rien')
    await choose(page, rule, 'Orientation vers', 'Alimentation')
    await choose(page, rule, 'Délai', 'Sous 7 jours')
    assert.deepEqual(await seriousViolations(page), [])
    await page.getByRole('button', { name: 'Enregistrer une nouvelle version' }).click()
    await page.getByText(`Version ${before + 2} enregistrée. Les prochains appels l’utiliseront.`).waitFor()
    const latest = await server.db
      .selectFrom('questionnaireVersion')
      .select('definition')
      .where('campaignId', '=', campaign.id)
      .where('version', '=', before + 2)
      .executeTakeFirstOrThrow()
    const withRule = JSON.parse(latest.definition)
    assert.equal(withRule.rules.length, shipped + 1, 'the shipped rules are kept')
    assert.deepEqual(withRule.rules.at(-1), {
      id: withRule.rules.at(-1).id,
      label: 'A besoin d’aide pour ses courses',
      when: [{ question: asked.id, equals: true }],
      suggest: { referral: { category: 'food', urgency: 'within_7_days' } },
    })

    // The script editor explains its fields and previews them on a sample household.
    await page.getByRole('tab', { name: 'Script d’appel' }).click()
    const script = page.getByLabel(/^Texte du script/)
    await script.waitFor()
    await script.fill('Bonjour , ici  de la part de votre bailleur.')
    await script.evaluate((element: HTMLTextAreaElement) => element.setSelectionRange(8, 8))
    await page.getByRole('button', { name: 'Insérer {{civilite_nom}}' }).click()
    assert.match(await script.inputValue(), /^Bonjour \{\{civilite_nom\}\}/)
    await page
      .getByText(/Bonjour Madame Martin/)
      .first()
      .waitFor()
    assert.deepEqual(await seriousViolations(page), [])
    await page.screenshot({ path: screenshotPath('script-editor'), fullPage: true })
  })
})
