import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { describe, it } from 'node:test'
import { launchBrowser, screenshotPath, seriousViolations, startTestServer } from '../test/browser.js'
import { makeCampaign, makeTarget, makeUser } from '../test/factories.js'

describe('sensitive words in a call note, in Chromium', () => {
  it('warns the caller while typing, names the closed list to use instead, and still saves; the DPO counts it', async (t) => {
    const server = await startTestServer(t)
    const db = server.db
    const campaign = await makeCampaign(db)
    const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const target = await makeTarget(db, campaign, { household: { lastName: 'Garnier', firstName: 'Odette' } })
    const browser = await launchBrowser(t)
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1366 } })
    const page = await context.newPage()
    await page.goto(server.url)
    await page.getByLabel('Adresse e-mail').fill(caller.email)
    await page.getByLabel(/^Mot de passe/).fill(caller.password)
    await page.getByRole('button', { name: 'Se connecter' }).click()
    await page.getByRole('heading', { level: 2, name: /^Bonjour/ }).waitFor()

    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Appeler' }).click()
    await page.getByRole('button', { name: 'Appeler le suivant' }).click()
    await page.getByRole('heading', { level: 3, name: 'Garnier Odette' }).waitFor()
    await page.getByLabel('Pas de réponse').check()

    const notes = page.getByLabel('Notes')
    await notes.fill('Le voisin dit qu’elle a la maladie d’')
    assert.equal(await page.getByText('Une note doit rester factuelle').count(), 0, 'no warning for a factual text')
    // Typed key by key, as a caller does: the warning appears as soon as the word is there, accents or not.
    await notes.pressSequentially('Alzheimer et que son fils est alcoolique')
    const warning = page.getByRole('alert').filter({ hasText: 'Une note doit rester factuelle' })
    await warning.waitFor()
    const text = await warning.textContent()
    assert.match(text ?? '', /«\sAlzheimer\s», «\salcoolique\s»/)
    assert.match(text ?? '', /cochez le besoin «\sSanté et autonomie\s»/, 'the closed list to use instead')
    assert.match(text ?? '', /Vous pouvez enregistrer quand même/)
    // The region that speaks it is polite, so a screen reader hears it once.
    assert.equal(await page.locator('[aria-live="polite"]').filter({ has: warning }).count(), 1)

    assert.deepEqual(await seriousViolations(page), [], 'the workspace with the warning shown')
    const path = screenshotPath('sensitive-words')
    mkdirSync(dirname(path), { recursive: true })
    await warning.scrollIntoViewIfNeeded()
    await page.screenshot({ path, fullPage: true })

    // Rewritten as facts, the warning goes away.
    await notes.fill('Ne répond pas ; la voisine propose de passer la voir.')
    await page.getByText('Une note doit rester factuelle').waitFor({ state: 'detached' })
    // Written again and saved anyway: saving stays possible, and the DPO gets a flag (never the text).
    await notes.fill('Sa fille dit qu’elle est diabétique.')
    await warning.waitFor()
    await page.getByRole('button', { name: 'Enregistrer l’issue' }).click()
    await page.getByText('Issue enregistrée. Merci !').waitFor()
    const flags = await db.selectFrom('sensitiveFlag').selectAll().execute()
    assert.deepEqual(
      flags.map((flag) => [flag.source, flag.category, flag.householdId]),
      [['call_note', 'health', target.householdId]],
    )
    assert.ok(!JSON.stringify(flags).includes('diab'), 'the flag holds no word of the text')

    // The end-of-session comment warns the same way, and its flag names no household.
    await page.getByRole('button', { name: 'Terminer ma session' }).click()
    const dialog = page.getByRole('dialog', { name: 'Avant de partir' })
    await dialog.waitFor()
    const comment = dialog.getByLabel('Un commentaire (facultatif)')
    await comment.fill('Des locataires contents de l’appel.')
    assert.equal(await dialog.getByText('Une note doit rester factuelle').count(), 0, 'no warning for a factual text')
    await comment.pressSequentially(' Une dame m’a parlé de sa dépression')
    const commentWarning = dialog.getByRole('alert').filter({ hasText: 'Une note doit rester factuelle' })
    await commentWarning.waitFor()
    assert.match((await commentWarning.textContent()) ?? '', /«\sdépression\s»/)
    assert.deepEqual(await seriousViolations(page), [], 'the dialog with the warning shown')
    await dialog.getByRole('radiogroup', { name: 'Ces appels ont-ils eu du sens pour vous ?' }).getByLabel('4').check()
    await dialog
      .getByRole('radiogroup', { name: 'Ces appels vous ont-ils semblé utiles aux locataires ?' })
      .getByLabel('4')
      .check()
    await dialog.getByRole('button', { name: 'Envoyer' }).click()
    await dialog.waitFor({ state: 'detached' })
    const feedbackFlags = await db
      .selectFrom('sensitiveFlag')
      .selectAll()
      .where('source', '=', 'feedback_comment')
      .execute()
    assert.deepEqual(
      feedbackFlags.map((flag) => [flag.category, flag.householdId]),
      [['health', null]],
    )
    assert.ok(!JSON.stringify(feedbackFlags).includes('dépression'), 'the flag holds no word of the comment')
  })
})
