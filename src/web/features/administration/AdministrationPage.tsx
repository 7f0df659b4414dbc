import { Alert, Button, Group, PasswordInput, Select, Stack, Table, Tabs, TextInput, Title } from '@mantine/core'
import { isEmail, isNotEmpty, useForm } from '@mantine/form'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatInstant } from '../../../shared/clock.js'
import { type NewOrganization, organizationsContract } from '../../../shared/contracts/organizations.js'
import {
  type NewUser,
  PASSWORD_MIN_LENGTH,
  type PasswordRefusalReason,
  usersContract,
} from '../../../shared/contracts/users.js'
import { ORGANIZATION_TYPES, ROLES } from '../../../shared/roles.js'
import { ApiError, call } from '../../api/client.js'
import { describeError } from '../../components/errors.js'
import { AccountToggle } from '../account/AccountToggle.js'
import { InviteForm } from '../account/InviteForm.js'
import { MembershipRemoval } from '../account/MembershipRemoval.js'
import { MfaResetButton } from '../mfa/MfaResetButton.js'
import { SsoSettingsTab } from './SsoSettingsTab.js'

function OrganizationsTab() {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const organizations = useQuery({ queryKey: ['organizations'], queryFn: () => call(organizationsContract.list) })
  const form = useForm<NewOrganization>({
    initialValues: { code: '', name: '', type: 'partner' },
    validate: { code: isNotEmpty(t('validation.required')), name: isNotEmpty(t('validation.required')) },
  })
  const create = useMutation({
    mutationFn: (values: typeof form.values) => call(organizationsContract.create, { body: values }),
    onSuccess: () => {
      form.reset()
      notifications.show({ message: t('admin.created'), color: 'teal' })
      void queryClient.invalidateQueries({ queryKey: ['organizations'] })
    },
  })
  return (
    <Stack>
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('admin.code')}</Table.Th>
            <Table.Th>{t('admin.name')}</Table.Th>
            <Table.Th>{t('admin.type')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {organizations.data?.items.map((organization) => (
            <Table.Tr key={organization.id}>
              <Table.Td>{organization.code}</Table.Td>
              <Table.Td>{organization.name}</Table.Td>
              <Table.Td>{t(`orgTypes.${organization.type}`)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <form noValidate onSubmit={form.onSubmit((values) => create.mutate(values))}>
        <Title order={3} size="h4" mb="xs">
          {t('admin.addOrganization')}
        </Title>
        {create.error && (
          <Alert color="red" role="alert" mb="xs">
            {describeError(t, create.error)}
          </Alert>
        )}
        <Group align="end">
          <TextInput label={t('admin.code')} required {...form.getInputProps('code')} />
          <TextInput label={t('admin.name')} required {...form.getInputProps('name')} />
          <Select
            label={t('admin.type')}
            data={ORGANIZATION_TYPES.map((type) => ({ value: type, label: t(`orgTypes.${type}`) }))}
            {...form.getInputProps('type')}
          />
          <Button type="submit" loading={create.isPending}>
            {t('admin.addOrganization')}
          </Button>
        </Group>
      </form>
    </Stack>
  )
}

/** The refusal of a chosen password, as the server details it (users contract, PASSWORD_REFUSAL_REASONS). */
interface PasswordRefusalDetails {
  field: 'password'
  reason: PasswordRefusalReason
  warning: string | null
  suggestions: string[]
}

function isPasswordRefusal(error: unknown): error is ApiError & { details: PasswordRefusalDetails } {
  if (!(error instanceof ApiError) || error.code !== 'VALIDATION_FAILED') return false
  const details = error.details as Partial<PasswordRefusalDetails> | undefined
  return details?.field === 'password' && typeof details.reason === 'string'
}

function isAddressRefusal(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    error.code === 'CONFLICT' &&
    (error.details as { field?: string } | undefined)?.field === 'email'
  )
}

function UsersTab() {
  const { t, i18n } = useTranslation()
  const queryClient = useQueryClient()
  const [password, setPassword] = useState<string | null>(null)
  const users = useQuery({ queryKey: ['users'], queryFn: () => call(usersContract.list) })
  const organizations = useQuery({ queryKey: ['organizations'], queryFn: () => call(organizationsContract.list) })
  const form = useForm<NewUser & { password: string }>({
    initialValues: { email: '', name: '', organization: '', role: 'caller', password: '' },
    validate: {
      name: isNotEmpty(t('validation.required')),
      email: isEmail(t('validation.email')),
      organization: isNotEmpty(t('validation.required')),
    },
  })
  const create = useMutation({
    // An empty password field asks the server to generate one.
    mutationFn: ({ password, ...values }: typeof form.values) =>
      call(usersContract.create, { body: password ? { ...values, password } : values }),
    onError: (error) => {
      if (isPasswordRefusal(error)) {
        const { reason, warning, suggestions } = error.details
        const advice = [warning, ...suggestions].filter(Boolean).join(' ')
        const refusal = t(`admin.passwordRefused.${reason}`, { count: PASSWORD_MIN_LENGTH })
        form.setFieldError('password', advice ? `${refusal} ${advice}` : refusal)
      } else if (isAddressRefusal(error)) {
        form.setFieldError('email', t('admin.emailUnavailable'))
      }
    },
    onSuccess: (result) => {
      form.reset()
      setPassword(
        result.generatedPassword
          ? t('admin.generatedPassword', { email: result.user.email, password: result.generatedPassword })
          : null,
      )
      void queryClient.invalidateQueries({ queryKey: ['users'] })
    },
  })
  return (
    <Stack>
      {password && (
        <Alert color="teal" role="status" withCloseButton onClose={() => setPassword(null)}>
          {password}
        </Alert>
      )}
      <Table.ScrollContainer minWidth={860}>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.name')}</Table.Th>
              <Table.Th>{t('admin.email')}</Table.Th>
              <Table.Th>{t('admin.memberships')}</Table.Th>
              <Table.Th>{t('admin.lastLogin')}</Table.Th>
              <Table.Th>{t('account.admin.status')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.data?.items.map((user) => (
              <Table.Tr key={user.id}>
                <Table.Td>{user.name}</Table.Td>
                <Table.Td>{user.email}</Table.Td>
                <Table.Td>
                  <Stack gap={6}>
                    {user.memberships.map((membership) => (
                      <MembershipRemoval
                        key={membership.organization.code}
                        user={{ ...user, membershipCount: user.memberships.length }}
                        membership={membership}
                      />
                    ))}
                  </Stack>
                </Table.Td>
                <Table.Td>
                  {user.lastLoginAt ? formatInstant(user.lastLoginAt, i18n.language) : t('admin.never')}
                </Table.Td>
                <Table.Td>
                  <Stack gap={4} align="flex-start" miw={190}>
                    <AccountToggle user={user} />
                    <MfaResetButton user={user} />
                  </Stack>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <InviteForm />
      <form noValidate onSubmit={form.onSubmit((values) => create.mutate(values))}>
        <Title order={3} size="h4" mb="xs">
          {t('admin.addUser')}
        </Title>
        {create.error && !isPasswordRefusal(create.error) && !isAddressRefusal(create.error) && (
          <Alert color="red" role="alert" mb="xs">
            {describeError(t, create.error)}
          </Alert>
        )}
        <Group align="start">
          <TextInput label={t('admin.name')} required {...form.getInputProps('name')} />
          <TextInput label={t('admin.email')} type="email" required {...form.getInputProps('email')} />
          <Select
            label={t('admin.organization')}
            required
            data={(organizations.data?.items ?? []).map((o) => ({ value: o.code, label: o.name }))}
            {...form.getInputProps('organization')}
          />
          <Select
            label={t('admin.role')}
            data={ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
            {...form.getInputProps('role')}
          />
          <PasswordInput
            label={t('admin.password')}
            description={t('admin.passwordHint', { count: PASSWORD_MIN_LENGTH })}
            autoComplete="new-password"
            maw={360}
            {...form.getInputProps('password')}
          />
        </Group>
        <Group mt="sm">
          <Button type="submit" loading={create.isPending}>
            {t('admin.addUser')}
          </Button>
        </Group>
      </form>
    </Stack>
  )
}

export function AdministrationPage() {
  const { t } = useTranslation()
  return (
    <Stack>
      <Title order={2}>{t('admin.title')}</Title>
      <Tabs defaultValue="organizations">
        <Tabs.List>
          <Tabs.Tab value="organizations">{t('admin.organizations')}</Tabs.Tab>
          <Tabs.Tab value="users">{t('admin.users')}</Tabs.Tab>
          <Tabs.Tab value="sso">{t('admin.sso.tab')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="organizations" pt="md">
          <OrganizationsTab />
        </Tabs.Panel>
        <Tabs.Panel value="users" pt="md">
          <UsersTab />
        </Tabs.Panel>
        <Tabs.Panel value="sso" pt="md">
          <SsoSettingsTab />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  )
}
