import { type Dataset, type ExportFormat, exportsContract } from '../../../shared/contracts/exports.js'
import { organizationsContract } from '../../../shared/contracts/organizations.js'
import { statsContract } from '../../../shared/contracts/stats.js'
import { localeOf } from '../../../shared/labels.js'
import { call, urlOf } from '../../api/client.js'
import { campaignsApi } from '../campaigns/api.js'
import { type ReviewFilters, scopeQuery } from './filters.js'

export const statsApi = {
  review: (filters: ReviewFilters) => call(statsContract.review, { query: scopeQuery(filters) }),
  // The scope picker's lists come from the organisations' and the campaigns' own routes.
  organizations: () => call(organizationsContract.list),
  agencies: (organization: string) => call(organizationsContract.listAgencies, { params: { code: organization } }),
  campaigns: () => campaignsApi.list(),
}

/** Link of the review's PDF for these filters, in the reader's language. */
export function pdfHref(filters: ReviewFilters, language: string): string {
  return urlOf(statsContract.reviewPdf, { query: { ...scopeQuery(filters), lang: localeOf(language) } })
}

/** Link of one export (`GET /api/exports/<dataset>.<format>`). */
export function exportHref(dataset: Dataset, format: ExportFormat, filters: ReviewFilters): string {
  return urlOf(exportsContract.download, { params: { dataset, format }, query: scopeQuery(filters) })
}
