/**
 * Exports: which columns each dataset carries, in French, and how a database row becomes a line of a CSV or a sheet.
 * Pure: no database, no HTTP. What is NOT here matters as much: never call notes, free-text answers, referral
 * summaries or health details; a list of households for a letter or a visit, not their situation.
 */
import { DateTime } from 'luxon'
import type { Role } from '../../../shared/roles.js'
import { reviewLabel } from '../../../shared/stats-labels.js'

export const DATASETS = ['calls', 'referrals', 'unreachable'] as const
export type Dataset = (typeof DATASETS)[number]
export const FORMATS = ['csv', 'xlsx'] as const
export type ExportFormat = (typeof FORMATS)[number]

const PARIS = 'Europe/Paris'

/** One cell: text, a number, an instant (shown as a Europe/Paris date and time) or empty. */
export type Cell = string | number | { instant: string } | null

export interface Column {
  header: string
  kind: 'text' | 'number' | 'datetime' | 'date'
  /** Width in characters, for the sheet. */
  width: number
}

export const NEED_LABELS: Record<string, string> = {
  isolation: 'Isolement',
  health_autonomy: 'Santé et autonomie',
  food: 'Alimentation',
  finances_arrears: 'Finances et impayés',
  income_loss: 'Perte d’emploi ou de revenus',
  family_violence: 'Tensions ou violences familiales',
  housing_repair: 'Réparation du logement',
  admin_digital: 'Aide administrative ou numérique',
  psychological_distress: 'Détresse psychologique',
  other: 'Autre besoin',
}

export const REFERRAL_STATUS_LABELS: Record<string, string> = {
  sent: 'Envoyée',
  accepted: 'Acceptée',
  rejected: 'Refusée',
  in_progress: 'En cours',
  done: 'Terminée',
  revoked: 'Retirée',
}

export const URGENCY_LABELS: Record<string, string> = {
  immediate: 'Immédiate',
  within_24h: 'Sous 24 heures',
  within_7_days: 'Sous 7 jours',
  routine: 'Ordinaire',
}

const label = (labels: Record<string, string>, value: string | null) => (value ? (labels[value] ?? value) : null)

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
    row.disposition ? reviewLabel('disposition', row.disposition, 'fr') : null,
    row.durationSeconds === null ? null : Number(row.durationSeconds),
    row.fragilityLevel ? reviewLabel('fragility', row.fragilityLevel, 'fr') : null,
    needs.map((need) => NEED_LABELS[need] ?? need).join(', ') || null,
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

const ACTIVE_REFERRAL = new Set(['sent', 'accepted', 'in_progress'])

/**
 * `partnerOrganizationIds`: organisations for which the exporting user is a partner and nothing more. As in the
 * referrals API, an outside recipient no longer sees which household or what need once the referral is over.
 */
export function referralCells(row: ReferralExportRow, partnerOrganizationIds: ReadonlySet<string>): Cell[] {
  const hidesCase =
    partnerOrganizationIds.has(row.recipientOrganizationId) &&
    row.recipientOrganizationId !== row.senderOrganizationId &&
    !ACTIVE_REFERRAL.has(row.status)
  const consent = Number(row.consentGiven) === 1 ? 'Oui' : row.overrideReason ? 'Dérogation' : 'Non'
  return [
    { instant: row.createdAt },
    hidesCase ? null : row.externalRef,
    hidesCase ? null : label(NEED_LABELS, row.category),
    label(URGENCY_LABELS, row.urgency),
    label(REFERRAL_STATUS_LABELS, row.status),
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
    row.lastDisposition ? reviewLabel('disposition', row.lastDisposition, 'fr') : null,
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

const offsetByUtcHour = new Map<string, number>()

/**
 * Minutes Paris is ahead of UTC at an ISO UTC instant. Clocks change on the hour in UTC (01:00), so the offset is
 * constant within a UTC hour: one time-zone computation per hour of data instead of one per row (a million-row
 * export spends most of its time here otherwise).
 */
function parisOffsetMinutes(instant: string): number {
  const hour = instant.slice(0, 13)
  let offset = offsetByUtcHour.get(hour)
  if (offset === undefined) {
    offset = DateTime.fromISO(instant, { zone: 'utc' }).setZone(PARIS).offset
    if (offsetByUtcHour.size > 100_000) offsetByUtcHour.clear()
    offsetByUtcHour.set(hour, offset)
  }
  return offset
}

/**
 * The Paris wall-clock time of an instant as a Date whose UTC fields carry it: spreadsheets have no time zones and
 * read a date's UTC fields, so the sheet shows what a person in France saw on their clock.
 */
export function parisWallClock(instant: string): Date {
  return new Date(Date.parse(instant) + parisOffsetMinutes(instant) * 60_000)
}

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

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** Whether a text is a real calendar day YYYY-MM-DD (no 2026-02-30). */
export function isCalendarDay(value: string): boolean {
  if (!DAY.test(value)) return false
  return DateTime.fromISO(value, { zone: PARIS }).isValid
}

/**
 * The UTC instants bounding Europe/Paris days `from` to `to`, both inclusive: [start, end). Midnight in Paris is
 * 23:00 or 22:00 UTC the day before, depending on the season.
 */
export function parisDayRange(from: string, to: string): { start: string; end: string } {
  const start = DateTime.fromISO(from, { zone: PARIS }).startOf('day')
  const end = DateTime.fromISO(to, { zone: PARIS }).startOf('day').plus({ days: 1 })
  return { start: start.toUTC().toISO()!, end: end.toUTC().toISO()! }
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

// ——— Who may export what ———

const ROLES_BY_DATASET: Record<Dataset, readonly Role[]> = {
  calls: ['admin', 'manager'],
  unreachable: ['admin', 'manager'],
  referrals: ['admin', 'manager', 'social_worker', 'partner'],
}

export type ExportAccess =
  | { allowed: true; partnerOnly: boolean }
  | { allowed: false; status: 403 | 404; message: string }

export const VIEWER_REFUSAL =
  'Viewers see the review’s aggregates only; exports list households and are not open to this role'

/**
 * Who may export a dataset of one organisation, from the roles the user holds in it. No role there at all: 404, as if
 * the organisation were unknown. A partner reads referrals addressed to their organisation only (`partnerOnly`).
 */
export function decideExportAccess(dataset: Dataset, rolesInOrganization: readonly Role[]): ExportAccess {
  if (rolesInOrganization.length === 0) return { allowed: false, status: 404, message: 'No such organisation' }
  const allowedRoles = ROLES_BY_DATASET[dataset]
  const granted = rolesInOrganization.filter((role) => allowedRoles.includes(role))
  if (granted.length > 0) {
    return { allowed: true, partnerOnly: granted.every((role) => role === 'partner') }
  }
  if (rolesInOrganization.includes('viewer')) return { allowed: false, status: 403, message: VIEWER_REFUSAL }
  return {
    allowed: false,
    status: 403,
    message: `Exporting ${dataset} needs one of these roles in the organisation: ${allowedRoles.join(', ')}`,
  }
}
