import '@mantine/core/styles.css'
import '@mantine/notifications/styles.css'
import './styles.css'
import { type CSSVariablesResolver, createTheme, MantineProvider, Modal, Notification } from '@mantine/core'
import { Notifications } from '@mantine/notifications'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createBrowserRouter, RouterProvider } from 'react-router'
import { App } from './App.js'
import i18n from './i18n/index.js'

document.documentElement.lang = i18n.language

const theme = createTheme({
  primaryColor: 'teal',
  primaryShade: 9,
  defaultRadius: 'md',
  fontFamily: 'system-ui, sans-serif',
  components: {
    // Mantine's close buttons have no accessible name of their own (axe "button-name").
    Notification: Notification.extend({
      defaultProps: { closeButtonProps: { 'aria-label': i18n.t('history.close') } },
    }),
    // The same for every window (the referral window's close button had none): « Fermer » unless it says otherwise.
    Modal: Modal.extend({
      defaultProps: { closeButtonProps: { 'aria-label': i18n.t('history.close') } },
    }),
  },
})
// Mantine's default dimmed grey fails WCAG AA contrast on white (≈3.3:1); gray.7 passes (≈8:1).
const resolveCssVariables: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': '#495057',
    // Error messages under fields: Mantine's red.6 is ≈3.9:1 on white; red.9 passes AA (≈5.9:1).
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    // "light" variants (buttons, badges, alerts, active links): shade 9 on the palest tint passes AA (4.5:1).
    // "subtle" buttons use these too when given a colour without a shade (`color="red"`): with a shade Mantine caps
    // it at 6 (`red.9` draws red.6, ≈3.3:1 on white); a "light" button with a shade is filled with that shade.
    ...Object.fromEntries(
      ['teal', 'red', 'gray', 'blue', 'orange', 'yellow', 'grape', 'green', 'indigo'].flatMap((color) => [
        [`--mantine-color-${color}-light-color`, `var(--mantine-color-${color}-9)`],
        [`--mantine-color-${color}-outline`, `var(--mantine-color-${color}-9)`],
        [`--mantine-color-${color}-light`, `var(--mantine-color-${color}-0)`],
        [`--mantine-color-${color}-light-hover`, `var(--mantine-color-${color}-1)`],
      ]),
    ),
    // Orange.9 and yellow.9 stay under 4.5:1 even on their palest tint (the pause button, warning badges): darker
    // browns that pass on tint 0 and on the hover tint 1 (≈5.5:1).
    '--mantine-color-orange-light-color': '#a13d0b',
    '--mantine-color-orange-outline': '#a13d0b',
    '--mantine-color-yellow-light-color': '#8a5300',
    '--mantine-color-yellow-outline': '#8a5300',
    // Green.9 on green.0 is ≈4.1:1 (the « Résolue » badge): a darker green passes (≈6:1).
    '--mantine-color-green-light-color': '#1f6b30',
    '--mantine-color-green-outline': '#1f6b30',
    // Darker than teal.9 so it stays above 4.5:1 on the hover tint (teal.1) too.
    '--mantine-color-teal-light-color': '#066649',
    '--mantine-primary-color-light-color': '#066649',
    '--mantine-primary-color-light': 'var(--mantine-color-teal-0)',
    '--mantine-primary-color-light-hover': 'var(--mantine-color-teal-1)',
  },
  dark: {},
})
// A data router (not <BrowserRouter>): react-router's useBlocker, which the leave guard needs, works only with one.
// The one route hands every path to App, whose <Routes> keep the app's table of pages.
const router = createBrowserRouter([{ path: '*', element: <App /> }])
const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } },
})

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={resolveCssVariables}>
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
)
