import { Alert, Badge, Button, Card, Stack, Table, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { formatInstant } from '../../../shared/clock.js'
import { describeError } from '../../components/errors.js'
import { type AccountSession, accountApi } from './api.js'

/**
 * The user's open sessions, each with a way to end it (the current one signs out). An account that signs in through
 * its organisation is not told to change a password it does not have.
 */
export function SessionsCard({ signsInWithSso = false }: { signsInWithSso?: boolean }) {
  const { t, i18n } = useTranslation()
  const queryClient = useQueryClient()
  const sessions = useQuery({ queryKey: ['account', 'sessions'], queryFn: accountApi.sessions })
  const end = useMutation({
    mutationFn: (session: AccountSession) => accountApi.endSession(session.id),
    onSuccess: (_result, session) => {
      if (session.isCurrent) {
        queryClient.clear()
        queryClient.setQueryData(['session'], null)
        return
      }
      notifications.show({ message: t('account.sessions.ended'), color: 'teal' })
      void queryClient.invalidateQueries({ queryKey: ['account', 'sessions'] })
    },
  })
  const device = (session: AccountSession) =>
    t('account.sessions.on', {
      browser: session.browser ?? t('account.sessions.unknownBrowser'),
      system: session.system ?? t('account.sessions.unknownSystem'),
    })
  return (
    <Card withBorder component="section" aria-labelledby="account-sessions">
      <Stack>
        <Title order={3} size="h4" id="account-sessions">
          {t('account.sessions.title')}
        </Title>
        <Text size="sm">{t(signsInWithSso ? 'account.sessions.introSso' : 'account.sessions.intro')}</Text>
        {sessions.error && (
          <Alert color="red" role="alert">
            {describeError(t, sessions.error)}
          </Alert>
        )}
        {end.error && (
          <Alert color="red" role="alert">
            {describeError(t, end.error)}
          </Alert>
        )}
        {sessions.data?.items.length === 0 && <Text>{t('account.sessions.none')}</Text>}
        {sessions.data && sessions.data.items.length > 0 && (
          <Table.ScrollContainer minWidth={560}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('account.sessions.device')}</Table.Th>
                  <Table.Th>{t('account.sessions.started')}</Table.Th>
                  <Table.Th>{t('account.sessions.lastSeen')}</Table.Th>
                  <Table.Th>{t('account.sessions.actions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sessions.data.items.map((session) => (
                  <Table.Tr key={session.id}>
                    <Table.Td>
                      {device(session)}{' '}
                      {session.isCurrent && (
                        <Badge variant="light" color="teal">
                          {t('account.sessions.current')}
                        </Badge>
                      )}
                      {session.openedThrough && (
                        <Text size="xs" c="dimmed">
                          {t('account.sessions.openedThrough', { organization: session.openedThrough })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{formatInstant(session.startedAt, i18n.language)}</Table.Td>
                    <Table.Td>{formatInstant(session.lastSeenAt, i18n.language)}</Table.Td>
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="light"
                        color={session.isCurrent ? 'gray' : 'red'}
                        loading={end.isPending && end.variables?.id === session.id}
                        onClick={() => end.mutate(session)}
                        aria-label={
                          session.isCurrent
                            ? undefined
                            : t('account.sessions.endLabel', {
                                device: device(session),
                                started: formatInstant(session.startedAt, i18n.language),
                              })
                        }
                      >
                        {session.isCurrent ? t('account.sessions.endCurrent') : t('account.sessions.end')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Card>
  )
}
