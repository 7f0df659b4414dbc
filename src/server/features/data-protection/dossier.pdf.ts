/**
 * A household's dossier as a PDF in French, for the tenant who asked for it: plain sections, one line per fact, every
 * note and answer written out. pdfkit with its standard Helvetica, text through the review's `toWinAnsi`.
 */
import type { Readable } from 'node:stream'
import { formatDay, formatInstant } from '../../../shared/clock.js'
import type { Dossier, RectifiableField } from '../../../shared/contracts/data-protection.js'
import { floorLabel, formatPhone, frenchTypography } from '../../../shared/french.js'
import { civilityWord } from '../../../shared/households.js'
import { type LabelKind, labelOf } from '../../../shared/labels.js'
import { toWinAnsi } from '../stats/review.pdf.js'

/** The one way text reaches the page: French typography (no-break spaces before ? ! ; : and inside « »), then the font's characters. */
const print = (value: string) => toWinAnsi(frenchTypography(value))

const MARGIN = 50
const TEAL = '#0b7285'
const INK = '#212529'
const GREY = '#495057'

const CHANNELS: Record<string, string> = {
  phone: 'Téléphone',
  mail: 'Courrier',
  email: 'Courriel',
  in_person: 'En personne',
  other: 'Autre',
}
const STEP_KINDS: Record<string, string> = { created: 'Envoi', transition: 'Changement de statut', note: 'Note' }
const PHONE_KINDS: Record<string, string> = { mobile: 'Mobile', landline: 'Fixe', other: 'Autre' }

const at = (instant: string | null) => (instant ? formatInstant(instant, 'fr-FR', { date: 'short' }) : '—')
const day = (value: string | null) => (value ? formatDay(value, 'fr') : '—')
const yesNo = (value: boolean | null) => (value === null ? '—' : value ? 'Oui' : 'Non')
const label = (kind: LabelKind, code: string | null) => (code ? labelOf(kind, code, 'fr') : '—')
const text = (value: string | number | null | undefined) =>
  value === null || value === undefined || value === '' ? '—' : String(value)

type Doc = PDFKit.PDFDocument

class Writer {
  constructor(readonly doc: Doc) {}

  get width() {
    return this.doc.page.width - 2 * MARGIN
  }

  ensure(height: number) {
    if (this.doc.y + height > this.doc.page.height - MARGIN) this.doc.addPage()
  }

  heading(value: string) {
    this.ensure(60)
    this.doc.moveDown(0.8)
    this.doc.font('Helvetica-Bold').fontSize(15).fillColor(TEAL)
    this.doc.text(print(value), MARGIN, this.doc.y, { width: this.width })
    this.doc.moveDown(0.3)
    this.doc.font('Helvetica').fontSize(10).fillColor(INK)
  }

  subheading(value: string) {
    this.ensure(40)
    this.doc.moveDown(0.5)
    this.doc.font('Helvetica-Bold').fontSize(11).fillColor(INK)
    this.doc.text(print(value), MARGIN, this.doc.y, { width: this.width })
    this.doc.font('Helvetica').fontSize(10)
  }

  /** « Libellé : valeur », the label in grey. */
  field(name: string, value: string) {
    this.ensure(14)
    this.doc.font('Helvetica').fontSize(10).fillColor(GREY)
    this.doc.text(print(`${name} : `), MARGIN, this.doc.y, { width: this.width, continued: true })
    this.doc.fillColor(INK).text(print(value))
  }

  paragraph(value: string) {
    this.ensure(14)
    this.doc.font('Helvetica').fontSize(10).fillColor(INK)
    this.doc.text(print(value), MARGIN, this.doc.y, { width: this.width })
  }

  none(value = 'Aucune donnée.') {
    this.doc.font('Helvetica-Oblique').fontSize(10).fillColor(GREY)
    this.doc.text(print(value), MARGIN, this.doc.y, { width: this.width })
    this.doc.font('Helvetica').fillColor(INK)
  }
}

