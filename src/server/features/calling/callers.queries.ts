/** A campaign's list of callers, one person at a time, and the people of its organisation who may be listed. */
import type { Db } from '../../db/database.js'

export interface CallerRow {
  id: string
  name: string
  email: string
  role: string
}

/** Active people holding one of these roles in the organisation, a row per role (the service folds them). */
export async function listOrganizationCallers(db: Db, organizationId: string, roles: readonly string[]) {
  if (roles.length === 0) return [] as CallerRow[]
  return db
    .selectFrom('membership')
    .innerJoin('user', 'user.id', 'membership.userId')
    .select(['user.id', 'user.name', 'user.email', 'membership.role'])
    .where('membership.organizationId', '=', organizationId)
    .where('membership.role', 'in', [...roles])
    .where('user.isActive', '=', 1)
    .orderBy('user.name')
    .orderBy('user.id')
    .limit(10_000)
    .execute()
}

export async function listCampaignCallerIds(db: Db, campaignId: string) {
  const rows = await db.selectFrom('campaignCaller').select('userId').where('campaignId', '=', campaignId).execute()
  return rows.map((row) => row.userId)
}

/** Lists one more caller and restricts the campaign to its list; listing someone already there changes nothing. */
export async function addCampaignCaller(db: Db, campaignId: string, userId: string) {
  await db
    .insertInto('campaignCaller')
    .values({ campaignId, userId })
    .onConflict((oc) => oc.columns(['campaignId', 'userId']).doNothing())
    .execute()
  await db.updateTable('campaign').set({ callersRestricted: 1 }).where('id', '=', campaignId).execute()
}

/** Takes a caller off the list; the campaign is open to all again when nobody is left on it. */
export async function removeCampaignCaller(db: Db, campaignId: string, userId: string) {
  await db.deleteFrom('campaignCaller').where('campaignId', '=', campaignId).where('userId', '=', userId).execute()
  const left = await db
    .selectFrom('campaignCaller')
    .select('userId')
    .where('campaignId', '=', campaignId)
    .limit(1)
    .executeTakeFirst()
  if (!left) await db.updateTable('campaign').set({ callersRestricted: 0 }).where('id', '=', campaignId).execute()
}
