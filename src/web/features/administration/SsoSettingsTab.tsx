import {
  ActionIcon,
  Alert,
  Button,
  Code,
  Group,
  List,
  Modal,
  PasswordInput,
  Radio,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { isNotEmpty, useForm } from '@mantine/form'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { organizationsContract } from '../../../shared/contracts/organizations.js'
import {
  isSensitiveSsoRole,
  MAX_ROLE_MAPPING_LINES,
  type PasswordMembers,
  type RoleMappingLine,
  SSO_PROVISIONING,
  type SsoProvisioning,
  type SsoSettings,
  ssoContract,
} from '../../../shared/contracts/sso.js'
import { ROLES } from '../../../shared/roles.js'
import { ApiError, call, reasonOf } from '../../api/client.js'
import { describeError } from '../../components/errors.js'

interface SsoFormValues {
  isEnabled: boolean
  issuer: string
  clientId: string
  clientSecret: string
  scopes: string
  groupsClaim: string
  provisioning: SsoProvisioning
  requireSso: boolean
  roleMapping: RoleMappingLine[]
}

function initialValues(settings: SsoSettings | null): SsoFormValues {
  return {
    isEnabled: settings?.isEnabled ?? false,
    issuer: settings?.issuer ?? '',
    clientId: settings?.clientId ?? '',
    clientSecret: '',
    scopes: settings?.scopes ?? 'openid email profile',
    groupsClaim: settings?.groupsClaim ?? 'groups',
    provisioning: settings?.provisioning ?? 'first_sign_in',
    requireSso: settings?.requireSso ?? false,
    roleMapping: settings?.roleMapping.length ? settings.roleMapping : [{ group: '', role: 'caller' }],
  }
}

/** The lines that will be saved (a line without a group is dropped). */
function savedLines(roleMapping: RoleMappingLine[]) {
  return roleMapping.filter((line) => line.group.trim() !== '')
}

/** Whether saving these values makes single sign-on required where it was not: passwords stop opening the organisation. */
function isNewlyRequired(values: SsoFormValues, settings: SsoSettings | null) {
  return values.isEnabled && values.requireSso && !(settings?.isEnabled && settings.requireSso)
}

function SsoForm({
  code,
  settings,
  passwordMembers,
}: {
  code: string
  settings: SsoSettings | null
  passwordMembers: PasswordMembers
}) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const form = useForm<SsoFormValues>({
    initialValues: initialValues(settings),
    validate: {
      issuer: isNotEmpty(t('validation.required')),
      clientId: isNotEmpty(t('validation.required')),
      clientSecret: (value) => (settings?.hasClientSecret || value.trim() ? null : t('validation.required')),
      scopes: isNotEmpty(t('validation.required')),
      groupsClaim: isNotEmpty(t('validation.required')),
    },
  })
  const save = useMutation({
    mutationFn: ({ clientSecret, roleMapping, ...values }: SsoFormValues) =>
      call(ssoContract.saveSettings, {
        params: { code },
        body: {
          ...values,
          // An empty secret keeps the stored one.
          ...(clientSecret.trim() ? { clientSecret } : {}),
          roleMapping: savedLines(roleMapping),
        },
      }),
    onSuccess: (answer) => {
      notifications.show({ message: t('admin.sso.saved'), color: 'teal' })
      queryClient.setQueryData(['sso-settings', code], answer)
      void queryClient.invalidateQueries({ queryKey: ['sso-organizations'] })
      form.setFieldValue('clientSecret', '')
    },
  })
  // Values waiting for the administrator to confirm the lines that give an administrator's or a DPO's role, and
  // requiring single sign-on (what it does to the accounts that sign in with a password today).
  const [confirming, setConfirming] = useState<SsoFormValues | null>(null)
  const sensitiveLines = (values: SsoFormValues) =>
    savedLines(values.roleMapping).filter((line) => isSensitiveSsoRole(line.role))
  const confirmingLines = confirming ? sensitiveLines(confirming) : []
  const confirmingRequired = confirming !== null && isNewlyRequired(confirming, settings)
  const submit = (values: SsoFormValues) => {
    if (sensitiveLines(values).length > 0 || isNewlyRequired(values, settings)) setConfirming(values)
    else save.mutate(values)
  }
  const hasSecret = settings?.hasClientSecret ?? false
  const saveError =
    save.error instanceof ApiError && save.error.code === 'UNPROCESSABLE'
      ? t('admin.sso.noKey')
      : reasonOf(save.error) === 'sso_not_proven'
        ? t('admin.sso.notProven')
        : save.error
          ? describeError(t, save.error)
          : null
  return (
    <form noValidate onSubmit={form.onSubmit(submit)}>
      <Stack maw={760}>
        {saveError && (
          <Alert color="red" role="alert">
            {saveError}
          </Alert>
        )}
        <Switch label={t('admin.sso.isEnabled')} {...form.getInputProps('isEnabled', { type: 'checkbox' })} />
        <TextInput
          label={t('admin.sso.issuer')}
          description={t('admin.sso.issuerHint')}
          required
          type="url"
          {...form.getInputProps('issuer')}
        />
        <Group grow align="start">
          <TextInput label={t('admin.sso.clientId')} required {...form.getInputProps('clientId')} />
          <PasswordInput
            label={t('admin.sso.clientSecret')}
            description={hasSecret ? t('admin.sso.secretStored') : t('admin.sso.secretMissing')}
            autoComplete="new-password"
            required={!hasSecret}
            {...form.getInputProps('clientSecret')}
          />
        </Group>
        <Group grow align="start">
          <TextInput
            label={t('admin.sso.scopes')}
            description={t('admin.sso.scopesHint')}
            required
            {...form.getInputProps('scopes')}
          />
          <TextInput label={t('admin.sso.groupsClaim')} required {...form.getInputProps('groupsClaim')} />
        </Group>
        <Switch
          label={t('admin.sso.requireSso')}
          description={t('admin.sso.requireSsoHint')}
          {...form.getInputProps('requireSso', { type: 'checkbox' })}
        />
        <Radio.Group label={t('admin.sso.provisioning')} {...form.getInputProps('provisioning')}>
          <Stack gap="xs" mt="xs">
            {SSO_PROVISIONING.map((mode) => (
              <Radio key={mode} value={mode} label={t(`admin.sso.provisioningOptions.${mode}`)} />
            ))}
          </Stack>
        </Radio.Group>
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <Title order={3} size="h5" component="legend">
            {t('admin.sso.mapping')}
          </Title>
          <Text size="sm" c="dimmed" mb="xs">
            {t('admin.sso.mappingHint')}
          </Text>
          <Stack gap="xs">
            {form.values.roleMapping.map((line, index) => (
              // Lines have no id of their own; their place is what the administrator orders.
              // biome-ignore lint/suspicious/noArrayIndexKey: the index is the line's identity (its priority)
              <Stack key={index} gap={4}>
                <Group align="end" wrap="nowrap">
                  <TextInput
                    label={`${t('admin.sso.group')} ${index + 1}`}
                    style={{ flex: 1 }}
                    {...form.getInputProps(`roleMapping.${index}.group`)}
                  />
                  <Select
                    label={`${t('admin.sso.role')} ${index + 1}`}
                    data={ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
                    allowDeselect={false}
                    {...form.getInputProps(`roleMapping.${index}.role`)}
                  />
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    size="lg"
                    mb={4}
                    aria-label={t('admin.sso.removeLine', { number: index + 1 })}
                    onClick={() => form.removeListItem('roleMapping', index)}
                  >
                    ×
                  </ActionIcon>
                </Group>
                {isSensitiveSsoRole(line.role) && (
                  // Announced when the role is chosen, and read right after the line's fields.
                  <Alert color="orange" role="alert" data-testid={`sso-line-warning-${index + 1}`}>
                    {t(`admin.sso.sensitive.${line.role}`)}
                  </Alert>
                )}
              </Stack>
            ))}
          </Stack>
          <Button
            variant="default"
            mt="xs"
            disabled={form.values.roleMapping.length >= MAX_ROLE_MAPPING_LINES}
            onClick={() => form.insertListItem('roleMapping', { group: '', role: 'caller' })}
          >
            {t('admin.sso.addLine')}
          </Button>
        </fieldset>
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t('admin.sso.save')}
          </Button>
        </Group>
      </Stack>
      <Modal
        opened={confirming !== null}
        onClose={() => setConfirming(null)}
        closeButtonProps={{ 'aria-label': t('admin.sso.confirm.cancel') }}
        title={confirmingLines.length > 0 ? t('admin.sso.confirm.title') : t('admin.sso.require.title')}
        size="lg"
      >
        <Stack>
          {confirmingLines.length > 0 && (
            <>
              <Text>{t('admin.sso.confirm.intro')}</Text>
              <List>
                {confirmingLines.map((line) => (
                  <List.Item key={`${line.group}-${line.role}`}>
                    {t('admin.sso.confirm.line', {
                      group: line.group.trim(),
                      role: t(`roles.${line.role}`),
                      reach: t(`admin.sso.confirm.reach.${line.role}`),
                    })}
                  </List.Item>
                ))}
              </List>
            </>
          )}
          {confirmingRequired && (
            <Stack gap="xs" data-testid="sso-require-consequences">
              {confirmingLines.length > 0 && (
                <Title order={3} size="h5">
                  {t('admin.sso.require.title')}
                </Title>
              )}
              <Text>
                {passwordMembers.count > 0
                  ? t('admin.sso.require.members', { count: passwordMembers.count })
                  : t('admin.sso.require.none')}
              </Text>
              {passwordMembers.alsoElsewhere > 0 && (
                <Text>{t('admin.sso.require.elsewhere', { count: passwordMembers.alsoElsewhere })}</Text>
              )}
              {passwordMembers.count > 0 && <Text>{t('admin.sso.require.check')}</Text>}
            </Stack>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(null)}>
              {t('admin.sso.confirm.cancel')}
            </Button>
            <Button
              color="red"
              onClick={() => {
                if (confirming) save.mutate(confirming)
                setConfirming(null)
              }}
            >
              {confirmingLines.length > 0 ? t('admin.sso.confirm.submit') : t('admin.sso.require.submit')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </form>
  )
}

/** « Connexion unique »: an organisation's OpenID provider and how its groups become roles. */
export function SsoSettingsTab() {
  const { t } = useTranslation()
  const organizations = useQuery({ queryKey: ['organizations'], queryFn: () => call(organizationsContract.list) })
  const [chosen, setChosen] = useState<string | null>(null)
  const code = chosen ?? organizations.data?.items[0]?.code ?? null
  const settings = useQuery({
    queryKey: ['sso-settings', code],
    queryFn: () => call(ssoContract.readSettings, { params: { code: code! } }),
    enabled: code !== null,
  })
  return (
    <Stack>
      <Text size="sm">{t('admin.sso.intro')}</Text>
      <Select
        label={t('admin.sso.organization')}
        placeholder={t('admin.sso.choose')}
        maw={420}
        allowDeselect={false}
        data={(organizations.data?.items ?? []).map((o) => ({ value: o.code, label: o.name }))}
        value={code}
        onChange={setChosen}
      />
      {settings.error && (
        <Alert color="red" role="alert">
          {describeError(t, settings.error)}
        </Alert>
      )}
      {settings.data && code && (
        <>
          <div>
            <Text size="sm" fw={500}>
              {t('admin.sso.redirectUri')}
            </Text>
            <Code data-testid="sso-redirect-uri">{settings.data.redirectUri}</Code>
          </div>
          <div>
            <Text size="sm" fw={500}>
              {t('admin.sso.backchannelLogoutUri')}
            </Text>
            <Text size="xs" c="dimmed">
              {t('admin.sso.backchannelLogoutHint')}
            </Text>
            <Code data-testid="sso-backchannel-logout-uri">{settings.data.backchannelLogoutUri}</Code>
          </div>
          <SsoForm
            key={code}
            code={code}
            settings={settings.data.settings}
            passwordMembers={settings.data.passwordMembers}
          />
        </>
      )}
    </Stack>
  )
}
