/**
 * Retention that erases, statistics that stay (docs/decisions.md "Erasure in place", "A frozen home key", "Retention
 * clocks"). A household's identity (names, phones, email, address beyond the commune, birth date beyond the year)
 * and every free text about it (call notes, text answers, orientation summaries, outcomes and step notes, objection
 * note) are blanked in place; what is coded stays (dispositions, needs, fragility, categories, instrument scores,
 * dates, agency, commune), with the home key its calls were counted under, so that no review figure of any period
 * moves. A household with an active orientation or a planned follow-up is never erased: `findWhyKept` says why.
 */
import { randomUUID } from 'node:crypto'
import { addDays, addMonths, parisDayOf, parisDayStart, parisToday } from '../../../shared/clock.js'
import type { RetentionSettings } from '../../config.js'
import { type Db, inTransaction } from '../../db/database.js'
import { nowTimestamp, type Timestamp } from '../../db/time.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { purgeLapsedSessions } from '../auth/auth.queries.js'
import * as retention from './retention.queries.js'

/** Why a household must be kept: an orientation still open, or a follow-up call planned. */
export type KeptReason =
  | { reason: 'active_referral'; referralId: string; status: string; category: string; since: string }
  | {
      reason: 'follow_up'
      targetId: string
      campaignId: string
      campaignName: string
      nextAttemptAt: string
      until: string | null
    }

/** What asked for an erasure: a retention clock, or the tenant (right to erasure, handled by the DPO desk). */
export type ErasureReason = 'retention_contact' | 'retention_left' | 'request'

export type ErasureResult =
  | { status: 'erased'; erasedAt: Timestamp }
  | { status: 'already_erased'; erasedAt: Timestamp }
  | { status: 'kept'; keptBecause: KeptReason[] }
  | { status: 'not_found' }

export interface ErasureOptions {
  /** The moment recorded as the erasure's (default: now). */
  now?: Timestamp
  /** The Paris day follow-ups are judged on (default: today). */
  today?: string
  /** Who asked (a DPO handling a request); null for the purge. */
  actorUserId?: string | null
  ip?: string | null
  /** The request of the register the erasure answers (erasure on request): named in the audit entry. */
  requestId?: string
}

/** Why each of these households must be kept, by household id (absent: nothing requires keeping it). */
export async function findWhyKeptMany(
  db: Db,
  householdIds: readonly string[],
  today = parisToday(),
): Promise<Map<string, KeptReason[]>> {
  const reasons = new Map<string, KeptReason[]>()
  const add = (householdId: string, reason: KeptReason) => {
    const list = reasons.get(householdId)
    if (list) list.push(reason)
    else reasons.set(householdId, [reason])
  }
  for (const referral of await retention.listActiveReferrals(db, householdIds)) {
    add(referral.householdId, {
      reason: 'active_referral',
      referralId: referral.id,
      status: referral.status,
      category: referral.category,
      since: referral.createdAt,
    })
  }
  for (const target of await retention.listPlannedFollowUps(db, householdIds, today)) {
    add(target.householdId, {
      reason: 'follow_up',
      targetId: target.id,
      campaignId: target.campaignId,
      campaignName: target.campaignName,
      nextAttemptAt: target.nextAttemptAt,
      until: target.followUpUntil,
    })
  }
  return reasons
}

/** Why a household must be kept (an active orientation, a planned follow-up); empty when it may be erased. */
export async function findWhyKept(db: Db, householdId: string, today = parisToday()): Promise<KeptReason[]> {
  return (await findWhyKeptMany(db, [householdId], today)).get(householdId) ?? []
}

/**
 * Erases a household's identity and free texts in place, in one transaction, unless something requires keeping it
 * (then nothing changes and the reasons are returned). Idempotent: an erased household stays as it is. Audited as
 * `household.erased` with the reason (never a value erased).
 */
export async function eraseHousehold(
  db: Db,
  householdId: string,
  reason: ErasureReason,
  options: ErasureOptions = {},
): Promise<ErasureResult> {
  return inTransaction(db, (tx) => eraseWithin(tx, householdId, reason, options))
}

