import { Center, Loader } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { Navigate, Route, Routes, useLocation } from 'react-router'
import { Shell } from './components/Shell.js'
import { UnsavedChangesPrompt } from './components/UnsavedChanges.js'
import { AccountPage } from './features/account/AccountPage.js'
import { ForgotPasswordPage } from './features/account/ForgotPasswordPage.js'
import { SetPasswordPage } from './features/account/SetPasswordPage.js'
import { AdministrationPage } from './features/administration/AdministrationPage.js'
import { LoginPage } from './features/auth/LoginPage.js'
import { useSession } from './features/auth/session.js'
import { CallingPage } from './features/calling/CallingPage.js'
import { CampaignPage } from './features/campaigns/CampaignPage.js'
import { CampaignsPage } from './features/campaigns/CampaignsPage.js'
import { DataProtectionPage, DESK_PATH } from './features/data-protection/DataProtectionPage.js'
import { HomePage } from './features/home/HomePage.js'
import { HouseholdPage } from './features/households/HouseholdPage.js'
import { HouseholdsPage } from './features/households/HouseholdsPage.js'
import { ImportPage } from './features/imports/ImportPage.js'
import { ReferralPage } from './features/referrals/ReferralPage.js'
import { ReferralsPage } from './features/referrals/ReferralsPage.js'
import { StatsPage } from './features/stats/StatsPage.js'

export function App() {
  const { t } = useTranslation()
  const session = useSession()
  const { pathname } = useLocation()
  // Reachable without signing in (and signed in too: a link opened in a browser where someone else is signed in).
  if (pathname === '/mot-de-passe') return <SetPasswordPage />
  if (pathname === '/mot-de-passe-oublie') return <ForgotPasswordPage />
  if (session.isPending) {
    return (
      <Center mih="100vh">
        <Loader aria-label={t('app.name')} />
      </Center>
    )
  }
  const user = session.data
  if (!user) return <LoginPage />
  return (
    <Shell user={user}>
      <UnsavedChangesPrompt />
      <Routes>
        <Route path="/" element={<HomePage user={user} />} />
        <Route path="/calling" element={<CallingPage user={user} />} />
        <Route path="/campaigns" element={<CampaignsPage user={user} />} />
        <Route path="/campaigns/:id" element={<CampaignPage />} />
        <Route path="/households" element={<HouseholdsPage />} />
        <Route path="/households/import" element={<ImportPage user={user} />} />
        <Route path="/households/:id" element={<HouseholdPage />} />
        <Route path="/referrals" element={<ReferralsPage />} />
        <Route path="/referrals/:id" element={<ReferralPage />} />
        <Route path="/bilan" element={<StatsPage user={user} />} />
        <Route path="/stats" element={<Navigate to="/bilan" replace />} />
        <Route path={DESK_PATH} element={<DataProtectionPage user={user} />} />
        <Route path="/administration" element={<AdministrationPage />} />
        <Route path="/compte" element={<AccountPage user={user} />} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </Shell>
  )
}
