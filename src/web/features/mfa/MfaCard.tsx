import { Alert, Button, Card, Group, Modal, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core'
import { useForm } from '@mantine/form'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatInstant } from '../../../shared/clock.js'
import { ApiError } from '../../api/client.js'
import { describeError } from '../../components/errors.js'
import { mfaApi } from './api.js'
import { codeErrorText } from './code-errors.js'
import { Enrolment } from './Enrolment.js'
import { RecoveryCodes } from './RecoveryCodes.js'

type Mode = { kind: 'view' } | { kind: 'enrolling' } | { kind: 'codes'; codes: string[] }

/** « Mon compte »: one's second factor — turn it on, new recovery codes, turn it off (unless the role requires it). */
export function MfaCard({ email }: { email: string }) {
  const { t, i18n } = useTranslation()
  const queryClient = useQueryClient()
  const status = useQuery({ queryKey: ['account', 'mfa'], queryFn: mfaApi.status })
  const [mode, setMode] = useState<Mode>({ kind: 'view' })
  const [dialog, setDialog] = useState<'disable' | 'regenerate' | null>(null)
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['account', 'mfa'] })

  let body: React.ReactNode = null
  if (status.isError) {
    body = (
      <Alert color="red" role="alert">
        {describeError(t, status.error)}
      </Alert>
    )
  } else if (mode.kind === 'enrolling') {
    body = (
      <Enrolment
        queryKey="account"
        begin={mfaApi.begin}
        confirm={mfaApi.confirm}
        onConfirmed={(answer) => {
          notifications.show({ message: t('mfa.card.enabled'), color: 'teal' })
          setMode({ kind: 'codes', codes: answer.recoveryCodes })
          void refresh()
        }}
        onCancel={() => setMode({ kind: 'view' })}
      />
    )
  } else if (mode.kind === 'codes') {
    body = <RecoveryCodes codes={mode.codes} account={email} onDone={() => setMode({ kind: 'view' })} />
  } else if (status.data?.enabled) {
    const { enabledAt, recoveryCodesLeft, isRequired } = status.data
    body = (
      <Stack>
        <Text>
          {t('mfa.card.on', { date: formatInstant(enabledAt ?? '', i18n.language) })}{' '}
          {t('mfa.card.left', { count: recoveryCodesLeft })}
        </Text>
        {isRequired && <Text size="sm">{t('mfa.card.required')}</Text>}
        <Group>
          <Button variant="default" onClick={() => setDialog('regenerate')}>
            {t('mfa.card.regenerate')}
          </Button>
          {!isRequired && (
            <Button variant="light" color="red" onClick={() => setDialog('disable')}>
              {t('mfa.card.disable')}
            </Button>
          )}
        </Group>
      </Stack>
    )
  } else if (status.data) {
    body = (
      <Stack>
        <Text>{t('mfa.card.off')}</Text>
        <div>
          <Button onClick={() => setMode({ kind: 'enrolling' })}>{t('mfa.card.enable')}</Button>
        </div>
      </Stack>
    )
  }
  return (
    <Card withBorder component="section" aria-labelledby="account-mfa">
      <Stack>
        <Title order={3} size="h4" id="account-mfa">
          {t('mfa.card.title')}
        </Title>
        {body}
      </Stack>
      <ProofDialog
        kind={dialog}
        onClose={() => setDialog(null)}
        onDone={(codes) => {
          setDialog(null)
          void refresh()
          if (codes) setMode({ kind: 'codes', codes })
          else notifications.show({ message: t('mfa.card.disabled'), color: 'teal' })
        }}
      />
    </Card>
  )
}

/** Asks the password (or, for new recovery codes, a code of the app) before changing the second factor. */
function ProofDialog({
  kind,
  onClose,
  onDone,
}: {
  kind: 'disable' | 'regenerate' | null
  onClose: () => void
  onDone: (codes?: string[]) => void
}) {
  const { t } = useTranslation()
  const form = useForm({ initialValues: { password: '', code: '' } })
  const submit = useMutation({
    mutationFn: async (values: { password: string; code: string }) => {
      if (kind === 'disable') {
        await mfaApi.disable(values.password)
        return undefined
      }
      const proof = values.code.trim() ? { code: values.code.trim() } : { password: values.password }
      return (await mfaApi.regenerate(proof)).recoveryCodes
    },
    onSuccess: (codes) => {
      form.reset()
      onDone(codes)
    },
  })
  const close = () => {
    form.reset()
    submit.reset()
    onClose()
  }
  const error = submit.error
  const details =
    error instanceof ApiError ? (error.details as { field?: string; reason?: string } | undefined) : undefined
  let errorText: string | null = null
  if (details?.reason === 'proof_required') errorText = t('mfa.card.proofNeeded')
  else if (details?.field === 'password') errorText = t('mfa.card.wrongPassword')
  else if (error) errorText = codeErrorText(t, error)
  return (
    <Modal
      opened={kind !== null}
      onClose={close}
      closeButtonProps={{ 'aria-label': t('mfa.card.cancel') }}
      title={kind === 'disable' ? t('mfa.card.disableTitle') : t('mfa.card.regenerateTitle')}
    >
      <form
        onSubmit={form.onSubmit((values) => {
          if (kind === 'regenerate' && !values.password && !values.code.trim()) {
            form.setFieldError('password', t('mfa.card.proofNeeded'))
            return
          }
          submit.mutate(values)
        })}
        noValidate
      >
        <Stack>
          <Text size="sm">{kind === 'disable' ? t('mfa.card.disableIntro') : t('mfa.card.regenerateIntro')}</Text>
          {errorText && (
            <Alert color="red" role="alert">
              {errorText}
            </Alert>
          )}
          <PasswordInput
            label={t('mfa.card.password')}
            autoComplete="current-password"
            required={kind === 'disable'}
            {...form.getInputProps('password')}
          />
          {kind === 'regenerate' && (
            <TextInput
              label={t('mfa.card.orCode')}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              maw={220}
              {...form.getInputProps('code')}
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('mfa.card.cancel')}
            </Button>
            <Button type="submit" color={kind === 'disable' ? 'red' : undefined} loading={submit.isPending}>
              {kind === 'disable' ? t('mfa.card.disable') : t('mfa.card.regenerate')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