/** `eraseHousehold` inside a transaction the caller holds (the purge's). */
export async function eraseWithin(
  tx: Db,
  householdId: string,
  reason: ErasureReason,
  options: ErasureOptions = {},
): Promise<ErasureResult> {
  const household = await retention.findHouseholdToErase(tx, householdId)
  if (!household) return { status: 'not_found' }
  if (household.erasedAt) return { status: 'already_erased', erasedAt: household.erasedAt }
  const keptBecause = await findWhyKept(tx, householdId, options.today ?? parisToday())
  if (keptBecause.length) return { status: 'kept', keptBecause }
  const now = options.now ?? nowTimestamp()
  const birthYear = household.birthDate ? Number(household.birthDate.slice(0, 4)) : null
  const countedHomeKey = await retention.findCountedHomeKey(tx, household.id)
  await retention.blankHousehold(tx, { id: household.id, homeKey: household.homeKey, birthYear }, now)
  // The home key names the tenant: forgotten for an opaque token once nobody on file lives under it (the review's
  // homes stay the same), and so is the one its calls were counted under if an import moved it since.
  await retention.forgetHomeKey(tx, household.homeKey)
  if (countedHomeKey !== undefined && countedHomeKey !== household.homeKey) {
    await retention.forgetHomeKey(tx, countedHomeKey)
  }
  for (const call of await retention.listAnsweredCalls(tx, householdId)) {
    const kept = withoutTextAnswers(call.answers, call.definition)
    if (kept !== call.answers) await retention.setCallAnswers(tx, call.id, kept)
  }
  await recordAuditEvent(tx, {
    actorUserId: options.actorUserId ?? null,
    organizationId: household.organizationId,
    action: 'household.erased',
    entityType: 'household',
    entityId: household.id,
    ip: options.ip ?? null,
    details: { reason, ...(options.requestId ? { requestId: options.requestId } : {}) },
  })
  return { status: 'erased', erasedAt: now }
}

/**
 * A call's answers without what was typed as text: the answers to the questionnaire's short-text questions. Without
 * its questionnaire, every answer given as text goes (choices are codes, but nothing says which are). Instrument
 * answers are coded and stay.
 */
export function withoutTextAnswers(answers: string | null, definition: string | null): string | null {
  if (answers === null) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(answers)
  } catch {
    return null
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null
  const textQuestions = textQuestionIds(definition)
  const kept: Record<string, unknown> = {}
  let changed = false
  for (const [key, value] of Object.entries(parsed)) {
    const isText = textQuestions ? textQuestions.has(key) : key !== 'instruments' && typeof value === 'string'
    if (isText) changed = true
    else kept[key] = value
  }
  return changed ? JSON.stringify(kept) : answers
}

function textQuestionIds(definition: string | null): Set<string> | null {
  if (!definition) return null
  try {
    const parsed = JSON.parse(definition) as { sections?: Array<{ questions?: Array<{ id: string; type: string }> }> }
    if (!Array.isArray(parsed.sections)) return null
    const ids = new Set<string>()
    for (const section of parsed.sections) {
      for (const question of section.questions ?? []) if (question.type === 'short_text') ids.add(question.id)
    }
    return ids
  } catch {
    return null
  }
}

// ——— The purge ———

/** An organisation's retention periods, in months: its own where set, else the server's defaults. */
export interface RetentionPeriods {
  contactMonths: number
  leftMonths: number
  auditMonths: number
  requestsMonths: number
}

export function periodsOf(
  organization: {
    retentionContactMonths?: number | null
    retentionLeftMonths?: number | null
    retentionAuditMonths?: number | null
    retentionRequestsMonths?: number | null
  },
  defaults: RetentionSettings | RetentionPeriods,
): RetentionPeriods {
  return {
    contactMonths: organization.retentionContactMonths ?? defaults.contactMonths,
    leftMonths: organization.retentionLeftMonths ?? defaults.leftMonths,
    auditMonths: organization.retentionAuditMonths ?? defaults.auditMonths,
    requestsMonths: organization.retentionRequestsMonths ?? defaults.requestsMonths,
  }
}

/**
 * The first Paris day a purge erases what was last touched on `day`, `months` later: the day after the period ends
 * (a purge as of D erases what is older than D minus the period).
 */
export function dueDayAfter(day: string, months: number): string {
  return addDays(addMonths(day, months), 1)
}

/** The counts a purge reports (`allervers purge --json`, the purge runs' list). */
export interface PurgeReport {
  households: { erased: number; kept: { activeReferral: number; followUp: number } }
  leftHouseholds: { erased: number }
  auditEvents: { erased: number }
}

export interface PurgeOptions {
  defaults: RetentionSettings | RetentionPeriods
  /** One organisation by code; all of them when absent. */
  organizationCode?: string
  /** The Paris day the purge runs as of (default: today): drills and tests. */
  asOf?: string
  dryRun?: boolean
  trigger: 'worker' | 'cli'
  /** The worker: skip when a purge of every organisation already ran today (another instance, a restart). */
  oncePerDay?: boolean
}

export type PurgeOutcome =
  | { status: 'done'; runId: string; asOf: string; report: PurgeReport }
  | { status: 'skipped'; reason: 'another_instance' | 'already_today' }

/** Any number: the PostgreSQL advisory lock that lets one purge run at a time across app instances. */
const PURGE_LOCK = 7_274_312

export class UnknownOrganizationError extends Error {}

