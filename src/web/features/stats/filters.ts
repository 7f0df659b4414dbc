/**
 * The dashboard's filters and the URL query that keeps them: `?scope=organization:TDL&agency=NCY&from=…&to=…`.
 * Pure functions, so the page, its links (PDF, exports) and the tests agree on one reading.
 */
import { parisToday } from '../../../shared/dates.js'
import type { Role } from '../../../shared/roles.js'

export interface ReviewFilters {
  /** `network`, `organization:<code>` or `campaign:<id>`. */
  scope: string
  /** Agency code, only with an organisation scope. */
  agency: string | null
  from: string
  to: string
}

const DAY = /^\d{4}-\d{2}-\d{2}$/

/** `day` moved by `days` calendar days (UTC arithmetic on a calendar date: no daylight-saving surprise). */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + days)
  return date.toISOString().slice(0, 10)
}

export function isDay(value: string | null | undefined): value is string {
  if (!value || !DAY.test(value)) return false
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value
}

/** The last 30 Europe/Paris days, today included. */
export function defaultPeriod(today = parisToday()): { from: string; to: string } {
  return { from: addDays(today, -29), to: today }
}

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
  const validScope = scope && /^(network|organization:[A-Za-z0-9_-]{1,64}|campaign:[A-Za-z0-9_-]{1,64})$/.test(scope)
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
  const params = new URLSearchParams({ scope: filters.scope, from: filters.from, to: filters.to })
  if (filters.agency && filters.scope.startsWith('organization:')) params.set('agency', filters.agency)
  return params.toString()
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
