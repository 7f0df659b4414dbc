import { readChoice, rejectUnknownItems } from './answers.js'
import {
  type AnswerOption,
  type InstrumentDefinition,
  type InstrumentResult,
  incompleteResult,
  type RawAnswers,
} from './types.js'

export type Ucla3Category = 'not_lonely' | 'lonely'
export type Ucla3Result = InstrumentResult<Ucla3Category, never>

const HOW_OFTEN: readonly AnswerOption[] = [
  { code: 1, label: { fr: 'Presque jamais', en: 'Hardly ever' } },
  { code: 2, label: { fr: 'Parfois', en: 'Some of the time' } },
  { code: 3, label: { fr: 'Souvent', en: 'Often' } },
]

const ITEM_CODES = ['q1', 'q2', 'q3'] as const

// Hughes et al. set no cut-off; 6 is the usual convention in the literature, and the description says so.
const LONELY_FROM = 6

export const UCLA3: InstrumentDefinition = {
  code: 'ucla3',
  name: { fr: 'Échelle de solitude UCLA à 3 questions', en: 'UCLA 3-item loneliness scale' },
  description: {
    fr: 'Trois questions sur le sentiment de solitude, conçues pour les enquêtes par téléphone. Score de 3 à 9. L’article d’origine ne fixe pas de seuil : le seuil de 6 est une convention. La formulation française est notre traduction.',
    en: 'Three questions on feeling lonely, designed for telephone surveys. Score from 3 to 9. The original paper sets no cut-off: the threshold of 6 is a convention. The French wording is our own translation.',
  },
  reference:
    'Hughes ME, Waite LJ, Hawkley LC, Cacioppo JT. A short scale for measuring loneliness in large surveys: results from two population-based studies. Res Aging 2004;26(6):655-72.',
  cutOff: {
    fr: 'Solitude si le total est supérieur ou égal à 6 (convention d’usage, pas un seuil publié par les auteurs).',
    en: 'Lonely when the total is 6 or more (a common convention, not a cut-off published by the authors).',
  },
  scoreRange: { min: 3, max: 9 },
  isHigherScoreWorse: true,
  categories: [
    { code: 'not_lonely', label: { fr: 'Pas de solitude marquée', en: 'Not lonely' } },
    { code: 'lonely', label: { fr: 'Solitude (seuil conventionnel)', en: 'Lonely (conventional cut-off)' } },
  ],
  items: [
    {
      code: 'q1',
      wording: {
        fr: 'À quelle fréquence avez-vous le sentiment de manquer de compagnie ?',
        en: 'How often do you feel that you lack companionship?',
      },
    },
    {
      code: 'q2',
      wording: { fr: 'À quelle fréquence vous sentez-vous laissé(e) de côté ?', en: 'How often do you feel left out?' },
    },
    {
      code: 'q3',
      wording: {
        fr: 'À quelle fréquence vous sentez-vous isolé(e) des autres ?',
        en: 'How often do you feel isolated from others?',
      },
    },
  ].map((item) => ({ ...item, answerType: 'single_choice' as const, options: HOW_OFTEN })),
}

/**
 * UCLA 3-item loneliness scale (Hughes et al. 2004): the sum of three items coded 1–3, from 3 to 9. The paper
 * sets no cut-off; we call "lonely" a total of 6 or more, a convention the UI labels as such.
 */
export function scoreUcla3(answers: RawAnswers): Ucla3Result {
  rejectUnknownItems(UCLA3, answers)
  const points = ITEM_CODES.map((code) => readChoice<number>(UCLA3, answers, code))
  if (points.some((point) => point === undefined)) return incompleteResult()
  const total = points.reduce<number>((sum, point) => sum + (point ?? 0), 0)
  return { score: total, category: total >= LONELY_FROM ? 'lonely' : 'not_lonely', complete: true }
}
