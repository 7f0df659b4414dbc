import { ActionIcon, Anchor, AppShell, Burger, Button, Group, NavLink, Stack, Text, Title } from '@mantine/core'
import { useDisclosure, useMediaQuery } from '@mantine/hooks'
import { IconLogout } from '@tabler/icons-react'
import { type ReactNode, useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { NavLink as RouterLink, useLocation } from 'react-router'
import type { SessionUser } from '../../shared/contracts/auth.js'
import { navigationFor } from '../../shared/roles.js'
import { rolesOf, useLogout } from '../features/auth/session.js'
import { LanguageSwitch } from './LanguageSwitch.js'

export function Shell({ user, children }: { user: SessionUser; children: ReactNode }) {
  const { t } = useTranslation()
  const [opened, { toggle, close }] = useDisclosure()
  const logout = useLogout()
  const location = useLocation()
  const entries = navigationFor(rolesOf(user))
  // Below the large breakpoint (75em, 1,200 px: every tablet, landscape included) the navigation folds behind a menu
  // button; folded, it is inert (out of the tab order and of the accessibility tree), and Escape folds it back.
  const isFolded = useMediaQuery('(max-width: 74.99em)', true) ?? true
  const burger = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (!opened) return
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return
      close()
      burger.current?.focus()
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [opened, close])

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: 'lg', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <Anchor href="#main" className="skip-link">
        {t('app.skip')}
      </Anchor>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap" gap="xs">
            <Burger
              ref={burger}
              opened={opened}
              onClick={toggle}
              hiddenFrom="lg"
              size="sm"
              aria-label={t('shell.menu')}
              aria-expanded={opened}
              aria-controls="main-navigation"
            />
            <Title order={1} size="h3">
              {t('app.name')}
            </Title>
          </Group>
          <Group wrap="nowrap" gap="sm">
            <Text size="sm" visibleFrom="sm">
              {t('shell.signedInAs', { name: user.name })}
            </Text>
            <LanguageSwitch />
            <Button
              variant="light"
              size="xs"
              onClick={() => logout.mutate()}
              loading={logout.isPending}
              visibleFrom="xs"
            >
              {t('shell.logout')}
            </Button>
            {/* On a phone the words do not fit beside the language switch: the same action as an icon, same name. */}
            <ActionIcon
              variant="light"
              size="lg"
              onClick={() => logout.mutate()}
              loading={logout.isPending}
              hiddenFrom="xs"
              aria-label={t('shell.logout')}
              title={t('shell.logout')}
            >
              <IconLogout size={18} aria-hidden="true" />
            </ActionIcon>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar
        p="xs"
        component="nav"
        id="main-navigation"
        aria-label={t('nav.label')}
        inert={isFolded && !opened}
      >
        <Stack gap={2}>
          {entries.map((entry) => (
            <NavLink
              key={entry.key}
              component={RouterLink}
              to={entry.path}
              label={t(`nav.${entry.key}`)}
              active={entry.path === '/' ? location.pathname === '/' : location.pathname.startsWith(entry.path)}
              onClick={close}
            />
          ))}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        {children}
      </AppShell.Main>
    </AppShell>
  )
}
