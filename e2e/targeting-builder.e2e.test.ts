import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { seedDemo } from '../src/server/features/demo/demo.service.js'
import { launchBrowser, screenshotPath, seriousViolations, startTestServer } from '../test/browser.js'

async function count(page: Page): Promise<number> {
  const heading = page.getByRole('heading', { name: /ménages? correspondent?/ })
  await heading.waitFor()
  return Number(((await heading.textContent()) ?? '').match(/\d+/)![0])
}

describe('the targeting builder in Chromium', () => {
  it('a manager edits the nested heat-wave rule without the JSON view, sees the count change and starts', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 400 })
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
    await page.getByLabel(/^Nom de la campagne/).fill('Canicule juillet')
    await page.getByRole('button', { name: 'Créer le brouillon' }).click()
    await page.getByRole('heading', { level: 2, name: 'Canicule juillet' }).waitFor()

    // The template's "any" of an "all" opens as a group holding a group; the JSON stays hidden.
    const root = page.getByRole('group', { name: 'Retenir les ménages qui remplissent' })
    await root.waitFor()
    const nested = root.getByRole('group', { name: 'Groupe : remplir' })
    assert.equal(await nested.count(), 1, 'the inner group is shown as a group')
    assert.equal(await page.getByLabel('Règle avancée (JSON)', { exact: true }).count(), 0, 'no JSON unless asked')
    assert.equal(await root.getByLabel('Opérateur').first().inputValue(), 'au moins')
    const before = await count(page)

    // Age at least 85 instead of 75: fewer households, counted as it is typed.
    const firstValue = root.getByLabel('Valeur').first()
    await firstValue.fill('85')
    await page.waitForFunction((n) => {
      const text = [...document.querySelectorAll('h3')].find((h) => /correspondent?/.test(h.textContent ?? ''))
      return text && Number(text.textContent?.match(/\d+/)?.[0]) !== n
    }, before)
    const after = await count(page)
    assert.ok(after < before, `age ≥ 85 matches fewer households (${after} < ${before})`)

    // A condition added inside the inner group: living alone.
    await nested.getByRole('button', { name: 'Ajouter une condition' }).click()
    const added = nested.locator('[data-condition="age"]').last()
    await added.getByLabel('Critère').click()
    await page.getByRole('option', { name: 'Vit seul·e' }).click()
    await nested.locator('[data-condition="livesAlone"]').waitFor()

    assert.deepEqual(await seriousViolations(page), [])
    await page.screenshot({ path: screenshotPath('targeting-builder'), fullPage: true })
    await page.setViewportSize({ width: 820, height: 1180 })
    await page.screenshot({ path: screenshotPath('targeting-builder-tablet'), fullPage: true })
    await page.setViewportSize({ width: 1280, height: 900 })

    await page.getByRole('button', { name: 'Enregistrer la cible' }).click()
    await page.getByText('Cible enregistrée.').waitFor()
    const saved = await server.db
      .selectFrom('campaign')
      .select(['id', 'targeting'])
      .where('name', '=', 'Canicule juillet')
      .executeTakeFirstOrThrow()
    const rule = typeof saved.targeting === 'string' ? JSON.parse(saved.targeting) : saved.targeting
    assert.deepEqual(rule, {
      any: [
        { field: 'age', op: '>=', value: 85 },
        {
          all: [
            { field: 'age', op: '>=', value: 65 },
            { field: 'floor', op: '>=', value: 3 },
            { field: 'hasLift', op: '=', value: false },
            { field: 'livesAlone', op: '=', value: true },
          ],
        },
      ],
    })

    await page.getByRole('button', { name: 'Démarrer' }).click()
    const dialog = page.getByRole('dialog', { name: 'Démarrer la campagne ?' })
    const final = await count(page)
    await dialog.getByText(`${final} ménages seront appelés`).waitFor()
    await dialog.getByRole('button', { name: 'Démarrer' }).click()
    await page.getByText('Campagne démarrée.').waitFor()
  })
})
