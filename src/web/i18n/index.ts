import i18n from 'i18next'
import { initReactI18next } from 'react-i18next'
import { frenchTypographyOfTree } from '../../shared/french.js'
import { accountEn, accountFr } from '../features/account/account.i18n.js'
import { feedbackEn, feedbackFr } from '../features/calling/feedback.i18n.js'
import { suggestionsEn, suggestionsFr } from '../features/calling/suggestions.i18n.js'
import { workspaceEn, workspaceFr } from '../features/calling/workspace.i18n.js'
import { builderEn, builderFr } from '../features/campaigns/builder.i18n.js'
import { campaignsEn, campaignsFr } from '../features/campaigns/campaigns.i18n.js'
import { supervisionEn, supervisionFr } from '../features/campaigns/supervision.i18n.js'
import { whyEn, whyFr } from '../features/campaigns/why.i18n.js'
import { dataProtectionEn, dataProtectionFr } from '../features/data-protection/data-protection.i18n.js'
import { todayEn, todayFr } from '../features/home/home.i18n.js'
import { historyEn, historyFr } from '../features/households/history.i18n.js'
import { householdListEn, householdListFr } from '../features/households/households-list.i18n.js'
import { importsEn, importsFr } from '../features/imports/imports.i18n.js'
import { mfaEn, mfaFr } from '../features/mfa/mfa.i18n.js'
import { planningEn, planningFr } from '../features/planning/planning.i18n.js'
import { referralsEn, referralsFr } from '../features/referrals/referrals.i18n.js'
import { sensitiveFlagsEn, sensitiveFlagsFr } from '../features/sensitive-flags/sensitive-flags.i18n.js'
import { statsEn, statsFr } from '../features/stats/stats.i18n.js'
import { en } from './en.js'
import { fr } from './fr.js'

export const LANGUAGES = [
  { code: 'fr', label: 'Français' },
  { code: 'en', label: 'English' },
] as const

const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('allervers.language') : null

void i18n.use(initReactI18next).init({
  // Feature folders may bring their own words; they are merged under the feature's name.
  resources: {
    // French typography (no-break spaces before ? ! ; : and inside « ») set once here, not by hand in each text.
    fr: {
      translation: frenchTypographyOfTree({
        ...fr,
        referrals: referralsFr,
        campaigns: campaignsFr,
        imports: importsFr,
        stats: statsFr,
        feedback: feedbackFr,
        suggestions: suggestionsFr,
        history: historyFr,
        householdList: householdListFr,
        why: whyFr,
        planning: planningFr,
        sensitiveFlags: sensitiveFlagsFr,
        dataProtection: dataProtectionFr,
        supervision: supervisionFr,
        today: todayFr,
        account: accountFr,
        mfa: mfaFr,
        builder: builderFr,
        workspace: workspaceFr,
      }),
    },
    en: {
      translation: {
        ...en,
        referrals: referralsEn,
        campaigns: campaignsEn,
        imports: importsEn,
        stats: statsEn,
        feedback: feedbackEn,
        suggestions: suggestionsEn,
        history: historyEn,
        householdList: householdListEn,
        why: whyEn,
        planning: planningEn,
        sensitiveFlags: sensitiveFlagsEn,
        dataProtection: dataProtectionEn,
        supervision: supervisionEn,
        today: todayEn,
        account: accountEn,
        mfa: mfaEn,
        builder: builderEn,
        workspace: workspaceEn,
      },
    },
  },
  lng: stored === 'en' ? 'en' : 'fr',
  fallbackLng: 'fr',
  interpolation: { escapeValue: false },
})

export function setLanguage(code: 'fr' | 'en') {
  localStorage.setItem('allervers.language', code)
  document.documentElement.lang = code
  void i18n.changeLanguage(code)
}

export default i18n
