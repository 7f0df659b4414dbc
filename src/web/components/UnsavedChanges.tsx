import { Button, Group, Modal, Text } from '@mantine/core'
import { useEffect, useId, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import { useBlocker } from 'react-router'

/**
 * The app's one leave guard. Any form reports whether it holds unsaved changes with `useReportUnsaved(dirty)`;
 * the one `<UnsavedChangesPrompt />` (rendered once, by App) asks before the page is left: a link, the back button
 * (react-router's blocker, which needs the data router of main.tsx) or closing/reloading the tab (beforeunload).
 * Moving within the same page (a query string, a hash) never asks.
 */
const dirtyForms = new Set<string>()
const listeners = new Set<() => void>()
const notify = () => {
  for (const listener of listeners) listener()
}
const subscribe = (listener: () => void) => {
  listeners.add(listener)
  return () => listeners.delete(listener)
}
const hasUnsaved = () => dirtyForms.size > 0

/** Tells the leave guard this form holds unsaved changes (true) or none (false); forgotten when it unmounts. */
export function useReportUnsaved(dirty: boolean) {
  const id = useId()
  useEffect(() => {
    if (!dirty) return
    dirtyForms.add(id)
    notify()
    return () => {
      dirtyForms.delete(id)
      notify()
    }
  }, [id, dirty])
}

/** True while some form on the page holds unsaved changes. */
export function useHasUnsaved() {
  return useSyncExternalStore(subscribe, hasUnsaved, hasUnsaved)
}

export function UnsavedChangesPrompt() {
  const { t } = useTranslation()
  const unsaved = useHasUnsaved()
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => unsaved && currentLocation.pathname !== nextLocation.pathname,
  )

  useEffect(() => {
    if (!unsaved) return
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault()
      // Older browsers need a value; they show their own words anyway.
      event.returnValue = ''
    }
    window.addEventListener('beforeunload', warn)
    return () => window.removeEventListener('beforeunload', warn)
  }, [unsaved])

  const stay = () => blocker.reset?.()
  // The page that held the changes unmounts and its reports go with it.
  const leave = () => blocker.proceed?.()

  return (
    <Modal
      opened={blocker.state === 'blocked'}
      onClose={stay}
      title={t('unsaved.title')}
      withCloseButton={false}
      centered
    >
      <Text size="sm">{t('unsaved.body')}</Text>
      <Group justify="flex-end" mt="lg">
        <Button variant="default" onClick={stay} data-autofocus>
          {t('unsaved.stay')}
        </Button>
        <Button color="red" onClick={leave}>
          {t('unsaved.leave')}
        </Button>
      </Group>
    </Modal>
  )
}
