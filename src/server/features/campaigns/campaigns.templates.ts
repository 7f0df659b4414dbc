import type { Static } from 'typebox'
import { type CampaignType, DEFAULT_CALLING_HOURS, DEFAULT_MAX_ATTEMPTS } from '../../../shared/campaigns.js'
import type { CampaignTemplateSchema } from '../../../shared/contracts/campaigns.js'
import type { DetectionRule } from '../../../shared/detection.js'

/** A campaign type's starting point: its rule, script, FAQ, questionnaire and calling hours. */
export type CampaignTemplate = Static<typeof CampaignTemplateSchema>

const GREETING =
  'Bonjour {{civilite_nom}}, je m’appelle {{appelant}} et je travaille chez {{bailleur}}, votre bailleur ({{agence}}).'

const COMMON_FAQ = [
  {
    question: 'Pourquoi m’appelez-vous ?',
    answer:
      'Votre bailleur prend des nouvelles de ses locataires pour savoir si tout va bien et si vous avez besoin d’aide. L’appel est gratuit et sans engagement.',
  },
  {
    question: 'Je ne veux plus être appelé·e.',
    answer:
      'C’est votre droit : je note votre opposition et vous ne serez plus appelé·e pour ces campagnes. Merci de m’avoir répondu.',
  },
  {
    question: 'Comment avez-vous eu mon numéro ?',
    answer: 'C’est le numéro que vous avez donné à votre bailleur pour votre bail. Il n’est transmis à personne.',
  },
]

const WELLBEING_SECTION = {
  id: 'wellbeing',
  title: 'Comment allez-vous ?',
  titleEn: 'How are you?',
  questions: [
    {
      id: 'feels_well',
      type: 'yes_no' as const,
      label: 'Vous sentez-vous bien en ce moment ?',
      labelEn: 'Are you feeling well at the moment?',
      required: true,
    },
    {
      id: 'feels_isolated',
      type: 'yes_no' as const,
      label: 'Vous sentez-vous seul·e ou isolé·e ?',
      labelEn: 'Do you feel lonely or isolated?',
      required: true,
      needIfYes: 'isolation' as const,
    },
    {
      id: 'groceries',
      type: 'yes_no' as const,
      label: 'Avez-vous des difficultés pour faire vos courses ou vous nourrir ?',
      labelEn: 'Do you have difficulty shopping for or getting food?',
      required: true,
      needIfYes: 'food' as const,
    },
    {
      id: 'care_access',
      type: 'yes_no' as const,
      label: 'Avez-vous des difficultés pour vos soins ou vos médicaments, ou pour vous déplacer chez vous ?',
      labelEn: 'Do you have difficulty with care or medicines, or with moving around your home?',
      required: true,
      needIfYes: 'health_autonomy' as const,
    },
  ],
}

const SITUATION_SECTION = {
  id: 'situation',
  title: 'Votre situation',
  titleEn: 'Your situation',
  questions: [
    {
      id: 'income_drop',
      type: 'yes_no' as const,
      label: 'Vos ressources ont-elles baissé récemment (perte d’emploi, chômage partiel…) ?',
      labelEn: 'Has your income dropped recently (job loss, short-time work…)?',
      required: true,
      needIfYes: 'income_loss' as const,
    },
    {
      id: 'rent_difficulty',
      type: 'yes_no' as const,
      label: 'Avez-vous des difficultés à payer votre loyer ou vos charges ?',
      labelEn: 'Do you have difficulty paying your rent or charges?',
      required: true,
      needIfYes: 'finances_arrears' as const,
    },
    {
      id: 'family_tension',
      type: 'yes_no' as const,
      label: 'La situation est-elle difficile à vivre à la maison (tensions familiales) ?',
      labelEn: 'Is the situation hard to live with at home (family tension)?',
      required: false,
      needIfYes: 'family_violence' as const,
    },
    {
      id: 'repairs',
      type: 'yes_no' as const,
      label: 'Y a-t-il un problème technique dans votre logement ?',
      labelEn: 'Is there a technical problem in your home?',
      required: true,
      needIfYes: 'housing_repair' as const,
    },
    {
      id: 'admin_help',
      type: 'yes_no' as const,
      label: 'Auriez-vous besoin d’aide pour des démarches administratives ou sur internet ?',
      labelEn: 'Would you need help with paperwork or online procedures?',
      required: false,
      needIfYes: 'admin_digital' as const,
    },
  ],
}

