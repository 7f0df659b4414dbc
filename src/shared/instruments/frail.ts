import { readChoice, readChoices, readNumber, rejectUnknownItems } from './answers.js'
import {
  type AnswerOption,
  type InstrumentDefinition,
  type InstrumentResult,
  incompleteResult,
  type RawAnswers,
} from './types.js'

export type FrailCategory = 'robust' | 'pre_frail' | 'frail'
export type FrailPoint = 0 | 1
// A type alias, not an interface: it must fit Record<string, unknown> (HTTP response schemas).
/** One point per component of the acronym: Fatigue, Resistance, Ambulation, Illnesses, Loss of weight. */
export type FrailDetails = {
  fatigue: FrailPoint
  resistance: FrailPoint
  ambulation: FrailPoint
  illnesses: FrailPoint
  weightLoss: FrailPoint
}
export type FrailResult = InstrumentResult<FrailCategory, FrailDetails>

export const FATIGUE_CODES = ['all', 'most', 'some', 'little', 'none'] as const
export type FatigueCode = (typeof FATIGUE_CODES)[number]

export const ILLNESS_CODES = [
  'hypertension',
  'diabetes',
  'cancer',
  'chronic_lung_disease',
  'heart_attack',
  'heart_failure',
  'angina',
  'asthma',
  'arthritis',
  'stroke',
  'kidney_disease',
] as const
export type IllnessCode = (typeof ILLNESS_CODES)[number]

const FATIGUE_OPTIONS: readonly AnswerOption[] = [
  { code: 'all', label: { fr: 'Tout le temps', en: 'All of the time' } },
  { code: 'most', label: { fr: 'La plupart du temps', en: 'Most of the time' } },
  { code: 'some', label: { fr: 'Parfois', en: 'Some of the time' } },
  { code: 'little', label: { fr: 'Rarement', en: 'A little of the time' } },
  { code: 'none', label: { fr: 'Jamais', en: 'None of the time' } },
]

const DIFFICULTY_OPTIONS: readonly AnswerOption[] = [
  { code: true, label: { fr: 'Oui, avec difficulté', en: 'Yes, with difficulty' } },
  { code: false, label: { fr: 'Non, sans difficulté', en: 'No difficulty' } },
]

const ILLNESS_LABELS: Record<IllnessCode, { fr: string; en: string }> = {
  hypertension: { fr: 'Hypertension artérielle', en: 'Hypertension' },
  diabetes: { fr: 'Diabète', en: 'Diabetes' },
  cancer: { fr: 'Cancer (autre qu’un petit cancer de la peau)', en: 'Cancer (other than a minor skin cancer)' },
  chronic_lung_disease: { fr: 'Maladie pulmonaire chronique', en: 'Chronic lung disease' },
  heart_attack: { fr: 'Infarctus (crise cardiaque)', en: 'Heart attack' },
  heart_failure: { fr: 'Insuffisance cardiaque', en: 'Congestive heart failure' },
  angina: { fr: 'Angine de poitrine', en: 'Angina' },
  asthma: { fr: 'Asthme', en: 'Asthma' },
  arthritis: { fr: 'Arthrose ou arthrite', en: 'Arthritis' },
  stroke: { fr: 'Accident vasculaire cérébral (AVC)', en: 'Stroke' },
  kidney_disease: { fr: 'Maladie rénale', en: 'Kidney disease' },
}

const TIRED_CODES: readonly FatigueCode[] = ['all', 'most']
const ILLNESSES_FOR_POINT = 5
const FRAIL_FROM = 3

