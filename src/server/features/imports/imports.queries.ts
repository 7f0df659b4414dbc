import { randomUUID } from 'node:crypto'
import { CompiledQuery, sql } from 'kysely'
import { bulkInsert, valuesIn } from '../../db/bulk.js'
import type { Db } from '../../db/database.js'
import type { AuditEventTable, HouseholdTable, ImportRunTable, MemberTable, PhoneTable } from '../../db/schema.js'
import type { Timestamp } from '../../db/time.js'

export async function insertImportRun(db: Db, run: ImportRunTable) {
  await db.insertInto('importRun').values(run).execute()
  return run
}

export async function updateImportRun(db: Db, id: string, changes: Partial<ImportRunTable>) {
  await db.updateTable('importRun').set(changes).where('id', '=', id).execute()
}

export async function findImportRun(db: Db, organizationIds: string[], id: string) {
  if (organizationIds.length === 0) return undefined
  return db
    .selectFrom('importRun')
    .selectAll()
    .where('id', '=', id)
    .where('organizationId', 'in', organizationIds)
    .executeTakeFirst()
}

export async function findHouseholdsByRefs(db: Db, organizationId: string, refs: string[]) {
  if (refs.length === 0) return []
  return db
    .selectFrom('household')
    .select(['id', 'externalRef', 'importSignature', 'status', 'objectionAt', 'lastImportId', 'rectifiedFields'])
    .where('organizationId', '=', organizationId)
    .where('externalRef', 'in', valuesIn(db, refs))
    .execute()
}

/**
 * The current values of households that had fields rectified at the tenant's request (few: read only for them), and
 * the columns derived from those fields, which an import keeps with them.
 */
export async function findRectifiedValues(db: Db, ids: string[]) {
  if (ids.length === 0) return []
  return db
    .selectFrom('household')
    .select([
      'id',
      'civility',
      'lastName',
      'firstName',
      'birthDate',
      'email',
      'addressLine1',
      'addressLine2',
      'postcode',
      'city',
      'inseeCode',
    ])
    .where('id', 'in', valuesIn(db, ids))
    .execute()
}

export async function markSeen(db: Db, ids: string[], importId: string) {
  if (ids.length === 0) return
  await db.updateTable('household').set({ lastImportId: importId }).where('id', 'in', valuesIn(db, ids)).execute()
}

export async function replaceMembersAndPhones(db: Db, householdIds: string[]) {
  if (householdIds.length === 0) return
  await db.deleteFrom('phone').where('householdId', 'in', valuesIn(db, householdIds)).execute()
  await db.deleteFrom('member').where('householdId', 'in', valuesIn(db, householdIds)).execute()
}

/** Occupants and phones a household got from its rows in later chunks (positions from 100), before writing them again. */
export async function removeLaterParts(db: Db, householdIds: string[]) {
  if (householdIds.length === 0) return
  await db
    .deleteFrom('phone')
    .where('householdId', 'in', valuesIn(db, householdIds))
    .where('position', '>=', 100)
    .execute()
  await db
    .deleteFrom('member')
    .where('householdId', 'in', valuesIn(db, householdIds))
    .where('position', '>=', 100)
    .execute()
}

export const insertHouseholds = (db: Db, rows: HouseholdTable[]) => bulkInsert(db, 'household', rows)
export const insertMembers = (db: Db, rows: MemberTable[]) => bulkInsert(db, 'member', rows)
export const insertPhones = (db: Db, rows: PhoneTable[]) => bulkInsert(db, 'phone', rows)
export const insertAuditEvents = (db: Db, rows: Omit<AuditEventTable, 'id'>[]) =>
  bulkInsert(db, 'auditEvent', rows as unknown as AuditEventTable[])

const snake = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)
const updateTexts = new Map<string, string>()

/**
 * Updates one household by id with plain SQL built once per set of columns: the same text each time, so SQLite
 * reuses its prepared statement, and no syntax tree is built per row of an import. Values are bound parameters.
 */
