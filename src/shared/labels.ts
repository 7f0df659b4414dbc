/**
 * The one label source: how every code of the shared vocabularies reads, in French and in English. The web app's
 * i18next resources are built from it (`calling.dispositions`, `referrals.status`, `roles`…), and the review PDF and
 * the exports read it directly, so a code reads the same on a screen, on paper and in a spreadsheet.
 *
 * Keyed by the codes of `campaigns.ts`, `referrals.ts`, `roles.ts` and the instruments: `satisfies LabelsOf<Code>`
 * makes a missing code, an unknown one or a missing language a type error. Referral categories are the need
 * categories (`REFERRAL_CATEGORIES = NEED_CATEGORIES`), so they read as the needs do.
 */
import type { CampaignStatus, CampaignType, Disposition, FragilityLevel, NeedCategory } from './campaigns.js'
import type { AuditAction } from './contracts/data-protection.js'
import type { SensitiveFlagSource } from './contracts/sensitive-flags.js'
import { EPICES, FRAIL, type InstrumentCode, LSNS6, UCLA3, USDA6 } from './instruments/index.js'
import type { ReferralStatus, Urgency } from './referrals.js'
import type { OrganizationType, Role } from './roles.js'
import type { SensitiveCategory } from './sensitive-words.js'
import type { Operator } from './targeting-fields.js'

export const LOCALES = ['fr', 'en'] as const
export type Locale = (typeof LOCALES)[number]

/** A code's label in each language. */
export interface Label {
  fr: string
  en: string
}

type LabelsOf<Code extends string> = { readonly [C in Code]: Label }

const DISPOSITION = {
  completed: { fr: 'Entretien réalisé', en: 'Interview completed' },
  refused: { fr: 'Refus de l’entretien', en: 'Interview refused' },
  callback: { fr: 'À rappeler (moment convenu)', en: 'Call back (time agreed)' },
  no_answer: { fr: 'Pas de réponse', en: 'No answer' },
  voicemail: { fr: 'Messagerie', en: 'Voicemail' },
  busy: { fr: 'Occupé', en: 'Busy' },
  wrong_number: { fr: 'Mauvais numéro', en: 'Wrong number' },
  not_in_service: { fr: 'Numéro non attribué', en: 'Number not in service' },
  moved_out: { fr: 'A déménagé', en: 'Moved out' },
  deceased: { fr: 'Décès', en: 'Deceased' },
  other: { fr: 'Autre', en: 'Other' },
} as const satisfies LabelsOf<Disposition>

/** Needs found by a call, and the categories of referrals (the same list). */
const NEED = {
  isolation: { fr: 'Isolement', en: 'Isolation' },
  health_autonomy: { fr: 'Santé et autonomie', en: 'Health and autonomy' },
  food: { fr: 'Alimentation', en: 'Food' },
  finances_arrears: { fr: 'Finances et impayés', en: 'Finances and arrears' },
  income_loss: { fr: 'Perte d’emploi ou de revenus', en: 'Loss of job or income' },
  family_violence: { fr: 'Tensions ou violences familiales', en: 'Family tension or violence' },
  housing_repair: { fr: 'Réparation du logement', en: 'Housing repairs' },
  admin_digital: { fr: 'Aide administrative ou numérique', en: 'Paperwork or digital help' },
  psychological_distress: { fr: 'Détresse psychologique', en: 'Psychological distress' },
  other: { fr: 'Autre besoin', en: 'Other need' },
} as const satisfies LabelsOf<NeedCategory>

const FRAGILITY = {
  none: { fr: 'Pas de fragilité repérée', en: 'No fragility found' },
  watch: { fr: 'À surveiller', en: 'To watch' },
  fragile: { fr: 'Fragile', en: 'Fragile' },
  high_vulnerability: { fr: 'Très grande vulnérabilité', en: 'High vulnerability' },
} as const satisfies LabelsOf<FragilityLevel>

