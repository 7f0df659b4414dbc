import { Alert, Badge, Button, Group, Modal, Stack, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { usersContract } from '../../../shared/contracts/users.js'
import { call } from '../../api/client.js'
import { describeError } from '../../components/errors.js'

/** An account's state in the administration's user list, and the button that disables or enables it (confirmed). */
export function AccountToggle({ user }: { user: { id: string; name: string; isActive: boolean } }) {
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
  return (
    <Group gap="xs" wrap="nowrap">
      <Badge variant="light" color={user.isActive ? 'teal' : 'gray'}>
        {t(user.isActive ? 'account.admin.active' : 'account.admin.disabled')}
      </Badge>
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
              {describeError(t, toggle.error)}
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