export async function updateHousehold(db: Db, id: string, fields: Partial<HouseholdTable>) {
  const columns = Object.keys(fields) as (keyof HouseholdTable)[]
  const key = `${db.engine}:${columns.join(',')}`
  let text = updateTexts.get(key)
  if (!text) {
    const mark = (index: number) => (db.engine === 'postgres' ? `$${index}` : '?')
    const sets = columns.map((column, index) => `"${snake(column)}" = ${mark(index + 1)}`)
    text = `update "household" set ${sets.join(', ')} where "id" = ${mark(columns.length + 1)}`
    if (updateTexts.size > 50) updateTexts.clear()
    updateTexts.set(key, text)
  }
  await db.executeQuery(CompiledQuery.raw(text, [...columns.map((column) => fields[column] ?? null), id]))
}

/**
 * SQLite settings for the length of an import on this connection, put back afterwards:
 * - a page cache that holds the index pages a chunk dirties (the default 2 MB spills them to the WAL mid-chunk and
 *   reads them back for the next row);
 * - checkpoints every ~40 MB of WAL instead of every 4 MB: a page of a randomly ordered index (names, phones,
 *   targeting) is rewritten by nearly every chunk, and each checkpoint copies it again to the database file.
 * Durability is unchanged (WAL, synchronous NORMAL): a crash loses at most the last chunks, which a re-run writes
 * again (see docs/decisions.md).
 */
export async function withImportSettings<T>(db: Db, work: () => Promise<T>): Promise<T> {
  if (db.engine !== 'sqlite') return work()
  const pragma = async (name: string) =>
    Number(Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0])
  const cacheSize = await pragma('cache_size')
  const autocheckpoint = await pragma('wal_autocheckpoint')
  await sql.raw(`pragma cache_size = ${IMPORT_CACHE_KIB}`).execute(db)
  await sql.raw(`pragma wal_autocheckpoint = ${IMPORT_CHECKPOINT_PAGES}`).execute(db)
  try {
    return await work()
  } finally {
    await sql.raw(`pragma cache_size = ${Math.trunc(cacheSize)}`).execute(db)
    await sql.raw(`pragma wal_autocheckpoint = ${Math.trunc(autocheckpoint)}`).execute(db)
  }
}
/** Negative: KiB. 48 MiB of page cache: the randomly ordered indexes of 200,000 households, within the memory budget. */
const IMPORT_CACHE_KIB = -49_152
/** Pages of 4 KiB: about 40 MiB of WAL between checkpoints. */
const IMPORT_CHECKPOINT_PAGES = 10_000

/** A snapshot: households of the organisation that the file did not hold have left (never deleted). */
export async function markAbsentAsLeft(db: Db, organizationId: string, importId: string, now: Timestamp) {
  const result = await db
    .updateTable('household')
    .set({ status: 'left', leftAt: now, updatedAt: now })
    .where('organizationId', '=', organizationId)
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('lastImportId', 'is', null), eb('lastImportId', '<>', importId)]))
    .executeTakeFirst()
  await db
    .updateTable('campaignTarget')
    .set({ status: 'excluded', removedAt: now, updatedAt: now })
    .where('organizationId', '=', organizationId)
    .where('status', 'in', ['pending', 'scheduled'])
    .where('householdId', 'in', (eb) =>
      eb.selectFrom('household').select('id').where('organizationId', '=', organizationId).where('status', '=', 'left'),
    )
    .execute()
  return Number(result.numUpdatedRows)
}

export async function findMapping(db: Db, organizationId: string, name: string) {
  return db
    .selectFrom('importMapping')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('name', '=', name)
    .executeTakeFirst()
}

export async function listMappings(db: Db, organizationId: string) {
  return db
    .selectFrom('importMapping')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .orderBy('name')
    .execute()
}

export async function saveMapping(
  db: Db,
  mapping: { organizationId: string; name: string; columns: Record<string, string> },
  now: Timestamp,
) {
  const columns = JSON.stringify(mapping.columns)
  await db
    .insertInto('importMapping')
    .values({ id: randomUUID(), organizationId: mapping.organizationId, name: mapping.name, columns, createdAt: now })
    .onConflict((oc) => oc.columns(['organizationId', 'name']).doUpdateSet({ columns }))
    .execute()
}
