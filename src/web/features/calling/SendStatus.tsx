import { Button, Text } from '@mantine/core'
import { IconAlertTriangle, IconCloudOff } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { Notice } from './Notice.js'
import type { SendState } from './useOutcomeSubmission.js'

/** Where the outcome's submission stands, in words, with what the caller can do about it. */
export function SendStatus({
  state,
  failure,
  onRetry,
  onDiscard,
}: {
  state: SendState
  failure: string
  onRetry: () => void
  onDiscard: () => void
}) {
  const { t } = useTranslation()
  switch (state) {
    case 'sending':
      return <Text size="sm">{t('calling.status.sending')}</Text>
    case 'offline':
    case 'serverDown':
      return (
        <Notice color="blue" icon={<IconCloudOff size={20} aria-hidden />}>
          <Text size="sm">{t(state === 'offline' ? 'calling.status.offline' : 'calling.status.serverDown')}</Text>
          <Button size="xs" variant="light" onClick={onRetry}>
            {t('calling.status.retry')}
          </Button>
        </Notice>
      )
    case 'unauthenticated':
      return (
        <Notice color="yellow" icon={<IconAlertTriangle size={20} aria-hidden />}>
          <Text size="sm">{t('calling.status.sessionExpired')}</Text>
          <Button size="xs" variant="light" onClick={() => window.location.reload()}>
            {t('calling.status.signInAgain')}
          </Button>
        </Notice>
      )
    case 'conflict':
      return (
        <Notice color="red" icon={<IconAlertTriangle size={20} aria-hidden />}>
          <Text size="sm">{t('calling.status.conflict')}</Text>
          <Button size="xs" variant="light" color="red" onClick={onDiscard}>
            {t('calling.status.discard')}
          </Button>
        </Notice>
      )
    case 'failed':
      return (
        <Notice color="red" icon={<IconAlertTriangle size={20} aria-hidden />}>
          <Text size="sm">{failure}</Text>
        </Notice>
      )
    default:
      return null
  }
}
