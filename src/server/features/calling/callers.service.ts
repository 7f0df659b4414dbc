/**
 * A campaign's callers, chosen one at a time from the people of its organisation who may call (callers, managers,
 * administrators there). An empty list means every caller of the organisation may call for the campaign.
 */
import type { Db } from '../../db/database.js'
import type { Scope } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { organizationsWhere } from '../../policy/policy.js'
import { recordAuditEvent } from '../audit/audit.queries.js'
import { findCampaignById } from '../campaigns/campaigns.queries.js'
import * as callers from './callers.queries.js'
import { callingRoles } from './calling.service.js'

/** How many candidates a search returns at most. */
const CANDIDATES = 20

/** Lower case, accents and extra spaces away: "Lefèvre" and "lefevre" are one. */
function folded(text: string) {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim()
}

async function managedCampaign(db: Db, scope: Scope, campaignId: string) {
  const campaign = await findCampaignById(db, organizationsWhere(scope, 'campaign.manage'), campaignId)
  if (!campaign) throw new AppError('NOT_FOUND', 'No such campaign')
  return campaign
}

/** The organisation's people who may call, one entry each with their calling roles. */
async function peopleWhoCall(db: Db, organizationId: string) {
  const people = new Map<string, { id: string; name: string; email: string; roles: string[] }>()
  for (const row of await callers.listOrganizationCallers(db, organizationId, callingRoles())) {
    const person = people.get(row.id) ?? { id: row.id, name: row.name, email: row.email, roles: [] }
    person.roles.push(row.role)
    people.set(row.id, person)
  }
  return [...people.values()]
}

async function listed(db: Db, campaignId: string, organizationId: string) {
  const ids = new Set(await callers.listCampaignCallerIds(db, campaignId))
  const people = await peopleWhoCall(db, organizationId)
  return { people, items: people.filter((person) => ids.has(person.id)), restricted: ids.size > 0 }
}

export async function campaignCallers(db: Db, scope: Scope, campaignId: string, query: string | undefined) {
  const campaign = await managedCampaign(db, scope, campaignId)
  const { people, items, restricted } = await listed(db, campaign.id, campaign.organizationId)
  const words = folded(query ?? '')
    .split(' ')
    .filter(Boolean)
  const isListed = new Set(items.map((item) => item.id))
  const candidates = words.length
    ? people
        .filter((person) => !isListed.has(person.id))
        .filter((person) => {
          const text = folded(`${person.name} ${person.email}`)
          return words.every((word) => text.includes(word))
        })
        .slice(0, CANDIDATES)
    : []
  return { restricted, items, candidates }
}

export async function changeCampaignCaller(
  db: Db,
  scope: Scope,
  campaignId: string,
  userId: string,
  change: 'add' | 'remove',
  actor: { id: string; ip: string },
) {
  const campaign = await managedCampaign(db, scope, campaignId)
  if (change === 'add') {
    const person = (await peopleWhoCall(db, campaign.organizationId)).find((p) => p.id === userId)
    if (!person) {
      throw new AppError('VALIDATION_FAILED', 'This person is not a caller of the campaign’s organisation', {
        field: 'userId',
        value: userId,
      })
    }
    await callers.addCampaignCaller(db, campaign.id, userId)
  } else {
    await callers.removeCampaignCaller(db, campaign.id, userId)
  }
  await recordAuditEvent(db, {
    actorUserId: actor.id,
    organizationId: campaign.organizationId,
    action: change === 'add' ? 'campaign.caller_added' : 'campaign.caller_removed',
    entityType: 'campaign',
    entityId: campaign.id,
    ip: actor.ip,
    details: { userId },
  })
  const { items, restricted } = await listed(db, campaign.id, campaign.organizationId)
  return { items, restricted }
}