/**
 * Erases what each organisation's retention says is past its time, as of a Paris day: households whose last contact
 * (or end of orientation) is older than the contact period, households that left the file longer than the left
 * period ago, unless an orientation or follow-up is active (counted as kept); and deletes audit entries older than
 * the audit period. PostgreSQL: one purge at a time across instances (an advisory lock held by its transaction; a
 * second instance skips). The run is recorded in purge_run.
 */
export async function runPurge(db: Db, options: PurgeOptions): Promise<PurgeOutcome> {
  const today = parisToday()
  const asOf = options.asOf ?? today
  const now = asOf === today ? nowTimestamp() : parisDayStart(asOf)
  const organizations = await retention.listOrganizationsRetention(db, options.organizationCode)
  if (options.organizationCode !== undefined && !organizations.length) {
    throw new UnknownOrganizationError(`no organisation with code "${options.organizationCode}"`)
  }
  const runId = randomUUID()
  const run = {
    id: runId,
    organizationId: options.organizationCode !== undefined ? organizations[0]!.id : null,
    trigger: options.trigger,
    asOf,
    dryRun: options.dryRun ? 1 : 0,
    startedAt: nowTimestamp(),
    finishedAt: null,
    status: 'running',
    report: null,
    error: null,
  }
  const purge = async (tx: Db, perHousehold: <T>(work: (tx: Db) => Promise<T>) => Promise<T>) => {
    if (options.oncePerDay && (await retention.hasPurgedSince(tx, parisDayStart(today)))) {
      return { status: 'skipped', reason: 'already_today' } as const
    }
    await retention.insertPurgeRun(tx, run)
    const report: PurgeReport = {
      households: { erased: 0, kept: { activeReferral: 0, followUp: 0 } },
      leftHouseholds: { erased: 0 },
      auditEvents: { erased: 0 },
    }
    // Beyond the report's contract (recorded in the purge's audit entry): flags and import rows removed.
    const extra = {
      flagsErased: 0,
      importReportsStripped: 0,
      homeKeysForgotten: 0,
      requestsErased: 0,
      sessionsErased: 0,
    }
    for (const organization of organizations) {
      const periods = periodsOf(organization, options.defaults)
      const due = await retention.listHouseholdsPastRetention(tx, organization.id, {
        contactBefore: parisDayStart(addMonths(asOf, -periods.contactMonths)),
        leftBefore: parisDayStart(addMonths(asOf, -periods.leftMonths)),
      })
      const leftBefore = parisDayStart(addMonths(asOf, -periods.leftMonths))
      const kept = await findWhyKeptMany(
        tx,
        due.map((household) => household.id),
        asOf,
      )
      for (const household of due) {
        const isLeft = household.status === 'left' && household.leftAt !== null && household.leftAt < leftBefore
        const reasons = kept.get(household.id)
        if (reasons) {
          if (reasons.some((reason) => reason.reason === 'active_referral')) report.households.kept.activeReferral += 1
          else report.households.kept.followUp += 1
          continue
        }
        if (!options.dryRun) {
          const result = await perHousehold((inner) =>
            eraseWithin(inner, household.id, isLeft ? 'retention_left' : 'retention_contact', { now, today: asOf }),
          )
          if (result.status !== 'erased') continue
        }
        if (isLeft) report.leftHouseholds.erased += 1
        else report.households.erased += 1
      }
      const auditBefore = parisDayStart(addMonths(asOf, -periods.auditMonths))
      report.auditEvents.erased += options.dryRun
        ? await retention.countAuditEvents(tx, organization.id, auditBefore)
        : await retention.deleteAuditEvents(tx, organization.id, auditBefore)
      // The register of tenants' requests: closed requests, once their own period has passed since they were handled.
      extra.requestsErased += await retention.purgeClosedRequests(
        tx,
        organization.id,
        parisDayStart(addMonths(asOf, -periods.requestsMonths)),
        Boolean(options.dryRun),
      )
      if (!options.dryRun) {
        // Sensitive-word flags follow the audit's period; rows of the landlord's file kept in import reports (rejected
        // rows, warnings' cells) the period of households that left the file.
        extra.flagsErased += await retention.deleteSensitiveFlags(tx, organization.id, auditBefore)
        extra.importReportsStripped += await retention.stripImportReports(tx, organization.id, leftBefore)
        // Home keys kept in clear because a household not erased shared them, which has since been erased or moved.
        for (const homeKey of await retention.listClearKeptHomeKeys(tx, organization.id)) {
          if (await perHousehold((inner) => retention.forgetHomeKey(inner, homeKey))) extra.homeKeysForgotten += 1
        }
      }
    }
    if (options.organizationCode === undefined) {
      // Entries of no organisation (failed sign-ins, searches): the server's default period.
      const auditBefore = parisDayStart(addMonths(asOf, -options.defaults.auditMonths))
      report.auditEvents.erased += options.dryRun
        ? await retention.countAuditEvents(tx, null, auditBefore)
        : await retention.deleteAuditEvents(tx, null, auditBefore)
      // Sessions past their end (the address and browser each was opened from): by the real clock, whatever `asOf`.
      extra.sessionsErased += await purgeLapsedSessions(tx, nowTimestamp(), Boolean(options.dryRun))
    }
    await retention.finishPurgeRun(tx, runId, {
      status: 'done',
      report: JSON.stringify(report),
      error: null,
      finishedAt: nowTimestamp(),
    })
    await recordAuditEvent(tx, {
      actorUserId: null,
      organizationId: run.organizationId,
      action: 'retention.purge',
      entityType: 'purge_run',
      entityId: runId,
      details: { asOf, dryRun: Boolean(options.dryRun), trigger: options.trigger, ...flatten(report), ...extra },
    })
    return { status: 'done', runId, asOf, report } as const
  }
  try {
    if (db.engine === 'postgres') {
      // One transaction holds the lock: the purge is all or nothing, and a second instance skips meanwhile.
      return await inTransaction(db, async (tx) => {
        if (!(await retention.tryLockPurge(tx, PURGE_LOCK))) {
          return { status: 'skipped', reason: 'another_instance' } as const
        }
        return purge(tx, (work) => work(tx))
      })
    }
    // SQLite: one writer at a time already; a transaction per household keeps requests flowing in between.
    return await purge(db, (work) => inTransaction(db, work))
  } catch (error) {
    await retention.recordFailedPurgeRun(db, {
      ...run,
      status: 'failed',
      finishedAt: nowTimestamp(),
      error: error instanceof Error ? error.message.slice(0, 500) : 'unknown error',
    })
    throw error
  }
}

