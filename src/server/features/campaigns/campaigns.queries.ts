import { randomUUID } from 'node:crypto'
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely'
import { bulkInsert, valuesIn } from '../../db/bulk.js'
import type { Db } from '../../db/database.js'
import type { CampaignTable, CampaignTargetTable, Database } from '../../db/schema.js'
import { nowTimestamp, toCount } from '../../db/time.js'
import { PRIORITY_COLUMNS, type PriorityWeights } from './priority.js'
import { prioritySql } from './priority.sql.js'

export type HouseholdFilter = (eb: ExpressionBuilder<Database, 'household'>) => Expression<SqlBool>

export async function insertCampaign(db: Db, campaign: CampaignTable) {
  await db.insertInto('campaign').values(campaign).execute()
  return campaign
}

export async function findCampaignById(db: Db, organizationIds: string[], campaignId: string) {
  if (organizationIds.length === 0) return undefined
  return db
    .selectFrom('campaign')
    .selectAll()
    .where('id', '=', campaignId)
    .where('organizationId', 'in', organizationIds)
    .executeTakeFirst()
}

/** A campaign of one of these organisations, with its organisation's code (what the API names it by). */
export async function findCampaignWithOrganization(db: Db, organizationIds: string[], campaignId: string) {
  if (organizationIds.length === 0) return undefined
  return db
    .selectFrom('campaign')
    .innerJoin('organization', 'organization.id', 'campaign.organizationId')
    .selectAll('campaign')
    .select('organization.code as organizationCode')
    .where('campaign.id', '=', campaignId)
    .where('campaign.organizationId', 'in', organizationIds)
    .executeTakeFirst()
}

export async function listCampaigns(db: Db, organizationIds: string[]) {
  if (organizationIds.length === 0) return []
  return db
    .selectFrom('campaign')
    .innerJoin('organization', 'organization.id', 'campaign.organizationId')
    .select([
      'campaign.id',
      'campaign.name',
      'campaign.type',
      'campaign.status',
      'campaign.createdAt',
      'campaign.activatedAt',
      'organization.code as organizationCode',
    ])
    .where('campaign.organizationId', 'in', organizationIds)
    .orderBy('campaign.createdAt', 'desc')
    .execute()
}

export async function updateCampaign(db: Db, campaignId: string, changes: Partial<CampaignTable>) {
  await db
    .updateTable('campaign')
    .set({ ...changes, updatedAt: nowTimestamp() })
    .where('id', '=', campaignId)
    .execute()
}

export async function insertQuestionnaireVersion(
  db: Db,
  version: { campaignId: string; definition: unknown; createdBy: string },
) {
  const latest = await db
    .selectFrom('questionnaireVersion')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('campaignId', '=', version.campaignId)
    .executeTakeFirst()
  const row = {
    id: randomUUID(),
    campaignId: version.campaignId,
    version: toCount(latest?.version) + 1,
    definition: JSON.stringify(version.definition),
    createdBy: version.createdBy,
    createdAt: nowTimestamp(),
  }
  await db.insertInto('questionnaireVersion').values(row).execute()
  return row
}

export async function findQuestionnaireVersion(db: Db, versionId: string) {
  return db.selectFrom('questionnaireVersion').selectAll().where('id', '=', versionId).executeTakeFirst()
}

/** Active households of the organisation that the filter selects, with no objection to calls and not erased. */
export function matchingHouseholds(db: Db, organizationId: string, filter: HouseholdFilter) {
  return db
    .selectFrom('household')
    .where('household.organizationId', '=', organizationId)
    .where('household.status', '=', 'active')
    .where('household.objectionAt', 'is', null)
    .where('household.erasedAt', 'is', null)
    .where((eb) => filter(eb))
}

export async function countMatchingHouseholds(db: Db, organizationId: string, filter: HouseholdFilter) {
  const row = await matchingHouseholds(db, organizationId, filter)
    .select((eb) => eb.fn.countAll().as('count'))
    .executeTakeFirst()
  return toCount(row?.count)
}

export async function listMatchingHouseholds(db: Db, organizationId: string, filter: HouseholdFilter, limit?: number) {
  let query = matchingHouseholds(db, organizationId, filter)
    .leftJoin('agency', 'agency.id', 'household.agencyId')
    .selectAll('household')
    .select('agency.code as agencyCode')
  if (limit !== undefined) query = query.orderBy('household.externalRef').limit(limit)
  return query.execute()
}

/**
 * The `limit` matching households of highest priority on `today` (ties by reference), with that priority: the
 * preview's sample, ordered and cut by the database (`prioritySql`).
 */
export async function listTopPriority(
  db: Db,
  organizationId: string,
  filter: HouseholdFilter,
  options: { today: string; weights?: PriorityWeights | null; limit: number },
) {
  const priority = prioritySql(options.today, options.weights)
  const rows = await matchingHouseholds(db, organizationId, filter)
    .select([
      'household.id',
      'household.externalRef',
      'household.lastName',
      'household.firstName',
      'household.birthDate',
      'household.oldestBirthDate',
      'household.city',
    ])
    .select(priority.as('priority'))
    .orderBy(priority, 'desc')
    .orderBy('household.externalRef')
    .limit(options.limit)
    .execute()
  return rows.map((row) => ({ ...row, priority: Number(row.priority) }))
}

/**
 * The matching households' ids with just the columns their priority needs: what activation reads, at 100,000 rows.
 * `hasUsablePhone` (1 or 0 on both engines) says whether one of its numbers is valid: the others are never called.
 */
