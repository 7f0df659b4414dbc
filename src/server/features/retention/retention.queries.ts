import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { FOLLOW_UP_PRIORITY_BOOST } from '../../../shared/calling-rules.js'
import { ACTIVE_REFERRAL_STATUSES } from '../../../shared/referrals.js'
import { valuesIn } from '../../db/bulk.js'
import type { Db } from '../../db/database.js'
import type { PurgeRunTable } from '../../db/schema.js'
import type { Timestamp } from '../../db/time.js'
import { toCount } from '../../db/time.js'

/** Campaigns whose targets still get called: a follow-up planned in them is a follow-up that will happen. */
const LIVE_CAMPAIGN_STATUSES = ['active', 'paused', 'draft']
const WAITING_TARGET_STATUSES = ['pending', 'scheduled', 'held']

/** The household as erasure reads it: what it blanks, and the home key its calls are counted under. */
export async function findHouseholdToErase(db: Db, householdId: string) {
  return db
    .selectFrom('household')
    .select([
      'id',
      'organizationId',
      'birthDate',
      'erasedAt',
      'status',
      'leftAt',
      sql<string>`household.dedupe_key`.as('homeKey'),
    ])
    .where('id', '=', householdId)
    .executeTakeFirst()
}

/** Referrals about these households still open (sent, accepted, in progress). */
export async function listActiveReferrals(db: Db, householdIds: readonly string[]) {
  if (!householdIds.length) return []
  return db
    .selectFrom('referral')
    .select(['id', 'householdId', 'status', 'category', 'createdAt'])
    .where('householdId', 'in', valuesIn(db, householdIds))
    .where('status', 'in', [...ACTIVE_REFERRAL_STATUSES])
    .orderBy('createdAt')
    .execute()
}

/**
 * Follow-ups planned for these households: a watch (calls every N days) running until today or later, or a follow-up
 * call waiting in its queue (a target boosted as follow-up), in a campaign that still calls.
 */
export async function listPlannedFollowUps(db: Db, householdIds: readonly string[], today: string) {
  if (!householdIds.length) return []
  return db
    .selectFrom('campaignTarget')
    .innerJoin('campaign', 'campaign.id', 'campaignTarget.campaignId')
    .select([
      'campaignTarget.id',
      'campaignTarget.householdId',
      'campaignTarget.campaignId',
      'campaign.name as campaignName',
      'campaignTarget.nextAttemptAt',
      'campaignTarget.followUpUntil',
    ])
    .where('campaignTarget.householdId', 'in', valuesIn(db, householdIds))
    .where('campaignTarget.removedAt', 'is', null)
    .where('campaign.status', 'in', LIVE_CAMPAIGN_STATUSES)
    .where((eb) =>
      eb.or([
        eb('campaignTarget.followUpUntil', '>=', today),
        eb.and([
          eb('campaignTarget.status', 'in', WAITING_TARGET_STATUSES),
          eb('campaignTarget.priority', '>=', FOLLOW_UP_PRIORITY_BOOST),
        ]),
      ]),
    )
    .orderBy('campaignTarget.nextAttemptAt')
    .execute()
}

/** Every erasable field of a household blanked in place; its coded facts untouched. */
export async function blankHousehold(
  db: Db,
  household: { id: string; homeKey: string; birthYear: number | null },
  now: Timestamp,
) {
  await db
    .updateTable('household')
    .set({
      keptHomeKey: household.homeKey,
      birthYear: household.birthYear,
      externalRef: `erased:${household.id}`,
      lastName: '',
      firstName: null,
      civility: null,
      birthDate: null,
      oldestBirthDate: null,
      email: null,
      addressLine1: null,
      addressLine2: null,
      postcode: null,
      objectionNote: null,
      importSignature: null,
      searchName: null,
      rectifiedFields: null,
      erasedAt: now,
      updatedAt: now,
    })
    .where('id', '=', household.id)
    .execute()
  await db
    .updateTable('member')
    .set({
      birthYear: sql<
        number | null
      >`case when birth_date is null then birth_year else cast(substr(birth_date, 1, 4) as integer) end`,
      lastName: '',
      firstName: null,
      birthDate: null,
    })
    .where('householdId', '=', household.id)
    .execute()
  await db.deleteFrom('phone').where('householdId', '=', household.id).execute()
  await db.updateTable('call').set({ notes: null, phoneE164: null }).where('householdId', '=', household.id).execute()
  await db
    .updateTable('referral')
    .set({ summary: '', outcome: null, overrideReason: null })
    .where('householdId', '=', household.id)
    .execute()
  await db
    .updateTable('referralEvent')
    .set({ note: null })
    .where('referralId', 'in', (eb) => eb.selectFrom('referral').select('id').where('householdId', '=', household.id))
    .where('note', 'is not', null)
    .execute()
  // The register of the tenant's requests stays (proof each was handled, and when): the answer written to them goes.
  await db
    .updateTable('dataRequest')
    .set({ response: null })
    .where('householdId', '=', household.id)
    .where('response', 'is not', null)
    .execute()
  // The flags of its texts: the texts are gone, and a flag says which special category a note about it touched.
  await db.deleteFrom('sensitiveFlag').where('householdId', '=', household.id).execute()
  // The one free text an audit entry holds about a household: the reason an objection was lifted.
  const withdrawals = await db
    .selectFrom('auditEvent')
    .select(['id', 'details'])
    .where('entityType', '=', 'household')
    .where('entityId', '=', household.id)
    .where('action', '=', 'household.objection_withdrawn')
    .execute()
  for (const row of withdrawals) {
    const details = parseObject(row.details)
    if (!details || !('reason' in details)) continue
    delete details.reason
    await db
      .updateTable('auditEvent')
      .set({ details: JSON.stringify({ ...details, reasonErased: true }) })
      .where('id', '=', row.id)
      .execute()
  }
}

