import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { addDays, parisToday } from '../src/shared/clock.js'
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
  await page.screenshot({ path, fullPage: true })
}

describe('« Mes rappels » in Chromium', () => {
  it('shows a callback just recorded for tomorrow at 10:00, kept for the caller, after an overdue one', async (t) => {
    const server = await startTestServer(t)
    const db = server.db
    const campaign = await makeCampaign(db)
    const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    await makeTarget(db, campaign, { priority: 90, household: { lastName: 'Perrin', firstName: 'Odette' } })
    // A callback of the campaign open to every caller, an hour late.
    const late = await makeTarget(db, campaign, { priority: 10, household: { lastName: 'Blanc', firstName: 'Marcel' } })
    await db
      .updateTable('campaignTarget')
      .set({
        status: 'scheduled',
        lastDisposition: 'callback',
        attempts: 1,
        nextAttemptAt: new Date(Date.now() - 3_600_000).toISOString(),
      })
      .where('id', '=', late.id)
      .execute()
    const browser = await launchBrowser(t)
    const { page } = await signedInPage(browser, server.url, caller.email, caller.password, 1280, 900)

    const section = page.getByRole('region', { name: 'Mes rappels' })
    await section.getByText('1 rappel, dont 1 en retard').waitFor()

    await page.getByRole('button', { name: 'Appeler le suivant' }).click()
    await page.getByRole('heading', { level: 3, name: 'Perrin Odette' }).waitFor()
    assert.equal(await section.count(), 0, 'the household on screen takes the place')
    await page.getByLabel('À rappeler (moment convenu)').check()
    const callbackAt = page.getByRole('group', { name: /^Date et heure du rappel/ })
    await callbackAt.getByLabel('Jour').fill(addDays(parisToday(), 1).split('-').reverse().join('/'))
    await callbackAt.getByLabel('Heure').fill('10:00')
    assert.equal(await page.getByLabel('Rappel par moi').isChecked(), true)
    await page.getByRole('button', { name: 'Enregistrer l’issue' }).click()
    await page.getByText('Issue enregistrée. Merci !').waitFor()

    await section.getByText('2 rappels, dont 1 en retard').waitFor()
    const items = section.getByRole('listitem')
    assert.equal(await items.count(), 2)
    const first = (await items.nth(0).textContent()) ?? ''
    assert.match(first, /^Blanc Marcel— .* à \d{1,2} h( \d{2})?en retard/)
    const { name: campaignName } = await db
      .selectFrom('campaign')
      .select('name')
      .where('id', '=', campaign.id)
      .executeTakeFirstOrThrow()
    assert.ok(first.endsWith(`Campagne\u00a0: ${campaignName}`), first)
    const second = (await items.nth(1).textContent()) ?? ''
    assert.match(second, /^Perrin Odette— demain à 10 hgardé pour vous/)
    assert.doesNotMatch(second, /en retard/)
    assert.deepEqual(await seriousViolations(page), [], '« Mes rappels »')
    await section.scrollIntoViewIfNeeded()
    await shoot(page, 'calling-callbacks')

    // In English, the same list in its words.
    await page.getByText('English', { exact: true }).click()
    const english = page.getByRole('region', { name: 'My callbacks' })
    await english.getByText('2 callbacks, of which 1 is overdue').waitFor()
    assert.match((await english.getByRole('listitem').nth(1).textContent()) ?? '', /tomorrow at 10:00kept for you/)
  })
})