export async function listMatchingForPriority(db: Db, organizationId: string, filter: HouseholdFilter) {
  const rows = await matchingHouseholds(db, organizationId, filter)
    .select(['household.id', ...PRIORITY_COLUMNS.map((column) => `household.${column}` as const)])
    .select(
      sql<number>`case when exists (select 1 from phone as p where p.household_id = household.id and p.is_valid = 1) then 1 else 0 end`.as(
        'hasUsablePhone',
      ),
    )
    .execute()
  return rows.map((row) => ({ ...row, hasUsablePhone: Number(row.hasUsablePhone) === 1 }))
}

/** Households a campaign could target: active tenants whose identity retention has not erased. */
const targetable = (eb: ExpressionBuilder<Database, 'household'>) =>
  eb.and([eb('household.status', '=', 'active'), eb('household.erasedAt', 'is', null)])

/**
 * The values the targeting builder offers for an organisation: all its agencies with their targetable households, and
 * the communes of its targetable households (by INSEE code; the name and postcode its households carry, the first in
 * alphabetical order when they differ), in the order of their names.
 */
export async function targetingValues(db: Db, organizationId: string, limit: number) {
  const agencies = await db
    .selectFrom('agency')
    .leftJoin('household', (join) =>
      join
        .onRef('household.agencyId', '=', 'agency.id')
        .on('household.status', '=', 'active')
        .on('household.erasedAt', 'is', null),
    )
    .select(['agency.code', 'agency.name', (eb) => eb.fn.count<number>('household.id').as('households')])
    .where('agency.organizationId', '=', organizationId)
    .groupBy(['agency.id', 'agency.code', 'agency.name'])
    .orderBy('agency.name')
    .orderBy('agency.code')
    .limit(limit)
    .execute()
  const communes = await db
    .selectFrom('household')
    .select([
      'household.inseeCode',
      (eb) => eb.fn.min('household.city').as('name'),
      (eb) => eb.fn.min('household.postcode').as('postcode'),
      (eb) => eb.fn.countAll<number>().as('households'),
    ])
    .where('household.organizationId', '=', organizationId)
    .where('household.inseeCode', 'is not', null)
    .where(targetable)
    .groupBy('household.inseeCode')
    .orderBy('name')
    .orderBy('household.inseeCode')
    .limit(limit)
    .execute()
  return {
    agencies: agencies.map((row) => ({ code: row.code, name: row.name, households: toCount(row.households) })),
    communes: communes.map((row) => ({
      inseeCode: row.inseeCode as string,
      name: row.name ?? (row.inseeCode as string),
      postcode: row.postcode ?? null,
      households: toCount(row.households),
    })),
  }
}

export async function findHouseholdWithAgency(db: Db, organizationId: string, householdId: string) {
  return db
    .selectFrom('household')
    .leftJoin('agency', 'agency.id', 'household.agencyId')
    .selectAll('household')
    .select('agency.code as agencyCode')
    .where('household.id', '=', householdId)
    .where('household.organizationId', '=', organizationId)
    .executeTakeFirst()
}

export async function listTargetStates(db: Db, campaignId: string) {
  return db
    .selectFrom('campaignTarget')
    .select(['id', 'householdId', 'status', 'attempts'])
    .where('campaignId', '=', campaignId)
    .execute()
}

/** Multi-row statements of a few fixed shapes (see bulkInsert): 100,000 targets in some 200 statements. */
export async function insertTargets(db: Db, targets: CampaignTargetTable[]) {
  await bulkInsert(db, 'campaignTarget', targets)
}

export async function setTargetsStatus(
  db: Db,
  targetIds: string[],
  changes: Partial<
    Pick<
      CampaignTargetTable,
      'status' | 'removedAt' | 'priority' | 'priorityReasons' | 'nextAttemptAt' | 'phonePosition'
    >
  >,
) {
  if (targetIds.length === 0) return
  await db
    .updateTable('campaignTarget')
    .set({ ...changes, updatedAt: nowTimestamp() })
    .where('id', 'in', valuesIn(db, targetIds))
    .execute()
}

/** Closing frees the queue: targets still to call, or held, leave it; the history stays. */
export async function excludeOpenTargets(db: Db, campaignId: string, now = nowTimestamp()) {
  await db
    .updateTable('campaignTarget')
    .set({ status: 'excluded', removedAt: now, updatedAt: now })
    .where('campaignId', '=', campaignId)
    .where('status', 'in', ['pending', 'scheduled', 'held'])
    .execute()
}

/**
 * Targets by status, plus `no_usable_phone`: the unreachable never called (activation found no valid number; every
 * attempt counts, so an unreachable target without one was marked so for that reason).
 */
export async function countTargetsByStatus(db: Db, campaignId: string) {
  const rows = await db
    .selectFrom('campaignTarget')
    .select([
      'status',
      (eb) => eb.fn.countAll().as('count'),
      sql<number>`sum(case when attempts = 0 then 1 else 0 end)`.as('neverCalled'),
    ])
    .where('campaignId', '=', campaignId)
    .groupBy('status')
    .execute()
  const counts: Record<string, number> = Object.fromEntries(rows.map((row) => [row.status, toCount(row.count)]))
  counts.no_usable_phone = toCount(rows.find((row) => row.status === 'unreachable')?.neverCalled ?? 0)
  return counts
}

export async function findTarget(db: Db, campaignId: string, householdId: string) {
  return db
    .selectFrom('campaignTarget')
    .selectAll()
    .where('campaignId', '=', campaignId)
    .where('householdId', '=', householdId)
    .executeTakeFirst()
}
