import { Alert, Button, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core'
import { isEmail, isNotEmpty, useForm } from '@mantine/form'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatInstant } from '../../../shared/clock.js'
import { organizationsContract } from '../../../shared/contracts/organizations.js'
import { type Invitation, usersContract } from '../../../shared/contracts/users.js'
import { ROLES } from '../../../shared/roles.js'
import { call } from '../../api/client.js'
import { describeError } from '../../components/errors.js'

/** The administration's invitation by email: an account whose owner chooses the password through a mailed link. */
export function InviteForm() {
  const { t, i18n } = useTranslation()
  const queryClient = useQueryClient()
  const [result, setResult] = useState<string | null>(null)
  const organizations = useQuery({ queryKey: ['organizations'], queryFn: () => call(organizationsContract.list) })
  const form = useForm<Invitation>({
    initialValues: { email: '', name: '', organization: '', role: 'caller' },
    validate: {
      name: isNotEmpty(t('validation.required')),
      email: isEmail(t('validation.email')),
      organization: isNotEmpty(t('validation.required')),
    },
  })
  const invite = useMutation({
    mutationFn: (values: Invitation) => call(usersContract.invite, { body: values }),
    onSuccess: (answer) => {
      form.reset()
      setResult(
        !answer.invited
          ? t('account.invite.membership', { email: answer.user.email })
          : answer.expiresAt
            ? t('account.invite.sent', {
                email: answer.user.email,
                until: formatInstant(answer.expiresAt, i18n.language),
              })
            : t('account.invite.sentSso', { email: answer.user.email }),
      )
      void queryClient.invalidateQueries({ queryKey: ['users'] })
    },
  })
  return (
    <form noValidate onSubmit={form.onSubmit((values) => invite.mutate(values))} aria-labelledby="invite-title">
      <Stack gap="xs">
        <Title order={3} size="h4" id="invite-title">
          {t('account.invite.title')}
        </Title>
        <Text size="sm">{t('account.invite.intro')}</Text>
        {result && (
          <Alert color="teal" role="status" withCloseButton onClose={() => setResult(null)}>
            {result}
          </Alert>
        )}
        {invite.error && (
          <Alert color="red" role="alert">
            {describeError(t, invite.error)}
          </Alert>
        )}
        <Group align="start">
          <TextInput label={t('account.invite.name')} required {...form.getInputProps('name')} />
          <TextInput label={t('account.invite.email')} type="email" required {...form.getInputProps('email')} />
          <Select
            label={t('account.invite.organization')}
            required
            data={(organizations.data?.items ?? []).map((o) => ({ value: o.code, label: o.name }))}
            {...form.getInputProps('organization')}
          />
          <Select
            label={t('account.invite.role')}
            data={ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
            {...form.getInputProps('role')}
          />
        </Group>
        <Group>
          <Button type="submit" loading={invite.isPending}>
            {t('account.invite.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
