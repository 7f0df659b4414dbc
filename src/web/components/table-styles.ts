/**
 * Props for a badge in a table cell. A Mantine badge's label cuts its word to « EN… » when the column is narrow (a
 * tablet at 820 px); spread on a badge, `WHOLE_BADGE` keeps the word whole, so the column makes room for it.
 */
export const WHOLE_BADGE = {
  style: { flexShrink: 0, overflow: 'visible' },
  styles: { label: { overflow: 'visible', textOverflow: 'clip' } },
} as const
