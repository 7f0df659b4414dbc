/**
 * Exports: which columns each dataset carries, in French, and how a database row becomes a line of a CSV or a sheet.
 * Pure: no database, no HTTP. What is NOT here matters as much: never call notes, free-text answers, referral
 * summaries or health details; a list of households for a letter or a visit, not their situation.
 */
import { parisWallClock } from '../../../shared/clock.js'
import type { Dataset, ExportFormat } from '../../../shared/contracts/exports.js'
import { type LabelKind, labelOf } from '../../../shared/labels.js'
import { ACTIVE_REFERRAL_STATUSES } from '../../../shared/referrals.js'

/** One cell: text, a number, an instant (shown as a Europe/Paris date and time) or empty. */
export type Cell = string | number | { instant: string } | null

export interface Column {
  header: string
  kind: 'text' | 'number' | 'datetime' | 'date'
  /** Width in characters, for the sheet. */
  width: number
}

/** Codes read in French, as the rest of the sheet (the one label source, `src/shared/labels.ts`). */
const french = (kind: LabelKind, code: string | null) => (code ? labelOf(kind, code, 'fr') : null)

// ——— Calls ———

export const CALL_COLUMNS: Column[] = [
  { header: 'Date', kind: 'datetime', width: 17 },
  { header: 'Campagne', kind: 'text', width: 30 },
  { header: 'Référence ménage', kind: 'text', width: 18 },
  { header: 'Appelant', kind: 'text', width: 22 },
  { header: 'Tentative', kind: 'number', width: 10 },
  { header: 'Issue', kind: 'text', width: 22 },
  { header: 'Durée (secondes)', kind: 'number', width: 12 },
  { header: 'Niveau de fragilité', kind: 'text', width: 24 },
  { header: 'Besoins repérés', kind: 'text', width: 40 },
]

export interface CallExportRow {
  createdAt: string
  campaignName: string
  externalRef: string
  callerName: string
  attempt: number
  disposition: string
  durationSeconds: number | null
  fragilityLevel: string | null
  /** JSON array of need categories, as stored on the call. */
  needs: string | null
}

export function callCells(row: CallExportRow): Cell[] {
  const needs = row.needs ? (JSON.parse(row.needs) as string[]) : []
  return [
    { instant: row.createdAt },
    row.campaignName,
    row.externalRef,
    row.callerName,
    Number(row.attempt),
    french('disposition', row.disposition),
    row.durationSeconds === null ? null : Number(row.durationSeconds),
    french('fragility', row.fragilityLevel),
    needs.map((need) => labelOf('need', need, 'fr')).join(', ') || null,
  ]
}

// ——— Referrals ———

export const REFERRAL_COLUMNS: Column[] = [
  { header: 'Date d’envoi', kind: 'datetime', width: 17 },
  { header: 'Référence ménage', kind: 'text', width: 18 },
  { header: 'Catégorie', kind: 'text', width: 30 },
  { header: 'Urgence', kind: 'text', width: 16 },
  { header: 'Statut', kind: 'text', width: 12 },
  { header: 'Organisme émetteur', kind: 'text', width: 28 },
  { header: 'Organisme destinataire', kind: 'text', width: 28 },
  { header: 'Équipe destinataire', kind: 'text', width: 22 },
  { header: 'Consentement', kind: 'text', width: 14 },
  { header: 'Prise en charge attendue avant', kind: 'datetime', width: 17 },
  { header: 'Acceptée le', kind: 'datetime', width: 17 },
  { header: 'Résolution attendue avant', kind: 'datetime', width: 17 },
  { header: 'Clôturée le', kind: 'datetime', width: 17 },
]

export interface ReferralExportRow {
  createdAt: string
  externalRef: string
  category: string
  urgency: string
  status: string
  senderName: string
  recipientName: string
  recipientOrganizationId: string
  senderOrganizationId: string
  recipientTeam: string | null
  consentGiven: number
  overrideReason: string | null
  dueAcceptBy: string
  acceptedAt: string | null
  dueResolveBy: string
  closedAt: string | null
}

/**
 * `partnerOrganizationIds`: organisations for which the exporting user is a partner and nothing more. As in the
 * referrals API, an outside recipient no longer sees which household or what need once the referral is over.
 */
