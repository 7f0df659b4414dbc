import { readChoice, rejectUnknownItems } from './answers.js'
import {
  type AnswerOption,
  type InstrumentDefinition,
  type InstrumentResult,
  incompleteResult,
  type RawAnswers,
} from './types.js'

export type Usda6Category = 'high_or_marginal' | 'low' | 'very_low'
export type Usda6Result = InstrumentResult<Usda6Category, never>

export type HowTrueCode = 'often' | 'sometimes' | 'never'
export type HowManyMonthsCode = 'almost_every_month' | 'some_months' | 'one_or_two_months'

const HOW_TRUE: readonly AnswerOption[] = [
  { code: 'often', label: { fr: 'Souvent vrai', en: 'Often true' } },
  { code: 'sometimes', label: { fr: 'Parfois vrai', en: 'Sometimes true' } },
  { code: 'never', label: { fr: 'Jamais vrai', en: 'Never true' } },
]

const YES_NO: readonly AnswerOption[] = [
  { code: true, label: { fr: 'Oui', en: 'Yes' } },
  { code: false, label: { fr: 'Non', en: 'No' } },
]

const HOW_MANY_MONTHS: readonly AnswerOption[] = [
  { code: 'almost_every_month', label: { fr: 'Presque tous les mois', en: 'Almost every month' } },
  { code: 'some_months', label: { fr: 'Certains mois, mais pas tous', en: 'Some months but not every month' } },
  { code: 'one_or_two_months', label: { fr: 'Seulement un ou deux mois', en: 'Only 1 or 2 months' } },
]

const AFFIRMATIVE_HOW_TRUE: readonly HowTrueCode[] = ['often', 'sometimes']
const AFFIRMATIVE_HOW_MANY_MONTHS: readonly HowManyMonthsCode[] = ['almost_every_month', 'some_months']

export const USDA6: InstrumentDefinition = {
  code: 'usda6',
  name: {
    fr: 'Sécurité alimentaire de l’USDA, version courte à 6 questions',
    en: 'USDA Household Food Security Survey Module: Six-Item Short Form',
  },
  description: {
    fr: 'Six questions sur le manque de nourriture faute d’argent au cours des 12 derniers mois (la question sur la fréquence n’est posée qu’après un « oui » à la précédente). Score de 0 à 6. La formulation française est notre traduction.',
    en: 'Six questions on running short of food for lack of money over the last 12 months (the how-often question follows a "yes" to the one before it only). Score from 0 to 6. The French wording is our own translation.',
  },
  reference:
    'U.S. Department of Agriculture, Economic Research Service. U.S. Household Food Security Survey Module: Six-Item Short Form. September 2012.',
  cutOff: {
    fr: '0 ou 1 : sécurité alimentaire élevée ou marginale ; 2 à 4 : faible ; 5 ou 6 : très faible.',
    en: '0 or 1: high or marginal food security; 2 to 4: low food security; 5 or 6: very low food security.',
  },
  scoreRange: { min: 0, max: 6 },
  isHigherScoreWorse: true,
  categories: [
    {
      code: 'high_or_marginal',
      label: { fr: 'Sécurité alimentaire élevée ou marginale', en: 'High or marginal food security' },
    },
    { code: 'low', label: { fr: 'Sécurité alimentaire faible', en: 'Low food security' } },
    { code: 'very_low', label: { fr: 'Sécurité alimentaire très faible', en: 'Very low food security' } },
  ],
  items: [
    {
      code: 'hh3',
      wording: {
        fr: '« La nourriture que nous avions achetée ne durait pas assez longtemps et nous n’avions pas d’argent pour en racheter. » Au cours des 12 derniers mois, était-ce souvent vrai, parfois vrai ou jamais vrai pour votre foyer ?',
        en: '"The food that (I/we) bought just didn\'t last, and (I/we) didn\'t have money to get more." Was that often, sometimes, or never true for (you/your household) in the last 12 months?',
      },
      answerType: 'single_choice',
      options: HOW_TRUE,
    },
    {
      code: 'hh4',
      wording: {
        fr: '« Nous n’avions pas les moyens de manger des repas équilibrés. » Au cours des 12 derniers mois, était-ce souvent vrai, parfois vrai ou jamais vrai pour votre foyer ?',
        en: '"(I/we) couldn\'t afford to eat balanced meals." Was that often, sometimes, or never true for (you/your household) in the last 12 months?',
      },
      answerType: 'single_choice',
      options: HOW_TRUE,
    },
    {
      code: 'ad1',
      wording: {
        fr: 'Au cours des 12 derniers mois, vous est-il arrivé, à vous ou à d’autres adultes de votre foyer, de réduire la taille de vos repas ou de sauter des repas parce qu’il n’y avait pas assez d’argent pour la nourriture ?',
        en: "In the last 12 months, did (you/you or other adults in your household) ever cut the size of your meals or skip meals because there wasn't enough money for food?",
      },
      answerType: 'yes_no',
      options: YES_NO,
    },
    {
      code: 'ad1a',
      wording: {
        fr: 'À quelle fréquence est-ce arrivé : presque tous les mois, certains mois mais pas tous, ou seulement un ou deux mois ?',
        en: 'How often did this happen: almost every month, some months but not every month, or in only 1 or 2 months?',
      },
      answerType: 'single_choice',
      options: HOW_MANY_MONTHS,
      askedOnlyIf: { item: 'ad1', equals: true },
    },
    {
      code: 'ad2',
      wording: {
        fr: 'Au cours des 12 derniers mois, vous est-il arrivé de manger moins que vous ne l’auriez dû, selon vous, parce qu’il n’y avait pas assez d’argent pour la nourriture ?',
        en: "In the last 12 months, did you ever eat less than you felt you should because there wasn't enough money for food?",
      },
      answerType: 'yes_no',
      options: YES_NO,
    },
    {
      code: 'ad3',
      wording: {
        fr: 'Au cours des 12 derniers mois, vous est-il arrivé d’avoir faim sans manger parce qu’il n’y avait pas assez d’argent pour la nourriture ?',
        en: "In the last 12 months, were you ever hungry but didn't eat because there wasn't enough money for food?",
      },
      answerType: 'yes_no',
      options: YES_NO,
    },
  ],
}

