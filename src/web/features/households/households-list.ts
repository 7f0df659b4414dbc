/** The household list's state as it lives in the URL's query string (back, refresh and shared links keep it). */
import {
  HOUSEHOLD_FRAGILITY_FILTERS,
  HOUSEHOLD_SORTS,
  HOUSEHOLD_STATUSES,
  type HouseholdSort,
  type HouseholdStatus,
  SEARCH_PAGE_SIZE,
} from '../../../shared/contracts/households.js'

export const PAGE_SIZE = SEARCH_PAGE_SIZE

export type FragilityFilter = (typeof HOUSEHOLD_FRAGILITY_FILTERS)[number]

export interface ListState {
  q: string
  agency?: string
  fragility?: FragilityFilter
  objection?: boolean
  status?: HouseholdStatus
  inCampaign?: boolean
  sort: HouseholdSort
  /** From 1. */
  page: number
}

/** The columns a list can be sorted by (each also in reverse with `-`). */
export type SortColumn = 'reference' | 'name' | 'age' | 'city' | 'lastContact'

const oneOf = <T extends string>(values: readonly T[], value: string | null): T | undefined =>
  value !== null && (values as readonly string[]).includes(value) ? (value as T) : undefined

const yesNo = (value: string | null) => (value === 'true' ? true : value === 'false' ? false : undefined)

/** The list's state read from a query string; anything unknown or malformed is left out. */
export function readListState(params: URLSearchParams): ListState {
  const page = Number(params.get('page'))
  const agency = params.get('agency')?.trim().slice(0, 40)
  return {
    q: (params.get('q') ?? '').slice(0, 200),
    agency: agency || undefined,
    fragility: oneOf(HOUSEHOLD_FRAGILITY_FILTERS, params.get('fragility')),
    objection: yesNo(params.get('objection')),
    status: oneOf(HOUSEHOLD_STATUSES, params.get('status')),
    inCampaign: yesNo(params.get('inCampaign')),
    sort: oneOf(HOUSEHOLD_SORTS, params.get('sort')) ?? 'name',
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  }
}

/** The query string of a state; defaults (empty search, name order, first page) are left out. */
export function writeListState(state: ListState): URLSearchParams {
  const params = new URLSearchParams()
  if (state.q.trim()) params.set('q', state.q)
  if (state.agency) params.set('agency', state.agency)
  if (state.fragility) params.set('fragility', state.fragility)
  if (state.objection !== undefined) params.set('objection', String(state.objection))
  if (state.status) params.set('status', state.status)
  if (state.inCampaign !== undefined) params.set('inCampaign', String(state.inCampaign))
  if (state.sort !== 'name') params.set('sort', state.sort)
  if (state.page > 1) params.set('page', String(state.page))
  return params
}

/** The filters of a state as the list and its export take them (no paging). */
export function filtersOf(state: ListState) {
  return {
    q: state.q.trim() || undefined,
    agency: state.agency,
    fragility: state.fragility,
    objection: state.objection,
    status: state.status,
    inCampaign: state.inCampaign,
    sort: state.sort,
  }
}

/** How a column header reads the current order: its `aria-sort`, and the order a click asks for. */
export function sortOf(current: HouseholdSort, column: SortColumn) {
  const direction = current === column ? 'ascending' : current === `-${column}` ? 'descending' : 'none'
  const next: HouseholdSort = direction === 'ascending' ? `-${column}` : column
  return { direction, next } as const
}

/** The rows a page shows, from 1: `{ from: 51, to: 100 }`; zero rows when the list is empty. */
export function rangeOf(page: number, total: number, pageSize = PAGE_SIZE) {
  if (total === 0) return { from: 0, to: 0 }
  const from = Math.min((page - 1) * pageSize + 1, total)
  return { from, to: Math.min(page * pageSize, total) }
}
