/**
 * The one scope grammar, resolved once for the review (`/stats/*`) and the exports (`/exports/*`):
 * `scope=network|organization:<code>|campaign:<id>`, `agency=<code>` narrowing an organisation, and a period of
 * Europe/Paris days. Who reaches which organisation is the policy's answer (`policy.ts`), asked with the roles the
 * user holds there and those that make them an administrator of its network (docs/decisions.md "The review: who
 * reads which scope"). Anything malformed is a 400 naming the parameter and its value; an organisation or campaign
 * out of reach is a 404, exactly as an unknown one.
 */
import { daysBetween, isCalendarDay, parisPeriodBounds } from '../../../shared/clock.js'
import { parseScope, type StatsPeriod, type StatsScope } from '../../../shared/contracts/stats.js'
import type { Db } from '../../db/database.js'
import type { Scope } from '../../http/auth.js'
import { AppError } from '../../http/errors.js'
import { type Action, may, organizationsWhere, type PolicySubject } from '../../policy/policy.js'
import { findAgencyByCode, findOrganizationByCode } from '../organizations/organizations.queries.js'
import { findCampaign } from './stats.queries.js'

/** A 400 naming the parameter and the value it got; `details` is a list, as for the schemas' own errors. */
export function badParameter(field: string, value: unknown, message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, [{ field, value, message }])
}

/** What a route asks of the policy to resolve a scope. */
export interface ScopeRules {
  /** Reaching an organisation (or one of its campaigns): a role there granting this action; 404 otherwise. */
  reach: Action
  /** Its network's administrators: a role granting this in one organisation of a network counts in all of them. */
  network: Action
}

export interface ScopeOrganization {
  id: string
  code: string
  name: string
  networkId: string
}

export type ResolvedScope =
  | { kind: 'network'; scope: StatsScope }
  | {
      kind: 'organization' | 'campaign'
      scope: StatsScope
      organization: ScopeOrganization
      agency: { id: string; code: string; name: string } | null
      campaign: { id: string; name: string } | null
      /** The user as the policy sees them in this organisation: to ask `may(subject, action, organization.id)`. */
      subject: PolicySubject
    }

/**
 * The user's roles in one organisation as the policy weighs them: those they hold there, and, from their other
 * organisations of the same network, those that grant `networkAction` (a network's administrators act in each of its
 * organisations).
 */
export function subjectIn(user: Scope, organization: { id: string; networkId: string }, networkAction: Action) {
  const memberships: PolicySubject['memberships'][number][] = []
  for (const membership of user.memberships) {
    if (membership.organizationId === organization.id) {
      memberships.push({ organizationId: organization.id, role: membership.role })
    } else if (membership.networkId === organization.networkId && may({ memberships: [membership] }, networkAction)) {
      memberships.push({ organizationId: organization.id, role: membership.role })
    }
  }
  return { memberships } satisfies PolicySubject
}

/**
 * Reads `scope` and `agency` and looks up what they name, within the user's reach: 400 for a malformed scope or an
 * agency that does not narrow an organisation of the scope, 404 for an organisation or campaign unknown or out of
 * reach. The network is resolved by the caller, whose rules differ (the review shows it to every reader, the exports
 * to its administrators only).
 */
export async function resolveScope(
  db: Db,
  user: Scope,
  query: { scope: string; agency?: string },
  rules: ScopeRules,
): Promise<ResolvedScope> {
  const parsed = parseScope(query.scope)
  if (!parsed) {
    throw badParameter(
      'scope',
      query.scope,
      `scope "${query.scope}" is not one of network, organization:<code>, campaign:<id>`,
    )
  }
  if (query.agency !== undefined && parsed.kind !== 'organization') {
    throw badParameter('agency', query.agency, `agency "${query.agency}" narrows an organisation scope only`)
  }
  if (parsed.kind === 'network') return { kind: 'network', scope: parsed }

  const reachable = (organization: { id: string; networkId: string }) => {
    const subject = subjectIn(user, organization, rules.network)
    return organizationsWhere(subject, rules.reach).includes(organization.id) ? subject : null
  }

  if (parsed.kind === 'campaign') {
    const campaign = await findCampaign(db, parsed.id)
    const organization = campaign && {
      id: campaign.organizationId,
      code: campaign.organizationCode,
      name: campaign.organizationName,
      networkId: campaign.networkId,
    }
    const subject = organization && reachable(organization)
    if (!campaign || !organization || !subject) {
      throw new AppError('NOT_FOUND', `No campaign "${parsed.id}" within your reach`)
    }
    return {
      kind: 'campaign',
      scope: parsed,
      organization,
      agency: null,
      campaign: { id: campaign.id, name: campaign.name },
      subject,
    }
  }

  const organization = await findOrganizationByCode(db, parsed.code)
  const subject = organization && reachable(organization)
  if (!organization || !subject) throw new AppError('NOT_FOUND', `No organisation "${parsed.code}" within your reach`)
  let agency: { id: string; code: string; name: string } | null = null
  if (query.agency !== undefined) {
    const found = await findAgencyByCode(db, organization.id, query.agency)
    if (!found) throw badParameter('agency', query.agency, `No agency "${query.agency}" in ${organization.code}`)
    agency = { id: found.id, code: found.code, name: found.name }
  }
  return {
    kind: 'organization',
    scope: agency ? { ...parsed, agencyCode: agency.code } : parsed,
    organization: {
      id: organization.id,
      code: organization.code,
      name: organization.name,
      networkId: organization.networkId,
    },
    agency,
    campaign: null,
    subject,
  }
}

/**
 * Checks `from`/`to` (YYYY-MM-DD, real days, from ≤ to, at most `maxDays` days) and gives the period with its UTC
 * bounds [start, end); 400 naming the first parameter that is wrong.
 */
export function periodOf(query: { from: string; to: string }, maxDays: number) {
  const period: StatsPeriod = { from: query.from, to: query.to }
  for (const field of ['from', 'to'] as const) {
    const value = period[field]
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      throw badParameter(field, value, `${field} must be a day written YYYY-MM-DD, not "${value}"`)
    }
    if (!isCalendarDay(value)) throw badParameter(field, value, `${field} "${value}" is not a day of the calendar`)
  }
  if (period.from > period.to) {
    throw badParameter('from', period.from, `from "${period.from}" is after to "${period.to}"`)
  }
  if (daysBetween(period.from, period.to, maxDays + 1).length > maxDays) {
    throw badParameter('to', period.to, `to "${period.to}": a period covers at most ${maxDays} days`)
  }
  return { period, ...parisPeriodBounds(period.from, period.to) }
}