function categoryOf(score: number): Usda6Category {
  if (score >= 5) return 'very_low'
  return score >= 2 ? 'low' : 'high_or_marginal'
}

/**
 * USDA six-item short form (ERS 2012): one point each for HH3 and HH4 often or sometimes true, AD1 yes,
 * AD1a almost every month or some months, AD2 yes, AD3 yes. AD1a is asked only after AD1 = yes: when AD1 is no
 * it is not required and counts 0, and an answer left there (from before AD1 was changed) is ignored.
 * 0–1 high or marginal, 2–4 low, 5–6 very low food security.
 */
export function scoreUsda6(answers: RawAnswers): Usda6Result {
  rejectUnknownItems(USDA6, answers)
  const hh3 = readChoice<HowTrueCode>(USDA6, answers, 'hh3')
  const hh4 = readChoice<HowTrueCode>(USDA6, answers, 'hh4')
  const ad1 = readChoice<boolean>(USDA6, answers, 'ad1')
  const ad1a = readChoice<HowManyMonthsCode>(USDA6, answers, 'ad1a')
  const ad2 = readChoice<boolean>(USDA6, answers, 'ad2')
  const ad3 = readChoice<boolean>(USDA6, answers, 'ad3')
  if (hh3 === undefined || hh4 === undefined || ad1 === undefined || ad2 === undefined || ad3 === undefined) {
    return incompleteResult()
  }
  if (ad1 && ad1a === undefined) return incompleteResult()
  const points = [
    AFFIRMATIVE_HOW_TRUE.includes(hh3),
    AFFIRMATIVE_HOW_TRUE.includes(hh4),
    ad1,
    ad1 && ad1a !== undefined && AFFIRMATIVE_HOW_MANY_MONTHS.includes(ad1a),
    ad2,
    ad3,
  ].filter(Boolean).length
  return { score: points, category: categoryOf(points), complete: true }
}
