import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, screenshotPath, seriousViolations, signIn, startTestServer } from '../test/browser.js'
import { makeCampaign, makeTarget, makeUser } from '../test/factories.js'

async function signedInPage(
  browser: Browser,
  url: string,
  email: string,
  password: string,
  width: number,
  height: number,
) {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width, height } })
  const page = await context.newPage()
  await signIn(page, url, email, password)
  await page.getByRole('heading', { level: 2, name: /^Bonjour/ }).waitFor()
  await page.goto(`${url}/calling`)
  await page.getByRole('heading', { level: 2, name: 'Appeler' }).waitFor()
  return { context, page }
}

async function shoot(page: Page, name: string) {
  const path = screenshotPath(name)
  mkdirSync(dirname(path), { recursive: true })
  await page.screenshot({ path, fullPage: false })
}

const householdTitle = (page: Page) => page.getByRole('heading', { level: 3, name: / Odette$/ })

describe('the caller’s fast path in Chromium', () => {
  it('on a tablet, records three no-answers with one shortcut key each, households chained', async (t) => {
    const server = await startTestServer(t)
    const db = server.db
    const campaign = await makeCampaign(db)
    const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    for (const lastName of ['Arnaud', 'Bertin', 'Collet']) {
      await makeTarget(db, campaign, { household: { lastName, firstName: 'Odette' } })
    }
    const browser = await launchBrowser(t)
    const { page } = await signedInPage(browser, server.url, caller.email, caller.password, 820, 1180)

    await page.getByRole('button', { name: 'Appeler le suivant' }).click()
    await householdTitle(page).waitFor()
    const first = await householdTitle(page).textContent()

    // The quick outcomes: their shortcut in their label and in aria-keyshortcuts, on a bar fixed to the bottom.
    const bar = page.getByRole('region', { name: 'Issues rapides' })
    const noAnswer = bar.getByRole('button', { name: /^Pas de réponse/ })
    assert.equal(await noAnswer.getAttribute('aria-keyshortcuts'), 'Alt+Shift+1')
    assert.match((await noAnswer.textContent()) ?? '', /Alt\+Maj\+1/)
    assert.equal(await bar.getByRole('button', { name: /^Occupé/ }).getAttribute('aria-keyshortcuts'), 'Alt+Shift+2')
    assert.equal(
      await bar.getByRole('button', { name: /^Messagerie/ }).getAttribute('aria-keyshortcuts'),
      'Alt+Shift+3',
    )
    assert.equal(
      await bar.getByRole('button', { name: /^Mauvais numéro/ }).getAttribute('aria-keyshortcuts'),
      'Alt+Shift+4',
    )
    const barBox = await bar.boundingBox()
    assert.ok(
      barBox && barBox.y + barBox.height >= 1179 && barBox.y > 800,
      `bar at the bottom (${JSON.stringify(barBox)})`,
    )
    // Scrolled to the end of the questionnaire, the bar is still there, and nothing is hidden under it.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight))
    const scrolledBox = await bar.boundingBox()
    assert.ok(scrolledBox && scrolledBox.y > 800, 'the bar stays at the bottom when scrolled')
    const save = await page.getByRole('button', { name: 'Enregistrer l’issue' }).boundingBox()
    assert.ok(save && scrolledBox && save.y + save.height <= scrolledBox.y, 'the save button is not under the bar')
    await page.evaluate(() => window.scrollTo(0, 0))

    // The shortcut keys, documented in a dialog.
    await bar.getByRole('button', { name: 'Raccourcis clavier' }).click()
    const help = page.getByRole('dialog', { name: 'Raccourcis clavier' })
    await help.getByRole('cell', { name: 'Alt+Maj+1' }).waitFor()
    await help.getByRole('cell', { name: 'Enregistrer « Pas de réponse »' }).waitFor()
    assert.deepEqual(await seriousViolations(page), [], 'shortcut help')
    // Behind the dialog, the keys do nothing.
    await page.keyboard.press('Alt+Shift+Digit1')
    await page.keyboard.press('Escape')
    await help.waitFor({ state: 'hidden' })
    assert.equal(await householdTitle(page).textContent(), first, 'nothing saved from behind the dialog')

    // « Enchaîner », kept for the next visit.
    await bar.getByRole('switch', { name: 'Enchaîner' }).check()
    assert.deepEqual(await seriousViolations(page), [], 'workspace on a tablet')
    await shoot(page, 'workspace-tablet')

    // Three households, one key each: the next one comes by itself, claimed by the save's own request.
    const requests: string[] = []
    const noteRequest = (request: { method(): string; url(): string }) => {
      if (request.method() === 'POST') requests.push(new URL(request.url()).pathname + new URL(request.url()).search)
    }
    page.on('request', noteRequest)
    const seen = [first]
    for (let index = 0; index < 3; index++) {
      await page.keyboard.press('Alt+Shift+Digit1')
      if (index < 2) {
        await page.waitForFunction((before) => {
          const title = document.getElementById('household-title')?.textContent
          return title && title !== before
        }, seen[index])
        seen.push(await householdTitle(page).textContent())
        // The keyboard starts from the new household's name.
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'household-title')
        await page.getByText('Issue enregistrée. Merci !').waitFor()
      }
    }
    // The third call's saved notice stays, with nobody left to call said under it.
    await page
      .getByRole('status')
      .filter({ hasText: 'Issue enregistrée. Merci !' })
      .getByText('Personne à appeler pour le moment dans cette campagne. Merci pour votre aide !')
      .waitFor()
    page.off('request', noteRequest)
    assert.deepEqual(
      requests.map((path) => path.replace(/\/assignments\/[^/]+\//, '/assignments/:id/')),
      Array(3).fill('/api/assignments/:id/outcome?next=claim'),
      'one request per household: no separate claim',
    )
    assert.deepEqual(
      [...seen].sort(),
      ['Arnaud Odette', 'Bertin Odette', 'Collet Odette'],
      'three different households, chained',
    )
    const calls = await db
      .selectFrom('call')
      .select(['disposition', 'callerId'])
      .where('campaignId', '=', campaign.id)
      .execute()
    assert.deepEqual(
      calls.map((call) => [call.disposition, call.callerId]),
      [
        ['no_answer', caller.id],
        ['no_answer', caller.id],
        ['no_answer', caller.id],
      ],
    )
    await page.waitForFunction(() => !document.querySelector('button[data-loading]'))
    await shoot(page, 'workspace-tablet-done')

    // The choice survives a reload.
    await page.reload()
    await page.getByRole('button', { name: 'Appeler le suivant' }).waitFor()
    await makeTarget(db, campaign, { household: { lastName: 'Dumas', firstName: 'Odette' } })
    await page.getByRole('button', { name: 'Appeler le suivant' }).click()
    await page.getByRole('heading', { level: 3, name: 'Dumas Odette' }).waitFor()
    assert.equal(await bar.getByRole('switch', { name: 'Enchaîner' }).isChecked(), true)

    // « Votre journée » is kept by the server: signed in again on another browser, the three calls are there.
    const again = await signedInPage(browser, server.url, caller.email, caller.password, 820, 1180)
    await again.page.getByText('3 appels notés aujourd’hui').waitFor()
    await again.page.getByText('Pas de réponse : 3').waitFor()
  })

  it('on a desktop, shows the quick outcomes at the top, times the call from « J’appelle » and saves with a key, notes and duration included', async (t) => {
    const server = await startTestServer(t)
    const db = server.db
    const campaign = await makeCampaign(db)
    const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    await makeTarget(db, campaign, { household: { lastName: 'Lemaire', firstName: 'Odette' } })
    const browser = await launchBrowser(t)
    const { page } = await signedInPage(browser, server.url, caller.email, caller.password, 1280, 900)

    await page.getByRole('button', { name: 'Appeler le suivant' }).click()
    await householdTitle(page).waitFor()
    const bar = page.getByRole('region', { name: 'Issues rapides' })
    const barBox = await bar.boundingBox()
    const titleBox = await householdTitle(page).boundingBox()
    assert.ok(barBox && titleBox && barBox.y < titleBox.y, 'the quick outcomes come first')

    // « J'appelle » starts the call timer, which counts mm:ss.
    await bar.getByRole('button', { name: 'J’appelle' }).click()
    const timer = bar.getByRole('timer')
    await page.waitForFunction(() => document.querySelector('[role="timer"]')?.textContent === '00:02')
    assert.match((await timer.getAttribute('aria-label')) ?? '', /^Durée de l’appel\u00a0: 00:0\d$/)
    assert.deepEqual(await seriousViolations(page), [], 'workspace on a desktop, timer running')
    await shoot(page, 'workspace-desktop')
    // Typing a note, the shortcut still works and the note goes with the outcome, and so does the duration.
    await page.getByLabel('Notes').fill('Ligne occupée deux fois.')
    await page.getByLabel('Notes').press('Alt+Shift+Digit2')
    await page.getByText('Issue enregistrée. Merci !').waitFor()
    const call = await db
      .selectFrom('call')
      .select(['disposition', 'notes', 'durationSeconds'])
      .where('campaignId', '=', campaign.id)
      .executeTakeFirstOrThrow()
    assert.deepEqual([call.disposition, call.notes], ['busy', 'Ligne occupée deux fois.'])
    assert.ok(
      call.durationSeconds !== null && call.durationSeconds >= 2 && call.durationSeconds < 30,
      `duration ${call.durationSeconds}`,
    )
    // Without « Enchaîner », back to the campaign, the next call one key press away.
    await page.getByRole('button', { name: 'Appeler le suivant' }).waitFor()
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Appeler le suivant')
  })
})
