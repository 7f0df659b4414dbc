/**
 * The review (bilan) as a PDF: cover with scope and period, key figures, bar charts drawn with pdfkit's own
 * primitives, tables and method notes. Pure apart from pdfkit: the same review gives the same pages.
 *
 * Fonts are pdfkit's standard Helvetica (WinAnsi: é è à ç œ ’ « » € are fine); any other character is replaced by
 * `toWinAnsi` so that nothing prints as garbage (an emoji is left out, a character of another script becomes "?").
 */
import type { Readable } from 'node:stream'
import type PDFKit from 'pdfkit'
import { formatDay, formatInstant } from '../../../shared/clock.js'
import { type Bucket, barLength, type Count, type StatsReview, SUPPRESSED } from '../../../shared/contracts/stats.js'
import { frenchTypography } from '../../../shared/french.js'
import { type LabelKind, type Locale, labelOf } from '../../../shared/labels.js'

const MARGIN = 50
const TEAL = '#0b7285'
const PALE = '#c5e6ea'
const INK = '#212529'
const GREY = '#495057'

const WORDS = {
  fr: {
    title: 'Bilan des appels',
    subtitle: 'Aller vers les locataires les plus fragiles',
    period: (from: string, to: string) => `Du ${from} au ${to} (jours de Paris)`,
    generated: (at: string) => `Établi le ${at}`,
    keyFigures: 'Chiffres clés',
    targeted: 'Ménages ciblés',
    attempted: 'Ménages appelés',
    reached: 'Ménages joints',
    reachedOfAttempted: 'Joints parmi les ménages appelés',
    reachedOfTargeted: 'Joints parmi les ménages ciblés',
    attemptsPerReached: 'Appels par ménage joint',
    unreachable: 'Injoignables (courrier ou visite)',
    calls: 'Appels',
    averageDuration: 'Durée moyenne',
    medianDuration: 'Durée médiane',
    referrals: 'Orientations',
    callers: 'Appelant·es actifs',
    callsSection: 'Les appels',
    perDay: 'Appels par jour',
    byDisposition: 'Issues des appels',
    findingsSection: 'Ce que les appels ont révélé',
    fragility: 'Niveau de fragilité (dernier connu par ménage joint)',
    needs: 'Besoins repérés (ménages)',
    instruments: 'Échelles',
    suggestions: (fragility: string, referral: string) =>
      `Suggestions des règles de détection suivies par les appelant·es : niveau de fragilité ${fragility}, orientation ${referral}.`,
    outOf: (followed: string, made: string) => `${followed} sur ${made}`,
    instrument: 'Échelle',
    scored: 'Ménages évalués',
    positive: 'Au-delà du seuil',
    share: 'Part',
    referralsSection: 'Les orientations',
    byCategory: 'Orientations par catégorie',
    byRecipient: 'Par destinataire',
    byStatus: 'Par statut',
    recipient: 'Destinataire',
    status: 'Statut',
    count: 'Nombre',
    timings: 'Délais',
    toAccept: 'De l’envoi à l’acceptation',
    toResolve: 'De l’envoi à la résolution',
    median: 'Médiane',
    p90: '90e centile',
    resolvedWithinDue: 'Résolus dans le délai prévu',
    callersSection: 'Les appelant·es',
    callsPerCaller: 'Appels par appelant·e (médiane / maximum)',
    feedbackAnswers: 'Réponses au questionnaire de fin de session',
    meaningful: 'Ces appels ont-ils eu du sens ? (1 à 5)',
    useful: 'Ces appels ont-ils été utiles ? (1 à 5)',
    debriefs: 'Débriefings demandés',
    comments: 'Commentaires',
    none: 'Aucune donnée sur la période.',
    notesSection: 'Notes de méthode',
    notes: [
      'Ménages ciblés : les ménages retenus par le ciblage d’au moins une campagne du périmètre (hors ménages exclus).',
      'Ménages appelés : ceux qui ont reçu au moins un appel sur la période, quelle qu’en soit l’issue.',
      'Ménages joints : ceux dont au moins un appel porte l’issue « Entretien réalisé ». « Joints parmi les ménages appelés » = joints / appelés ; « joints parmi les ménages ciblés » = joints / ciblés.',
      'Appels par ménage joint : pour les ménages joints pour la première fois sur la période, le nombre d’appels qu’il a fallu, l’appel réussi compris.',
      'Injoignables : ménages dont les tentatives sont épuisées ou sans numéro utilisable, à contacter par courrier ou par visite.',
      'Les jours sont ceux de Paris (Europe/Paris) : un appel passé à 0 h 30 heure de Paris compte pour ce jour-là, heure d’été comme d’hiver.',
      'À l’échelle du réseau, un ménage appelé par plusieurs campagnes ou plusieurs organismes n’est compté qu’une fois.',
      'Pour le rôle « Direction (lecture) », tout effectif de 1 à 4 est affiché « < 5 » afin qu’aucun petit groupe de locataires ne puisse être reconnu ; là où un total moins les autres effectifs le ferait retrouver, d’autres effectifs sont masqués aussi (« < 5 » pour 0 à 4, « >= 5 » pour 5 et plus), ainsi que les taux qui en dépendent ; les commentaires ne sont pas montrés.',
      'Les échelles (EPICES, LSNS-6, UCLA-3, FRAIL, USDA-6) ne sont comptées que lorsqu’elles sont complètes ; la part est calculée sur les ménages évalués.',
    ],
    page: (n: number, total: number) => `Page ${n} sur ${total}`,
    minutes: (value: number) => `${value.toLocaleString('fr-FR', { maximumFractionDigits: 1 })} min`,
    hours: (value: number) => `${value.toLocaleString('fr-FR', { maximumFractionDigits: 1 })} h`,
  },
  en: {
    title: 'Review of the calls',
    subtitle: 'Reaching out to the most fragile tenants',
    period: (from: string, to: string) => `From ${from} to ${to} (Paris days)`,
    generated: (at: string) => `Produced on ${at}`,
    keyFigures: 'Key figures',
    targeted: 'Households targeted',
    attempted: 'Households called',
    reached: 'Households reached',
    reachedOfAttempted: 'Reached among households called',
    reachedOfTargeted: 'Reached among households targeted',
    attemptsPerReached: 'Calls per household reached',
    unreachable: 'Unreachable (letter or visit)',
    calls: 'Calls',
    averageDuration: 'Average duration',
    medianDuration: 'Median duration',
    referrals: 'Referrals',
    callers: 'Active callers',
    callsSection: 'The calls',
    perDay: 'Calls per day',
    byDisposition: 'Call outcomes',
    findingsSection: 'What the calls revealed',
    fragility: 'Fragility level (latest known per household reached)',
    needs: 'Needs found (households)',
    instruments: 'Scales',
    suggestions: (fragility: string, referral: string) =>
      `Detection rules' suggestions the callers followed: fragility level ${fragility}, referral ${referral}.`,
    outOf: (followed: string, made: string) => `${followed} of ${made}`,
    instrument: 'Scale',
    scored: 'Households scored',
    positive: 'Over the threshold',
    share: 'Share',
    referralsSection: 'Referrals',
    byCategory: 'Referrals by category',
    byRecipient: 'By recipient',
    byStatus: 'By status',
    recipient: 'Recipient',
    status: 'Status',
    count: 'Count',
    timings: 'Delays',
    toAccept: 'From sending to acceptance',
    toResolve: 'From sending to resolution',
    median: 'Median',
    p90: '90th percentile',
    resolvedWithinDue: 'Resolved within the due date',
    callersSection: 'The callers',
    callsPerCaller: 'Calls per caller (median / maximum)',
    feedbackAnswers: 'Answers to the end-of-session questions',
    meaningful: 'Did the calls feel meaningful? (1 to 5)',
    useful: 'Did the calls feel useful? (1 to 5)',
    debriefs: 'Debriefs requested',
    comments: 'Comments',
    none: 'No data for the period.',
    notesSection: 'Method notes',
    notes: [
      'Households targeted: households selected by the targeting of at least one campaign in scope (excluded ones left out).',
      'Households called: those that received at least one call in the period, whatever its outcome.',
      'Households reached: those with at least one call whose outcome is "Interview completed". "Reached among households called" = reached / called; "reached among households targeted" = reached / targeted.',
      'Calls per household reached: for the households reached for the first time in the period, the calls it took, the successful one included.',
      'Unreachable: households whose attempts are exhausted or without a usable number, to be contacted by letter or visit.',
      'Days are Paris days (Europe/Paris): a call at 0:30 Paris time counts for that day, in summer and winter time alike.',
      'Across the network, a household called by several campaigns or organisations is counted once.',
      'For the viewer role, any count from 1 to 4 is shown as "< 5" so that no small group of tenants can be singled out; where a total minus the other counts would give it away, other counts are withheld too ("< 5" for 0 to 4, ">= 5" for 5 or more), and so are the rates that depend on them; comments are not shown.',
      'Scales (EPICES, LSNS-6, UCLA-3, FRAIL, USDA-6) count only when complete; the share is over the households scored.',
    ],
    page: (n: number, total: number) => `Page ${n} of ${total}`,
    minutes: (value: number) => `${value.toLocaleString('en-GB', { maximumFractionDigits: 1 })} min`,
    hours: (value: number) => `${value.toLocaleString('en-GB', { maximumFractionDigits: 1 })} h`,
  },
} as const

