import { Alert, Badge, Button, Group, Modal, Stack, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { usersContract } from '../../../shared/contracts/users.js'
import { call } from '../../api/client.js'
import { describeUserError } from './MembershipRemoval.js'

/**
 * An account's state in the administration's user list, and the button that disables or enables it (confirmed). An
 * active account that also works in another network is not the caller's to disable: a short explanation stands
 * instead of the button (remove it from one's organisations).
 */
export function AccountToggle({
  user,
}: {
  user: { id: string; name: string; isActive: boolean; isInOtherNetwork: boolean }
}) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [isConfirming, setConfirming] = useState(false)
  const toggle = useMutation({
    mutationFn: () => call(user.isActive ? usersContract.disable : usersContract.enable, { params: { id: user.id } }),
    onSuccess: () => {
      setConfirming(false)
      notifications.show({
        message: t(user.isActive ? 'account.admin.doneDisabled' : 'account.admin.doneEnabled', { name: user.name }),
        color: 'teal',
      })
      void queryClient.invalidateQueries({ queryKey: ['users'] })
    },
  })
  const name = { name: user.name }
  const badge = (
    <Badge variant="light" color={user.isActive ? 'teal' : 'gray'}>
      {t(user.isActive ? 'account.admin.active' : 'account.admin.disabled')}
    </Badge>
  )
  if (user.isActive && user.isInOtherNetwork) {
    return (
      <Stack gap={4} align="flex-start">
        {badge}
        <Text size="xs" maw={220}>
          {t('account.admin.otherNetwork')}
        </Text>
      </Stack>
    )
  }
  return (
    <Group gap="xs" wrap="nowrap">
      {badge}
      <Button
        size="xs"
        variant="light"
        color={user.isActive ? 'red' : 'teal'}
        onClick={() => setConfirming(true)}
        aria-label={t(user.isActive ? 'account.admin.disableLabel' : 'account.admin.enableLabel', name)}
      >
        {t(user.isActive ? 'account.admin.disable' : 'account.admin.enable')}
      </Button>
      <Modal
        opened={isConfirming}
        onClose={() => setConfirming(false)}
        closeButtonProps={{ 'aria-label': t('account.admin.cancel') }}
        title={t(user.isActive ? 'account.admin.confirmDisableTitle' : 'account.admin.confirmEnableTitle', name)}
      >
        <Stack>
          <Text>{t(user.isActive ? 'account.admin.confirmDisable' : 'account.admin.confirmEnable', name)}</Text>
          {toggle.error && (
            <Alert color="red" role="alert">
              {describeUserError(t, toggle.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('account.admin.cancel')}
            </Button>
            <Button color={user.isActive ? 'red' : 'teal'} loading={toggle.isPending} onClick={() => toggle.mutate()}>
              {t(user.isActive ? 'account.admin.disable' : 'account.admin.enable')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Group>
  )
}