function flatten(report: PurgeReport) {
  return {
    householdsErased: report.households.erased,
    keptActiveReferral: report.households.kept.activeReferral,
    keptFollowUp: report.households.kept.followUp,
    leftErased: report.leftHouseholds.erased,
    auditErased: report.auditEvents.erased,
  }
}

/** A household due for erasure soon (or overdue), with the rule and whether something keeps it. */
export interface DueHousehold {
  householdId: string
  externalRef: string
  organizationCode: string
  rule: 'contact' | 'left'
  dueOn: string
  keptBecause: KeptReason[]
}

/**
 * Households of these organisations that a purge will erase within `days` days (or should have: overdue), with the
 * day and rule, and what keeps some of them. Sorted by day.
 */
export async function listDueHouseholds(
  db: Db,
  organizations: ReadonlyArray<{
    id: string
    code: string
    retentionContactMonths?: number | null
    retentionLeftMonths?: number | null
    retentionAuditMonths?: number | null
  }>,
  defaults: RetentionSettings | RetentionPeriods,
  options: { today?: string; days?: number } = {},
): Promise<DueHousehold[]> {
  const today = options.today ?? parisToday()
  const horizon = addDays(today, options.days ?? 30)
  const due: DueHousehold[] = []
  for (const organization of organizations) {
    const periods = periodsOf(organization, defaults)
    const rows = await retention.listHouseholdsPastRetention(db, organization.id, {
      contactBefore: parisDayStart(addMonths(horizon, -periods.contactMonths)),
      leftBefore: parisDayStart(addMonths(horizon, -periods.leftMonths)),
    })
    for (const row of rows) {
      const candidates: Array<{ rule: 'contact' | 'left'; dueOn: string }> = []
      const lastTouch = [row.lastCallAt, row.lastReferralAt, row.lastContactedAt]
        .filter((value): value is string => value !== null)
        .sort()
        .at(-1)
      if (lastTouch)
        candidates.push({ rule: 'contact', dueOn: dueDayAfter(parisDayOf(lastTouch), periods.contactMonths) })
      if (row.status === 'left' && row.leftAt) {
        candidates.push({ rule: 'left', dueOn: dueDayAfter(parisDayOf(row.leftAt), periods.leftMonths) })
      }
      const first = candidates
        .filter((candidate) => candidate.dueOn <= horizon)
        .sort((x, y) => (x.dueOn < y.dueOn ? -1 : 1))[0]
      if (first) {
        due.push({
          householdId: row.id,
          externalRef: '',
          organizationCode: organization.code,
          ...first,
          keptBecause: [],
        })
      }
    }
  }
  const kept = await findWhyKeptMany(
    db,
    due.map((item) => item.householdId),
    today,
  )
  const refs = await retention.listExternalRefs(
    db,
    due.map((item) => item.householdId),
  )
  for (const item of due) {
    item.keptBecause = kept.get(item.householdId) ?? []
    item.externalRef = refs.get(item.householdId) ?? ''
  }
  return due.sort((x, y) => (x.dueOn < y.dueOn ? -1 : x.dueOn > y.dueOn ? 1 : x.externalRef < y.externalRef ? -1 : 1))
}