/** A referral is an *orientation* (feminine) in French: never a *signalement* (docs: product glossary). */
const REFERRAL_STATUS = {
  sent: { fr: 'Envoyée', en: 'Sent' },
  accepted: { fr: 'Acceptée', en: 'Accepted' },
  rejected: { fr: 'Refusée', en: 'Rejected' },
  in_progress: { fr: 'En cours', en: 'In progress' },
  done: { fr: 'Résolue', en: 'Resolved' },
  revoked: { fr: 'Retirée', en: 'Revoked' },
} as const satisfies LabelsOf<ReferralStatus>

const URGENCY = {
  immediate: { fr: 'Danger immédiat', en: 'Immediate danger' },
  within_24h: { fr: 'Sous 24 heures', en: 'Within 24 hours' },
  within_7_days: { fr: 'Sous 7 jours', en: 'Within 7 days' },
  routine: { fr: 'Sans urgence', en: 'Routine' },
} as const satisfies LabelsOf<Urgency>

const CAMPAIGN_TYPE = {
  crisis_check: { fr: 'Prise de nouvelles (isolement, confinement)', en: 'Well-being check (isolation, lockdown)' },
  heat_wave: { fr: 'Canicule', en: 'Heat wave' },
  arrears_prevention: { fr: 'Prévention des impayés', en: 'Arrears prevention' },
  renovation_works: { fr: 'Réhabilitation, travaux', en: 'Renovation works' },
  satisfaction: { fr: 'Satisfaction', en: 'Satisfaction' },
  custom: { fr: 'Personnalisée', en: 'Custom' },
} as const satisfies LabelsOf<CampaignType>

const CAMPAIGN_STATUS = {
  draft: { fr: 'Brouillon', en: 'Draft' },
  active: { fr: 'En cours', en: 'Running' },
  paused: { fr: 'En pause', en: 'Paused' },
  closed: { fr: 'Clôturée', en: 'Closed' },
} as const satisfies LabelsOf<CampaignStatus>

const ROLE = {
  admin: { fr: 'Administrateur·rice', en: 'Administrator' },
  manager: { fr: 'Chargé·e de campagne', en: 'Campaign manager' },
  caller: { fr: 'Appelant·e', en: 'Caller' },
  social_worker: { fr: 'Travailleur·se social·e', en: 'Social worker' },
  partner: { fr: 'Partenaire', en: 'Partner' },
  viewer: { fr: 'Direction (lecture)', en: 'Director (read only)' },
  dpo: { fr: 'Délégué·e à la protection des données', en: 'Data protection officer' },
} as const satisfies LabelsOf<Role>

const ORGANIZATION_TYPE = {
  landlord: { fr: 'Bailleur', en: 'Landlord' },
  association: { fr: 'Association', en: 'Association' },
  partner: { fr: 'Partenaire', en: 'Partner' },
} as const satisfies LabelsOf<OrganizationType>

/** An instrument's name is part of its definition (`src/shared/instruments`): read from there, not copied. */
const INSTRUMENT = {
  epices: EPICES.name,
  lsns6: LSNS6.name,
  ucla3: UCLA3.name,
  frail: FRAIL.name,
  usda6: USDA6.name,
} as const satisfies LabelsOf<InstrumentCode>

/** The special categories of data a free text must not hold (`sensitive-words.ts`). */
const SENSITIVE_CATEGORY = {
  health: { fr: 'Santé', en: 'Health' },
  offence: { fr: 'Infractions', en: 'Offences' },
  religion: { fr: 'Religion', en: 'Religion' },
  origin: { fr: 'Origine', en: 'Origin' },
  sexual_life: { fr: 'Vie sexuelle', en: 'Sexual life' },
  political: { fr: 'Opinions politiques ou syndicales', en: 'Political or union opinions' },
} as const satisfies LabelsOf<SensitiveCategory>

