import { readChoice, rejectUnknownItems } from './answers.js'
import {
  type AnswerOption,
  type InstrumentDefinition,
  type InstrumentResult,
  incompleteResult,
  type RawAnswers,
} from './types.js'

export type Lsns6Category = 'not_at_risk' | 'at_risk'
// A type alias, not an interface: it must fit Record<string, unknown> (HTTP response schemas).
export type Lsns6Details = {
  family: number
  friends: number
  familyLimited: boolean
  friendsLimited: boolean
}
export type Lsns6Result = InstrumentResult<Lsns6Category, Lsns6Details>

/** The codes are the item's points: the scale's response steps are unequal (3 = three or four people). */
const NUMBER_OF_PEOPLE: readonly AnswerOption[] = [
  { code: 0, label: { fr: 'Aucun', en: 'None' } },
  { code: 1, label: { fr: 'Un', en: 'One' } },
  { code: 2, label: { fr: 'Deux', en: 'Two' } },
  { code: 3, label: { fr: 'Trois ou quatre', en: 'Three or four' } },
  { code: 4, label: { fr: 'De cinq à huit', en: 'Five to eight' } },
  { code: 5, label: { fr: 'Neuf ou plus', en: 'Nine or more' } },
]

const FAMILY_ITEMS = ['family1', 'family2', 'family3'] as const
const FRIENDS_ITEMS = ['friends1', 'friends2', 'friends3'] as const

const AT_RISK_BELOW = 12
const LIMITED_SIDE_BELOW = 6

export const LSNS6: InstrumentDefinition = {
  code: 'lsns6',
  name: { fr: 'Réseau social de Lubben (LSNS-6)', en: 'Lubben Social Network Scale (LSNS-6)' },
  description: {
    fr: 'Six questions sur le nombre de proches (famille, puis amis et voisins) sur qui la personne peut compter. Score de 0 à 30. Il n’existe pas de version française validée : la formulation française est notre traduction.',
    en: 'Six questions on how many relatives, then friends and neighbours, the person can rely on. Score from 0 to 30. No validated French version is published: the French wording is our own translation.',
  },
  reference:
    'Lubben J, Blozik E, Gillmann G, et al. Performance of an abbreviated version of the Lubben Social Network Scale among three European community-dwelling older adult populations. Gerontologist 2006;46(4):503-13.',
  cutOff: {
    fr: 'Risque d’isolement social si le total est inférieur à 12. Réseau familial ou amical limité si son sous-score (0 à 15) est inférieur à 6.',
    en: 'At risk of social isolation when the total is below 12. A limited family or friends network when its sub-score (0 to 15) is below 6.',
  },
  scoreRange: { min: 0, max: 30 },
  isHigherScoreWorse: false,
  categories: [
    { code: 'not_at_risk', label: { fr: 'Pas de risque d’isolement', en: 'Not at risk of isolation' } },
    { code: 'at_risk', label: { fr: 'Risque d’isolement social', en: 'At risk of social isolation' } },
  ],
  items: [
    {
      code: 'family1',
      wording: {
        fr: 'En pensant à votre famille (par le sang, le mariage ou l’adoption) : combien de membres de votre famille voyez-vous, ou avez-vous au téléphone, au moins une fois par mois ?',
        en: 'Considering the people to whom you are related by birth, marriage, adoption, etc.: how many relatives do you see or hear from at least once a month?',
      },
    },
    {
      code: 'family2',
      wording: {
        fr: 'Avec combien de membres de votre famille vous sentez-vous assez à l’aise pour parler de choses personnelles ?',
        en: 'How many relatives do you feel at ease with that you can talk about private matters?',
      },
    },
    {
      code: 'family3',
      wording: {
        fr: 'De combien de membres de votre famille vous sentez-vous assez proche pour pouvoir leur demander de l’aide ?',
        en: 'How many relatives do you feel close to such that you could call on them for help?',
      },
    },
    {
      code: 'friends1',
      wording: {
        fr: 'En pensant à tous vos amis, y compris vos voisins : combien d’amis voyez-vous, ou avez-vous au téléphone, au moins une fois par mois ?',
        en: 'Considering all of your friends, including those who live in your neighbourhood: how many of your friends do you see or hear from at least once a month?',
      },
    },
    {
      code: 'friends2',
      wording: {
        fr: 'Avec combien d’amis vous sentez-vous assez à l’aise pour parler de choses personnelles ?',
        en: 'How many friends do you feel at ease with that you can talk about private matters?',
      },
    },
    {
      code: 'friends3',
      wording: {
        fr: 'De combien d’amis vous sentez-vous assez proche pour pouvoir leur demander de l’aide ?',
        en: 'How many friends do you feel close to such that you could call on them for help?',
      },
    },
  ].map((item) => ({ ...item, answerType: 'single_choice' as const, options: NUMBER_OF_PEOPLE })),
}

function sumSide(answers: RawAnswers, itemCodes: readonly string[]): number | undefined {
  const points = itemCodes.map((code) => readChoice<number>(LSNS6, answers, code))
  if (points.some((point) => point === undefined)) return undefined
  return points.reduce<number>((sum, point) => sum + (point ?? 0), 0)
}

/**
 * LSNS-6 (Lubben et al. 2006): the sum of six items coded 0–5. At risk of social isolation when the total is
 * below 12; the family and friends sub-scores (0–15 each) mark a limited network on that side when below 6.
 */
export function scoreLsns6(answers: RawAnswers): Lsns6Result {
  rejectUnknownItems(LSNS6, answers)
  // Both sides are read before deciding completeness, so an invalid answer is reported even if another is missing.
  const family = sumSide(answers, FAMILY_ITEMS)
  const friends = sumSide(answers, FRIENDS_ITEMS)
  if (family === undefined || friends === undefined) return incompleteResult()
  const total = family + friends
  return {
    score: total,
    category: total < AT_RISK_BELOW ? 'at_risk' : 'not_at_risk',
    complete: true,
    details: {
      family,
      friends,
      familyLimited: family < LIMITED_SIDE_BELOW,
      friendsLimited: friends < LIMITED_SIDE_BELOW,
    },
  }
}