export function referralCells(row: ReferralExportRow, partnerOrganizationIds: ReadonlySet<string>): Cell[] {
  const hidesCase =
    partnerOrganizationIds.has(row.recipientOrganizationId) &&
    row.recipientOrganizationId !== row.senderOrganizationId &&
    !(ACTIVE_REFERRAL_STATUSES as readonly string[]).includes(row.status)
  const consent = Number(row.consentGiven) === 1 ? 'Oui' : row.overrideReason ? 'Dérogation' : 'Non'
  return [
    { instant: row.createdAt },
    hidesCase ? null : row.externalRef,
    hidesCase ? null : french('need', row.category),
    french('urgency', row.urgency),
    french('referralStatus', row.status),
    row.senderName,
    row.recipientName,
    row.recipientTeam,
    consent,
    { instant: row.dueAcceptBy },
    row.acceptedAt ? { instant: row.acceptedAt } : null,
    { instant: row.dueResolveBy },
    row.closedAt ? { instant: row.closedAt } : null,
  ]
}

// ——— Unreachable households ———

export const UNREACHABLE_COLUMNS: Column[] = [
  { header: 'Référence ménage', kind: 'text', width: 18 },
  { header: 'Nom', kind: 'text', width: 20 },
  { header: 'Prénom', kind: 'text', width: 16 },
  { header: 'Adresse', kind: 'text', width: 34 },
  { header: 'Complément d’adresse', kind: 'text', width: 22 },
  { header: 'Code postal', kind: 'text', width: 11 },
  { header: 'Commune', kind: 'text', width: 22 },
  { header: 'Numéros essayés', kind: 'text', width: 30 },
  { header: 'Tentatives', kind: 'number', width: 10 },
  { header: 'Dernière tentative', kind: 'datetime', width: 17 },
  { header: 'Dernière issue', kind: 'text', width: 22 },
  { header: 'Campagne', kind: 'text', width: 30 },
]

export interface UnreachableExportRow {
  externalRef: string
  lastName: string
  firstName: string | null
  addressLine1: string | null
  addressLine2: string | null
  postcode: string | null
  city: string | null
  /** Distinct numbers dialled for this target, comma-separated, as the database aggregates them. */
  phonesTried: string | null
  attempts: number
  lastCalledAt: string | null
  lastDisposition: string | null
  campaignName: string
}

export function unreachableCells(row: UnreachableExportRow): Cell[] {
  const phones = (row.phonesTried ?? '')
    .split(',')
    .map((phone) => phone.trim())
    .filter(Boolean)
    .sort()
  return [
    row.externalRef,
    row.lastName,
    row.firstName,
    row.addressLine1,
    row.addressLine2,
    row.postcode,
    row.city,
    phones.map(formatFrenchPhone).join(', ') || null,
    Number(row.attempts),
    row.lastCalledAt ? { instant: row.lastCalledAt } : null,
    // Never called: the campaign found no usable number for it (listed for a letter or a visit from activation).
    Number(row.attempts) === 0 ? 'Aucun numéro utilisable' : french('disposition', row.lastDisposition),
    row.campaignName,
  ]
}

/** +33612345678 → 06 12 34 56 78 (what a person dials from France); other numbers stay as stored. */
export function formatFrenchPhone(e164: string): string {
  const match = /^\+33([1-9])(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(e164)
  return match ? `0${match[1]} ${match[2]} ${match[3]} ${match[4]} ${match[5]}` : e164
}

export const COLUMNS: Record<Dataset, Column[]> = {
  calls: CALL_COLUMNS,
  referrals: REFERRAL_COLUMNS,
  unreachable: UNREACHABLE_COLUMNS,
}

// ——— Time ———

const two = (value: number) => (value < 10 ? `0${value}` : String(value))

/** dd/MM/yyyy HH:mm in Europe/Paris: what French Excel reads as a date and time. */
export function formatParisDateTime(instant: string): string {
  const wall = parisWallClock(instant)
  return `${two(wall.getUTCDate())}/${two(wall.getUTCMonth() + 1)}/${wall.getUTCFullYear()} ${two(wall.getUTCHours())}:${two(wall.getUTCMinutes())}`
}

/** A CSV cell: text as it is, numbers as French decimals would need none (integers), instants in Paris time. */
export function csvValue(cell: Cell): string {
  if (cell === null) return ''
  if (typeof cell === 'number') return String(cell)
  if (typeof cell === 'string') return cell
  return formatParisDateTime(cell.instant)
}

export function xlsxValue(cell: Cell): string | number | Date | null {
  if (cell === null || typeof cell === 'number' || typeof cell === 'string') return cell
  return parisWallClock(cell.instant)
}

/** The file name people see: dataset, scope and period, only characters safe in any file system. */
export function exportFileName(
  dataset: Dataset,
  scopeLabel: string,
  from: string,
  to: string,
  format: ExportFormat,
): string {
  const names: Record<Dataset, string> = { calls: 'appels', referrals: 'orientations', unreachable: 'injoignables' }
  const safeScope = scopeLabel
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return `${names[dataset]}_${safeScope || 'export'}_${from}_${to}.${format}`
}