/**
 * Text the standard fonts can print: typographic spaces become no-break spaces, ≥ and ≤ become >= and <=, and any
 * pictograms (emoji) are left out, and any other character outside Windows-1252 becomes "?".
 */
export function toWinAnsi(text: string): string {
  const extra = new Set([
    0x152, 0x153, 0x160, 0x161, 0x178, 0x17d, 0x17e, 0x192, 0x2c6, 0x2dc, 0x2013, 0x2014, 0x2018, 0x2019, 0x201a,
    0x201c, 0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x20ac, 0x2122,
  ])
  let out = ''
  for (const char of text.normalize('NFC')) {
    const code = char.codePointAt(0) as number
    if (code === 0x202f || code === 0x2009 || code === 0x2007) out += '\u00a0'
    else if (code === 0x2265) out += '>='
    else if (code === 0x2264) out += '<='
    else if (code === 0x2192) out += '->'
    else if (code === 0x2011 || code === 0x2010) out += '-'
    else if (
      code === 0x200d ||
      (code >= 0xfe00 && code <= 0xfe0f) ||
      (code >= 0x1f3fb && code <= 0x1f3ff) ||
      /\p{Extended_Pictographic}/u.test(char)
    )
      continue
    else if (code === 0x09 || code === 0x0a) out += char
    else if ((code >= 0x20 && code < 0x7f) || (code >= 0xa0 && code <= 0xff) || extra.has(code)) out += char
    else out += '?'
  }
  return out
}

