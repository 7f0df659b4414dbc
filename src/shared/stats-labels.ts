/**
 * Words of the review (bilan) in French and English, for the PDF (server) and the dashboard (web).
 * Keys are the codes of `src/shared/campaigns.ts` and `src/shared/referrals.ts`; an unknown code is shown as is.
 */
export type ReviewLocale = 'fr' | 'en'

type Words = Record<string, string>

const DISPOSITIONS: Record<ReviewLocale, Words> = {
  fr: {
    completed: 'Entretien réalisé',
    refused: 'Refus de l’entretien',
    callback: 'À rappeler',
    no_answer: 'Pas de réponse',
    voicemail: 'Messagerie',
    busy: 'Occupé',
    wrong_number: 'Mauvais numéro',
    not_in_service: 'Numéro non attribué',
    moved_out: 'A déménagé',
    deceased: 'Décès',
    other: 'Autre',
  },
  en: {
    completed: 'Interview completed',
    refused: 'Interview refused',
    callback: 'Call back',
    no_answer: 'No answer',
    voicemail: 'Voicemail',
    busy: 'Busy',
    wrong_number: 'Wrong number',
    not_in_service: 'Number not in service',
    moved_out: 'Moved out',
    deceased: 'Deceased',
    other: 'Other',
  },
}

const NEEDS: Record<ReviewLocale, Words> = {
  fr: {
    isolation: 'Isolement',
    health_autonomy: 'Santé et autonomie',
    food: 'Alimentation',
    finances_arrears: 'Finances et impayés',
    income_loss: 'Perte d’emploi ou de revenus',
    family_violence: 'Tensions ou violences familiales',
    housing_repair: 'Réparation du logement',
    admin_digital: 'Aide administrative ou numérique',
    psychological_distress: 'Détresse psychologique',
    other: 'Autre',
  },
  en: {
    isolation: 'Isolation',
    health_autonomy: 'Health and autonomy',
    food: 'Food',
    finances_arrears: 'Finances and arrears',
    income_loss: 'Loss of job or income',
    family_violence: 'Family tension or violence',
    housing_repair: 'Housing repairs',
    admin_digital: 'Paperwork or digital help',
    psychological_distress: 'Psychological distress',
    other: 'Other',
  },
}

const FRAGILITY: Record<ReviewLocale, Words> = {
  fr: {
    none: 'Pas de fragilité repérée',
    watch: 'À surveiller',
    fragile: 'Fragile',
    high_vulnerability: 'Très grande vulnérabilité',
  },
  en: { none: 'No fragility found', watch: 'To watch', fragile: 'Fragile', high_vulnerability: 'High vulnerability' },
}

const REFERRAL_STATUSES: Record<ReviewLocale, Words> = {
  fr: {
    sent: 'Envoyé',
    accepted: 'Accepté',
    rejected: 'Refusé',
    in_progress: 'En cours',
    done: 'Résolu',
    revoked: 'Retiré',
  },
  en: {
    sent: 'Sent',
    accepted: 'Accepted',
    rejected: 'Rejected',
    in_progress: 'In progress',
    done: 'Resolved',
    revoked: 'Revoked',
  },
}

const KINDS = {
  disposition: DISPOSITIONS,
  need: NEEDS,
  fragility: FRAGILITY,
  referralStatus: REFERRAL_STATUSES,
} as const

export type LabelKind = keyof typeof KINDS

/** The label of a code in the given language; the code itself when unknown. */
export function reviewLabel(kind: LabelKind, code: string, locale: ReviewLocale): string {
  return KINDS[kind][locale][code] ?? code
}

/** Europe/Paris calendar day `YYYY-MM-DD` as people read it: 05/11/2026 or 2026-11-05. */
export function formatReviewDay(day: string, locale: ReviewLocale): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!match) return day
  return locale === 'fr' ? `${match[3]}/${match[2]}/${match[1]}` : day
}
