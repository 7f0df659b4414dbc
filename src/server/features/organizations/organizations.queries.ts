import { randomUUID } from 'node:crypto'
import type { Db } from '../../db/database.js'
import type { OrganizationType } from '../../db/schema.js'
import { nowTimestamp } from '../../db/time.js'

export async function findNetworkByCode(db: Db, code: string) {
  return db.selectFrom('network').selectAll().where('code', '=', code).executeTakeFirst()
}

export async function listNetworks(db: Db) {
  return db.selectFrom('network').selectAll().orderBy('code').execute()
}

export async function createNetwork(db: Db, network: { code: string; name: string }) {
  const row = { id: randomUUID(), code: network.code, name: network.name, createdAt: nowTimestamp() }
  await db.insertInto('network').values(row).execute()
  return row
}

export async function findOrganizationByCode(db: Db, code: string) {
  return db.selectFrom('organization').selectAll().where('code', '=', code).executeTakeFirst()
}

export async function listOrganizations(db: Db, networkIds: string[]) {
  if (networkIds.length === 0) return []
  return db.selectFrom('organization').selectAll().where('networkId', 'in', networkIds).orderBy('name').execute()
}

export async function createOrganization(
  db: Db,
  organization: {
    networkId: string
    code: string
    name: string
    type: OrganizationType
    onCallContact?: string | null
  },
) {
  const row = {
    id: randomUUID(),
    networkId: organization.networkId,
    code: organization.code,
    name: organization.name,
    type: organization.type,
    onCallContact: organization.onCallContact ?? null,
    createdAt: nowTimestamp(),
  }
  await db.insertInto('organization').values(row).execute()
  return row
}

export async function listAgencies(db: Db, organizationId: string) {
  return db.selectFrom('agency').selectAll().where('organizationId', '=', organizationId).orderBy('name').execute()
}

export async function findAgencyByCode(db: Db, organizationId: string, code: string) {
  return db
    .selectFrom('agency')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('code', '=', code)
    .executeTakeFirst()
}

export async function createAgency(
  db: Db,
  agency: { organizationId: string; code: string; name: string; inseeCode?: string | null },
) {
  const row = {
    id: randomUUID(),
    organizationId: agency.organizationId,
    code: agency.code,
    name: agency.name,
    inseeCode: agency.inseeCode ?? null,
    createdAt: nowTimestamp(),
  }
  await db.insertInto('agency').values(row).execute()
  return row
}
