/**
 * The dashboard's filters and the URL query that keeps them: `?scope=organization:TDL&agency=NCY&from=…&to=…`.
 * Pure functions, so the page, its links (PDF, exports) and the tests agree on one reading.
 */
import { addDays, isCalendarDay, parisToday } from '../../../shared/clock.js'
import { parseScope, type ScopeQuery } from '../../../shared/contracts/stats.js'
import type { Role } from '../../../shared/roles.js'

export interface ReviewFilters {
  /** `network`, `organization:<code>` or `campaign:<id>`. */
  scope: string
  /** Agency code, only with an organisation scope. */
  agency: string | null
  from: string
  to: string
}

/** Whether a text from the URL or a date field is a real day YYYY-MM-DD. */
function isDay(value: string | null | undefined): value is string {
  return typeof value === 'string' && isCalendarDay(value)
}

/** The last 30 Europe/Paris days, today included. */
export function defaultPeriod(today = parisToday()): { from: string; to: string } {
  return { from: addDays(today, -29), to: today }
}

/** Roles that read the review (the server's policy decides; the page offers what it would answer). */
export const REVIEW_ROLES: readonly Role[] = ['admin', 'manager', 'viewer']

export interface MembershipLike {
  organization: { code: string }
  role: Role
}

/** The scope a user lands on: the network for an administrator, else their first organisation with a review role. */
export function defaultScope(memberships: readonly MembershipLike[]): string {
  if (memberships.some((m) => m.role === 'admin')) return 'network'
  const reader = memberships.find((m) => m.role === 'manager' || m.role === 'viewer')
  return reader ? `organization:${reader.organization.code}` : 'network'
}

/** Reads the filters from the URL query, filling what is missing or unreadable with the defaults. */
export function readFilters(query: URLSearchParams, memberships: readonly MembershipLike[], today = parisToday()) {
  const period = defaultPeriod(today)
  const scope = query.get('scope')
  const validScope = scope !== null && parseScope(scope) !== null
  const from = query.get('from')
  const to = query.get('to')
  const agency = query.get('agency')
  const filters: ReviewFilters = {
    scope: validScope ? scope : defaultScope(memberships),
    agency: null,
    from: isDay(from) ? from : period.from,
    to: isDay(to) ? to : period.to,
  }
  // An agency narrows the organisation named in the query, never a default one.
  if (validScope && filters.scope.startsWith('organization:') && agency && /^[A-Za-z0-9_-]{1,64}$/.test(agency)) {
    filters.agency = agency
  }
  return filters
}

/** The query string of the filters, in a stable order; used for the page URL, the API, the PDF and the exports. */
export function filtersQuery(filters: ReviewFilters): string {
  return new URLSearchParams(Object.entries(scopeQuery(filters))).toString()
}

/** The filters as the API's query (`ScopeQuerySchema`): the review, its PDF and the exports read the same. */
export function scopeQuery(filters: ReviewFilters): ScopeQuery {
  const query: ScopeQuery = { scope: filters.scope, from: filters.from, to: filters.to }
  if (filters.agency && filters.scope.startsWith('organization:')) query.agency = filters.agency
  return query
}

/** Why a period cannot be asked for, or null: both days real, `from` not after `to`. */
export function periodProblem(
  filters: Pick<ReviewFilters, 'from' | 'to'>,
): 'fromInvalid' | 'toInvalid' | 'order' | null {
  if (!isDay(filters.from)) return 'fromInvalid'
  if (!isDay(filters.to)) return 'toInvalid'
  if (filters.from > filters.to) return 'order'
  return null
}

/**
 * Whether the export links are offered for this scope: row-level exports are never for viewers. An administrator
 * may export anything of the network; a manager their organisation's data (the server checks again).
 */
export function canExport(memberships: readonly MembershipLike[], scope: string): boolean {
  if (memberships.some((m) => m.role === 'admin')) return true
  const managed = memberships.filter((m) => m.role === 'manager').map((m) => m.organization.code)
  if (scope.startsWith('organization:')) return managed.includes(scope.slice('organization:'.length))
  if (scope.startsWith('campaign:')) return managed.length > 0
  return false
}
