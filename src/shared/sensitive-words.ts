/**
 * Free text that stays factual: the words of the special categories of data (GDPR art. 9 and 10) that have no place
 * in a landlord's notes about a tenant. In 2012 the CNIL publicly served a landlord over remarks such as "alzheimer",
 * "alcoolique", "violence conjugale"; tenants can read their notes (right of access). Notes and summaries are checked
 * while typing: the writer sees a plain warning and the closed lists to use instead; saving stays possible; the
 * server counts flagged texts for the DPO (which category, never the text).
 *
 * The list is French (the field's language), matched ignoring case and accents, on whole words. An entry ending in
 * `*` matches any word that starts with it ("alcool*": alcool, alcoolique, alcoolisme); an entry of several words
 * matches them in sequence. Kept short and unambiguous on purpose: a word with an everyday meaning (« malade »,
 * « arabe » as a language, « cancer » as a sign) warns too often to be read; the list names diagnoses, acts and
 * beliefs, not needs.
 */

export const SENSITIVE_CATEGORIES = ['health', 'offence', 'religion', 'origin', 'sexual_life', 'political'] as const
export type SensitiveCategory = (typeof SENSITIVE_CATEGORIES)[number]

export const SENSITIVE_WORDS: Readonly<Record<SensitiveCategory, readonly string[]>> = {
  health: [
    'alzheimer*',
    'parkinson*',
    'alcool*',
    'ethylique*',
    'toxicoman*',
    'drogue',
    'drogues',
    'droguee',
    'droguees',
    'cannabis',
    'heroine',
    'cocaine',
    'schizophren*',
    'bipolaire*',
    'psychiatri*',
    'psychiatre*',
    'psychose*',
    'psychotique*',
    'paranoia*',
    'paranoiaque*',
    'depressi*',
    'dement',
    'demente',
    'demence',
    'cancer*',
    'tumeur*',
    'chimiotherapie*',
    'vih',
    'sida',
    'seropositi*',
    'hepatite*',
    'diabete*',
    'diabetique*',
    'epilep*',
    'dialyse*',
    'avc',
    'handicap mental',
    'deficience mentale',
    'autis*',
    'anorexi*',
    'boulimi*',
    'suicid*',
    'tentative de suicide',
    'hospitalisation psychiatrique',
    'internement',
  ],
  offence: [
    'violence conjugale*',
    'violences conjugales',
    'battu*',
    'frappe sa femme',
    'frappe son mari',
    'delinquan*',
    'delinquant*',
    'casier judiciaire',
    'condamnation penale',
    'prison',
    'incarcer*',
    'detenu*',
    'garde a vue',
    'vol',
    'voleur*',
    'dealer*',
    'deal',
    'trafic de drogue',
    'trafiquant*',
    'agression*',
    'viol',
    'pedophil*',
    'escroc*',
    'escroquerie*',
    'plainte contre',
  ],
  religion: [
    'musulman*',
    'islam*',
    'juif',
    'juive*',
    'juifs',
    'judaisme',
    'catholique*',
    'protestant*',
    'evangeli*',
    'chretien*',
    'bouddhiste*',
    'hindou*',
    'temoin de jehovah',
    'temoins de jehovah',
    'ramadan',
    'voile islamique',
    'mosquee*',
    'synagogue*',
    'secte',
    'sectes',
  ],
  origin: [
    'ethnie*',
    'ethnique*',
    'race',
    'racial*',
    'gitan*',
    'rom',
    'roms',
    'tsigane*',
    'maghrebin*',
    'africain*',
    'noir de peau',
    'couleur de peau',
    'sans papiers',
    'sans-papiers',
    'clandestin*',
    'immigre*',
  ],
  sexual_life: [
    'homosexu*',
    'lesbienne*',
    'gay',
    'bisexu*',
    'transgenre*',
    'transsexu*',
    'vie sexuelle',
    'prostitu*',
    'orientation sexuelle',
  ],
  political: [
    'syndiqu*',
    'syndicaliste*',
    'communiste*',
    'socialiste*',
    'extreme droite',
    'extreme gauche',
    'front national',
    'rassemblement national',
    'gilet jaune',
    'gilets jaunes',
    'vote pour',
    'opinion politique',
    'opinions politiques',
  ],
}

