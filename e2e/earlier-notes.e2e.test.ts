import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { launchBrowser, screenshotPath, seriousViolations, startTestServer } from '../test/browser.js'
import { makeCall, makeCampaign, makeTarget, makeUser } from '../test/factories.js'

async function shoot(page: Page, name: string) {
  const path = screenshotPath(name)
  mkdirSync(dirname(path), { recursive: true })
  await page.screenshot({ path, fullPage: true })
}

describe('the earlier callers’ notes in Chromium', () => {
  it('shows the next caller the notes left before, dated, by role, a flagged one masked', async (t) => {
    const server = await startTestServer(t)
    const db = server.db
    const campaign = await makeCampaign(db)
    const target = await makeTarget(db, campaign, { household: { lastName: 'Roussel', firstName: 'Odette' } })
    const earlier = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const calls = [
      {
        at: '2026-11-30T09:15:00.000Z',
        disposition: 'no_answer',
        notes: 'Personne. Sa voisine dit qu’elle sort le matin.',
      },
      { at: '2026-12-02T16:40:00.000Z', disposition: 'callback', notes: 'Elle parle de son alcoolisme.' },
    ]
    for (const call of calls) {
      const { id } = await makeCall(db, target, earlier.id, {
        disposition: call.disposition,
        notes: call.notes,
        createdAt: call.at,
      })
      if (call.notes.includes('alcool')) {
        await db
          .insertInto('sensitiveFlag')
          .values({
            id: randomUUID(),
            organizationId: campaign.organizationId,
            householdId: target.householdId,
            source: 'call_note',
            sourceId: id,
            category: 'health',
            authorUserId: earlier.id,
            authorOrganizationId: campaign.organizationId,
            createdAt: call.at,
          })
          .execute()
      }
    }

    const browser = await launchBrowser(t)
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    await page.goto(server.url)
    await page.getByLabel('Adresse e-mail').fill(caller.email)
    await page.getByLabel(/^Mot de passe/).fill(caller.password)
    await page.getByRole('button', { name: 'Se connecter' }).click()
    await page.getByRole('heading', { level: 2, name: /^Bonjour/ }).waitFor()
    await page.goto(`${server.url}/calling`)
    await page.getByRole('button', { name: 'Appeler le suivant' }).click()
    await page.getByRole('heading', { level: 3, name: 'Roussel Odette' }).waitFor()

    const notes = page.getByRole('heading', { level: 4, name: 'Notes des appels précédents' }).locator('..')
    const items = notes.getByRole('listitem')
    assert.equal(await items.count(), 2)
    // Latest first; the date in French, the author's role, the outcome.
    const latest = ((await items.nth(0).textContent()) ?? '').replace(/\s+/g, ' ')
    assert.match(latest, /2 déc\. 2026.*17:40 — Appelant·e · À rappeler/)
    assert.match(latest, /Note masquée \(mots sensibles\)/)
    assert.doesNotMatch(latest, /alcool/)
    const older = ((await items.nth(1).textContent()) ?? '').replace(/\s+/g, ' ')
    assert.match(older, /30 nov\. 2026.*10:15 — Appelant·e · Pas de réponse/)
    assert.match(older, /Sa voisine dit qu’elle sort le matin\./)
    assert.deepEqual(await seriousViolations(page), [], 'workspace with earlier notes')
    await notes.scrollIntoViewIfNeeded()
    await shoot(page, 'workspace-earlier-notes')
  })
})
