import assert from 'node:assert/strict'
import { mkdirSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import type { Db } from '../src/server/db/database.js'
import { seedDemo } from '../src/server/features/demo/demo.service.js'
import { parisToday } from '../src/shared/clock.js'
import { launchBrowser, screenshotPath, seriousViolations, signIn, startTestServer } from '../test/browser.js'

async function signedInPage(browser: Browser, url: string, email: string, password: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  await signIn(page, url, email, password)
  await page.getByRole('heading', { level: 2, name: /^Bonjour/ }).waitFor()
  return page
}

function minusDays(day: string, days: number) {
  const date = new Date(`${day}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() - days)
  return date.toISOString().slice(0, 10)
}

/** Households of the organisation with at least one completed call since `fromUtc`: counted here, not by the app. */
async function reachedSince(db: Db, organizationCode: string, fromUtc: string) {
  const rows = await db
    .selectFrom('call')
    .innerJoin('organization', 'organization.id', 'call.organizationId')
    .select('call.householdId')
    .distinct()
    .where('organization.code', '=', organizationCode)
    .where('call.disposition', '=', 'completed')
    .where('call.createdAt', '>=', fromUtc)
    .execute()
  return rows.length
}

/** The value of a key-figure card, found by its label (a <dt> followed by its <dd>). */
function keyFigure(page: Page, label: string) {
  return page.locator('dl dt', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]')
}

describe('the review (bilan) in Chromium', () => {
  it('a manager reads the review of the demo organisation, changes the period, prints, downloads the PDF; a viewer sees "< 5" and no exports', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 1000 })
    const account = (role: string) => accounts.find((a) => a.role === role && a.organization === 'TDL')!
    // Exactly three debrief requests, so that the viewer's "< 5" is certain and the manager's 3 is exact.
    await server.db.updateTable('callerFeedback').set({ debriefRequested: 0 }).execute()
    const feedback = await server.db.selectFrom('callerFeedback').select('id').orderBy('id').limit(3).execute()
    assert.equal(feedback.length, 3, 'the demo seeds callers’ feedback')
    await server.db
      .updateTable('callerFeedback')
      .set({ debriefRequested: 1 })
      .where(
        'id',
        'in',
        feedback.map((row) => row.id),
      )
      .execute()
    const today = parisToday()
    // The last 30 Paris days start at midnight Paris time, at most 2 hours before midnight UTC: a day of margin
    // makes no difference since the demo's calls stop the day before yesterday and start at most 21 days ago.
    const expectedReached = await reachedSince(server.db, 'TDL', `${minusDays(today, 29)}T00:00:00.000Z`)
    assert.ok(expectedReached > 10, `the demo has reached households (${expectedReached})`)

    const browser = await launchBrowser(t)
    const manager = await signedInPage(browser, server.url, account('manager').email, account('manager').password)
    await manager
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Bilan' })
      .click()
    await manager.getByRole('heading', { level: 2, name: 'Bilan' }).waitFor()
    await manager.getByRole('heading', { level: 3, name: 'Toits de Lorraine' }).waitFor()
    assert.equal(new URL(manager.url()).pathname, '/bilan')
    assert.equal(new URL(manager.url()).searchParams.get('scope') ?? 'organization:TDL', 'organization:TDL')
    assert.equal(await keyFigure(manager, 'Ménages joints').textContent(), String(expectedReached))
    assert.equal(await manager.getByText('Débriefings demandés : 3').count(), 1)
    // Charts are drawn, each inside a figure whose caption names it, with its data as a table.
    for (const caption of [
      'Appels par jour',
      'Issues des appels',
      'Niveau de fragilité (dernier connu par ménage joint)',
    ]) {
      const figure = manager.getByRole('figure', { name: caption })
      await figure.locator('.recharts-surface').first().waitFor()
      assert.ok((await figure.getByRole('table').count()) === 1, `${caption} has a data table`)
    }
    const outcomes = manager.getByRole('figure', { name: 'Issues des appels' })
    await outcomes.getByRole('button', { name: 'Voir les données' }).click()
    await outcomes.getByRole('rowheader', { name: 'Entretien réalisé' }).waitFor()
    assert.equal(await manager.getByRole('button', { name: 'Exports' }).count(), 1)

    const violations = await seriousViolations(manager)
    assert.deepEqual(violations, [], 'review page')
    const path = screenshotPath('review-manager')
    mkdirSync(dirname(path), { recursive: true })
    await manager.screenshot({ path, fullPage: true })
    await manager.emulateMedia({ media: 'print' })
    await manager.screenshot({ path: screenshotPath('review-manager-print'), fullPage: true })
    assert.equal(await manager.getByRole('navigation', { name: 'Navigation principale' }).isVisible(), false)
    assert.equal(await manager.getByRole('button', { name: 'Imprimer' }).isVisible(), false)
    await manager.emulateMedia({ media: 'screen' })

    // Another period, kept in the URL: nothing was called in January 2020.
    await manager.getByLabel('Du', { exact: true }).fill('01/01/2020')
    await manager.getByLabel('Au', { exact: true }).fill('31/01/2020')
    await manager.getByRole('button', { name: 'Afficher' }).click()
    await manager.getByText('Du 01/01/2020 au 31/01/2020 (jours de Paris)', { exact: true }).waitFor()
    assert.equal(new URL(manager.url()).searchParams.get('from'), '2020-01-01')
    assert.equal(await keyFigure(manager, 'Ménages joints').textContent(), '0')
    // A period the wrong way round is refused in plain French, and nothing changes.
    await manager.getByLabel('Du', { exact: true }).fill('10/02/2020')
    await manager.getByRole('button', { name: 'Afficher' }).click()
    await manager.getByText('La date de début doit précéder la date de fin.').waitFor()
    assert.equal(new URL(manager.url()).searchParams.get('from'), '2020-01-01')
    await manager.getByRole('button', { name: '30 derniers jours' }).click()
    await manager
      .getByText(/^Du \d\d\/\d\d\/\d{4} au /)
      .first()
      .waitFor()
    assert.equal(new URL(manager.url()).searchParams.get('to'), today)
    await keyFigure(manager, 'Ménages joints')
      .filter({ hasText: String(expectedReached) })
      .waitFor()

    // The PDF: a real download, and its headers.
    const pdfLink = manager.getByRole('link', { name: 'Télécharger le PDF' })
    const [download] = await Promise.all([manager.waitForEvent('download'), pdfLink.click()])
    assert.match(download.suggestedFilename(), /^bilan-organization-TDL-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.pdf$/)
    const saved = await download.path()
    assert.equal(readFileSync(saved).subarray(0, 5).toString('latin1'), '%PDF-')
    const pdf = await manager.request.get(new URL((await pdfLink.getAttribute('href'))!, server.url).toString())
    assert.equal(pdf.status(), 200)
    assert.equal(pdf.headers()['content-type'], 'application/pdf')

    // The viewer: aggregates only, small counts suppressed, no exports.
    const viewer = await signedInPage(browser, server.url, account('viewer').email, account('viewer').password)
    await viewer.goto(`${server.url}/bilan`)
    await viewer.getByRole('heading', { level: 3, name: 'Toits de Lorraine' }).waitFor()
    await viewer.getByText('Débriefings demandés : < 5').waitFor()
    await viewer.getByText('Les effectifs de 1 à 4 sont affichés « < 5 »', { exact: false }).waitFor()
    // A chart keeps a suppressed count's place: a pale bar whose value reads « < 5 », as in the PDF.
    await viewer.locator('.stats-chart .recharts-label-list text', { hasText: /^< 5$/ }).first().waitFor()
    assert.equal(await viewer.getByRole('button', { name: 'Exports' }).count(), 0)
    assert.equal(await viewer.getByText('Commentaires des appelant·es').count(), 0)
    assert.deepEqual(await seriousViolations(viewer), [], 'viewer review page')
    await viewer.screenshot({ path: screenshotPath('review-viewer'), fullPage: true })
  })

  it('a caller ends their session with the short feedback dialog, keyboard only, and may skip it', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 60 })
    const caller = accounts.find((a) => a.role === 'caller' && a.organization === 'TDL')!
    const callerId = (
      await server.db.selectFrom('user').select('id').where('email', '=', caller.email).executeTakeFirstOrThrow()
    ).id
    const before = await server.db.selectFrom('callerFeedback').select('id').where('callerId', '=', callerId).execute()
    const browser = await launchBrowser(t)
    const page = await signedInPage(browser, server.url, caller.email, caller.password)
    await page.goto(`${server.url}/calling`)

    await page.getByRole('button', { name: 'Terminer ma session' }).click()
    const dialog = page.getByRole('dialog', { name: 'Avant de partir' })
    await dialog.waitFor()
    // Sending without the ratings names what is missing and saves nothing.
    await dialog.getByRole('button', { name: 'Envoyer' }).click()
    assert.equal(await dialog.getByText('Choisissez une note de 1 à 5.').count(), 2)
    assert.deepEqual(await seriousViolations(page), [], 'feedback dialog')
    await page.screenshot({ path: screenshotPath('feedback-dialog') })

    // Keyboard only: the radio groups take arrows, the box takes Space.
    await dialog.getByRole('radio', { name: '3' }).first().focus()
    await page.keyboard.press('ArrowRight') // 4
    await dialog
      .getByRole('radiogroup', { name: 'Ces appels vous ont-ils semblé utiles aux locataires ?' })
      .getByRole('radio', { name: '5 – tout à fait' })
      .focus()
    await page.keyboard.press('Space')
    await dialog.getByLabel('Un commentaire (facultatif)').fill('Une matinée dense mais utile.')
    await dialog.getByLabel('Je souhaite un débriefing avec un·e encadrant·e').focus()
    await page.keyboard.press('Space')
    await dialog.getByRole('button', { name: 'Envoyer' }).focus()
    await page.keyboard.press('Enter')
    await page.getByText('Merci. Votre demande de débriefing a été transmise à vos encadrant·es.').waitFor()
    const after = await server.db
      .selectFrom('callerFeedback')
      .selectAll()
      .where('callerId', '=', callerId)
      .orderBy('createdAt', 'desc')
      .execute()
    assert.equal(after.length, before.length + 1)
    const saved = after.find((row) => !before.some((old) => old.id === row.id))!
    assert.equal(saved.meaningful, 4)
    assert.equal(saved.useful, 5)
    assert.equal(saved.comment, 'Une matinée dense mais utile.')
    assert.equal(saved.debriefRequested, 1)

    // Skipping with Escape ends the session without saving anything.
    await page.getByRole('button', { name: 'Terminer ma session' }).click()
    await page.getByRole('dialog', { name: 'Avant de partir' }).waitFor()
    await page.keyboard.press('Escape')
    await page.getByText('Session terminée. Merci pour votre aide, à bientôt !').waitFor()
    const final = await server.db.selectFrom('callerFeedback').select('id').where('callerId', '=', callerId).execute()
    assert.equal(final.length, before.length + 1)
  })
})
