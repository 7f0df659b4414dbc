import { Button, Group, Text } from '@mantine/core'

export interface PagerProps {
  offset: number
  pageSize: number
  total: number
  onOffsetChange: (offset: number) => void
  /** The navigation's accessible name, e.g. « Pages du journal ». */
  label: string
  /** « Lignes 51 à 100 sur 240 »: the feature's words, agreed with what it lists. */
  range: (from: number, to: number, total: number) => string
  previous: string
  next: string
}

/** Previous and next pages of a list counted by the server; shown only when there is more than one page. */
export function Pager({ offset, pageSize, total, onOffsetChange, label, range, previous, next }: PagerProps) {
  if (total <= pageSize) return null
  return (
    <Group justify="space-between" component="nav" aria-label={label}>
      <Text size="sm">{range(offset + 1, Math.min(offset + pageSize, total), total)}</Text>
      <Group gap="xs">
        <Button
          variant="default"
          disabled={offset === 0}
          onClick={() => onOffsetChange(Math.max(0, offset - pageSize))}
        >
          {previous}
        </Button>
        <Button
          variant="default"
          disabled={offset + pageSize >= total}
          onClick={() => onOffsetChange(offset + pageSize)}
        >
          {next}
        </Button>
      </Group>
    </Group>
  )
}
