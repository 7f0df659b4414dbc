import { Alert, Anchor, Badge, Button, Group, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { householdsContract } from '../../../shared/contracts/households.js'
import { call } from '../../api/client.js'
import { describeError } from '../../components/errors.js'
import { useSession } from '../auth/session.js'

export function HouseholdsPage() {
  const { t } = useTranslation()
  const session = useSession()
  const canImport = session.data?.memberships.some((m) => m.role === 'manager' || m.role === 'admin') ?? false
  const [search, setSearch] = useState('')
  const [debounced] = useDebouncedValue(search, 300)
  const result = useQuery({
    queryKey: ['households', debounced],
    queryFn: () => call(householdsContract.search, { query: { q: debounced } }),
    placeholderData: keepPreviousData,
  })
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('households.title')}</Title>
        {canImport && (
          <Button component={Link} to="/households/import" variant="light">
            {t('imports.open')}
          </Button>
        )}
      </Group>
      <TextInput
        label={t('households.search')}
        type="search"
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
        rightSection={result.isFetching ? <Loader size="xs" /> : null}
      />
      {result.error && <Alert color="red">{describeError(t, result.error)}</Alert>}
      {result.data && (
        <Text size="sm" c="dimmed" aria-live="polite">
          {t('households.results', { count: result.data.total })}
        </Text>
      )}
      {result.data?.items.length === 0 && <Text>{t('households.empty')}</Text>}
      {result.data && result.data.items.length > 0 && (
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('households.reference')}</Table.Th>
              <Table.Th>{t('households.name')}</Table.Th>
              <Table.Th>{t('households.city')}</Table.Th>
              <Table.Th>{t('households.status')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {result.data.items.map((household) => (
              <Table.Tr key={household.id}>
                <Table.Td>{household.externalRef}</Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/households/${household.id}`}>
                    {household.lastName} {household.firstName}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  {household.postcode} {household.city}
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={household.status === 'active' ? 'teal' : 'gray'}>
                    {t(`households.${household.status}`)}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  )
}