/** What a warning suggests instead, per category: the closed lists the product already offers. */
export const SENSITIVE_ADVICE: Readonly<Record<SensitiveCategory, { fr: string; en: string }>> = {
  health: {
    fr: 'Pas de diagnostic ni de traitement : cochez le besoin « Santé et autonomie » ou « Détresse psychologique » et le niveau de fragilité, et décrivez ce que la personne demande.',
    en: 'No diagnosis or treatment: tick the need "Health and autonomy" or "Psychological distress" and the fragility level, and describe what the person asks for.',
  },
  offence: {
    fr: 'Pas d’infraction ni de jugement : cochez le besoin « Tensions ou violences familiales » et orientez si la personne est d’accord ; en cas de danger, appelez le 17 ou le 112.',
    en: 'No offence or judgement: tick the need "Family tension or violence" and make an orientation if the person agrees; in danger, call 17 or 112.',
  },
  religion: {
    fr: 'Les convictions religieuses n’ont pas leur place dans une note : décrivez le besoin concret (horaires, visite, alimentation).',
    en: 'Religious beliefs have no place in a note: describe the concrete need (times, visit, food).',
  },
  origin: {
    fr: 'L’origine ne se note pas : s’il s’agit de la langue, indiquez « parle peu le français » ou la langue de contact ; s’il s’agit de démarches, cochez « Aide administrative ou numérique ».',
    en: 'Origin is never noted: if it is about language, note the language of contact; if about paperwork, tick "Paperwork or digital help".',
  },
  sexual_life: {
    fr: 'La vie sexuelle et l’orientation sexuelle ne se notent pas : décrivez seulement le besoin exprimé.',
    en: 'Sexual life and orientation are never noted: describe only the need expressed.',
  },
  political: {
    fr: 'Les opinions politiques et syndicales ne se notent pas : décrivez seulement le besoin exprimé.',
    en: 'Political and union opinions are never noted: describe only the need expressed.',
  },
}

/** A word found: its category and the words as typed (for the writer's eyes only, never stored or logged). */
export interface SensitiveMatch {
  category: SensitiveCategory
  words: string
}

/** Lower case, no accents, apostrophes and hyphens as spaces: the form both the list and the text are compared in. */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
}

interface Entry {
  category: SensitiveCategory
  parts: string[]
  prefix: boolean
}

const ENTRIES: Entry[] = SENSITIVE_CATEGORIES.flatMap((category) =>
  SENSITIVE_WORDS[category].map((entry) => {
    const prefix = entry.endsWith('*')
    return { category, parts: fold(prefix ? entry.slice(0, -1) : entry).split(/[\s'’-]+/), prefix }
  }),
)

/** Longest texts checked: a note is bounded well below this by its contract. */
const MAX_CHECKED = 20_000

/**
 * The sensitive words of a text, in order of appearance, one match per place. Pure and quick (a note of 2,000
 * characters is checked in well under a millisecond), so the web checks while typing and the server on save.
 */
export function findSensitiveWords(text: string): SensitiveMatch[] {
  const source = text.slice(0, MAX_CHECKED)
  const words: Array<{ folded: string; start: number; end: number }> = []
  for (const match of source.matchAll(/[\p{L}\p{N}]+/gu)) {
    words.push({ folded: fold(match[0]), start: match.index, end: match.index + match[0].length })
  }
  const found: SensitiveMatch[] = []
  for (let index = 0; index < words.length; index++) {
    const entry = ENTRIES.find((candidate) => matchesAt(candidate, words, index))
    if (!entry) continue
    const last = words[index + entry.parts.length - 1]
    found.push({ category: entry.category, words: source.slice(words[index].start, last.end) })
    index += entry.parts.length - 1
  }
  return found
}

function matchesAt(entry: Entry, words: Array<{ folded: string }>, index: number): boolean {
  if (index + entry.parts.length > words.length) return false
  return entry.parts.every((part, offset) => {
    const word = words[index + offset].folded
    const isLast = offset === entry.parts.length - 1
    return isLast && entry.prefix ? word.startsWith(part) : word === part
  })
}

/** The categories a text touches, each once (what the server counts for the DPO). */
export function sensitiveCategoriesOf(text: string | null | undefined): SensitiveCategory[] {
  if (!text) return []
  return [...new Set(findSensitiveWords(text).map((match) => match.category))]
}