/**
 * Detection rules shipped with the templates (src/shared/detection.ts): what should alarm suggests a fragility level
 * and an orientation; the caller confirms or declines each. A template's manager may change them.
 */
const WELLBEING_RULES: DetectionRule[] = [
  {
    id: 'unwell_and_isolated',
    label: 'Ne se sent pas bien et se sent seul·e',
    labelEn: 'Not feeling well and feeling lonely',
    when: [
      { question: 'feels_well', equals: false },
      { question: 'feels_isolated', equals: true },
    ],
    suggest: { fragility: 'fragile', referral: { category: 'isolation', urgency: 'within_7_days' } },
  },
  {
    id: 'care_and_food',
    label: 'Difficultés pour se soigner et pour se nourrir',
    labelEn: 'Difficulties with care and with food',
    when: [
      { question: 'care_access', equals: true },
      { question: 'groceries', equals: true },
    ],
    suggest: { fragility: 'fragile', referral: { category: 'health_autonomy', urgency: 'within_24h' } },
  },
]

const HEAT_WAVE_RULES: DetectionRule[] = [
  {
    id: 'not_drinking',
    label: 'Ne boit pas suffisamment par forte chaleur',
    labelEn: 'Not drinking enough in the heat',
    when: [{ question: 'drinks_enough', equals: false }],
    suggest: { fragility: 'fragile', referral: { category: 'health_autonomy', urgency: 'within_24h' } },
  },
  {
    id: 'no_cool_room_alone',
    label: 'Aucune pièce fraîche et personne chaque jour',
    labelEn: 'No cool room and nobody every day',
    when: [
      { question: 'cool_room', equals: false },
      { question: 'daily_contact', equals: false },
    ],
    suggest: { fragility: 'high_vulnerability', referral: { category: 'isolation', urgency: 'within_24h' } },
  },
  {
    id: 'no_cool_room',
    label: 'Aucune pièce fraîche',
    labelEn: 'No cool room',
    when: [{ question: 'cool_room', equals: false }],
    suggest: { fragility: 'watch' },
  },
  {
    id: 'wants_visit',
    label: 'Souhaite une visite',
    labelEn: 'Would like a visit',
    when: [{ question: 'needs_visit', equals: true }],
    suggest: { referral: { category: 'isolation', urgency: 'within_7_days' } },
  },
  ...WELLBEING_RULES,
]

