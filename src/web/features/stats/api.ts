import type { StatsReview } from '../../../shared/stats.js'
import { api } from '../../api/client.js'
import type { CampaignSummary } from '../campaigns/api.js'
import { filtersQuery, type ReviewFilters } from './filters.js'

export const EXPORT_DATASETS = ['calls', 'referrals', 'unreachable'] as const
export type ExportDataset = (typeof EXPORT_DATASETS)[number]

export const statsApi = {
  review: (filters: ReviewFilters) => api<StatsReview>(`/stats/review?${filtersQuery(filters)}`),
  organizations: () => api<{ items: { code: string; name: string; type: string }[] }>('/organizations'),
  agencies: (organization: string) =>
    api<{ items: { code: string; name: string }[] }>(`/organizations/${encodeURIComponent(organization)}/agencies`),
  campaigns: () => api<{ items: CampaignSummary[] }>('/campaigns'),
}

/** Link of the review's PDF for these filters, in the reader's language. */
export function pdfHref(filters: ReviewFilters, language: string): string {
  return `/api/stats/review.pdf?${filtersQuery(filters)}&lang=${language.startsWith('en') ? 'en' : 'fr'}`
}

/** Link of one export (helper endpoints `GET /api/exports/<dataset>.<format>`). */
export function exportHref(dataset: ExportDataset, format: 'csv' | 'xlsx', filters: ReviewFilters): string {
  return `/api/exports/${dataset}.${format}?${filtersQuery(filters)}`
}
