import { Select, Stack, Tabs, Text, Title } from '@mantine/core'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Navigate } from 'react-router'
import type { SessionUser } from '../../../shared/contracts/auth.js'
import { useTabInAddress } from '../../components/tab-in-address.js'
import { RetentionPanel } from '../retention/RetentionPanel.js'
import { SensitiveFlagsPanel } from '../sensitive-flags/SensitiveFlagsPanel.js'
import { AuditLogTab, type DeskOrganization } from './AuditLogTab.js'
import { RequestsTab } from './RequestsTab.js'

/** The tabs of the desk, as they read in the address (`?tab=`), so the home page links straight to one. */
export const DESK_TABS = ['journal', 'demandes', 'conservation', 'notes'] as const
export const DESK_PATH = '/protection-des-donnees'

/** The organisations whose data protection the user looks after: those where they are DPO or administrator. */
export function deskOrganizations(user: SessionUser): DeskOrganization[] {
  const found = new Map<string, DeskOrganization>()
  for (const membership of user.memberships) {
    if (membership.role !== 'dpo' && membership.role !== 'admin') continue
    found.set(membership.organization.code, { code: membership.organization.code, name: membership.organization.name })
  }
  return [...found.values()]
}

/** One organisation chosen among several (retention is read per organisation); nothing shown when there is one. */
function OrganizationChoice({
  organizations,
  value,
  onChange,
}: {
  organizations: DeskOrganization[]
  value: string
  onChange: (code: string) => void
}) {
  const { t } = useTranslation()
  if (organizations.length < 2) return null
  return (
    <Select
      label={t('dataProtection.organization')}
      data={organizations.map((organization) => ({ value: organization.code, label: organization.name }))}
      value={value}
      onChange={(code) => code && onChange(code)}
      allowDeselect={false}
      w={280}
    />
  )
}

/**
 * « Protection des données »: the desk of the data protection officer (role `dpo`) and of the administrators: the
 * access log, the register of people's requests, retention, and the notes flagged as sensitive.
 */
export function DataProtectionPage({ user }: { user: SessionUser }) {
  const { t } = useTranslation()
  const [tab, chooseTab] = useTabInAddress(DESK_TABS, 'journal')
  const organizations = deskOrganizations(user)
  const isAdmin = user.memberships.some((membership) => membership.role === 'admin')
  const [retentionOrganization, setRetentionOrganization] = useState(organizations[0]?.code ?? '')
  if (organizations.length === 0) return <Navigate to="/" replace />
  return (
    <Stack>
      <Title order={2}>{t('dataProtection.title')}</Title>
      <Text size="sm">{t('dataProtection.intro')}</Text>
      <Tabs value={tab} onChange={chooseTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="journal">{t('dataProtection.tabs.journal')}</Tabs.Tab>
          <Tabs.Tab value="demandes">{t('dataProtection.tabs.requests')}</Tabs.Tab>
          <Tabs.Tab value="conservation">{t('dataProtection.tabs.retention')}</Tabs.Tab>
          <Tabs.Tab value="notes">{t('dataProtection.tabs.flags')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="journal" pt="md">
          <AuditLogTab organizations={organizations} showOrganization={isAdmin || organizations.length > 1} />
        </Tabs.Panel>
        <Tabs.Panel value="demandes" pt="md">
          <RequestsTab
            organizations={organizations}
            mayChangeHousehold={(code) =>
              user.memberships.some(
                (membership) =>
                  membership.organization.code === code &&
                  (membership.role === 'admin' || membership.role === 'manager'),
              )
            }
          />
        </Tabs.Panel>
        <Tabs.Panel value="conservation" pt="md">
          <Stack>
            <OrganizationChoice
              organizations={organizations}
              value={retentionOrganization}
              onChange={setRetentionOrganization}
            />
            <RetentionPanel key={retentionOrganization} organizationCode={retentionOrganization} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="notes" pt="md">
          <SensitiveFlagsPanel headingOrder={3} linkHouseholds={isAdmin} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  )
}
