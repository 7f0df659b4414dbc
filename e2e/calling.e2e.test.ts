import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { describe, it } from 'node:test'
import { DateTime } from 'luxon'
import type { Browser } from 'playwright-core'
import type { Db } from '../src/server/db/database.js'
import { parisToday } from '../src/shared/clock.js'
import { launchBrowser, screenshotPath, seriousViolations, signIn, startTestServer } from '../test/browser.js'
import { makeCampaign, makeTarget, makeUser } from '../test/factories.js'

async function signedInPage(browser: Browser, url: string, email: string, password: string, width = 1280) {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width, height: 900 } })
  const page = await context.newPage()
  await signIn(page, url, email, password)
  await page.getByRole('heading', { level: 2, name: /^Bonjour/ }).waitFor()
  return { context, page }
}

async function seedHousehold(db: Db, campaign: { id: string; organizationId: string }, lastName: string) {
  const target = await makeTarget(db, campaign, {
    household: { lastName, firstName: 'Odette', birthDate: '1941-03-02' },
    phones: ['+33612345678', '+33383123456'],
  })
  await db
    .insertInto('member')
    .values([
      {
        id: randomUUID(),
        householdId: target.householdId,
        organizationId: campaign.organizationId,
        position: 0,
        isLeaseholder: 1,
        lastName,
        firstName: 'Odette',
        birthDate: '1941-03-02',
        role: null,
      },
      {
        id: randomUUID(),
        householdId: target.householdId,
        organizationId: campaign.organizationId,
        position: 1,
        isLeaseholder: 0,
        lastName,
        firstName: 'Marcel',
        birthDate: '1938-11-20',
        role: null,
      },
    ])
    .execute()
  return target
}

