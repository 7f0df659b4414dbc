import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { seedDemo } from '../src/server/features/demo/demo.service.js'
import { parisToday } from '../src/shared/clock.js'
import { launchBrowser, screenshotPath, seriousViolations, signIn, startTestServer } from '../test/browser.js'
import { makeTarget } from '../test/factories.js'

async function signedInPage(browser: Browser, url: string, email: string, password: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR' })
  const page = await context.newPage()
  await signIn(page, url, email, password)
  await page.getByRole('heading', { level: 2, name: /^Bonjour/ }).waitFor()
  return page
}

/** A Paris calendar day N days from Paris today (the day the forms and the server reason in). */
const inDays = (days: number) =>
  new Date(Date.parse(`${parisToday()}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

describe('a household’s history in Chromium', () => {
  it('a social worker refers a targeted household, plans the watch from the referral, reads it in the history; a caller reads only the household they are calling, records an objection there, and a manager lifts it', async (t) => {
    const server = await startTestServer(t)
    const { accounts } = await seedDemo(server.db, { households: 30 })
    const account = (role: string) => accounts.find((a) => a.role === role && a.organization !== 'MHS')!
    const target = await server.db
      .selectFrom('campaignTarget')
      .innerJoin('campaign', 'campaign.id', 'campaignTarget.campaignId')
      .innerJoin('household', 'household.id', 'campaignTarget.householdId')
      .innerJoin('organization', 'organization.id', 'campaign.organizationId')
      .select([
        'campaignTarget.id',
        'household.id as householdId',
        'campaign.name as campaignName',
        'campaign.id as campaignId',
        'campaign.organizationId',
      ])
      .where('organization.code', '=', 'TDL')
      .where('campaign.status', '=', 'active')
      .where('campaignTarget.status', '=', 'pending')
      .orderBy('campaignTarget.priority', 'desc')
      .executeTakeFirstOrThrow()
    const browser = await launchBrowser(t)

    const worker = await signedInPage(
      browser,
      server.url,
      account('social_worker').email,
      account('social_worker').password,
    )
    await worker.goto(`${server.url}/households/${target.householdId}`)
    await worker.getByText('Aucun appel, aucune orientation ni changement enregistré pour ce ménage.').waitFor()
    await worker.getByRole('button', { name: 'Orienter le ménage' }).click()
    const dialog = worker.getByRole('dialog')
    await dialog.getByLabel(/^Urgence/).click()
    await worker.getByRole('option', { name: 'Sous 7 jours' }).click()
    await dialog.getByLabel(/^Catégorie/).click()
    await worker.getByRole('option', { name: 'Isolement' }).click()
    await dialog.getByLabel(/^Équipe/).fill('Service social')
    await dialog
      .getByLabel(/^Résumé factuel/)
      .fill('Vit seule, ne sort plus depuis l’hiver ; souhaite des nouvelles régulières.')
    await dialog.getByRole('button', { name: 'Envoyer l’orientation' }).click()
    await dialog.getByText('Orientation envoyée.').waitFor()
    await dialog.getByRole('button', { name: 'Terminé' }).click()
    const referral = await server.db.selectFrom('referral').select('id').executeTakeFirstOrThrow()

    await worker.goto(`${server.url}/referrals/${referral.id}`)
    const followUp = worker.getByRole('region', { name: 'Appels de suivi' })
    // One call at a moment: a day jj/mm/aaaa and a time « 14 h 30 », refused in French when past or impossible.
    await followUp.getByText('Un appel à une date').click()
    const moment = followUp.getByRole('group', { name: /^Date et heure de l’appel/ })
    await moment.getByLabel('Jour').fill(inDays(-1).split('-').reverse().join('/'))
    await moment.getByLabel('Heure').fill('14 h 30')
    await moment.getByText('Ce moment est passé : indiquez une date et une heure à venir.').waitFor()
    await moment.getByLabel('Heure').fill('25:00')
    await moment.getByText('Une heure comme 14:30 ou 14 h 30').waitFor()
    await moment.getByLabel('Jour').fill('30/02/2027')
    await moment.getByText('Cette date n’existe pas.').waitFor()
    await worker.screenshot({ path: screenshotPath('follow-up-once'), fullPage: true })
    await followUp.getByText('Un appel régulier (veille)').click()
    await followUp.getByLabel(/^Tous les combien de jours/).fill('7')
    await followUp.getByLabel(/^Jusqu’au/).fill(inDays(40).split('-').reverse().join('/'))
    await followUp.getByRole('button', { name: 'Planifier' }).click()
    await followUp.getByText(/^Prochain appel le .*campagne «\s/).waitFor()
    const watched = await server.db
      .selectFrom('campaignTarget')
      .selectAll()
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow()
    assert.equal(watched.followUpIntervalDays, 7)
    assert.equal(watched.followUpUntil, inDays(40))
    assert.equal(watched.status, 'scheduled')
    await worker.getByText(/^Appels de suivi planifiés tous les 7 jours/).waitFor()

    await worker.goto(`${server.url}/households/${target.householdId}`)
    const history = worker.getByRole('region', { name: 'Historique' })
    await history.getByText(/^Orientation envoyée à .* — Service social$/).waitFor()

    // A caller reads no household but the one they are calling: not the registry, not a household of someone else's
    // work (the same answer as for one that does not exist).
    const caller = await signedInPage(browser, server.url, account('caller').email, account('caller').password)
    const navigation = caller.getByRole('navigation', { name: 'Navigation principale' })
    assert.equal(await navigation.getByRole('link', { name: 'Ménages' }).count(), 0, 'no registry for a caller')
    await caller.goto(`${server.url}/households/${target.householdId}`)
    await caller.getByText('Introuvable.').waitFor()
    assert.equal(await caller.getByRole('link', { name: 'Retour au registre' }).count(), 0)
    // Mid-call, they open the household they hold (another of the campaign's, waiting), and record the objection the
    // tenant sent by mail.
    await makeTarget(server.db, { id: target.campaignId, organizationId: target.organizationId }, { priority: 99 })
    await caller.goto(`${server.url}/calling`)
    await caller.getByRole('button', { name: 'Appeler le suivant' }).click()
    await caller.getByRole('button', { name: 'Orienter le ménage' }).waitFor()
    const held = await server.db
      .selectFrom('campaignTarget')
      .innerJoin('user', 'user.id', 'campaignTarget.heldBy')
      .select(['campaignTarget.id', 'campaignTarget.householdId'])
      .where('user.email', '=', account('caller').email)
      .where('campaignTarget.status', '=', 'held')
      .executeTakeFirstOrThrow()
    const household = await caller.context().newPage()
    await household.goto(`${server.url}/households/${held.householdId}`)
    const objection = household.getByRole('region', { name: 'Opposition aux appels' })
    await objection.getByText('Ce locataire ne s’est pas opposé aux appels.').waitFor()
    assert.equal(await household.getByRole('link', { name: 'Retour au registre' }).count(), 0)
    assert.equal(await objection.getByRole('button', { name: 'Lever l’opposition' }).count(), 0)
    await objection.getByRole('button', { name: 'Enregistrer une opposition' }).click()
    const record = household.getByRole('dialog', { name: 'Enregistrer l’opposition du locataire' })
    await record.getByLabel('Comment le locataire l’a-t-il exprimée ?').click()
    await household.getByRole('option', { name: 'par courrier' }).click()
    // Typed the French way, refused in French before anything is sent: the browser's own picker is not used.
    const french = (day: string) => day.split('-').reverse().join('/')
    const objectionDay = record.getByLabel('Date de l’opposition')
    assert.equal(await objectionDay.getAttribute('placeholder'), 'jj/mm/aaaa')
    await objectionDay.fill(french(inDays(1)))
    await record.getByRole('button', { name: 'Enregistrer l’opposition' }).click()
    await record.getByText('Cette date est à venir : l’opposition a déjà été exprimée.').waitFor()
    await objectionDay.fill('31/12/1999')
    await record.getByText('Cette date est trop ancienne.').waitFor()
    await objectionDay.fill('31/02/2026')
    await record.getByRole('button', { name: 'Enregistrer l’opposition' }).click()
    await record.getByText('Cette date n’existe pas.').waitFor()
    await objectionDay.fill('')
    await record.getByRole('button', { name: 'Enregistrer l’opposition' }).click()
    await record.getByText('Indiquez la date de l’opposition (jj/mm/aaaa).').waitFor()
    const refused = await server.db
      .selectFrom('household')
      .select('objectionChannel')
      .where('id', '=', held.householdId)
      .executeTakeFirstOrThrow()
    assert.equal(refused.objectionChannel, null, 'nothing was recorded while the date was refused')
    await objectionDay.fill(french(inDays(-2)))
    await record.getByRole('button', { name: 'Enregistrer l’opposition' }).click()
    await household.getByText('Opposition enregistrée : le ménage ne sera plus appelé.').waitFor()
    await objection.getByText(/^Opposé·e aux appels depuis le .* \(par courrier\)\.$/).waitFor()
    await household
      .getByRole('region', { name: 'Historique' })
      .getByText('Opposition aux appels enregistrée (par courrier)')
      .waitFor()
    assert.deepEqual(await seriousViolations(household), [])
    await household.screenshot({ path: screenshotPath('household-history'), fullPage: true })
    const objected = await server.db
      .selectFrom('household')
      .select('objectionChannel')
      .where('id', '=', held.householdId)
      .executeTakeFirstOrThrow()
    assert.equal(objected.objectionChannel, 'mail')

    const manager = await signedInPage(browser, server.url, account('manager').email, account('manager').password)
    await manager.goto(`${server.url}/households/${held.householdId}`)
    await manager.getByRole('button', { name: 'Lever l’opposition' }).click()
    const lift = manager.getByRole('dialog', { name: 'Lever l’opposition aux appels' })
    await lift.getByLabel(/^Pourquoi/).fill('La locataire a rappelé l’agence : elle souhaite de nouveau être appelée.')
    await lift.getByRole('button', { name: 'Lever l’opposition' }).click()
    await manager.getByText('Opposition levée.').waitFor()
    await manager.getByText('Ce locataire ne s’est pas opposé aux appels.').waitFor()
    const lifted = await server.db
      .selectFrom('household')
      .select('objectionAt')
      .where('id', '=', held.householdId)
      .executeTakeFirstOrThrow()
    assert.equal(lifted.objectionAt, null)
  })
})
