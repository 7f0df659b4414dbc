import { Alert, Anchor, Button, Stack, Text, TextInput, Title } from '@mantine/core'
import { useForm } from '@mantine/form'
import { useMutation } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { SessionUser } from '../../../shared/contracts/auth.js'
import { mfaApi } from './api.js'
import { codeErrorText, endsSignIn } from './code-errors.js'
import { Enrolment } from './Enrolment.js'
import { RecoveryCodes } from './RecoveryCodes.js'

type Stage =
  | { kind: 'code' | 'enrol' }
  | { kind: 'codes'; user: SessionUser; codes: string[] }
  | { kind: 'recoveryLeft'; user: SessionUser; left: number }

/**
 * The sign-in's second step, once the password was right: a code of the app (or a recovery code), or, when the role
 * requires a second factor the account does not have yet, its enrolment and the recovery codes. `onSignedIn` opens
 * the app; `onRestart` goes back to the password (the pending sign-in has ended), with the reason to show.
 */
export function SecondStep({
  step,
  onSignedIn,
  onRestart,
}: {
  step: 'code' | 'enrol'
  onSignedIn: (user: SessionUser) => void
  onRestart: (reason: string) => void
}) {
  const { t } = useTranslation()
  const [stage, setStage] = useState<Stage>({ kind: step })
  const restartIfEnded = (error: unknown) => {
    if (endsSignIn(error)) onRestart(codeErrorText(t, error))
  }
  if (stage.kind === 'codes') {
    return <RecoveryCodes codes={stage.codes} account={stage.user.email} onDone={() => onSignedIn(stage.user)} />
  }
  if (stage.kind === 'recoveryLeft') {
    return (
      <Stack>
        <Alert color={stage.left <= 3 ? 'yellow' : 'blue'} role="status">
          {t('mfa.code.recoveryLeft', { count: stage.left })} {t('mfa.code.recoveryAdvice')}
        </Alert>
        <div>
          <Button onClick={() => onSignedIn(stage.user)}>{t('mfa.code.continue')}</Button>
        </div>
      </Stack>
    )
  }
  if (stage.kind === 'enrol') {
    return (
      <Stack>
        <Title order={2} size="h3">
          {t('mfa.enrol.title')}
        </Title>
        <Text size="sm">{t('mfa.enrol.required')}</Text>
        <Enrolment
          queryKey="sign-in"
          begin={mfaApi.beginAtSignIn}
          confirm={mfaApi.confirmAtSignIn}
          onConfirmed={(answer) => setStage({ kind: 'codes', user: answer.user, codes: answer.recoveryCodes })}
          onError={restartIfEnded}
        />
        <Anchor component="button" type="button" size="sm" onClick={() => onRestart('')}>
          {t('mfa.code.back')}
        </Anchor>
      </Stack>
    )
  }
  return (
    <CodeForm
      onSignedIn={(answer) =>
        answer.recoveryCodesLeft === undefined
          ? onSignedIn(answer.user)
          : setStage({ kind: 'recoveryLeft', user: answer.user, left: answer.recoveryCodesLeft })
      }
      onError={restartIfEnded}
      onBack={() => onRestart('')}
    />
  )
}

function CodeForm({
  onSignedIn,
  onError,
  onBack,
}: {
  onSignedIn: (answer: Awaited<ReturnType<typeof mfaApi.verify>>) => void
  onError: (error: unknown) => void
  onBack: () => void
}) {
  const { t } = useTranslation()
  const [isRecovery, setRecovery] = useState(false)
  const form = useForm({
    initialValues: { code: '' },
    validate: {
      code: (value) => (isRecovery || /^\d{6}$/.test(value.trim()) ? null : t('mfa.errors.format')),
    },
  })
  const verify = useMutation({
    mutationFn: (code: string) => mfaApi.verify(code),
    onSuccess: onSignedIn,
    onError: (error) => {
      form.setFieldValue('code', '')
      onError(error)
    },
  })
  const switchMode = () => {
    setRecovery(!isRecovery)
    form.reset()
    verify.reset()
  }
  return (
    <form onSubmit={form.onSubmit((values) => verify.mutate(values.code.trim()))} noValidate>
      <Stack>
        <Title order={2} size="h3">
          {t('mfa.code.title')}
        </Title>
        <Text size="sm">{isRecovery ? t('mfa.code.recoveryIntro') : t('mfa.code.intro')}</Text>
        {verify.error && (
          <Alert color="red" role="alert">
            {codeErrorText(t, verify.error)}
          </Alert>
        )}
        {isRecovery ? (
          <TextInput
            key="recovery"
            label={t('mfa.code.recoveryLabel')}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={40}
            required
            data-autofocus
            {...form.getInputProps('code')}
          />
        ) : (
          <TextInput
            key="code"
            label={t('mfa.code.label')}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            required
            maw={220}
            {...form.getInputProps('code')}
          />
        )}
        <div>
          <Button type="submit" loading={verify.isPending}>
            {t('mfa.code.submit')}
          </Button>
        </div>
        <Anchor component="button" type="button" size="sm" onClick={switchMode}>
          {isRecovery ? t('mfa.code.useApp') : t('mfa.code.useRecovery')}
        </Anchor>
        <Anchor component="button" type="button" size="sm" onClick={onBack}>
          {t('mfa.code.back')}
        </Anchor>
      </Stack>
    </form>
  )
}