/** Home keys that name nobody: a household's own id (one without an address), or a key already forgotten. */
export function isOpaqueHomeKey(homeKey: string): boolean {
  return homeKey.startsWith('id:') || homeKey.startsWith('erased:')
}

/** The home key a household's calls were last counted under by the review's rollups (none before its first count). */
export async function findCountedHomeKey(db: Db, householdId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('statsHousehold')
    .select('homeKey')
    .where('householdId', '=', householdId)
    .executeTakeFirst()
  return row?.homeKey
}

/**
 * Forgets a home key (normalised postcode, address and name) once no household on file still lives under it: every
 * household under it — all erased, in any organisation — and every rollup record of the households counted under it
 * get one opaque token in its place, so the review still finds the same homes, without a name or an address. While a
 * household not erased shares the key it stays (that household's key is its live identity); the erasure of the last
 * one forgets it. Reads household_dedupe_idx and stats_household_home_idx. Returns the token, or null when kept.
 */
export async function forgetHomeKey(db: Db, homeKey: string): Promise<string | null> {
  if (isOpaqueHomeKey(homeKey)) return null
  const living = await db
    .selectFrom('household')
    .select('id')
    .where(sql<string>`household.dedupe_key`, '=', homeKey)
    .where('erasedAt', 'is', null)
    .limit(1)
    .executeTakeFirst()
  if (living) return null
  const token = `erased:${randomUUID()}`
  // The generated dedupe_key reads kept_home_key first: it follows.
  await db
    .updateTable('household')
    .set({ keptHomeKey: token })
    .where(sql<string>`household.dedupe_key`, '=', homeKey)
    .execute()
  await db.updateTable('statsHousehold').set({ homeKey: token }).where('homeKey', '=', homeKey).execute()
  return token
}

/**
 * Home keys of the organisation's erased households still in clear (a household not erased shared them when they were
 * erased, or they were erased before keys were forgotten): the purge tries to forget them again.
 * household_erased_idx narrows the read to the erased households.
 */
export async function listClearKeptHomeKeys(db: Db, organizationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('household')
    .select('keptHomeKey')
    .distinct()
    .where('organizationId', '=', organizationId)
    .where('erasedAt', 'is not', null)
    .where('keptHomeKey', 'is not', null)
    .where('keptHomeKey', 'not like', 'erased:%')
    .where('keptHomeKey', 'not like', 'id:%')
    .execute()
  return rows.map((row) => row.keptHomeKey!).filter((key) => !isOpaqueHomeKey(key))
}

