import { readChoice, rejectUnknownItems } from './answers.js'
import {
  type AnswerOption,
  type InstrumentDefinition,
  type InstrumentResult,
  incompleteResult,
  type RawAnswers,
} from './types.js'

export type EpicesCategory = 'not_precarious' | 'precarious'
export type EpicesQuintile = 1 | 2 | 3 | 4 | 5
export type EpicesResult = InstrumentResult<EpicesCategory, { quintile: EpicesQuintile }>

const YES_NO: readonly AnswerOption[] = [
  { code: true, label: { fr: 'Oui', en: 'Yes' } },
  { code: false, label: { fr: 'Non', en: 'No' } },
]

// Coefficients in hundredths, so that sums are exact integers: adding the published decimals in floating point
// gives 30.169999999999995 for some answer sets, which would fall on the wrong side of the 30.17 cut-off.
const INTERCEPT_HUNDREDTHS = 7514
const ITEMS: ReadonlyArray<{ code: string; coefficientHundredths: number; fr: string; en: string }> = [
  {
    code: 'q1',
    coefficientHundredths: 1006,
    fr: 'Rencontrez-vous parfois un travailleur social ?',
    en: 'Do you sometimes meet a social worker?',
  },
  {
    code: 'q2',
    coefficientHundredths: -1183,
    fr: 'Bénéficiez-vous d’une assurance maladie complémentaire ?',
    en: 'Do you have complementary health insurance?',
  },
  { code: 'q3', coefficientHundredths: -828, fr: 'Vivez-vous en couple ?', en: 'Do you live as a couple?' },
  {
    code: 'q4',
    coefficientHundredths: -828,
    fr: 'Êtes-vous propriétaire de votre logement ?',
    en: 'Do you own your home?',
  },
  {
    code: 'q5',
    coefficientHundredths: 1480,
    fr: 'Y a-t-il des périodes dans le mois où vous rencontrez de réelles difficultés financières à faire face à vos besoins (alimentation, loyer, EDF…) ?',
    en: 'Are there times in the month when you have real financial difficulty meeting your needs (food, rent, electricity…)?',
  },
  {
    code: 'q6',
    coefficientHundredths: -651,
    fr: 'Vous est-il arrivé de faire du sport au cours des 12 derniers mois ?',
    en: 'Have you done any sport in the last 12 months?',
  },
  {
    code: 'q7',
    coefficientHundredths: -710,
    fr: 'Êtes-vous allé au spectacle au cours des 12 derniers mois ?',
    en: 'Have you been to a show in the last 12 months?',
  },
  {
    code: 'q8',
    coefficientHundredths: -710,
    fr: 'Êtes-vous parti en vacances au cours des 12 derniers mois ?',
    en: 'Have you been away on holiday in the last 12 months?',
  },
  {
    code: 'q9',
    coefficientHundredths: -947,
    fr: 'Au cours des 6 derniers mois, avez-vous eu des contacts avec des membres de votre famille autres que vos parents ou vos enfants ?',
    en: 'In the last 6 months, have you been in contact with members of your family other than your parents or your children?',
  },
  {
    code: 'q10',
    coefficientHundredths: -947,
    fr: 'En cas de difficultés, y a-t-il dans votre entourage des personnes sur qui vous puissiez compter pour vous héberger quelques jours en cas de besoin ?',
    en: 'If you were in difficulty, are there people around you whom you could count on to put you up for a few days if needed?',
  },
  {
    code: 'q11',
    coefficientHundredths: -710,
    fr: 'En cas de difficultés, y a-t-il dans votre entourage des personnes sur qui vous puissiez compter pour vous apporter une aide matérielle ?',
    en: 'If you were in difficulty, are there people around you whom you could count on for material help?',
  },
]

const PRECARIOUS_FROM_HUNDREDTHS = 3017
// Lower bounds of quintiles 2 to 5, in hundredths; each band includes its lower bound.
const QUINTILE_LOWER_BOUNDS_HUNDREDTHS = [710, 1656, 3017, 4853] as const

export const EPICES: InstrumentDefinition = {
  code: 'epices',
  name: { fr: 'Score EPICES (précarité)', en: 'EPICES score (social deprivation)' },
  description: {
    fr: 'Onze questions oui/non sur la situation sociale et matérielle. Score de 0 (pas de précarité) à 100 (précarité maximale). Questionnaire français d’origine.',
    en: 'Eleven yes/no questions on social and material circumstances. Score from 0 (no deprivation) to 100 (most deprived). Original French questionnaire; the English wording is for reference.',
  },
  reference:
    'Sass C, Moulin JJ, Guéguen R, et al. Le score EPICES : un score individuel de précarité. Construction du score et mesure des relations avec des données de santé, dans une population de 197 389 personnes. Bull Epidémiol Hebd 2006;(14):93-6. Labbe E, Blanquet M, Gerbaud L, et al. A new reliable index to measure individual deprivation: the EPICES score. Eur J Public Health 2015;25(4):604-9.',
  cutOff: {
    fr: 'Précarité si le score est supérieur ou égal à 30,17.',
    en: 'Deprived (precarious) when the score is 30.17 or more.',
  },
  scoreRange: { min: 0, max: 100 },
  isHigherScoreWorse: true,
  categories: [
    { code: 'not_precarious', label: { fr: 'Pas de précarité selon EPICES', en: 'Not deprived (EPICES)' } },
    { code: 'precarious', label: { fr: 'Précarité selon EPICES', en: 'Deprived (EPICES)' } },
  ],
  items: ITEMS.map((item) => ({
    code: item.code,
    wording: { fr: item.fr, en: item.en },
    answerType: 'yes_no',
    options: YES_NO,
  })),
}

function quintileOf(hundredths: number): EpicesQuintile {
  const bandsReached = QUINTILE_LOWER_BOUNDS_HUNDREDTHS.filter((bound) => hundredths >= bound).length
  return (bandsReached + 1) as EpicesQuintile
}

/**
 * EPICES (Sass et al. 2006): 75.14 plus the coefficient of every question answered oui (true), computed in
 * integer hundredths so that the score is the exact two-decimal value. Precarious when the score is ≥ 30.17;
 * details give the quintile band ([0–7.10[, [7.10–16.56[, [16.56–30.17[, [30.17–48.53[, [48.53–100]).
 */
export function scoreEpices(answers: RawAnswers): EpicesResult {
  rejectUnknownItems(EPICES, answers)
  const responses = ITEMS.map((item) => ({ item, isYes: readChoice<boolean>(EPICES, answers, item.code) }))
  if (responses.some((response) => response.isYes === undefined)) return incompleteResult()
  const hundredths = responses.reduce(
    (sum, response) => (response.isYes ? sum + response.item.coefficientHundredths : sum),
    INTERCEPT_HUNDREDTHS,
  )
  return {
    score: hundredths / 100,
    category: hundredths >= PRECARIOUS_FROM_HUNDREDTHS ? 'precarious' : 'not_precarious',
    complete: true,
    details: { quintile: quintileOf(hundredths) },
  }
}