describe('the caller workspace in Chromium', () => {
  it('takes the next household, fills the questionnaire and UCLA-3, saves offline and sends once back online', async (t) => {
    const server = await startTestServer(t)
    const db = server.db
    const campaign = await makeCampaign(db)
    const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const target = await seedHousehold(db, campaign, 'Lefèvre')
    const browser = await launchBrowser(t)
    const { context, page } = await signedInPage(browser, server.url, caller.email, caller.password)

    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Appeler' }).click()
    await page.getByRole('heading', { level: 2, name: 'Appeler' }).waitFor()
    // The only campaign is chosen for the caller, with its calling hours.
    await page.getByText('Dans les heures d’appel', { exact: true }).waitFor()
    await page.getByRole('button', { name: 'Appeler le suivant' }).click()

    const title = page.getByRole('heading', { level: 3, name: 'Lefèvre Odette' })
    await title.waitFor()
    assert.equal(await title.evaluate((element) => element === document.activeElement), true, 'focus on household')
    assert.match(
      (await page.getByRole('listitem').filter({ hasText: 'Odette Lefèvre' }).textContent()) ?? '',
      /^Odette Lefèvre — 8\d ans \(titulaire du bail\)$/,
    )
    assert.match(
      (await page.getByRole('listitem').filter({ hasText: 'Marcel Lefèvre' }).textContent()) ?? '',
      / — 8\d ans$/,
    )
    assert.equal(
      await page.getByRole('link', { name: /^Appeler le 06 12 34 56 78/ }).getAttribute('href'),
      'tel:+33612345678',
    )
    assert.equal(
      await page.getByRole('link', { name: /^Appeler le 03 83 12 34 56/ }).getAttribute('href'),
      'tel:+33383123456',
    )
    await page.getByText('Bonjour Odette Lefèvre, ici Test caller').waitFor()
    await page.getByRole('button', { name: 'Pourquoi ?' }).click()
    await page.getByText('Pour prendre des nouvelles.').waitFor()

    // The questionnaire, then the UCLA-3 instrument with its French wording.
    await page
      .getByRole('radiogroup', { name: /Vous sentez-vous seul·e/ })
      .getByLabel('Oui')
      .check()
    const ucla = [
      ['À quelle fréquence avez-vous le sentiment de manquer de compagnie ?', 'Souvent'],
      ['À quelle fréquence vous sentez-vous laissé(e) de côté ?', 'Parfois'],
      ['À quelle fréquence vous sentez-vous isolé(e) des autres ?', 'Parfois'],
    ]
    for (const [question, answer] of ucla) {
      await page.getByRole('radiogroup', { name: question }).getByLabel(answer, { exact: true }).check()
    }
    await page.getByText('Résultat : 7 (de 3 à 9) — Solitude (seuil conventionnel)').waitFor()

    // Saving without an outcome says what is missing, next to the field.
    await page.getByRole('button', { name: 'Enregistrer l’issue' }).click()
    await page.getByText('Choisissez l’issue de l’appel.').first().waitFor()

    await page.getByLabel('Entretien réalisé').check()
    const isolation = page.getByRole('checkbox', { name: /^Isolement/ })
    assert.equal(await isolation.isChecked(), true, 'the suggested need is pre-ticked')
    await page.getByText('suggéré', { exact: true }).first().waitFor()
    await page.getByRole('checkbox', { name: /^Alimentation/ }).check()
    await page.getByLabel('À surveiller').check()
    await page.getByText('Le locataire peut demander à lire ces notes.', { exact: false }).waitFor()
    await page.getByLabel('Notes').fill('Sa fille passe le dimanche. Souhaite un appel la semaine prochaine.')

    assert.deepEqual(await seriousViolations(page), [], 'workspace with a household loaded')
    const path = screenshotPath('calling')
    mkdirSync(dirname(path), { recursive: true })
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path, fullPage: true })

    // A reload finds everything again, as typed.
    await page.reload()
    await page.getByRole('heading', { level: 3, name: 'Lefèvre Odette' }).waitFor()
    await page.getByText('Votre saisie en cours a été retrouvée.').waitFor()
    assert.equal(await page.getByLabel('Entretien réalisé').isChecked(), true)
    assert.equal(
      await page.getByLabel('Notes').inputValue(),
      'Sa fille passe le dimanche. Souhaite un appel la semaine prochaine.',
    )

    // The network drops just before saving: nothing is lost, and the save goes out by itself when it comes back.
    await context.setOffline(true)
    await page.getByRole('button', { name: 'Enregistrer l’issue' }).click()
    await page
      .getByRole('status')
      .getByText('Hors connexion : votre saisie est gardée, elle sera envoyée dès le retour du réseau.')
      .waitFor()
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: screenshotPath('calling-offline'), fullPage: true })
    const pending = await page.evaluate(() =>
      Object.keys(localStorage)
        .filter((key) => key.startsWith('allervers.calling.draft.'))
        .map((key) => JSON.parse(localStorage.getItem(key)!)),
    )
    assert.equal(pending.length, 1)
    assert.match(pending[0].submission.idempotencyKey, /^[0-9a-f-]{36}$/)
    assert.equal((await db.selectFrom('call').selectAll().execute()).length, 0)

    // A retry while still offline changes nothing; back online, the same request is sent.
    await page.getByRole('button', { name: 'Réessayer maintenant' }).click()
    await page.getByText('Hors connexion : votre saisie est gardée', { exact: false }).waitFor()
    await context.setOffline(false)
    await page.getByText('Issue enregistrée. Merci !').waitFor()
    await page.getByText('1 appel noté aujourd’hui').waitFor()
    await page.getByRole('button', { name: 'Appeler le suivant' }).waitFor()

    const calls = await db.selectFrom('call').selectAll().where('householdId', '=', target.householdId).execute()
    assert.equal(calls.length, 1, 'exactly one call, however many times it was sent')
    const call = calls[0]
    assert.equal(call.disposition, 'completed')
    assert.equal(call.idempotencyKey, pending[0].submission.idempotencyKey)
    assert.deepEqual(JSON.parse(call.answers!), { alone: true, instruments: { ucla3: { q1: 3, q2: 2, q3: 2 } } })
    const scores = JSON.parse(call.scores!)
    assert.equal(scores.ucla3.score, 7)
    assert.equal(scores.ucla3.category, 'lonely')
    assert.deepEqual(JSON.parse(call.needs!).sort(), ['food', 'isolation'])
    assert.equal(call.fragilityLevel, 'watch')
    assert.equal(call.phoneE164, '+33612345678')
    assert.equal(call.notes, 'Sa fille passe le dimanche. Souhaite un appel la semaine prochaine.')
    const drafts = await page.evaluate(() =>
      Object.keys(localStorage).filter((key) => key.startsWith('allervers.calling.draft.')),
    )
    assert.deepEqual(drafts, [], 'the draft is cleared once the server has the call')

    // Nothing more is due in this campaign: said under the saved call's notice, which keeps its « Orienter » button.
    await page.getByRole('button', { name: 'Appeler le suivant' }).click()
    const status = page.getByRole('status').filter({ hasText: 'Issue enregistrée. Merci !' })
    await status.getByText('Personne à appeler pour le moment dans cette campagne.', { exact: false }).waitFor()
    assert.equal(await status.getByRole('button', { name: /^Orienter / }).count(), 1)
    assert.deepEqual(await seriousViolations(page), [], 'a saved call with nobody left to call')
    await page.screenshot({ path: screenshotPath('calling-nothing-due'), fullPage: true })
  })

  it('fits a phone, releases a household after confirmation, books a callback, and explains a household taken over', async (t) => {
    const server = await startTestServer(t)
    const db = server.db
    const campaign = await makeCampaign(db)
    const caller = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    const first = await seedHousehold(db, campaign, 'Bernard')
    await seedHousehold(db, campaign, 'Petit')
    const browser = await launchBrowser(t)
    const { page } = await signedInPage(browser, server.url, caller.email, caller.password, 390)

    await page.goto(`${server.url}/calling`)
    await page.getByRole('button', { name: 'Appeler le suivant' }).click()
    const heading = page.getByRole('heading', { level: 3, name: /^(Bernard|Petit) Odette$/ })
    await heading.waitFor()
    const firstName = (await heading.textContent())!.split(' ')[0]
    // Single column: the household card and the outcome card share one left edge.
    const householdBox = await heading.boundingBox()
    const outcomeBox = await page.getByRole('heading', { level: 3, name: 'Issue de l’appel' }).boundingBox()
    assert.ok(householdBox && outcomeBox && Math.abs(householdBox.x - outcomeBox.x) < 40, 'one column on a phone')
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(scrollWidth <= 390, `no horizontal scroll on a phone (${scrollWidth}px)`)
    assert.deepEqual(await seriousViolations(page), [], 'workspace on a phone')
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: screenshotPath('calling-phone'), fullPage: true })

    // Release, confirmed: the household goes back to the queue.
    await page.getByRole('button', { name: 'Relâcher' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Oui, relâcher' }).click()
    await page.getByText('Ménage relâché : il retourne dans la file.').waitFor()
    const released = await db
      .selectFrom('campaignTarget')
      .innerJoin('household', 'household.id', 'campaignTarget.householdId')
      .select(['campaignTarget.status', 'campaignTarget.heldBy'])
      .where('household.lastName', '=', firstName)
      .executeTakeFirstOrThrow()
    assert.equal(released.status, 'pending')

    // The next household: a callback at a time agreed with the person, by this caller.
    await page.getByRole('button', { name: 'Appeler le suivant' }).click()
    await page.getByRole('heading', { level: 3, name: /Odette$/ }).waitFor()
    await page.getByLabel('À rappeler (moment convenu)').check()
    await page.getByRole('button', { name: 'Enregistrer l’issue' }).click()
    await page.getByText('Indiquez la date et l’heure du rappel convenues avec la personne.').first().waitFor()
    // Three weeks ahead at 14:30 in Paris (a callback is at most 90 days ahead): stored in UTC, whatever the season.
    const callbackDay = parisToday(new Date(Date.now() + 21 * 86_400_000))
    // Typed the French way (jj/mm/aaaa, « 14 h 30 »), not in the browser's own picker; a past moment is refused.
    const callbackAt = page.getByRole('group', { name: /^Date et heure du rappel/ })
    await callbackAt.getByLabel('Jour').fill(
      parisToday(new Date(Date.now() - 86_400_000))
        .split('-')
        .reverse()
        .join('/'),
    )
    await callbackAt.getByLabel('Heure').fill('14 h 30')
    await callbackAt.getByText('Ce moment est passé : indiquez une date et une heure à venir.').waitFor()
    await callbackAt.getByLabel('Jour').fill('31/04/2027')
    await callbackAt.getByText('Cette date n’existe pas.').waitFor()
    await callbackAt.getByLabel('Jour').fill(callbackDay.split('-').reverse().join('/'))
    await page.screenshot({ path: screenshotPath('calling-callback'), fullPage: true })
    assert.equal(await page.getByLabel('Rappel par moi').isChecked(), true)
    await page.getByRole('button', { name: 'Enregistrer l’issue' }).click()
    await page.getByText('Issue enregistrée. Merci !').waitFor()
    const callback = await db
      .selectFrom('call')
      .selectAll()
      .where('disposition', '=', 'callback')
      .executeTakeFirstOrThrow()
    const expected = DateTime.fromISO(`${callbackDay}T14:30`, { zone: 'Europe/Paris' }).toUTC().toISO()
    assert.equal(callback.callbackAt, expected, 'Paris time converted to UTC')
    assert.equal(callback.callerId, caller.id)
    const held = await db
      .selectFrom('campaignTarget')
      .selectAll()
      .where('id', '=', callback.targetId)
      .executeTakeFirstOrThrow()
    assert.equal(held.preferredCallerId, caller.id, 'the callback comes back to this caller')
    assert.ok(first.id)

    // The last household is taken over by someone else while on screen: saving says so, and nothing is written.
    await page.getByRole('button', { name: 'Appeler le suivant' }).click()
    const last = page.getByRole('heading', { level: 3, name: /Odette$/ })
    await last.waitFor()
    const colleague = await makeUser(db, 'caller', { organizationId: campaign.organizationId })
    await db
      .updateTable('campaignTarget')
      .set({ heldBy: colleague.id })
      .where('status', '=', 'held')
      .where('heldBy', '=', caller.id)
      .execute()
    await page.getByLabel('Pas de réponse').check()
    await page.getByLabel('Notes').fill('Sonnerie dans le vide.')
    await page.getByRole('button', { name: 'Enregistrer l’issue' }).click()
    await page.getByText('Ce ménage ne vous est plus attribué', { exact: false }).waitFor()
    assert.equal(await page.getByLabel('Notes').isEditable(), true, 'the notes can still be read and copied')
    await page.getByRole('button', { name: 'Abandonner ce brouillon' }).click()
    await page.getByText('Brouillon abandonné.').waitFor()
    assert.equal((await db.selectFrom('call').selectAll().execute()).length, 1)

    // English is the second language of the whole workspace.
    await page.locator('label', { hasText: 'English' }).click()
    await page.getByRole('heading', { level: 2, name: 'Call' }).waitFor()
    await page.getByText('Draft discarded.').waitFor()
    await page.getByRole('button', { name: 'Call the next household' }).waitFor()
    await page.getByText('1 call recorded today').waitFor()
  })
})
