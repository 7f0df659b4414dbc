import { Button, Group, Modal, Stack, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'

export interface PendingConfirmation {
  title: string
  text: string
  confirm: string
  onConfirm: () => void
}

/**
 * Asks before a removal or a discard in the builders: the consequence in words, « Annuler » first, the destructive
 * button in red. `pending` null keeps it closed.
 */
export function DestructiveConfirm({ pending, onClose }: { pending: PendingConfirmation | null; onClose: () => void }) {
  const { t } = useTranslation()
  return (
    <Modal
      opened={pending !== null}
      onClose={onClose}
      title={pending?.title}
      closeButtonProps={{ 'aria-label': t('builder.close') }}
    >
      <Stack>
        <Text>{pending?.text}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('builder.cancel')}
          </Button>
          <Button
            color="red.8"
            onClick={() => {
              pending?.onConfirm()
              onClose()
            }}
          >
            {pending?.confirm}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
