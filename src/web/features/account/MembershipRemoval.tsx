import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { TFunction } from 'i18next'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  type MembershipSignIn,
  USER_CONFLICT_REASONS,
  type UserConflictReason,
  usersContract,
} from '../../../shared/contracts/users.js'
import type { Role } from '../../../shared/roles.js'
import { ApiError, call } from '../../api/client.js'
import { describeError } from '../../components/errors.js'

/** A refusal of the users' routes in plain words: its reason when it gives one (users contract), else the usual. */
export function describeUserError(t: TFunction, error: unknown): string {
  const reason = error instanceof ApiError ? (error.details as { reason?: unknown } | undefined)?.reason : undefined
  if (USER_CONFLICT_REASONS.includes(reason as UserConflictReason)) return t(`account.admin.conflict.${reason}`)
  return describeError(t, error)
}

interface Props {
  user: { id: string; name: string; isInOtherNetwork: boolean; membershipCount: number }
  membership: { organization: { code: string; name: string }; role: Role; signIn: MembershipSignIn }
}

/**
 * One membership of an account in the administration's user list, with the button that takes the person out of that
 * organisation (confirmed in a modal naming the person, the organisation and the role; the result is notified).
 */
export function MembershipRemoval({ user, membership }: Props) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [isConfirming, setConfirming] = useState(false)
  const words = { name: user.name, organization: membership.organization.name, role: t(`roles.${membership.role}`) }
  // Known before asking: an account with no other membership anywhere is disabled with its last one.
  const isLast = user.membershipCount === 1 && !user.isInOtherNetwork
  // An account bound to the organisation's provider that stays active gets the membership back at its next single
  // sign-on while the provider's groups map to a role (resolveAccount). Not one awaiting its first: the provider does not
  // bind an account that has another organisation (account_elsewhere), and a disabled account is refused.
  const isGivenBackByProvider = membership.signIn === 'provider' && !isLast
  const remove = useMutation({
    mutationFn: () =>
      call(usersContract.removeMembership, { params: { id: user.id, code: membership.organization.code } }),
    onSuccess: (result) => {
      setConfirming(false)
      notifications.show({
        message: result.accountDisabled
          ? t('account.admin.doneRemovedDisabled', words)
          : isGivenBackByProvider
            ? `${t('account.admin.doneRemoved', words)} ${t('account.admin.doneRemovedProvider')}`
            : t('account.admin.doneRemoved', words),
        color: 'teal',
      })
      void queryClient.invalidateQueries({ queryKey: ['users'] })
    },
  })
  const close = () => {
    setConfirming(false)
    remove.reset()
  }
  return (
    <Stack gap={0} align="flex-start">
      <Text size="sm">
        {t(`roles.${membership.role}`)} — {membership.organization.code}
      </Text>
      {membership.signIn === 'provider' && (
        <Text size="xs" c="dimmed">
          {t('account.admin.signIn.provider')}
        </Text>
      )}
      {membership.signIn === 'awaiting_provider' && (
        <Text size="xs" fw={600} data-testid="membership-awaiting-provider">
          {t('account.admin.signIn.awaiting_provider')}
        </Text>
      )}
      <Button
        size="compact-xs"
        variant="subtle"
        color="red"
        px={4}
        ml={-4}
        styles={{ label: { overflow: 'visible' } }}
        onClick={() => setConfirming(true)}
        aria-label={t('account.admin.removeLabel', words)}
      >
        {t('account.admin.remove')}
      </Button>
      <Modal
        opened={isConfirming}
        onClose={close}
        closeButtonProps={{ 'aria-label': t('account.admin.cancel') }}
        title={t('account.admin.confirmRemoveTitle', words)}
      >
        <Stack>
          <Text>{t('account.admin.confirmRemove', words)}</Text>
          {isLast && <Text fw={600}>{t('account.admin.confirmRemoveLast', words)}</Text>}
          {isGivenBackByProvider && <Text fw={600}>{t('account.admin.confirmRemoveProvider')}</Text>}
          {remove.error && (
            <Alert color="red" role="alert">
              {describeUserError(t, remove.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('account.admin.cancel')}
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
              {t('account.admin.remove')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  )
}
