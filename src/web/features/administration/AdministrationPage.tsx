import { Alert, Button, Group, Select, Stack, Table, Tabs, TextInput, Title } from '@mantine/core'
import { useForm } from '@mantine/form'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatInstant } from '../../../shared/clock.js'
import { type NewOrganization, organizationsContract } from '../../../shared/contracts/organizations.js'
import { type NewUser, usersContract } from '../../../shared/contracts/users.js'
import { ORGANIZATION_TYPES, ROLES } from '../../../shared/roles.js'
import { call } from '../../api/client.js'
import { describeError } from '../../components/errors.js'

function OrganizationsTab() {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const organizations = useQuery({ queryKey: ['organizations'], queryFn: () => call(organizationsContract.list) })
  const form = useForm<NewOrganization>({ initialValues: { code: '', name: '', type: 'partner' } })
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
      <form onSubmit={form.onSubmit((values) => create.mutate(values))}>
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

function UsersTab() {
  const { t, i18n } = useTranslation()
  const queryClient = useQueryClient()
  const [password, setPassword] = useState<string | null>(null)
  const users = useQuery({ queryKey: ['users'], queryFn: () => call(usersContract.list) })
  const organizations = useQuery({ queryKey: ['organizations'], queryFn: () => call(organizationsContract.list) })
  const form = useForm<NewUser>({ initialValues: { email: '', name: '', organization: '', role: 'caller' } })
  const create = useMutation({
    mutationFn: (values: typeof form.values) => call(usersContract.create, { body: values }),
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
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('admin.name')}</Table.Th>
            <Table.Th>{t('admin.email')}</Table.Th>
            <Table.Th>{t('admin.memberships')}</Table.Th>
            <Table.Th>{t('admin.lastLogin')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.data?.items.map((user) => (
            <Table.Tr key={user.id}>
              <Table.Td>{user.name}</Table.Td>
              <Table.Td>{user.email}</Table.Td>
              <Table.Td>
                {user.memberships.map((m) => `${t(`roles.${m.role}`)} — ${m.organization.code}`).join(', ')}
              </Table.Td>
              <Table.Td>
                {user.lastLoginAt ? formatInstant(user.lastLoginAt, i18n.language) : t('admin.never')}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <form onSubmit={form.onSubmit((values) => create.mutate(values))}>
        <Title order={3} size="h4" mb="xs">
          {t('admin.addUser')}
        </Title>
        {create.error && (
          <Alert color="red" role="alert" mb="xs">
            {describeError(t, create.error)}
          </Alert>
        )}
        <Group align="end">
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
        </Tabs.List>
        <Tabs.Panel value="organizations" pt="md">
          <OrganizationsTab />
        </Tabs.Panel>
        <Tabs.Panel value="users" pt="md">
          <UsersTab />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  )
}