function parseObject(text: string | null): Record<string, unknown> | null {
  if (!text) return null
  try {
    const value = JSON.parse(text) as unknown
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/** Sensitive-word flags of the organisation older than `before`: deleted with the audit entries; returns how many. */
export async function deleteSensitiveFlags(db: Db, organizationId: string, before: Timestamp): Promise<number> {
  const result = await db
    .deleteFrom('sensitiveFlag')
    .where('organizationId', '=', organizationId)
    .where('createdAt', '<', before)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/**
 * Import reports of the organisation older than `before`: the rows of the landlord's file they hold (rejected rows
 * whole, the cell of each warning) are dropped, the counts and reasons stay. Returns how many reports changed.
 */
export async function stripImportReports(db: Db, organizationId: string, before: Timestamp): Promise<number> {
  const runs = await db
    .selectFrom('importRun')
    .select(['id', 'report'])
    .where('organizationId', '=', organizationId)
    .where('createdAt', '<', before)
    .where('report', 'is not', null)
    .execute()
  let changed = 0
  for (const run of runs) {
    const report = parseObject(run.report)
    if (!report) continue
    const rejectedRows = Array.isArray(report.rejectedRows) ? report.rejectedRows : []
    const warnings = Array.isArray(report.warnings) ? (report.warnings as Array<Record<string, unknown>>) : []
    if (!rejectedRows.length && !warnings.some((warning) => warning.value)) continue
    report.rejectedRows = []
    report.warnings = warnings.map((warning) => ({ ...warning, value: '' }))
    await db
      .updateTable('importRun')
      .set({ report: JSON.stringify(report) })
      .where('id', '=', run.id)
      .execute()
    changed += 1
  }
  return changed
}

/** The household's calls with answers, and the questionnaire each was answered with (to find its text answers). */
export async function listAnsweredCalls(db: Db, householdId: string) {
  return db
    .selectFrom('call')
    .leftJoin('questionnaireVersion', 'questionnaireVersion.id', 'call.questionnaireVersionId')
    .select(['call.id', 'call.answers', 'questionnaireVersion.definition'])
    .where('call.householdId', '=', householdId)
    .where('call.answers', 'is not', null)
    .execute()
}

export async function setCallAnswers(db: Db, callId: string, answers: string | null) {
  await db.updateTable('call').set({ answers }).where('id', '=', callId).execute()
}

/** The organisation's retention periods as set (null: the server's default). */
export async function findOrganizationRetention(db: Db, code: string, organizationIds: readonly string[]) {
  if (!organizationIds.length) return undefined
  return db
    .selectFrom('organization')
    .select([
      'id',
      'code',
      'name',
      'retentionContactMonths',
      'retentionLeftMonths',
      'retentionAuditMonths',
      'retentionRequestsMonths',
    ])
    .where('code', '=', code)
    .where('id', 'in', organizationIds)
    .executeTakeFirst()
}

export async function listOrganizationsRetention(db: Db, code?: string) {
  let query = db
    .selectFrom('organization')
    .select([
      'id',
      'code',
      'retentionContactMonths',
      'retentionLeftMonths',
      'retentionAuditMonths',
      'retentionRequestsMonths',
    ])
    .orderBy('code')
  if (code !== undefined) query = query.where('code', '=', code)
  return query.execute()
}

export async function updateOrganizationRetention(
  db: Db,
  organizationId: string,
  months: { contact: number | null; left: number | null; audit: number | null; requests: number | null },
) {
  await db
    .updateTable('organization')
    .set({
      retentionContactMonths: months.contact,
      retentionLeftMonths: months.left,
      retentionAuditMonths: months.audit,
      retentionRequestsMonths: months.requests,
    })
    .where('id', '=', organizationId)
    .execute()
}

/**
 * Households of the organisation not erased whose last contact (their latest call, or the end of their latest
 * orientation, whichever is later) is before `contactBefore`, or that left the file before `leftBefore`. `dueBy`
 * widens both cut-offs for the list of households due soon. With the moment each clock started.
 */
export async function listHouseholdsPastRetention(
  db: Db,
  organizationId: string,
  cutoffs: { contactBefore: Timestamp; leftBefore: Timestamp },
) {
  const lastCall = sql<string | null>`(select max(c.created_at) from call as c where c.household_id = household.id)`
  const lastReferral = sql<
    string | null
  >`(select max(coalesce(r.closed_at, r.created_at)) from referral as r where r.household_id = household.id)`
  const rows = await db
    .selectFrom(
      db
        .selectFrom('household')
        .select([
          'household.id',
          'household.status',
          'household.leftAt',
          'household.lastContactedAt',
          lastCall.as('lastCallAt'),
          lastReferral.as('lastReferralAt'),
        ])
        .where('household.organizationId', '=', organizationId)
        .where('household.erasedAt', 'is', null)
        .as('h'),
    )
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('h.status', '=', 'left'), eb('h.leftAt', '<', cutoffs.leftBefore)]),
        eb.and([
          eb.or([eb('h.lastCallAt', 'is not', null), eb('h.lastReferralAt', 'is not', null)]),
          eb.or([eb('h.lastCallAt', 'is', null), eb('h.lastCallAt', '<', cutoffs.contactBefore)]),
          eb.or([eb('h.lastReferralAt', 'is', null), eb('h.lastReferralAt', '<', cutoffs.contactBefore)]),
          eb.or([eb('h.lastContactedAt', 'is', null), eb('h.lastContactedAt', '<', cutoffs.contactBefore)]),
        ]),
      ]),
    )
    .orderBy('h.id')
    .execute()
  return rows as Array<{
    id: string
    status: string
    leftAt: string | null
    lastContactedAt: string | null
    lastCallAt: string | null
    lastReferralAt: string | null
  }>
}