/** Where a flagged free text was written. */
const SENSITIVE_FLAG_SOURCE = {
  call_note: { fr: 'Note d’appel', en: 'Call note' },
  call_answer: { fr: 'Réponse écrite au questionnaire', en: 'Typed questionnaire answer' },
  referral_summary: { fr: 'Résumé d’orientation', en: 'Orientation summary' },
  referral_override_reason: { fr: 'Raison de l’urgence sans accord', en: 'Emergency override reason' },
  referral_note: { fr: 'Note d’étape d’orientation', en: 'Orientation step note' },
  objection_note: { fr: 'Note d’opposition', en: 'Objection note' },
  objection_withdrawal: { fr: 'Motif de levée d’opposition', en: 'Objection withdrawal reason' },
  feedback_comment: { fr: 'Commentaire d’un appelant sur sa session', en: 'Caller’s comment on their session' },
} as const satisfies LabelsOf<SensitiveFlagSource>
/** A targeting condition's operator in words, as the builder offers it ("Âge au moins 75"). */
const TARGETING_OPERATOR = {
  '=': { fr: 'est', en: 'is' },
  '!=': { fr: 'n’est pas', en: 'is not' },
  '<': { fr: 'moins de / avant', en: 'less than / before' },
  '<=': { fr: 'au plus', en: 'at most' },
  '>': { fr: 'plus de / après', en: 'more than / after' },
  '>=': { fr: 'au moins', en: 'at least' },
  in: { fr: 'fait partie de', en: 'is one of' },
  notIn: { fr: 'ne fait pas partie de', en: 'is none of' },
  isSet: { fr: 'est renseigné', en: 'is known' },
  isNotSet: { fr: 'n’est pas renseigné', en: 'is not known' },
} as const satisfies LabelsOf<Operator>

