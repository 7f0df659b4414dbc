import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { launchBrowser, screenshotPath, seriousViolations, startTestServer } from '../test/browser.js'
import { makeCampaign, makeTarget, makeUser } from '../test/factories.js'

describe('a date question in Chromium', () => {
  it('in an English-speaking browser, the caller types the day jj/mm/aaaa, is told in French when it does not exist, and the API gets YYYY-MM-DD', async (t) => {
    const server = await startTestServer(t)
    const db = server.db
    const campaign = await makeCampaign(db, {
      questionnaire: {
        sections: [
          {
            id: 'main',
            title: 'Visites',
            questions: [{ id: 'last_visit', type: 'date', label: 'Date de la dernière visite', required: true }],
          },
        ],
      },
    })
    const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const target = await makeTarget(db, campaign, {
      household: { lastName: 'Weber', firstName: 'Lucien' },
      phones: ['+33612345670'],
    })
    const browser = await launchBrowser(t)
    // An English browser: a native date picker would show mm/dd/yyyy here.
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } })
    await context.addInitScript(() => localStorage.setItem('allervers.language', 'fr'))
    const page = await context.newPage()
    await page.goto(server.url)
    await page.getByLabel('Adresse e-mail').fill(caller.email)
    await page.getByLabel(/^Mot de passe/).fill(caller.password)
    await page.getByRole('button', { name: 'Se connecter' }).click()
    await page.getByRole('heading', { level: 2, name: /^Bonjour/ }).waitFor()
    await page.goto(`${server.url}/calling`)
    await page.getByRole('button', { name: 'Appeler le suivant' }).click()
    await page.getByRole('heading', { level: 3, name: 'Weber Lucien' }).waitFor()

    const day = page.getByLabel(/^Date de la dernière visite/)
    assert.equal(await day.evaluate((input: HTMLInputElement) => input.type), 'text')
    assert.equal(await day.getAttribute('placeholder'), 'jj/mm/aaaa')
    await day.fill('31/02/2026')
    await page.getByText('Cette date n’existe pas.').waitFor()
    await day.fill('2026-07-14')
    await page.getByText('Une date jj/mm/aaaa').waitFor()
    await page.getByLabel('Entretien réalisé').check()
    await page.getByRole('button', { name: 'Enregistrer l’issue' }).click()
    // An unreadable day is not an answer: the required question says so and nothing is saved.
    await page.getByText('Une date jj/mm/aaaa').waitFor()
    assert.equal(await db.selectFrom('call').select('id').executeTakeFirst(), undefined)
    await day.fill('14/07/2026')
    assert.deepEqual(await seriousViolations(page), [])
    await page.screenshot({ path: screenshotPath('questionnaire-date') })
    await page.getByRole('button', { name: 'Enregistrer l’issue' }).click()
    await page.getByText('Issue enregistrée. Merci !').waitFor()
    const saved = await db
      .selectFrom('call')
      .select('answers')
      .where('householdId', '=', target.householdId)
      .executeTakeFirstOrThrow()
    assert.deepEqual(JSON.parse(saved.answers!), { last_visit: '2026-07-14' })
  })
})
