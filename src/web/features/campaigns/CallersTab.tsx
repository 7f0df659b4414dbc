import { Alert, Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { describeError } from '../../components/errors.js'
import { type CampaignCaller, supervisionApi } from './supervision.api.js'

/** The campaign's callers, chosen from the people of its organisation who may call: search, add, remove. */
export function CallersTab({ campaignId }: { campaignId: string }) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [search, setSearch] = useState('')
  const [query] = useDebouncedValue(search.trim(), 250)
  const callers = useQuery({
    queryKey: ['campaign-callers', campaignId, query],
    queryFn: () => supervisionApi.callers(campaignId, query),
    placeholderData: keepPreviousData,
  })
  const change = useMutation({
    mutationFn: ({ person, add }: { person: CampaignCaller; add: boolean }) =>
      add ? supervisionApi.addCaller(campaignId, person.id) : supervisionApi.removeCaller(campaignId, person.id),
    onSuccess: (_, { person, add }) => {
      notifications.show({
        color: 'teal',
        message: t(add ? 'supervision.callers.added' : 'supervision.callers.removed', { name: person.name }),
      })
      void queryClient.invalidateQueries({ queryKey: ['campaign-callers', campaignId] })
    },
  })
  if (callers.error) return <Alert color="red">{describeError(t, callers.error)}</Alert>
  const data = callers.data
  const roles = (person: CampaignCaller) => person.roles.map((role) => t(`roles.${role}`)).join(', ')
  return (
    <Stack>
      <Text data-callers-state={data?.restricted ? 'restricted' : 'open'}>
        {data && (data.restricted ? t('supervision.callers.restricted') : t('supervision.callers.open'))}
      </Text>
      {change.error && (
        <Alert color="red" role="alert">
          {describeError(t, change.error)}
        </Alert>
      )}
      {data && data.items.length > 0 && (
        <Table aria-labelledby="campaign-callers-title" data-testid="campaign-callers">
          <caption id="campaign-callers-title" style={{ textAlign: 'left', fontWeight: 600 }}>
            {t('supervision.callers.listTitle')}
          </caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('supervision.callers.name')}</Table.Th>
              <Table.Th>{t('supervision.callers.email')}</Table.Th>
              <Table.Th>{t('supervision.callers.roles')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.items.map((person) => (
              <Table.Tr key={person.id}>
                <Table.Td>{person.name}</Table.Td>
                <Table.Td>{person.email}</Table.Td>
                <Table.Td>{roles(person)}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="outline"
                    color="red"
                    aria-label={t('supervision.callers.removeNamed', { name: person.name })}
                    onClick={() => change.mutate({ person, add: false })}
                    disabled={change.isPending}
                  >
                    {t('supervision.callers.remove')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Title order={3} size="h5">
        {t('supervision.callers.search')}
      </Title>
      <TextInput
        label={t('supervision.callers.search')}
        description={t('supervision.callers.searchHelp')}
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
        maw={420}
        type="search"
      />
      {query && data && data.candidates.length === 0 && !callers.isFetching && (
        <Text size="sm">{t('supervision.callers.noMatch')}</Text>
      )}
      {query && data && data.candidates.length > 0 && (
        <Stack gap="xs" role="list" aria-label={t('supervision.callers.search')}>
          {data.candidates.map((person) => (
            <Group key={person.id} role="listitem" justify="space-between" maw={640}>
              <Text>
                {person.name} <Text span size="sm" c="dimmed">{`${person.email} · ${roles(person)}`}</Text>
              </Text>
              <Button
                size="xs"
                aria-label={t('supervision.callers.addNamed', { name: person.name })}
                onClick={() => change.mutate({ person, add: true })}
                disabled={change.isPending}
              >
                {t('supervision.callers.add')}
              </Button>
            </Group>
          ))}
        </Stack>
      )}
    </Stack>
  )
}