/** What a line of the audit log records, as a tenant reads it in their dossier and the DPO in the journal. */
const AUDIT_ACTION = {
  'auth.login': { fr: 'Connexion', en: 'Sign-in' },
  'auth.login_failed': { fr: 'Connexion refusée', en: 'Sign-in refused' },
  'auth.login_rate_limited': { fr: 'Connexion bloquée (trop d’essais)', en: 'Sign-in blocked (too many tries)' },
  'auth.logout': { fr: 'Déconnexion', en: 'Sign-out' },
  'auth.mfa_challenge': { fr: 'Code de vérification demandé', en: 'Verification code asked' },
  'auth.mfa_failed': { fr: 'Code de vérification refusé', en: 'Verification code refused' },
  'auth.mfa_rate_limited': {
    fr: 'Code de vérification bloqué (trop d’essais)',
    en: 'Verification blocked (too many tries)',
  },
  'auth.mfa_recovery_code_used': { fr: 'Code de secours utilisé', en: 'Recovery code used' },
  'auth.sso_refused': { fr: 'Connexion unique refusée', en: 'Single sign-on refused' },
  'auth.sso_session_ended': {
    fr: 'Session à connexion unique fermée (fournisseur)',
    en: 'Single sign-on session ended (provider)',
  },
  'auth.sso_role_changed': { fr: 'Rôle changé par le fournisseur', en: 'Role changed by the provider' },
  'account.invitation_accepted': { fr: 'Invitation acceptée', en: 'Invitation accepted' },
  'account.password_change': { fr: 'Mot de passe changé', en: 'Password changed' },
  'account.password_reset': { fr: 'Mot de passe réinitialisé', en: 'Password reset' },
  'account.reset_requested': { fr: 'Réinitialisation demandée', en: 'Reset requested' },
  'account.reset_rate_limited': { fr: 'Réinitialisation bloquée (trop de demandes)', en: 'Reset blocked (too many)' },
  'account.session_end': { fr: 'Session fermée', en: 'Session ended' },
  'account.mfa_enabled': { fr: 'Double authentification activée', en: 'Two-step verification turned on' },
  'account.mfa_disabled': { fr: 'Double authentification désactivée', en: 'Two-step verification turned off' },
  'account.mfa_recovery_codes': { fr: 'Nouveaux codes de secours', en: 'New recovery codes' },
  'household.read': { fr: 'Consultation de la fiche du ménage', en: 'Household record read' },
  'household.search': { fr: 'Recherche de ménages', en: 'Household search' },
  'household.timeline_read': { fr: 'Consultation de l’historique', en: 'History read' },
  'household.export': { fr: 'Export de ménages', en: 'Households exported' },
  'household.import_update': { fr: 'Mise à jour par import du fichier', en: 'Updated by a file import' },
  'household.objection': { fr: 'Opposition aux appels enregistrée', en: 'Objection to calls recorded' },
  'household.objection_withdrawn': { fr: 'Opposition aux appels levée', en: 'Objection to calls withdrawn' },
  'household.dossier': { fr: 'Dossier édité (droit d’accès)', en: 'Dossier produced (right of access)' },
  'household.rectify': { fr: 'Données rectifiées', en: 'Data rectified' },
  'household.erased': { fr: 'Données effacées', en: 'Data erased' },
  'household.erasure_refused': {
    fr: 'Effacement refusé (données à conserver)',
    en: 'Erasure refused (data to be kept)',
  },
  'referral.read': { fr: 'Consultation d’une orientation', en: 'Referral read' },
  'referral.list': { fr: 'Liste des orientations consultée', en: 'Referral list read' },
  'referral.create': { fr: 'Orientation envoyée', en: 'Referral sent' },
  'referral.create_without_consent': {
    fr: 'Orientation envoyée sans consentement',
    en: 'Referral sent without consent',
  },
  'referral.accepted': { fr: 'Orientation acceptée', en: 'Referral accepted' },
  'referral.rejected': { fr: 'Orientation refusée', en: 'Referral rejected' },
  'referral.in_progress': { fr: 'Orientation en cours', en: 'Referral in progress' },
  'referral.done': { fr: 'Orientation terminée', en: 'Referral done' },
  'referral.revoked': { fr: 'Orientation retirée', en: 'Referral revoked' },
  'referral.note': { fr: 'Note ajoutée à une orientation', en: 'Note added to a referral' },
  'referral.follow_up': { fr: 'Suivi planifié', en: 'Follow-up planned' },
  'campaign.create': { fr: 'Campagne créée', en: 'Campaign created' },
  'campaign.update': { fr: 'Campagne modifiée', en: 'Campaign changed' },
  'campaign.preview': { fr: 'Aperçu du ciblage', en: 'Targeting previewed' },
  'campaign.explain': { fr: 'Explication du ciblage consultée', en: 'Targeting explanation read' },
  'campaign.retarget': { fr: 'Ciblage recalculé', en: 'Targeting recomputed' },
  'campaign.callers': { fr: 'Appelants de la campagne changés', en: 'Campaign callers changed' },
  'campaign.caller_added': { fr: 'Appelant ajouté', en: 'Caller added' },
  'campaign.caller_removed': { fr: 'Appelant retiré', en: 'Caller removed' },
  'callback.reassign': { fr: 'Rappel réattribué', en: 'Callback reassigned' },
  'callback.list': { fr: 'Rappels consultés par l’appelant·e', en: 'Callbacks listed by the caller' },
  'target.release': { fr: 'Ménage rendu à la file', en: 'Household released to the queue' },
  'feedback.create': { fr: 'Retour d’appelant', en: 'Caller feedback' },
  'feedback.debrief_handled': { fr: 'Débriefing traité', en: 'Debrief handled' },
  'import.preview': { fr: 'Aperçu d’import', en: 'Import previewed' },
  'import.start': { fr: 'Import du fichier', en: 'File import' },
  'import.rejected_read': { fr: 'Lignes rejetées consultées', en: 'Rejected rows read' },
  'export.download': { fr: 'Export téléchargé', en: 'Export downloaded' },
  'stats.review_read': { fr: 'Bilan consulté', en: 'Review read' },
  'stats.review_pdf': { fr: 'Bilan en PDF', en: 'Review as PDF' },
  'organization.create': { fr: 'Organisme créé', en: 'Organisation created' },
  'sso.settings_changed': { fr: 'Connexion unique paramétrée', en: 'Single sign-on settings changed' },
  'agency.create': { fr: 'Agence créée', en: 'Agency created' },
  'user.create': { fr: 'Compte créé', en: 'Account created' },
  'user.invite': { fr: 'Invitation envoyée', en: 'Invitation sent' },
  'user.enable': { fr: 'Compte réactivé', en: 'Account enabled' },
  'user.disable': { fr: 'Compte désactivé', en: 'Account disabled' },
  'user.mfa_reset': { fr: 'Double authentification réinitialisée', en: 'Two-step verification reset' },
  'membership.upsert': { fr: 'Rôle attribué', en: 'Role granted' },
  'user.membership_removed': { fr: 'Retrait d’un organisme', en: 'Removed from an organisation' },
  'dataRequest.create': { fr: 'Demande enregistrée au registre', en: 'Request registered' },
  'dataRequest.close': { fr: 'Demande traitée', en: 'Request handled' },
  'audit.read': { fr: 'Journal des accès consulté', en: 'Access log read' },
  'audit.export': { fr: 'Journal des accès exporté', en: 'Access log exported' },
  'retention.settings': { fr: 'Durées de conservation changées', en: 'Retention periods changed' },
  'retention.due_read': { fr: 'Échéances de conservation consultées', en: 'Retention due list read' },
  'retention.purge': { fr: 'Purge', en: 'Purge' },
  'sensitive_flag.list': { fr: 'Notes signalées consultées', en: 'Flagged notes read' },
} as const satisfies LabelsOf<AuditAction>