function numberLocale(locale: Locale) {
  return locale === 'fr' ? 'fr-FR' : 'en-GB'
}

/** A count as printed: a number in the locale's format, or the marker of a count withheld ("< 5", ">= 5"). */
export function formatCount(value: Count, locale: Locale): string {
  return typeof value === 'number' ? value.toLocaleString(numberLocale(locale)) : toWinAnsi(value)
}

function formatShare(value: number | null, locale: Locale): string {
  if (value === null) return '—'
  return value.toLocaleString(numberLocale(locale), { style: 'percent', maximumFractionDigits: 1 })
}

function formatNumber(value: number | null, locale: Locale, digits = 1): string {
  if (value === null) return '—'
  return value.toLocaleString(numberLocale(locale), { maximumFractionDigits: digits })
}

function formatMinutes(seconds: number | null, locale: Locale): string {
  return seconds === null ? '—' : WORDS[locale].minutes(seconds / 60)
}

function formatHours(hours: number | null, locale: Locale): string {
  return hours === null ? '—' : WORDS[locale].hours(hours)
}

function formatGeneratedAt(iso: string, locale: Locale): string {
  return formatInstant(iso, numberLocale(locale), { date: 'long' })
}

/**
 * The French review's words with French typography (`frenchTypography`, the function `shownWords` applies on screen):
 * a narrow no-break space before ? ! ; and a no-break space before :.
 */
