import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { seedDemo } from '../src/server/features/demo/demo.service.js'
import { launchBrowser, screenshotPath, seriousViolations, startTestServer } from '../test/browser.js'

/** Screenshots at desktop width then tablet width, back to desktop (a dialog: the window only, its overlay fixed). */
async function screenshots(page: Page, name: string, { fullPage = true } = {}) {
  await page.screenshot({ path: screenshotPath(`households-${name}`), fullPage })
  await page.setViewportSize({ width: 820, height: 1180 })
  await page.screenshot({ path: screenshotPath(`households-${name}-tablet`), fullPage })
  assert.deepEqual(await seriousViolations(page), [], `${name} at tablet width`)
  await page.setViewportSize({ width: 1280, height: 900 })
}

/** The names in the list's rows (second column), as shown. */
async function names(page: Page): Promise<string[]> {
  return page.locator('table tbody tr td:nth-child(2)').allTextContents()
}

/** Waits until the list's count line reads `pattern`. */
async function waitForCount(page: Page, pattern: RegExp) {
  await page.getByText(pattern).first().waitFor()
}

const NNBSP = '\u202f'
const grouped = (n: number) => new Intl.NumberFormat('fr-FR').format(n)

describe('the household list in Chromium', () => {
  it('a manager searches without accents, by full name in both orders and by phone, pages, sorts and filters', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 1800 })
    const manager = accounts.find((a) => a.role === 'manager' && a.organization === 'TDL')!
    const organization = await server.db
      .selectFrom('organization')
      .select('id')
      .where('code', '=', 'TDL')
      .executeTakeFirstOrThrow()
    const all = await server.db
      .selectFrom('household')
      .select(['id', 'lastName', 'firstName', 'fragilityLevel', 'status'])
      .where('organizationId', '=', organization.id)
      .execute()
    const total = all.length
    assert.ok(total > 1000, `the demo gives TDL more than a thousand households (${total})`)
    const lefevres = all.filter((h) => h.lastName === 'Lefèvre')
    assert.ok(lefevres.length > 0, 'the demo has Lefèvre households')
    const named = all.find((h) => h.firstName && h.lastName === 'Lefèvre') ?? all.find((h) => h.firstName)!
    const phone = await server.db
      .selectFrom('phone')
      .innerJoin('household', 'household.id', 'phone.householdId')
      .select(['phone.e164', 'household.id', 'household.lastName', 'household.firstName'])
      .where('household.organizationId', '=', organization.id)
      .where('phone.e164', 'like', '+333%')
      .where('phone.isValid', '=', 1)
      .executeTakeFirstOrThrow()

    const browser = await launchBrowser(t)
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    await page.goto(server.url)
    await page.getByLabel('Adresse e-mail').fill(manager.email)
    await page.getByLabel(/^Mot de passe/).fill(manager.password)
    await page.getByRole('button', { name: 'Se connecter' }).click()
    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Ménages' }).click()
    await page.getByRole('heading', { level: 2, name: 'Registre des ménages' }).waitFor()

    // The whole registry, 50 rows a page, counted the French way (narrow no-break spaces between thousands).
    assert.ok(grouped(total).includes(NNBSP), 'French groups thousands with a narrow no-break space')
    await waitForCount(page, new RegExp(`^${grouped(total)} ménages$`))
    await page.getByText(`1–50 sur ${grouped(total)}`).waitFor()
    assert.equal(await page.locator('table tbody tr').count(), 50)
    assert.deepEqual(await seriousViolations(page), [])
    await screenshots(page, 'list')

    // "Lefevre" without its accent finds the Lefèvre households.
    const search = page.getByLabel('Rechercher (nom, référence, téléphone, adresse)')
    await search.fill('Lefevre')
    await page.waitForURL(/q=Lefevre/)
    await page
      .getByRole('link', { name: /^Lefèvre/ })
      .first()
      .waitFor()
    const found = await names(page)
    assert.ok(found.length >= lefevres.length || found.length === 50, 'every Lefèvre household is listed')
    assert.ok(
      found.filter((name) => name.startsWith('Lefèvre')).length >= Math.min(lefevres.length, 50),
      `the Lefèvre households are there (${found.join(', ')})`,
    )
    await screenshots(page, 'search')

    // "Prénom Nom" and "nom prénom" in lower case without accents find the same household.
    const fullName = `${named.firstName} ${named.lastName}`
    await search.fill(fullName)
    await page
      .getByRole('link', { name: `${named.lastName} ${named.firstName}` })
      .first()
      .waitFor()
    const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
    await search.fill(fold(`${named.lastName} ${named.firstName}`))
    await page.waitForURL((url) => url.searchParams.get('q') === fold(`${named.lastName} ${named.firstName}`))
    await page
      .getByRole('link', { name: `${named.lastName} ${named.firstName}` })
      .first()
      .waitFor()

    // A phone typed "+33 3 83 12 34 56" (spaces, international prefix) finds its household.
    const digits = phone.e164!.slice(3)
    const spaced = `+33 ${digits[0]} ${digits.slice(1).match(/\d{2}/g)!.join(' ')}`
    await search.fill(spaced)
    await page
      .getByRole('link', { name: `${phone.lastName} ${phone.firstName ?? ''}`.trim() })
      .first()
      .waitFor()

    // Cleared, the list pages: page 2 shows rows 51–100 and keeps its place through a reload.
    await search.fill('')
    await page.getByText(`1–50 sur ${grouped(total)}`).waitFor()
    await page
      .getByRole('navigation', { name: 'Pages de la liste' })
      .getByRole('button', { name: 'Page 2', exact: true })
      .click()
    await page.getByText(`51–100 sur ${grouped(total)}`).waitFor()
    await page.waitForURL(/page=2/)
    await page.reload()
    await page.getByText(`51–100 sur ${grouped(total)}`).waitFor()

    // Sorting by age: the header says so (aria-sort), and the oldest come first the second time.
    const ageHeader = page.getByRole('columnheader', { name: /Âge/ })
    assert.equal(await ageHeader.getAttribute('aria-sort'), 'none')
    await ageHeader.getByRole('button').click()
    await page.waitForURL(/sort=age/)
    await page.locator('th[aria-sort="ascending"]', { hasText: 'Âge' }).waitFor()
    assert.ok(!page.url().includes('page=2'), 'a new order starts at the first page')
    await ageHeader.getByRole('button').click()
    await page.waitForURL(/sort=-age/)
    await page.locator('th[aria-sort="descending"]', { hasText: 'Âge' }).waitFor()
    await page.waitForFunction(() => {
      const cells = [...document.querySelectorAll('table tbody tr td:nth-child(3)')].map((td) =>
        Number.parseInt(td.textContent ?? '', 10),
      )
      return cells.length > 2 && cells[0]! >= cells[1]! && cells[1]! >= cells[2]!
    })

    // Filtering by fragility: the count is the registry's.
    const fragile = all.filter((h) => h.fragilityLevel === 'fragile').length
    await page.getByRole('combobox', { name: 'Niveau de fragilité' }).click()
    await page.getByRole('option', { name: 'Fragile', exact: true }).click()
    await page.waitForURL(/fragility=fragile/)
    await waitForCount(page, new RegExp(`^${grouped(fragile)} ménages?$`))
    await page.getByRole('combobox', { name: 'Statut' }).click()
    await page.getByRole('option', { name: 'Actifs' }).click()
    // The address first: when every fragile household is active the count does not move, and the export link read
    // below could still be the one before the status was chosen.
    await page.waitForURL(/status=active/)
    const fragileActive = all.filter((h) => h.fragilityLevel === 'fragile' && h.status === 'active').length
    await waitForCount(page, new RegExp(`^${grouped(fragileActive)} ménages?$`))

    // The export carries the same filters (its link is drawn again after the address changes: waited for, not read
    // at once, which on a slow machine could still be the link before the status was chosen).
    await page.locator('a[href^="/api/households/export.csv"][href*="status=active"]').waitFor()
    const exportHref = await page.getByRole('link', { name: 'Exporter la liste' }).getAttribute('href')
    assert.match(exportHref ?? '', /^\/api\/households\/export\.csv\?/)
    const exportQuery = new URLSearchParams(exportHref!.split('?')[1])
    assert.equal(exportQuery.get('fragility'), 'fragile')
    assert.equal(exportQuery.get('status'), 'active')
    assert.equal(exportQuery.get('sort'), '-age')
    const csv = await page.request.get(`${server.url}${exportHref}`)
    assert.equal(csv.status(), 200)
    const lines = (await csv.text()).trim().split(/\r?\n/)
    assert.equal(lines.length - 1, fragileActive, 'the export holds the filtered rows')
    assert.deepEqual(await seriousViolations(page), [])
    await screenshots(page, 'filtered')

    // Opening a household and coming back by its link keeps the list as it was.
    const firstName = (await names(page))[0]!
    await page.locator('table tbody tr').first().getByRole('link').click()
    await page.getByRole('link', { name: /Retour au registre/ }).click()
    await page.waitForURL(/fragility=fragile/)
    await waitForCount(page, new RegExp(`^${grouped(fragileActive)} ménages?$`))
    assert.equal((await names(page))[0], firstName)
    assert.equal(await page.getByRole('combobox', { name: 'Niveau de fragilité' }).inputValue(), 'Fragile')
  })

  it('a manager opens « pourquoi ce ménage » from the campaign sample and from the household page', async (t) => {
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
    await page.getByLabel(/^Nom de la campagne/).fill('Canicule août')
    await page.getByRole('button', { name: 'Créer le brouillon' }).click()
    await page.getByRole('heading', { level: 2, name: 'Canicule août' }).waitFor()

    // The sample's first row: the household of highest priority.
    const why = page.getByRole('button', { name: /^Pourquoi ce ménage\s\? / }).first()
    await why.waitFor()
    const row = page.locator('tr', { has: why })
    const cells = await row.locator('td').allTextContents()
    const [, name, , , priority] = cells as [string, string, string, string, string]
    await why.click()
    const dialog = page.getByRole('dialog', { name: `Pourquoi ce ménage ? — ${name}` })
    await dialog.waitFor()
    await dialog.getByText('Ce ménage correspond à la cible.').waitFor()
    // The conditions in the builder's words, each met or not, with the household's own value.
    await dialog.getByText('Au moins une de ces conditions').waitFor()
    await dialog.getByText('Âge au moins 75').waitFor()
    assert.ok((await dialog.getByText(/^(✓ )?remplie$/).count()) > 0, 'conditions met are said so in words')
    // The priority line by line, its total the sample's.
    await dialog.getByRole('rowheader', { name: 'Total' }).waitFor()
    await dialog.getByText(`${priority} sur 100`).waitFor()
    const points = (await dialog.getByText(/^\+\d+ points?$/).allTextContents()).map((text) =>
      Number(text.match(/\d+/)![0]),
    )
    assert.ok(points.length > 0, 'the points are listed')
    assert.equal(
      Math.min(
        100,
        points.reduce((sum, p) => sum + p, 0),
      ),
      Number(priority),
    )
    assert.deepEqual(await seriousViolations(page), [])
    await screenshots(page, 'why', { fullPage: false })

    // Escape closes it and gives the focus back to the row's button.
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
      `Pourquoi ce ménage\u202f? ${name}`,
    )

    // The builder's agency picker offers the organisation's agencies (never another's), chosen rather than typed.
    const root = page.getByRole('group', { name: 'Retenir les ménages qui remplissent' })
    await root.getByRole('button', { name: 'Ajouter une condition' }).last().click()
    const added = root.locator('[data-condition="age"]').last()
    await added.getByLabel('Critère').click()
    await page.getByRole('option', { name: 'Agence', exact: true }).click()
    const agencyRow = root.locator('[data-condition="agency"]')
    await agencyRow.getByRole('combobox', { name: 'Valeur' }).click()
    const offered = await page.getByRole('listbox').last().getByRole('option').allTextContents()
    assert.deepEqual(offered, [
      'Agence de Lunéville (LUNEVILLE)',
      'Agence de Nancy (NANCY)',
      'Agence de Verdun (VERDUN)',
    ])
    await page.getByRole('option', { name: 'Agence de Nancy (NANCY)' }).click()
    assert.equal(await agencyRow.getByRole('combobox', { name: 'Valeur' }).inputValue(), 'Agence de Nancy (NANCY)')
    assert.deepEqual(await seriousViolations(page), [])
    await agencyRow.getByRole('button', { name: 'Retirer' }).click()
    await agencyRow.waitFor({ state: 'detached' })

    // The name opens the household's page with the campaign chosen: the same explanation, the saved rule.
    await row.getByRole('link', { name }).click()
    await page.getByRole('heading', { level: 2, name }).waitFor()
    const explain = page.getByRole('button', { name: 'Pourquoi ce ménage dans cette campagne ?' })
    await explain.click()
    const again = page.getByRole('dialog', { name: `Pourquoi ce ménage ? — ${name}` })
    await again.getByText('Ce ménage correspond à la cible.').waitFor()
    await again.getByText(`${priority} sur 100`).waitFor()
    assert.deepEqual(await seriousViolations(page), [])
    await again.getByRole('button', { name: 'Fermer' }).last().click()
    await again.waitFor({ state: 'hidden' })
    assert.deepEqual(await seriousViolations(page), [])
    await screenshots(page, 'household')
  })
})
