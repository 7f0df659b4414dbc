import { Alert, Badge, Card, Group, Loader, Stack, Text, Title } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { useLocation } from 'react-router'
import { describeError } from '../../components/errors.js'
import { type Callback, callingApi } from './api.js'
import { callbackMoment } from './callbacks.js'

/**
 * « Mes rappels »: the callbacks this caller may make, overdue ones first. A callback is called through its campaign's
 * queue (the claim takes no household of the caller's choosing), so each says when it is due and where.
 */
export function CallbacksSection() {
  const { t } = useTranslation()
  const callbacks = useQuery({
    queryKey: ['calling', 'callbacks'],
    queryFn: callingApi.callbacks,
    refetchInterval: 60_000,
  })
  const items = callbacks.data?.items ?? []
  const overdue = items.filter((item) => item.overdue).length
  // Reached through `/calling#mes-rappels` (the home page's link): brought into view once the list has come.
  const { hash } = useLocation()
  const section = useRef<HTMLElement>(null)
  const isLoaded = callbacks.data !== undefined
  useEffect(() => {
    if (hash === '#mes-rappels' && isLoaded) section.current?.scrollIntoView({ block: 'start' })
  }, [hash, isLoaded])
  return (
    <Card withBorder component="section" aria-labelledby="callbacks-title" maw={720} id="mes-rappels" ref={section}>
      <Stack gap="sm">
        <Group justify="space-between" align="baseline" wrap="wrap">
          <Title order={3} id="callbacks-title">
            {t('calling.callbacks.title')}
          </Title>
          {items.length > 0 && (
            <Text size="sm" fw={600}>
              {t('calling.callbacks.summary', { count: items.length })}
              {overdue > 0 && `, ${t('calling.callbacks.overdueCount', { count: overdue })}`}
            </Text>
          )}
        </Group>
        <Text size="sm" c="dimmed">
          {t('calling.callbacks.intro')}
        </Text>
        {callbacks.isPending && <Loader size="sm" aria-label={t('calling.loading')} />}
        {callbacks.error && <Alert color="red">{describeError(t, callbacks.error)}</Alert>}
        {callbacks.data && items.length === 0 && <Text size="sm">{t('calling.callbacks.none')}</Text>}
        {items.length > 0 && (
          <>
            <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {items.map((item) => (
                <CallbackItem key={item.targetId} item={item} now={callbacks.data?.at} />
              ))}
            </Stack>
            <Text size="sm" c="dimmed">
              {t('calling.callbacks.howToCall')}
            </Text>
          </>
        )}
      </Stack>
    </Card>
  )
}

function CallbackItem({ item, now }: { item: Callback; now: string | undefined }) {
  const { t, i18n } = useTranslation()
  const moment = callbackMoment(item.at, i18n.language, now ? new Date(now) : new Date())
  const name = [item.household.lastName, item.household.firstName].filter(Boolean).join(' ')
  return (
    <li>
      <Group gap="xs" wrap="wrap">
        <Text fw={600}>{name}</Text>
        <Text>— {t(`calling.callbacks.when_${moment.kind}`, { day: moment.day, time: moment.time })}</Text>
        {item.overdue && (
          <Badge color="red" variant="light" tt="none">
            {t('calling.callbacks.overdue')}
          </Badge>
        )}
        {item.keptForMe && (
          <Badge color="blue" variant="light" tt="none">
            {t('calling.callbacks.keptForMe')}
          </Badge>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        {t('calling.callbacks.campaign', { name: item.campaign.name })}
      </Text>
    </li>
  )
}