function typeset(value: string, locale: Locale): string {
  return locale === 'fr' ? frenchTypography(value) : value
}

type Doc = InstanceType<typeof PDFKit>

class Writer {
  constructor(
    readonly doc: Doc,
    readonly locale: Locale,
  ) {}

  get width() {
    return this.doc.page.width - 2 * MARGIN
  }

  get bottom() {
    return this.doc.page.height - MARGIN
  }

  /** The one way text reaches the page: French typography for the French review, then the font's characters. */
  print(value: string): string {
    return toWinAnsi(typeset(value, this.locale))
  }

  text(value: string, options: PDFKit.Mixins.TextOptions = {}) {
    this.doc.text(this.print(value), options)
  }

  /** Starts a new page when fewer than `height` points are left. */
  ensure(height: number) {
    if (this.doc.y + height > this.bottom) this.doc.addPage()
  }

  heading(value: string) {
    this.ensure(60)
    this.doc.moveDown(0.6)
    this.doc.font('Helvetica-Bold').fontSize(16).fillColor(TEAL)
    this.text(value, { width: this.width })
    this.doc.moveDown(0.3)
    this.doc.font('Helvetica').fontSize(10).fillColor(INK)
  }

  subheading(value: string, needed = 40) {
    this.ensure(needed)
    this.doc.moveDown(0.5)
    this.doc.font('Helvetica-Bold').fontSize(11).fillColor(INK)
    this.text(value, { width: this.width })
    this.doc.moveDown(0.2)
    this.doc.font('Helvetica').fontSize(10)
  }

  /** Key figures as a grid of cards, three a row. */
  figures(items: Array<{ label: string; value: string }>) {
    const columns = 3
    const gap = 10
    const cardWidth = (this.width - gap * (columns - 1)) / columns
    const cardHeight = 58
    for (let index = 0; index < items.length; index += columns) {
      this.ensure(cardHeight + gap)
      const top = this.doc.y
      items.slice(index, index + columns).forEach((item, column) => {
        const x = MARGIN + column * (cardWidth + gap)
        this.doc.roundedRect(x, top, cardWidth, cardHeight, 4).lineWidth(0.8).strokeColor(PALE).stroke()
        this.doc.font('Helvetica-Bold').fontSize(18).fillColor(TEAL)
        this.doc.text(this.print(item.value), x + 8, top + 8, { width: cardWidth - 16, lineBreak: false })
        this.doc.font('Helvetica').fontSize(8.5).fillColor(GREY)
        this.doc.text(this.print(item.label), x + 8, top + 34, { width: cardWidth - 16 })
      })
      this.doc.x = MARGIN
      this.doc.y = top + cardHeight + gap
    }
    this.doc.fillColor(INK).fontSize(10)
  }

  /** Horizontal bars, one a line: label, bar, value. */
  horizontalBars(buckets: Array<{ label: string; count: Count }>) {
    if (buckets.length === 0) return this.empty()
    const labelWidth = 180
    const valueWidth = 50
    const barMax = this.width - labelWidth - valueWidth - 10
    const rowHeight = 16
    const max = Math.max(1, ...buckets.map((bucket) => barLength(bucket.count)))
    for (const bucket of buckets) {
      this.ensure(rowHeight)
      const top = this.doc.y
      this.doc.font('Helvetica').fontSize(9).fillColor(INK)
      this.doc.text(this.print(bucket.label), MARGIN, top + 2, {
        width: labelWidth - 6,
        height: rowHeight,
        ellipsis: true,
      })
      const length = (barLength(bucket.count) / max) * barMax
      if (length > 0) {
        this.doc
          .rect(MARGIN + labelWidth, top + 2, Math.max(length, 1.5), rowHeight - 5)
          .fill(bucket.count === SUPPRESSED ? PALE : TEAL)
      }
      this.doc.fillColor(INK)
      this.doc.text(formatCount(bucket.count, this.locale), MARGIN + labelWidth + length + 5, top + 2, {
        width: valueWidth,
        lineBreak: false,
      })
      this.doc.x = MARGIN
      this.doc.y = top + rowHeight
    }
    this.doc.moveDown(0.3)
  }