export const CAMPAIGN_TEMPLATES: CampaignTemplate[] = [
  {
    type: 'crisis_check',
    name: 'Prise de nouvelles — isolement / confinement',
    nameEn: 'Well-being check — isolation / lockdown',
    description: 'Seniors vivant seuls et bénéficiaires d’un accompagnement, appelés en premier par fragilité.',
    targeting: {
      any: [
        {
          all: [
            { field: 'age', op: '>=', value: 70 },
            { field: 'livesAlone', op: '=', value: true },
          ],
        },
        { field: 'supportProgramme', op: '=', value: true },
      ],
    },
    script: `${GREETING} Nous appelons nos locataires pour prendre de leurs nouvelles pendant cette période. Avez-vous quelques minutes ?`,
    faq: COMMON_FAQ,
    questionnaire: {
      sections: [WELLBEING_SECTION, SITUATION_SECTION, { id: 'loneliness', instrument: 'ucla3' }],
      rules: [
        ...WELLBEING_RULES,
        {
          id: 'lonely_ucla3',
          label: 'Solitude selon l’échelle UCLA à 3 questions',
          labelEn: 'Lonely on the 3-item UCLA scale',
          when: [{ instrument: 'ucla3', positive: true }],
          suggest: { fragility: 'watch', referral: { category: 'isolation', urgency: 'within_7_days' } },
        },
      ],
    },
    callingHours: DEFAULT_CALLING_HOURS,
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
  },
  {
    type: 'heat_wave',
    name: 'Canicule — appel de vigilance',
    nameEn: 'Heat wave — watch call',
    description:
      'Personnes de 75 ans et plus, et de 65 ans et plus en étage élevé sans ascenseur. Appels tous les jours.',
    targeting: {
      any: [
        { field: 'age', op: '>=', value: 75 },
        {
          all: [
            { field: 'age', op: '>=', value: 65 },
            { field: 'floor', op: '>=', value: 3 },
            { field: 'hasLift', op: '=', value: false },
          ],
        },
      ],
    },
    script: `${GREETING} Avec la chaleur annoncée, nous prenons des nouvelles de nos locataires. Comment supportez-vous la chaleur ?`,
    faq: [
      ...COMMON_FAQ,
      {
        question: 'Qu’est-ce que le registre canicule ?',
        answer:
          'La mairie tient un registre des personnes fragiles qu’elle contacte pendant les canicules. Vous pouvez vous y inscrire auprès de votre mairie ou du CCAS ; nous pouvons vous donner le numéro.',
      },
    ],
    questionnaire: {
      sections: [
        {
          id: 'heat',
          title: 'Chaleur',
          titleEn: 'Heat',
          questions: [
            { id: 'drinks_enough', type: 'yes_no', label: 'Buvez-vous suffisamment d’eau ?', required: true },
            {
              id: 'cool_room',
              type: 'yes_no',
              label: 'Avez-vous une pièce fraîche ou pouvez-vous aller dans un lieu frais ?',
              required: true,
            },
            {
              id: 'daily_contact',
              type: 'yes_no',
              label: 'Quelqu’un passe-t-il ou vous appelle-t-il chaque jour ?',
              required: true,
            },
            {
              id: 'needs_visit',
              type: 'yes_no',
              label: 'Souhaitez-vous qu’une personne vienne vous voir ?',
              required: true,
              needIfYes: 'isolation',
            },
            {
              id: 'registry',
              type: 'single_choice',
              label: 'Registre canicule de la mairie',
              required: false,
              options: [
                { code: 'registered', label: 'Déjà inscrit·e' },
                { code: 'will_register', label: 'Souhaite s’inscrire (numéro donné)' },
                { code: 'not_interested', label: 'Ne souhaite pas' },
              ],
            },
          ],
        },
        WELLBEING_SECTION,
      ],
      rules: HEAT_WAVE_RULES,
    },
    callingHours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, from: '09:00', to: '19:00' })),
    maxAttempts: 6,
  },
  {
    type: 'arrears_prevention',
    name: 'Prévention des impayés',
    nameEn: 'Arrears prevention',
    description: 'Ménages avec un solde débiteur, pour proposer un plan d’apurement et les aides possibles.',
    targeting: { field: 'arrears', op: '>', value: 0 },
    script: `${GREETING} Nous vous appelons au sujet de votre compte locataire, pour voir avec vous comment nous pouvons vous aider.`,
    faq: [
      ...COMMON_FAQ,
      {
        question: 'Quelles aides existent ?',
        answer:
          'Selon votre situation : un plan d’apurement, le Fonds de solidarité logement (FSL), une mise à jour de vos aides au logement avec la CAF. Un conseiller peut vous accompagner.',
      },
    ],
    questionnaire: {
      sections: [
        {
          id: 'arrears',
          title: 'Votre compte',
          questions: [
            { id: 'aware', type: 'yes_no', label: 'Êtes-vous au courant du solde de votre compte ?', required: true },
            {
              id: 'cause',
              type: 'single_choice',
              label: 'Qu’est-ce qui a changé ?',
              required: false,
              options: [
                { code: 'job_loss', label: 'Perte d’emploi ou baisse de revenus', need: 'income_loss' },
                { code: 'benefits', label: 'Aides suspendues ou en retard', need: 'admin_digital' },
                { code: 'health', label: 'Problème de santé', need: 'health_autonomy' },
                { code: 'family', label: 'Changement familial', need: 'finances_arrears' },
                { code: 'other', label: 'Autre' },
              ],
            },
            {
              id: 'payment_plan',
              type: 'yes_no',
              label: 'Souhaitez-vous un plan d’apurement ?',
              required: true,
              needIfYes: 'finances_arrears',
            },
            {
              id: 'monthly_amount',
              type: 'number',
              label: 'Montant mensuel possible (€)',
              required: false,
              min: 0,
              showIf: { question: 'payment_plan', equals: true },
            },
          ],
        },
        { id: 'precarity', instrument: 'epices' },
      ],
      rules: [
        {
          id: 'precarious_epices',
          label: 'Précarité selon le score EPICES',
          labelEn: 'Deprivation on the EPICES score',
          when: [{ instrument: 'epices', positive: true }],
          suggest: { fragility: 'watch', referral: { category: 'finances_arrears', urgency: 'within_7_days' } },
        },
      ],
    },
    callingHours: DEFAULT_CALLING_HOURS,
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
  },
  {
    type: 'renovation_works',
    name: 'Réhabilitation — information et suivi des travaux',
    nameEn: 'Renovation works — information and follow-up',
    description:
      'Ménages d’un programme de travaux, pour informer et repérer les besoins particuliers pendant le chantier.',
    targeting: { field: 'worksProgramme', op: 'isSet' },
    script: `${GREETING} Nous vous appelons au sujet des travaux prévus dans votre résidence.`,
    faq: [
      ...COMMON_FAQ,
      {
        question: 'Quand commencent les travaux ?',
        answer: 'Le calendrier vous sera remis par courrier ; je peux noter vos questions pour le chargé d’opération.',
      },
    ],
    questionnaire: {
      sections: [
        {
          id: 'works',
          title: 'Les travaux',
          questions: [
            { id: 'informed', type: 'yes_no', label: 'Avez-vous reçu l’information sur les travaux ?', required: true },
            {
              id: 'special_needs',
              type: 'multiple_choice',
              label: 'Besoins particuliers pendant le chantier',
              required: false,
              options: [
                { code: 'mobility', label: 'Mobilité réduite', need: 'health_autonomy' },
                { code: 'medical_device', label: 'Appareil médical électrique', need: 'health_autonomy' },
                { code: 'night_work', label: 'Travail de nuit' },
                { code: 'none', label: 'Aucun' },
              ],
            },
            { id: 'questions', type: 'short_text', label: 'Questions pour le chargé d’opération', required: false },
          ],
        },
      ],
    },
    callingHours: DEFAULT_CALLING_HOURS,
    maxAttempts: 4,
  },
  {
    type: 'satisfaction',
    name: 'Enquête de satisfaction',
    nameEn: 'Satisfaction survey',
    description: 'Tous les ménages actifs ; à restreindre par agence ou par date d’entrée.',
    targeting: { all: [] },
    script: `${GREETING} Nous menons une courte enquête sur votre logement et nos services. Avez-vous cinq minutes ?`,
    faq: COMMON_FAQ,
    questionnaire: {
      sections: [
        {
          id: 'satisfaction',
          title: 'Satisfaction',
          questions: [
            {
              id: 'overall',
              type: 'single_choice',
              label: 'Êtes-vous satisfait·e de votre logement ?',
              required: true,
              options: [
                { code: 'very', label: 'Très satisfait·e' },
                { code: 'rather', label: 'Plutôt satisfait·e' },
                { code: 'rather_not', label: 'Plutôt pas satisfait·e' },
                { code: 'not', label: 'Pas du tout satisfait·e' },
              ],
            },
            {
              id: 'repairs',
              type: 'yes_no',
              label: 'Y a-t-il un problème technique à signaler ?',
              required: true,
              needIfYes: 'housing_repair',
            },
            { id: 'comment', type: 'short_text', label: 'Commentaire', required: false },
          ],
        },
      ],
    },
    callingHours: DEFAULT_CALLING_HOURS,
    maxAttempts: 3,
  },
  {
    type: 'custom',
    name: 'Campagne personnalisée',
    nameEn: 'Custom campaign',
    description: 'Partir d’une page blanche.',
    targeting: { all: [] },
    script: GREETING,
    faq: COMMON_FAQ,
    questionnaire: { sections: [] },
    callingHours: DEFAULT_CALLING_HOURS,
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
  },
]

export function findTemplate(type: CampaignType): CampaignTemplate {
  return CAMPAIGN_TEMPLATES.find((template) => template.type === type)!
}
