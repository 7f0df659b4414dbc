import { randomUUID } from 'node:crypto'
import type { Db } from '../../db/database.js'
import type { SensitiveFlagTable } from '../../db/schema.js'
import { toCount } from '../../db/time.js'

/** Writes flags (inside the transaction that saves their text: pass its handle). */
export async function insertSensitiveFlags(db: Db, flags: ReadonlyArray<Omit<SensitiveFlagTable, 'id'>>) {
  if (flags.length === 0) return
  await db
    .insertInto('sensitiveFlag')
    .values(flags.map((flag) => ({ id: randomUUID(), ...flag })))
    .execute()
}

export interface SensitiveFlagFilter {
  organizationIds: readonly string[]
  /** ISO UTC bounds: from included, to excluded. */
  start?: string
  end?: string
  category?: string
  source?: string
}

function filtered(db: Db, filter: SensitiveFlagFilter) {
  let query = db.selectFrom('sensitiveFlag').where('sensitiveFlag.organizationId', 'in', [...filter.organizationIds])
  if (filter.start) query = query.where('sensitiveFlag.createdAt', '>=', filter.start)
  if (filter.end) query = query.where('sensitiveFlag.createdAt', '<', filter.end)
  if (filter.source) query = query.where('sensitiveFlag.source', '=', filter.source)
  return query
}

/** A page of flags, latest first, with the author's name, the organisations' codes and the household's reference. */
export async function listSensitiveFlags(db: Db, filter: SensitiveFlagFilter, page: { limit: number; offset: number }) {
  if (filter.organizationIds.length === 0) return []
  let query = filtered(db, filter)
  if (filter.category) query = query.where('sensitiveFlag.category', '=', filter.category)
  return query
    .innerJoin('user as author', 'author.id', 'sensitiveFlag.authorUserId')
    .innerJoin('organization as holder', 'holder.id', 'sensitiveFlag.organizationId')
    .innerJoin('organization as writer', 'writer.id', 'sensitiveFlag.authorOrganizationId')
    .leftJoin('household', 'household.id', 'sensitiveFlag.householdId')
    .select([
      'sensitiveFlag.id',
      'sensitiveFlag.createdAt',
      'sensitiveFlag.source',
      'sensitiveFlag.sourceId',
      'sensitiveFlag.category',
      'sensitiveFlag.householdId',
      'sensitiveFlag.authorUserId',
      'author.name as authorName',
      'writer.code as authorOrganizationCode',
      'holder.code as organizationCode',
      'household.externalRef as householdRef',
    ])
    .orderBy('sensitiveFlag.createdAt', 'desc')
    .orderBy('sensitiveFlag.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute()
}

/** Flags per category under the filter (its category aside: the counts show every category). */
export async function countSensitiveFlags(db: Db, filter: SensitiveFlagFilter) {
  if (filter.organizationIds.length === 0) return new Map<string, number>()
  const rows = await filtered(db, filter)
    .select(['sensitiveFlag.category', (eb) => eb.fn.countAll().as('count')])
    .groupBy('sensitiveFlag.category')
    .execute()
  return new Map(rows.map((row) => [row.category, toCount(row.count)]))
}
