import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { pdfInflatedStreams, pdfInfo, pdfPages, readStream } from '../../../../test/pdf-text.js'
import { WITHHELD } from '../../../shared/contracts/stats.js'
import { fixtureReview, fixtureViewerReview } from './review.fixture.js'
import { renderReviewPdf, toWinAnsi } from './review.pdf.js'

/** The PDF's text as one string, no-break spaces read as spaces. */
async function textOf(review = fixtureReview(), locale: 'fr' | 'en' = 'fr') {
  const pdf = await readStream(await renderReviewPdf(review, locale))
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-')
  const pages = await pdfPages(pdf)
  return { pages, all: pages.join(' ') }
}

describe('review PDF', () => {
  it('puts the scope, the period and the key figures on the cover, with French accents, œ and ’ intact', async () => {
    const { pages } = await textOf()
    const cover = pages[0] as string
    assert.ok(cover.includes('Bilan des appels'), cover)
    assert.ok(cover.includes('Toit de Lorraine – œuvre d’entraide'), cover)
    assert.ok(cover.includes('Du 01/11/2026 au 30/11/2026'), cover)
    // Key figures from the fixture, French number format (the thousands separator is a no-break space).
    for (const [label, value] of [
      ['Ménages ciblés', '1 234'],
      ['Ménages appelés', '987'],
      ['Ménages joints', '612'],
      ['Joints parmi les ménages appelés', '62 %'],
      ['Joints parmi les ménages ciblés', '49,6 %'],
      ['Injoignables (courrier ou visite)', '48'],
      ['Appels', '1 789'],
      ['Orientations', '57'],
      ['Appelant·es actifs', '23'],
    ]) {
      assert.ok(cover.includes(`${value} ${label}`), `${value} ${label} missing from: ${cover}`)
    }
  })

  it('draws the charts and tables with their labelled values, and ends with the method notes', async () => {
    const { pages, all } = await textOf()
    assert.ok(pages.length >= 3, `${pages.length} pages`)
    for (const expected of [
      'Appels par jour',
      'Entretien réalisé 612',
      'Pas de réponse 801',
      'Très grande vulnérabilité 15',
      'Isolement 88',
      // Instruments are named from their definitions (src/shared/instruments), in the PDF's language.
      'Échelle de solitude UCLA à 3 questions 300 75 25 %',
      'Réparation du logement 16',
      'CCAS de Nancy 30',
      'Résolus dans le délai prévu : 80 %',
      'Débriefings demandés 3',
      'Notes de méthode',
      'Europe/Paris',
      'n’est compté qu’une fois',
      '« < 5 »',
    ]) {
      assert.ok(all.includes(expected), `"${expected}" missing`)
    }
    // The first, middle and last days of the period label the day chart.
    assert.ok(all.includes('01/11/2026 15/11/2026 30/11/2026'))
    // Every page carries its number.
    pages.forEach((page, index) => {
      assert.ok(page.includes(`Page ${index + 1} sur ${pages.length}`), page)
    })
    // A caller's comment is quoted; its emoji is left out rather than printed as garbage.
    assert.ok(all.includes('« Des échanges très forts ; une dame n’avait parlé à personne depuis dix jours »'))
  })

  it('shows "< 5" for a viewer and no comments', async () => {
    const { all } = await textOf(fixtureViewerReview())
    assert.ok(all.includes('Débriefings demandés < 5'), all)
    // The meaningful distribution [1, 2, 5, 14, 18] becomes < 5, < 5, 5, 14, 18.
    assert.ok(all.includes('1 < 5 2 < 5 3 5 4 14 5 18'), all)
    assert.ok(!all.includes('Commentaires'))
    assert.ok(!all.includes('dix jours'))
  })

  it('prints a count withheld with a small one as ">= 5", without a bar that would tell its length', async () => {
    const review = fixtureViewerReview()
    review.callers.feedback.meaningful = review.callers.feedback.meaningful.map((bucket) =>
      bucket.key === '3' ? { ...bucket, count: WITHHELD } : bucket,
    )
    const { all } = await textOf(review)
    assert.ok(all.includes('1 < 5 2 < 5 3 >= 5 4 14 5 18'), all)
  })

  it('sets the document’s title and subject, and the scope drawn on its pages, with French typography', async () => {
    const review = fixtureReview()
    review.scopeLabel = 'Canicule : êtes-vous au frais ? (TDL)'
    const pdf = await readStream(await renderReviewPdf(review, 'fr'))
    // In the properties (UTF-16, no font) the space before ? is the narrow no-break one, before : a no-break one.
    const info = await pdfInfo(pdf)
    assert.equal(info.Title, 'Bilan des appels — Canicule\u00a0: êtes-vous au frais\u202f? (TDL)')
    assert.equal(info.Subject, 'Du 2026-11-01 au 2026-11-30 (jours de Paris)')
    // On the pages Helvetica has no narrow no-break space: a no-break one (A0), so the mark never starts a line; the
    // scope is drawn on the cover and in each page's footer.
    const hex = (text: string) => Buffer.from(text, 'latin1').toString('hex')
    const drawn = pdfInflatedStreams(pdf)
    const pages = (await pdfPages(pdf)).length
    assert.equal(drawn.split(hex('le\u00a0:')).length - 1, pages + 1, 'before the colon')
    assert.equal(drawn.split(hex('s\u00a0? (TDL)')).length - 1, pages + 1, 'before the question mark')
    assert.equal(drawn.split(hex('le :')).length - 1, 0, 'no breakable space left before the colon')

    const english = await pdfInfo(await readStream(await renderReviewPdf(review, 'en')))
    assert.equal(english.Title, 'Review of the calls — Canicule : êtes-vous au frais ? (TDL)', 'English left as typed')
  })

  it('speaks English when asked', async () => {
    const { pages } = await textOf(fixtureReview(), 'en')
    const cover = pages[0] as string
    assert.ok(cover.includes('Review of the calls'), cover)
    assert.ok(cover.includes('From 2026-11-01 to 2026-11-30'), cover)
    assert.ok(cover.includes('1,234 Households targeted'), cover)
    assert.ok(pages.join(' ').includes('Method notes'))
  })

  it('says so when a panel is empty instead of drawing an empty chart', async () => {
    const review = fixtureReview()
    review.findings.needs = []
    review.referrals.byCategory = []
    const { all } = await textOf(review)
    assert.ok(all.includes('Besoins repérés (ménages) Aucune donnée sur la période.'), all)
  })
})

describe('toWinAnsi', () => {
  it('keeps what Windows-1252 encodes and replaces the rest', () => {
    assert.equal(toWinAnsi('Œuvre, cœur, l’été « ça » 12 €'), 'Œuvre, cœur, l’été « ça » 12 €')
    assert.equal(toWinAnsi('1\u202f234 ≥ 5 ≤ 9'), '1\u00a0234 >= 5 <= 9')
    assert.equal(toWinAnsi('merci 🙏🏽 !'), 'merci  !')
    assert.equal(toWinAnsi('Привет'), '??????')
    // Decomposed accents (e + combining acute) are composed first.
    assert.equal(toWinAnsi('e\u0301te\u0301'), 'été')
  })
})
