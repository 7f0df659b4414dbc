import { randomUUID } from 'node:crypto'
import type { Db } from '../../db/database.js'
import type { ImportRunTable } from '../../db/schema.js'
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

export async function listAgencies(db: Db, organizationId: string) {
  return db.selectFrom('agency').select(['id', 'code', 'name']).where('organizationId', '=', organizationId).execute()
}

export async function insertAgency(
  db: Db,
  agency: { organizationId: string; code: string; name: string },
  now: Timestamp,
) {
  const row = { id: randomUUID(), ...agency, inseeCode: null, createdAt: now }
  await db.insertInto('agency').values(row).execute()
  return row
}

export async function findHouseholdsByRefs(db: Db, organizationId: string, refs: string[]) {
  const rows = []
  for (let start = 0; start < refs.length; start += 500) {
    rows.push(
      ...(await db
        .selectFrom('household')
        .select(['id', 'externalRef', 'importSignature', 'status', 'objectionAt', 'lastImportId'])
        .where('organizationId', '=', organizationId)
        .where('externalRef', 'in', refs.slice(start, start + 500))
        .execute()),
    )
  }
  return rows
}

export async function markSeen(db: Db, ids: string[], importId: string) {
  for (let start = 0; start < ids.length; start += 500) {
    await db
      .updateTable('household')
      .set({ lastImportId: importId })
      .where('id', 'in', ids.slice(start, start + 500))
      .execute()
  }
}

export async function replaceMembersAndPhones(db: Db, householdIds: string[]) {
  for (let start = 0; start < householdIds.length; start += 500) {
    const slice = householdIds.slice(start, start + 500)
    await db.deleteFrom('phone').where('householdId', 'in', slice).execute()
    await db.deleteFrom('member').where('householdId', 'in', slice).execute()
  }
}

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