export const FRAIL: InstrumentDefinition = {
  code: 'frail',
  name: { fr: 'Échelle FRAIL (fragilité)', en: 'FRAIL scale (frailty)' },
  description: {
    fr: 'Cinq éléments : fatigue, résistance (monter 10 marches), marche (plusieurs centaines de mètres), maladies, perte de poids. Un point par élément, score de 0 à 5. La formulation française est notre traduction.',
    en: 'Five components: fatigue, resistance (climbing 10 steps), ambulation (walking several hundred metres), illnesses, loss of weight. One point each, score from 0 to 5. The French wording is our own translation.',
  },
  reference:
    'Morley JE, Malmstrom TK, Miller DK. A simple frailty questionnaire (FRAIL) predicts outcomes in middle aged African Americans. J Nutr Health Aging 2012;16(7):601-8.',
  cutOff: {
    fr: '0 : robuste ; 1 ou 2 : pré-fragile ; 3 à 5 : fragile.',
    en: '0: robust; 1 or 2: pre-frail; 3 to 5: frail.',
  },
  scoreRange: { min: 0, max: 5 },
  isHigherScoreWorse: true,
  categories: [
    { code: 'robust', label: { fr: 'Robuste', en: 'Robust' } },
    { code: 'pre_frail', label: { fr: 'Pré-fragile', en: 'Pre-frail' } },
    { code: 'frail', label: { fr: 'Fragile', en: 'Frail' } },
  ],
  items: [
    {
      code: 'fatigue',
      wording: {
        fr: 'Au cours des 4 dernières semaines, combien de temps vous êtes-vous senti(e) fatigué(e) ?',
        en: 'How much of the time during the past 4 weeks did you feel tired?',
      },
      answerType: 'single_choice',
      options: FATIGUE_OPTIONS,
    },
    {
      code: 'resistance',
      wording: {
        fr: 'Seul(e) et sans aide, avez-vous des difficultés à monter 10 marches sans vous arrêter pour vous reposer ?',
        en: 'By yourself and not using aids, do you have any difficulty walking up 10 steps without resting?',
      },
      answerType: 'yes_no',
      options: DIFFICULTY_OPTIONS,
    },
    {
      code: 'ambulation',
      wording: {
        fr: 'Seul(e) et sans aide, avez-vous des difficultés à marcher plusieurs centaines de mètres ?',
        en: 'By yourself and not using aids, do you have any difficulty walking several hundred metres?',
      },
      answerType: 'yes_no',
      options: DIFFICULTY_OPTIONS,
    },
    {
      code: 'illnesses',
      wording: {
        fr: 'Un médecin vous a-t-il déjà dit que vous aviez l’une de ces maladies ? (plusieurs réponses possibles, ou aucune)',
        en: 'Has a doctor ever told you that you have any of these illnesses? (any number, or none)',
      },
      answerType: 'multiple_choice',
      options: ILLNESS_CODES.map((code) => ({ code, label: ILLNESS_LABELS[code] })),
    },
    {
      code: 'weightNowKg',
      wording: {
        fr: 'Combien pesez-vous aujourd’hui, habillé(e) mais sans chaussures ? (en kg)',
        en: 'How much do you weigh now, with your clothes on but without shoes? (kg)',
      },
      answerType: 'number',
      options: [],
      unit: 'kg',
      exclusiveMinimum: 0,
    },
    {
      code: 'weightYearAgoKg',
      wording: {
        fr: 'Il y a un an, combien pesiez-vous, habillé(e) mais sans chaussures ? (en kg)',
        en: 'One year ago, how much did you weigh with your clothes on but without shoes? (kg)',
      },
      answerType: 'number',
      options: [],
      unit: 'kg',
      exclusiveMinimum: 0,
    },
  ],
}

/**
 * More than 5% of the weight of a year ago lost: (yearAgo − now) / yearAgo × 100 > 5, strictly.
 * Compared as 20 × now < 19 × yearAgo on whole grams, because the division in floating point turns an exact 5%
 * such as 80.2 → 76.19 kg into 5.000000000000006% and would award a point the scale does not give.
 */
export function hasLostMoreThanFivePercent(weightNowKg: number, weightYearAgoKg: number): boolean {
  const nowGrams = Math.round(weightNowKg * 1000)
  const yearAgoGrams = Math.round(weightYearAgoKg * 1000)
  return 20 * nowGrams < 19 * yearAgoGrams
}

function categoryOf(score: number): FrailCategory {
  if (score === 0) return 'robust'
  return score >= FRAIL_FROM ? 'frail' : 'pre_frail'
}

/**
 * FRAIL (Morley et al. 2012): one point each for fatigue (tired all or most of the time), resistance and
 * ambulation difficulties, 5 or more of the 11 listed illnesses (each counted once), and more than 5% weight lost
 * in a year. 0 robust, 1–2 pre-frail, 3–5 frail.
 */
export function scoreFrail(answers: RawAnswers): FrailResult {
  rejectUnknownItems(FRAIL, answers)
  const fatigue = readChoice<FatigueCode>(FRAIL, answers, 'fatigue')
  const resistance = readChoice<boolean>(FRAIL, answers, 'resistance')
  const ambulation = readChoice<boolean>(FRAIL, answers, 'ambulation')
  const illnesses = readChoices<IllnessCode>(FRAIL, answers, 'illnesses')
  const weightNowKg = readNumber(FRAIL, answers, 'weightNowKg')
  const weightYearAgoKg = readNumber(FRAIL, answers, 'weightYearAgoKg')
  if (
    fatigue === undefined ||
    resistance === undefined ||
    ambulation === undefined ||
    illnesses === undefined ||
    weightNowKg === undefined ||
    weightYearAgoKg === undefined
  ) {
    return incompleteResult()
  }
  const details: FrailDetails = {
    fatigue: TIRED_CODES.includes(fatigue) ? 1 : 0,
    resistance: resistance ? 1 : 0,
    ambulation: ambulation ? 1 : 0,
    illnesses: illnesses.length >= ILLNESSES_FOR_POINT ? 1 : 0,
    weightLoss: hasLostMoreThanFivePercent(weightNowKg, weightYearAgoKg) ? 1 : 0,
  }
  const score = details.fatigue + details.resistance + details.ambulation + details.illnesses + details.weightLoss
  return { score, category: categoryOf(score), complete: true, details }
}