  /** Vertical bars for a day series, with the first, middle and last days written under the axis. */
  dayBars(buckets: Bucket[]) {
    if (buckets.length === 0) return this.empty()
    const height = 120
    this.ensure(height + 40)
    const top = this.doc.y + 14
    const axisLeft = MARGIN + 30
    const chartWidth = this.width - 30
    const max = Math.max(1, ...buckets.map((bucket) => barLength(bucket.count)))
    const step = chartWidth / buckets.length
    const barWidth = Math.max(1, step * 0.7)
    this.doc.font('Helvetica').fontSize(8).fillColor(GREY)
    this.doc.text(formatCount(max, this.locale), MARGIN, top - 4, { width: 26, align: 'right', lineBreak: false })
    this.doc.text('0', MARGIN, top + height - 6, { width: 26, align: 'right', lineBreak: false })
    this.doc
      .moveTo(axisLeft, top)
      .lineTo(axisLeft, top + height)
      .lineTo(axisLeft + chartWidth, top + height)
      .lineWidth(0.5)
      .strokeColor(GREY)
      .stroke()
    buckets.forEach((bucket, index) => {
      const barHeight = (barLength(bucket.count) / max) * height
      if (barHeight > 0) {
        this.doc
          .rect(axisLeft + index * step + (step - barWidth) / 2, top + height - barHeight, barWidth, barHeight)
          .fill(bucket.count === SUPPRESSED ? PALE : TEAL)
      }
    })
    const marks = [...new Set([0, Math.floor((buckets.length - 1) / 2), buckets.length - 1])]
    this.doc.fillColor(GREY).fontSize(8)
    for (const index of marks) {
      const bucket = buckets[index] as Bucket
      const center = axisLeft + index * step + step / 2
      this.doc.text(formatDay(bucket.key, this.locale), center - 30, top + height + 4, {
        width: 60,
        align: 'center',
        lineBreak: false,
      })
    }
    this.doc.x = MARGIN
    this.doc.y = top + height + 20
    this.doc.fillColor(INK).fontSize(10)
  }

  /** A plain table: a bold header row, then the rows; the first column is wide, the others right-aligned. */
  table(headers: string[], rows: string[][]) {
    if (rows.length === 0) return this.empty()
    const first = this.width * (headers.length > 2 ? 0.4 : 0.6)
    const rest = (this.width - first) / Math.max(1, headers.length - 1)
    const widths = headers.map((_, index) => (index === 0 ? first : rest))
    const row = (cells: string[], bold: boolean) => {
      this.doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9)
      const heights = cells.map((cell, index) =>
        this.doc.heightOfString(this.print(cell), { width: (widths[index] as number) - 6 }),
      )
      const height = Math.max(...heights) + 6
      this.ensure(height)
      const top = this.doc.y
      let x = MARGIN
      cells.forEach((cell, index) => {
        const width = widths[index] as number
        this.doc.fillColor(INK).text(this.print(cell), x + 3, top + 3, {
          width: width - 6,
          align: index === 0 ? 'left' : 'right',
        })
        x += width
      })
      this.doc
        .moveTo(MARGIN, top + height)
        .lineTo(MARGIN + this.width, top + height)
        .lineWidth(0.4)
        .strokeColor(bold ? GREY : PALE)
        .stroke()
      this.doc.x = MARGIN
      this.doc.y = top + height
    }
    row(headers, true)
    for (const cells of rows) row(cells, false)
    this.doc.moveDown(0.5)
    this.doc.font('Helvetica').fontSize(10)
  }

  paragraph(value: string) {
    this.doc.font('Helvetica').fontSize(9.5).fillColor(INK)
    this.ensure(this.doc.heightOfString(this.print(value), { width: this.width }) + 4)
    this.text(value, { width: this.width })
    this.doc.moveDown(0.3)
  }

  empty() {
    this.doc.font('Helvetica').fontSize(9).fillColor(GREY)
    this.text(WORDS[this.locale].none, { width: this.width })
    this.doc.fillColor(INK).moveDown(0.3)
  }
}

