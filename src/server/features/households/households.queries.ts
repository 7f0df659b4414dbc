import type { Db } from '../../db/database.js'

export interface HouseholdSearch {
  organizationIds: string[]
  q?: string
  ref?: string
  limit: number
  offset: number
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (match) => `\\${match}`)
}

/** Households of the given organisations matching a free-text query (name, reference, phone, address). */
export async function searchHouseholds(db: Db, search: HouseholdSearch) {
  if (search.organizationIds.length === 0) return { items: [], total: 0 }
  let query = db.selectFrom('household').where('household.organizationId', 'in', search.organizationIds)
  if (search.ref) query = query.where('household.externalRef', '=', search.ref)
  if (search.q?.trim()) {
    const pattern = `%${escapeLike(search.q.trim().toLowerCase())}%`
    const digits = search.q.replace(/\D/g, '')
    query = query.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['household.lastName']), 'like', pattern),
        eb(eb.fn('lower', ['household.firstName']), 'like', pattern),
        eb(eb.fn('lower', ['household.externalRef']), 'like', pattern),
        eb(eb.fn('lower', ['household.addressLine1']), 'like', pattern),
        eb(eb.fn('lower', ['household.city']), 'like', pattern),
        ...(digits.length >= 4
          ? [
              eb.exists(
                eb
                  .selectFrom('phone')
                  .select('phone.id')
                  .whereRef('phone.householdId', '=', 'household.id')
                  .where('phone.e164', 'like', `%${digits.slice(digits.startsWith('0') ? 1 : 0)}%`),
              ),
            ]
          : []),
      ]),
    )
  }
  const [items, count] = await Promise.all([
    query
      .select([
        'household.id',
        'household.externalRef',
        'household.lastName',
        'household.firstName',
        'household.postcode',
        'household.city',
        'household.status',
        'household.organizationId',
      ])
      .orderBy('household.lastName')
      .orderBy('household.externalRef')
      .limit(search.limit)
      .offset(search.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll().as('total')).executeTakeFirst(),
  ])
  return { items, total: Number(count?.total ?? 0) }
}

/** One household, only when it belongs to one of the given organisations. */
export async function findHouseholdById(db: Db, organizationIds: string[], householdId: string) {
  if (organizationIds.length === 0) return undefined
  const household = await db
    .selectFrom('household')
    .leftJoin('agency', 'agency.id', 'household.agencyId')
    .selectAll('household')
    .select(['agency.code as agencyCode', 'agency.name as agencyName'])
    .where('household.id', '=', householdId)
    .where('household.organizationId', 'in', organizationIds)
    .executeTakeFirst()
  if (!household) return undefined
  const [members, phones] = await Promise.all([
    db.selectFrom('member').selectAll().where('householdId', '=', householdId).orderBy('position').execute(),
    db.selectFrom('phone').selectAll().where('householdId', '=', householdId).orderBy('position').execute(),
  ])
  return { household, members, phones }
}