/** Every vocabulary, by kind. */
export const LABELS = {
  disposition: DISPOSITION,
  need: NEED,
  fragility: FRAGILITY,
  referralStatus: REFERRAL_STATUS,
  urgency: URGENCY,
  campaignType: CAMPAIGN_TYPE,
  campaignStatus: CAMPAIGN_STATUS,
  role: ROLE,
  organizationType: ORGANIZATION_TYPE,
  instrument: INSTRUMENT,
  sensitiveCategory: SENSITIVE_CATEGORY,
  sensitiveFlagSource: SENSITIVE_FLAG_SOURCE,
  targetingOperator: TARGETING_OPERATOR,
  auditAction: AUDIT_ACTION,
} as const

export type LabelKind = keyof typeof LABELS
export type CodeOf<Kind extends LabelKind> = keyof (typeof LABELS)[Kind] & string

/** The label of a code in a language; a code the vocabulary does not know (older data) is shown as it is. */
export function labelOf(kind: LabelKind, code: string, locale: Locale): string {
  const labels: Readonly<Record<string, Label>> = LABELS[kind]
  return Object.hasOwn(labels, code) ? (labels[code] as Label)[locale] : code
}

/** A vocabulary's labels in one language, code → label: the web's i18next resources are built from these. */
export function labelsIn<Kind extends LabelKind>(kind: Kind, locale: Locale): Record<CodeOf<Kind>, string> {
  return Object.fromEntries(
    Object.entries(LABELS[kind] as Readonly<Record<string, Label>>).map(([code, label]) => [code, label[locale]]),
  ) as Record<CodeOf<Kind>, string>
}

/** The language a label is read in, from an i18next language or a user's locale ('en-GB' → 'en'); French otherwise. */
export function localeOf(language: string | null | undefined): Locale {
  return language?.startsWith('en') ? 'en' : 'fr'
}
