import { Alert, Button, Loader, Stack, Table, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { formatInstant } from '../../../shared/clock.js'
import { describeError } from '../../components/errors.js'
import { supervisionApi } from './supervision.api.js'

/** The debriefs the campaign's callers asked for after a hard call, oldest first; a manager marks each one handled. */
export function DebriefsTab({ campaignId }: { campaignId: string }) {
  const { t, i18n } = useTranslation()
  const queryClient = useQueryClient()
  const debriefs = useQuery({
    queryKey: ['campaign-debriefs', campaignId],
    queryFn: () => supervisionApi.debriefs(campaignId),
    refetchInterval: 30_000,
  })
  const handle = useMutation({
    mutationFn: ({ id }: { id: string; name: string }) => supervisionApi.debriefHandled(id),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['campaign-debriefs', campaignId] }),
    onSuccess: (_, { name }) =>
      notifications.show({ color: 'teal', message: t('supervision.debriefs.handled', { name }) }),
  })
  if (debriefs.isPending) return <Loader />
  if (debriefs.error) return <Alert color="red">{describeError(t, debriefs.error)}</Alert>
  const items = debriefs.data.items
  return (
    <Stack>
      <Text size="sm">{t('supervision.debriefs.intro')}</Text>
      {handle.error && (
        <Alert color="red" role="alert">
          {describeError(t, handle.error)}
        </Alert>
      )}
      {items.length === 0 ? (
        <Text data-debriefs="empty">{t('supervision.debriefs.empty')}</Text>
      ) : (
        <Table data-testid="debriefs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('supervision.debriefs.caller')}</Table.Th>
              <Table.Th>{t('supervision.debriefs.requestedAt')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <Table.Tr key={item.id}>
                <Table.Td>{item.caller.name}</Table.Td>
                <Table.Td>{formatInstant(item.requestedAt, i18n.language)}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    aria-label={t('supervision.debriefs.handleNamed', { name: item.caller.name })}
                    onClick={() => handle.mutate({ id: item.id, name: item.caller.name })}
                    loading={handle.isPending && handle.variables?.id === item.id}
                  >
                    {t('supervision.debriefs.handle')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  )
}
