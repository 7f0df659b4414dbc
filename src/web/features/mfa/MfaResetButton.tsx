import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { describeUserError } from '../account/MembershipRemoval.js'
import { mfaApi } from './api.js'

/**
 * In the administration's user list: whether the account has a second factor, and the button that removes it when
 * its owner lost their phone (confirmed).
 */
export function MfaResetButton({
  user,
}: {
  user: { id: string; name: string; hasSecondFactor: boolean; isInOtherNetwork: boolean }
}) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [isConfirming, setConfirming] = useState(false)
  const reset = useMutation({
    mutationFn: () => mfaApi.reset(user.id),
    onSuccess: () => {
      setConfirming(false)
      notifications.show({ message: t('mfa.admin.done', { name: user.name }), color: 'teal' })
      void queryClient.invalidateQueries({ queryKey: ['users'] })
    },
  })
  const name = { name: user.name }
  if (!user.hasSecondFactor) return null
  // Its second factor protects its other network too: only that network's administrators may remove it.
  if (user.isInOtherNetwork) {
    return (
      <Stack gap={2} align="flex-start">
        <Text size="xs" fw={600}>
          {t('mfa.admin.badge')}
        </Text>
        <Text size="xs" maw={220}>
          {t('account.admin.otherNetworkMfa')}
        </Text>
      </Stack>
    )
  }
  return (
    <Stack gap={2} align="flex-start">
      <Text size="xs" fw={600}>
        {t('mfa.admin.badge')}
      </Text>
      <Button
        size="xs"
        variant="subtle"
        color="gray"
        px={4}
        onClick={() => setConfirming(true)}
        aria-label={t('mfa.admin.resetLabel', name)}
      >
        {t('mfa.admin.reset')}
      </Button>
      <Modal
        opened={isConfirming}
        onClose={() => setConfirming(false)}
        closeButtonProps={{ 'aria-label': t('mfa.admin.cancel') }}
        title={t('mfa.admin.confirmTitle', name)}
      >
        <Stack>
          <Text>{t('mfa.admin.confirm', name)}</Text>
          {reset.error && (
            <Alert color="red" role="alert">
              {describeUserError(t, reset.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('mfa.admin.cancel')}
            </Button>
            <Button color="red" loading={reset.isPending} onClick={() => reset.mutate()}>
              {t('mfa.admin.submit')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  )
}
