import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { seedDemo } from '../src/server/features/demo/demo.service.js'
import { launchBrowser, screenshotPath, seriousViolations, signIn, startTestServer } from '../test/browser.js'
import { hostileFiles } from '../test/fixtures/imports/hostile.js'

const FIXTURES = new URL('../test/fixtures/imports/', import.meta.url)
const fixture = (name: string) => new URL(name, FIXTURES).pathname

async function signedInPage(browser: Browser, url: string, email: string, password: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1440, height: 1000 } })
  const page = await context.newPage()
  await signIn(page, url, email, password)
  await page.getByRole('heading', { level: 2, name: /^Bonjour/ }).waitFor()
  return page
}

describe('household import in Chromium', () => {
  it('a manager uploads a Windows-1252 export, adjusts the mapping, runs it, reads the report; a broken file is refused', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 10 })
    const manager = accounts.find((a) => a.role === 'manager' && a.organization === 'TDL')!
    const browser = await launchBrowser(t)
    const page = await signedInPage(browser, server.url, manager.email, manager.password)

    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Ménages' }).click()
    await page.getByRole('link', { name: 'Importer un fichier' }).click()
    await page.getByRole('heading', { level: 2, name: 'Importer un fichier de locataires' }).waitFor()

    await page.locator('input[type=file]').setInputFiles(fixture('tenants-cp1252.csv'))
    const detected = page.locator('dl')
    await detected.getByText('Windows-1252').waitFor()
    await detected.getByText('point-virgule').waitFor()
    await detected.getByText('Texte (CSV)').waitFor()

    // The "Portable" column: not imported, then back to a phone.
    const portable = page.getByRole('combobox', { name: 'Champ importé pour la colonne « Portable »' })
    assert.equal(await portable.inputValue(), 'Téléphone')
    await portable.click()
    await page.getByRole('option', { name: '— ne pas importer —' }).click()
    assert.equal(await portable.inputValue(), '— ne pas importer —')
    await portable.click()
    await page.getByRole('option', { name: 'Téléphone', exact: true }).click()
    assert.equal(await portable.inputValue(), 'Téléphone')
    const reference = page.getByRole('combobox', { name: 'Champ importé pour la colonne « N° locataire »' })
    assert.equal(await reference.inputValue(), 'Référence du ménage')
    // Without a reference column the import cannot run, and the page says so.
    await reference.click()
    await page.getByRole('option', { name: '— ne pas importer —' }).click()
    await page
      .getByRole('alert')
      .getByText(/Aucune colonne n’est associée à la «\sRéférence du ménage\s»/)
      .waitFor()
    assert.equal(await page.getByRole('button', { name: 'Lancer l’import' }).isDisabled(), true)
    await reference.click()
    await page.getByRole('option', { name: 'Référence du ménage' }).click()
    assert.equal(await page.getByRole('button', { name: 'Lancer l’import' }).isDisabled(), false)
    await page.getByText('Fichier complet (snapshot)').waitFor()
    await page.getByText('les ménages absents du fichier seront marqués comme partis, jamais supprimés').waitFor()
    await page.getByLabel(/^Enregistrer cette correspondance/).fill('Export GIM')

    assert.deepEqual(await seriousViolations(page), [])
    await page.screenshot({ path: screenshotPath('import-mapping'), fullPage: true })

    await page.getByRole('button', { name: 'Lancer l’import' }).click()
    const report = page.getByRole('heading', { name: 'Bilan de l’import' })
    await report.waitFor({ timeout: 15_000 })
    await page.getByText('7 lignes lues dans « tenants-cp1252.csv ».').waitFor()
    const count = async (label: string) =>
      (await page.getByText(label, { exact: true }).locator('xpath=preceding-sibling::*[1]').textContent())?.trim()
    assert.equal(await count('Ménages créés'), '4')
    assert.equal(await count('Ménages mis à jour'), '0')
    assert.equal(await count('Ménages marqués comme partis'), '0')

    const rejected = page.locator('section[aria-labelledby="import-rejected"] tbody tr')
    assert.equal(await rejected.count(), 2)
    assert.deepEqual(await rejected.nth(0).locator('td').allTextContents(), ['7', 'pas de référence de ménage'])
    assert.deepEqual(await rejected.nth(1).locator('td').allTextContents(), ['8', 'pas de nom'])
    const warnings = page.locator('section[aria-labelledby="import-warnings"] tbody tr')
    const birth = warnings.filter({ hasText: '31/02/1950' })
    assert.deepEqual(await birth.locator('td').allTextContents(), [
      '3',
      'Date de naissance',
      '31/02/1950',
      'cette date n’existe pas',
    ])
    const download = page.getByRole('link', { name: 'Télécharger les lignes rejetées' })
    const href = await download.getAttribute('href')
    assert.match(href ?? '', /^\/api\/imports\/[0-9a-f-]+\/rejected\.csv$/)
    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href!)
    assert.match(csv, /\r\n7;no household reference;;Sans;/)

    assert.deepEqual(await seriousViolations(page), [])
    await page.screenshot({ path: screenshotPath('import-report'), fullPage: true })

    const household = await server.db
      .selectFrom('household')
      .innerJoin('organization', 'organization.id', 'household.organizationId')
      .select(['household.id'])
      .where('organization.code', '=', 'TDL')
      .where('household.externalRef', '=', 'L003')
      .executeTakeFirstOrThrow()
    const members = await server.db
      .selectFrom('member')
      .select(['firstName'])
      .where('householdId', '=', household.id)
      .orderBy('position')
      .execute()
    assert.deepEqual(
      members.map((m) => m.firstName),
      ['Odette', 'Émile'],
    )
    const saved = await page.evaluate(async () => (await fetch('/api/import-mappings?organization=TDL')).json())
    assert.equal(saved.items[0].name, 'Export GIM')

    // Another file, broken: refused with the line, and the user may choose again.
    await page.getByRole('button', { name: 'Importer un autre fichier' }).click()
    await page.locator('input[type=file]').setInputFiles(fixture('broken-quote.csv'))
    const refusal = page.getByRole('alert').filter({ hasText: 'Ce fichier ne peut pas être importé' })
    await refusal.getByText(/^Ligne 2\s: un guillemet/).waitFor()
    await page.getByRole('button', { name: 'Choisir un autre fichier' }).waitFor()
    await page.screenshot({ path: screenshotPath('import-refused'), fullPage: true })
    // A workbook with a cell far to the right on each row: refused with the limit, in plain words.
    await page.locator('input[type=file]').setInputFiles({
      name: 'tres-large.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: hostileFiles().farRight.content,
    })
    await refusal.getByText(/^Une ligne a une cellule en colonne XFD, au-delà des 1\u202f000 colonnes lues/).waitFor()
    await page.locator('input[type=file]').setInputFiles(fixture('tenants-utf8-bom.csv'))
    await page.locator('dl').getByText('UTF-8').waitFor()
    assert.equal(await refusal.count(), 0)
  })
})