export async function renderDossierPdf(dossier: Dossier): Promise<Readable> {
  const PDFDocument = (await import('pdfkit')).default
  const { household } = dossier
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    lang: 'fr-FR',
    info: {
      Title: print(`Dossier du ménage ${household.externalRef}`),
      Author: 'Allervers',
      Subject: 'Droit d’accès aux données personnelles',
      CreationDate: new Date(dossier.generatedAt),
    },
  })
  const out = new Writer(doc)

  doc.font('Helvetica-Bold').fontSize(20).fillColor(TEAL)
  doc.text(print(`Vos données : dossier du ménage ${household.externalRef}`), { width: out.width })
  doc.moveDown(0.4)
  doc.font('Helvetica').fontSize(10).fillColor(GREY)
  out.paragraph(
    `Ce document rassemble toutes les données que ${household.organization.name} détient à votre sujet dans ` +
      `Allervers, le service d’appels aux locataires, à la date du ${at(dossier.generatedAt)}. Vous pouvez demander ` +
      'la rectification d’une donnée inexacte, son effacement, ou vous opposer aux appels, auprès de votre bailleur.',
  )

  // A value rectified at the tenant's request says so, so that they see their correction was made.
  const rectified = new Set(household.rectifiedFields)
  const marked = (value: string, ...fields: RectifiableField[]) =>
    fields.some((field) => rectified.has(field)) ? `${value} (rectifié à votre demande)` : value
  out.heading('Identité')
  out.field('Référence', household.externalRef)
  out.field('Civilité', marked(text(civilityWord(household.civility)), 'civility'))
  out.field('Nom', marked(household.lastName, 'lastName'))
  out.field('Prénom', marked(text(household.firstName), 'firstName'))
  out.field('Date de naissance', marked(day(household.birthDate), 'birthDate'))
  out.field('Courriel', marked(text(household.email), 'email'))
  const { address } = household
  out.field(
    'Adresse',
    marked(
      [address.line1, address.line2, [address.postcode, address.city].filter(Boolean).join(' ')]
        .filter(Boolean)
        .join(', ') || '—',
      'addressLine1',
      'addressLine2',
      'postcode',
      'city',
    ),
  )
  out.field('Code commune (INSEE)', text(address.inseeCode))
  out.field('Organisme', household.organization.name)
  out.field('Agence', household.agency?.name ?? '—')
  out.field('Situation dans le fichier', household.status === 'left' ? `Parti le ${at(household.leftAt)}` : 'Locataire')
  out.field('Fiche créée le', at(household.createdAt))
  out.field('Dernière mise à jour', at(household.updatedAt))

  out.subheading('Logement et situation')
  const { situation } = household
  out.field('Occupants', text(situation.occupants))
  out.field('Vit seul·e', yesNo(situation.livesAlone))
  out.field('Étage', situation.floor === null ? '—' : floorLabel(situation.floor, 'fr'))
  out.field('Ascenseur', yesNo(situation.hasLift))
  out.field('Début du bail', day(situation.leaseStart))
  out.field(
    'Impayés',
    situation.arrears === null ? '—' : `${situation.arrears.toLocaleString('fr-FR', { minimumFractionDigits: 2 })} €`,
  )
  out.field('Aide au logement', yesNo(situation.housingBenefit))
  out.field('Accompagnement social', yesNo(situation.supportProgramme))
  out.field('Travaux', text(situation.worksProgramme))
  out.field('Niveau de fragilité', label('fragility', situation.fragilityLevel))
  out.field('Dernier contact', at(situation.lastContactedAt))

  out.heading('Occupants')
  if (dossier.occupants.length === 0) out.none()
  for (const occupant of dossier.occupants) {
    out.paragraph(
      `• ${[occupant.firstName, occupant.lastName].filter(Boolean).join(' ')}` +
        `${occupant.isLeaseholder ? ' (titulaire du bail)' : ''}` +
        `${occupant.role ? ` — ${occupant.role}` : ''}, né·e le ${day(occupant.birthDate)}`,
    )
  }

  out.heading('Téléphones')
  if (dossier.phones.length === 0) out.none()
  for (const phone of dossier.phones) {
    out.paragraph(
      `• ${formatPhone(phone.number)} (${PHONE_KINDS[phone.kind] ?? phone.kind}${phone.isValid ? '' : ', numéro invalide'})`,
    )
  }

  out.heading('Appels')
  if (dossier.calls.length === 0) out.none('Aucun appel.')
  for (const call of dossier.calls) {
    out.subheading(`${at(call.at)} — ${call.campaign}`)
    out.field('Organisme', call.organization)
    out.field('Tentative', String(call.attempt))
    out.field('Issue', label('disposition', call.disposition))
    if (call.durationSeconds !== null) out.field('Durée', `${Math.round(call.durationSeconds / 60)} min`)
    if (call.fragilityLevel) out.field('Niveau de fragilité', label('fragility', call.fragilityLevel))
    if (call.needs.length > 0) out.field('Besoins repérés', call.needs.map((need) => label('need', need)).join(', '))
    if (call.callbackAt) out.field('Rappel prévu', at(call.callbackAt))
    for (const answer of call.answers) out.field(answer.question, answer.answer || '—')
    for (const score of call.scores) {
      out.field(
        `Échelle ${label('instrument', score.instrument)}`,
        score.score === null ? 'incomplète' : `${score.score}${score.category ? ` (${score.category})` : ''}`,
      )
    }
    out.field('Notes', text(call.notes))
  }

  out.heading('Orientations')
  if (dossier.orientations.length === 0) out.none('Aucune orientation.')
  for (const orientation of dossier.orientations) {
    out.subheading(`${at(orientation.createdAt)} — ${label('need', orientation.category)}`)
    out.field('De', orientation.sender)
    out.field('Vers', `${orientation.recipient}${orientation.recipientTeam ? ` (${orientation.recipientTeam})` : ''}`)
    out.field('Urgence', label('urgency', orientation.urgency))
    out.field('Statut', label('referralStatus', orientation.status))
    out.field('Résumé', orientation.summary)
    if (orientation.outcome) out.field('Résultat', orientation.outcome)
    for (const step of orientation.steps) {
      const change =
        step.kind === 'transition' && step.toStatus
          ? ` : ${label('referralStatus', step.fromStatus)} → ${label('referralStatus', step.toStatus)}`
          : ''
      out.paragraph(
        `• ${at(step.at)}, ${step.organization} — ${STEP_KINDS[step.kind] ?? step.kind}${change}` +
          `${step.note ? ` — « ${step.note} »` : ''}`,
      )
    }
  }

  out.heading('Opposition aux appels')
  if (dossier.objection) {
    out.field('Opposition enregistrée le', at(dossier.objection.at))
    out.field('Reçue par', dossier.objection.channel ? (CHANNELS[dossier.objection.channel] ?? '—') : '—')
    out.field('Note', text(dossier.objection.note))
  } else {
    out.none('Aucune opposition en cours.')
  }
  for (const change of dossier.objectionHistory) {
    out.paragraph(`• ${at(change.at)} — ${label('auditAction', change.action)}`)
  }

  out.heading('Consentements')
  if (dossier.consents.length === 0) out.none('Aucun consentement demandé.')
  for (const consent of dossier.consents) {
    out.paragraph(
      `• Orientation du ${at(dossier.orientations.find((o) => o.id === consent.orientationId)?.createdAt ?? null)} : ` +
        (consent.given
          ? `consentement donné le ${at(consent.recordedAt)}`
          : `partagée sans consentement${consent.overrideReason ? ` — motif : « ${consent.overrideReason} »` : ''}`),
    )
  }

  out.heading('Qui a consulté ou modifié ces données')
  if (dossier.accesses.length === 0) out.none('Aucun accès enregistré.')
  for (const access of dossier.accesses) {
    out.paragraph(
      `• ${at(access.at)} — ${label('auditAction', access.action)} — ` +
        `${access.role ? label('role', access.role) : 'rôle inconnu'}, ${access.organization ?? 'organisme inconnu'}`,
    )
  }

  const range = doc.bufferedPageRange()
  for (let index = range.start; index < range.start + range.count; index++) {
    doc.switchToPage(index)
    const bottomMargin = doc.page.margins.bottom
    doc.page.margins.bottom = 0
    doc.font('Helvetica').fontSize(8).fillColor(GREY)
    doc.text(
      print(`Dossier ${household.externalRef} · ${at(dossier.generatedAt)} · Page ${index + 1} sur ${range.count}`),
      MARGIN,
      doc.page.height - 30,
      { width: out.width, align: 'center', lineBreak: false },
    )
    doc.page.margins.bottom = bottomMargin
  }
  doc.end()
  return doc
}
