import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { describeError } from '../../components/errors.js'
import { mfaApi } from './api.js'

/** In the administration's user list: removes an account's second factor when its owner lost their phone. */
export function MfaResetButton({ user }: { user: { id: string; name: string } }) {
  const { t } = useTranslation()
  const [isConfirming, setConfirming] = useState(false)
  const reset = useMutation({
    mutationFn: () => mfaApi.reset(user.id),
    onSuccess: () => {
      setConfirming(false)
      notifications.show({ message: t('mfa.admin.done', { name: user.name }), color: 'teal' })
    },
  })
  const name = { name: user.name }
  return (
    <>
      <Button
        size="xs"
        variant="subtle"
        color="gray"
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
              {describeError(t, reset.error)}
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
    </>
  )
}