function labelled(buckets: Bucket[], kind: LabelKind | null, locale: Locale) {
  return buckets.map((bucket) => ({
    label: kind ? labelOf(kind, bucket.key, locale) : bucket.key,
    count: bucket.count,
  }))
}

// pdfkit (about 20 MB resident) is loaded with the first PDF, not with the server.
let pdfkit: Promise<typeof PDFKit> | undefined
const loadPdfKit = () => {
  pdfkit ??= import('pdfkit').then((module) => module.default)
  return pdfkit
}

/** Renders the review as an A4 PDF in the given language; the stream ends when the document is complete. */
export async function renderReviewPdf(review: StatsReview, locale: Locale): Promise<Readable> {
  const PDFDocument = await loadPdfKit()
  const w = WORDS[locale]
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    lang: locale === 'fr' ? 'fr-FR' : 'en-GB',
    // The document's properties are set like its pages but not reduced to the font's characters (toWinAnsi): pdfkit
    // writes them in UTF-16 and no font draws them, so the narrow no-break space stays narrow there.
    info: {
      Title: typeset(`${w.title} — ${review.scopeLabel}`, locale),
      Author: 'Allervers',
      Subject: typeset(w.period(review.period.from, review.period.to), locale),
      CreationDate: new Date(Number.isNaN(Date.parse(review.generatedAt)) ? 0 : Date.parse(review.generatedAt)),
    },
  })
  const out = new Writer(doc, locale)
  const from = formatDay(review.period.from, locale)
  const to = formatDay(review.period.to, locale)

  // Cover.
  doc.rect(0, 0, doc.page.width, 220).fill(TEAL)
  doc.fillColor('#ffffff').font('Helvetica').fontSize(12)
  doc.text('Allervers', MARGIN, 70, { width: out.width })
  doc.font('Helvetica-Bold').fontSize(30)
  out.text(w.title, { width: out.width })
  doc.font('Helvetica').fontSize(12)
  out.text(w.subtitle, { width: out.width })
  doc.fillColor(INK).font('Helvetica-Bold').fontSize(22)
  doc.text(out.print(review.scopeLabel), MARGIN, 270, { width: out.width })
  doc.moveDown(0.5)
  doc.font('Helvetica').fontSize(14)
  out.text(w.period(from, to), { width: out.width })
  doc.moveDown(2)
  doc.fontSize(10).fillColor(GREY)
  out.text(w.generated(formatGeneratedAt(review.generatedAt, locale)), { width: out.width })
  doc.moveDown(3)
  doc.fillColor(INK)
  out.subheading(w.keyFigures)
  const keyFigures = [
    { label: w.targeted, value: formatCount(review.reach.targeted, locale) },
    { label: w.attempted, value: formatCount(review.reach.attempted, locale) },
    { label: w.reached, value: formatCount(review.reach.reached, locale) },
    { label: w.reachedOfAttempted, value: formatShare(review.reach.rates.reachedOfAttempted, locale) },
    { label: w.reachedOfTargeted, value: formatShare(review.reach.rates.reachedOfTargeted, locale) },
    { label: w.attemptsPerReached, value: formatNumber(review.reach.attemptsPerReached, locale) },
    { label: w.unreachable, value: formatCount(review.reach.unreachable, locale) },
    { label: w.calls, value: formatCount(review.calls.total, locale) },
    { label: w.referrals, value: formatCount(review.referrals.total, locale) },
    { label: w.callers, value: formatCount(review.callers.active, locale) },
  ]
  out.figures(keyFigures)

  // Calls.
  doc.addPage()
  out.heading(w.callsSection)
  out.subheading(w.perDay, 180)
  out.dayBars(review.calls.perDay)
  out.subheading(w.byDisposition)
  out.horizontalBars(labelled(review.calls.byDisposition, 'disposition', locale))
  out.table(
    [w.calls, w.averageDuration, w.medianDuration],
    [
      [
        formatCount(review.calls.total, locale),
        formatMinutes(review.calls.averageDurationSeconds, locale),
        formatMinutes(review.calls.medianDurationSeconds, locale),
      ],
    ],
  )

  // Findings.
  out.heading(w.findingsSection)
  out.subheading(w.fragility)
  out.horizontalBars(labelled(review.findings.fragility, 'fragility', locale))
  out.subheading(w.needs)
  out.horizontalBars(
    review.findings.needs.map((need) => ({ label: labelOf('need', need.key, locale), count: need.count })),
  )
  out.subheading(w.instruments)
  out.table(
    [w.instrument, w.scored, w.positive, w.share],
    review.findings.instruments.map((line) => [
      labelOf('instrument', line.instrument, locale),
      formatCount(line.scored, locale),
      formatCount(line.positive, locale),
      formatShare(line.share, locale),
    ]),
  )
  const { fragility, referral } = review.findings.suggestions
  const outOf = (pair: { made: Count; followed: Count }) =>
    w.outOf(formatCount(pair.followed, locale), formatCount(pair.made, locale))
  out.paragraph(w.suggestions(outOf(fragility), outOf(referral)))

  // Referrals.
  out.heading(w.referralsSection)
  out.subheading(w.byCategory)
  out.horizontalBars(labelled(review.referrals.byCategory, 'need', locale))
  out.subheading(w.byStatus)
  out.table(
    [w.status, w.count],
    review.referrals.byStatus.map((bucket) => [
      labelOf('referralStatus', bucket.key, locale),
      formatCount(bucket.count, locale),
    ]),
  )
  out.subheading(w.byRecipient)
  out.table(
    [w.recipient, w.count],
    review.referrals.byRecipient.map((bucket) => [bucket.key, formatCount(bucket.count, locale)]),
  )
  out.subheading(w.timings)
  out.table(
    [w.timings, w.median, w.p90],
    [
      [
        w.toAccept,
        formatHours(review.referrals.hoursToAccept.median, locale),
        formatHours(review.referrals.hoursToAccept.p90, locale),
      ],
      [
        w.toResolve,
        formatHours(review.referrals.hoursToResolve.median, locale),
        formatHours(review.referrals.hoursToResolve.p90, locale),
      ],
    ],
  )
  out.paragraph(
    `${w.resolvedWithinDue}${locale === 'fr' ? ' : ' : ': '}${formatShare(review.referrals.resolvedWithinDue, locale)}`,
  )

  // Callers.
  out.heading(w.callersSection)
  const { callers } = review
  out.table(
    [w.callersSection, w.count],
    [
      [w.callers, formatCount(callers.active, locale)],
      [
        w.callsPerCaller,
        `${formatNumber(callers.callsPerCaller.median, locale)} / ${formatNumber(callers.callsPerCaller.max, locale)}`,
      ],
      [w.feedbackAnswers, formatCount(callers.feedback.answers, locale)],
      [w.debriefs, formatCount(callers.debriefsRequested, locale)],
    ],
  )
  out.subheading(w.meaningful)
  out.horizontalBars(labelled(callers.feedback.meaningful, null, locale))
  out.subheading(w.useful)
  out.horizontalBars(labelled(callers.feedback.useful, null, locale))
  if (callers.feedback.comments.length > 0) {
    out.subheading(w.comments)
    for (const comment of callers.feedback.comments) out.paragraph(`« ${comment} »`)
  }

  // Method notes.
  out.heading(w.notesSection)
  for (const note of w.notes) out.paragraph(`• ${note}`)

  // Footer on every page: scope, period and page number.
  const range = doc.bufferedPageRange()
  for (let index = range.start; index < range.start + range.count; index++) {
    doc.switchToPage(index)
    const bottomMargin = doc.page.margins.bottom
    doc.page.margins.bottom = 0
    doc.font('Helvetica').fontSize(8).fillColor(GREY)
    doc.text(
      out.print(`${review.scopeLabel} · ${from} – ${to} · ${w.page(index + 1, range.count)}`),
      MARGIN,
      doc.page.height - 30,
      { width: out.width, align: 'center', lineBreak: false },
    )
    doc.page.margins.bottom = bottomMargin
  }
  doc.end()
  return doc
}