/** Audit entries older than `before`, of these organisations (or of none, `null`): deleted; returns how many. */
export async function deleteAuditEvents(db: Db, organizationId: string | null, before: Timestamp): Promise<number> {
  let query = db.deleteFrom('auditEvent').where('at', '<', before)
  query =
    organizationId === null
      ? query.where('organizationId', 'is', null)
      : query.where('organizationId', '=', organizationId)
  const result = await query.executeTakeFirst()
  return Number(result.numDeletedRows)
}

export async function countAuditEvents(db: Db, organizationId: string | null, before: Timestamp): Promise<number> {
  let query = db
    .selectFrom('auditEvent')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('at', '<', before)
  query =
    organizationId === null
      ? query.where('organizationId', 'is', null)
      : query.where('organizationId', '=', organizationId)
  return toCount((await query.executeTakeFirstOrThrow()).n)
}

export async function insertPurgeRun(db: Db, run: PurgeRunTable) {
  await db.insertInto('purgeRun').values(run).execute()
}

/**
 * Records a purge that failed: its row as `failed`, whether or not the purge's own row is still there (SQLite keeps
 * the row written before the failure; PostgreSQL's transaction took it back).
 */
export async function recordFailedPurgeRun(db: Db, run: PurgeRunTable) {
  await db
    .insertInto('purgeRun')
    .values(run)
    .onConflict((conflict) =>
      conflict.column('id').doUpdateSet({ status: run.status, finishedAt: run.finishedAt, error: run.error }),
    )
    .execute()
}

export async function finishPurgeRun(
  db: Db,
  id: string,
  outcome: { status: 'done' | 'failed'; report: string | null; error: string | null; finishedAt: Timestamp },
) {
  await db.updateTable('purgeRun').set(outcome).where('id', '=', id).execute()
}

/** The latest purges, of these organisations and of all organisations at once. */
export async function listPurgeRuns(db: Db, organizationIds: readonly string[] | null, limit: number) {
  let query = db
    .selectFrom('purgeRun')
    .leftJoin('organization', 'organization.id', 'purgeRun.organizationId')
    .select([
      'purgeRun.id',
      'organization.code as organizationCode',
      'purgeRun.trigger',
      'purgeRun.asOf',
      'purgeRun.dryRun',
      'purgeRun.startedAt',
      'purgeRun.finishedAt',
      'purgeRun.status',
      'purgeRun.report',
    ])
    .orderBy('purgeRun.startedAt', 'desc')
    .limit(limit)
  if (organizationIds) {
    query = query.where((eb) =>
      eb.or([
        eb('purgeRun.organizationId', 'is', null),
        eb('purgeRun.organizationId', 'in', organizationIds.length ? [...organizationIds] : ['']),
      ]),
    )
  }
  return query.execute()
}

/** Whether a purge ran (not a dry run, not failed) for every organisation since `since`. */
export async function hasPurgedSince(db: Db, since: Timestamp): Promise<boolean> {
  const row = await db
    .selectFrom('purgeRun')
    .select('id')
    .where('organizationId', 'is', null)
    .where('dryRun', '=', 0)
    .where('status', '=', 'done')
    .where('startedAt', '>=', since)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

/** PostgreSQL: one purge at a time across instances, until the transaction ends; false when another one runs. */
export async function tryLockPurge(tx: Db, lockKey: number): Promise<boolean> {
  const result = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${lockKey}) as locked`.execute(tx)
  return result.rows[0]?.locked === true
}

/** The landlord's references of these households, by id. */
export async function listExternalRefs(db: Db, householdIds: readonly string[]): Promise<Map<string, string>> {
  if (!householdIds.length) return new Map()
  const rows = await db
    .selectFrom('household')
    .select(['id', 'externalRef'])
    .where('id', 'in', valuesIn(db, householdIds))
    .execute()
  return new Map(rows.map((row) => [row.id, row.externalRef]))
}

/**
 * Closed requests of the organisation's register handled before `before`: deleted (or counted, for a dry run);
 * returns how many. An open request is never deleted, however old.
 */
export async function purgeClosedRequests(
  db: Db,
  organizationId: string,
  before: Timestamp,
  dryRun: boolean,
): Promise<number> {
  if (dryRun) {
    const row = await db
      .selectFrom('dataRequest')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('organizationId', '=', organizationId)
      .where('status', '=', 'closed')
      .where('handledAt', '<', before)
      .executeTakeFirstOrThrow()
    return toCount(row.n)
  }
  const result = await db
    .deleteFrom('dataRequest')
    .where('organizationId', '=', organizationId)
    .where('status', '=', 'closed')
    .where('handledAt', '<', before)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
