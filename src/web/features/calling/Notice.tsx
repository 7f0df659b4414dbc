import { Box, Group, Paper, Stack } from '@mantine/core'
import type { ReactNode } from 'react'

/** A status message inside a live region: looks like an alert without being one (the region announces it). */
export function Notice({ color, icon, children }: { color: string; icon: ReactNode; children: ReactNode }) {
  return (
    <Paper
      p="sm"
      withBorder
      style={{
        background: `var(--mantine-color-${color}-0)`,
        borderColor: `var(--mantine-color-${color}-4)`,
      }}
    >
      <Group align="flex-start" wrap="nowrap" gap="sm">
        <Box c={`${color}.9`} mt={2}>
          {icon}
        </Box>
        <Stack gap="xs" align="flex-start">
          {children}
        </Stack>
      </Group>
    </Paper>
  )
}
