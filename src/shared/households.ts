/** Facts about a household derived from its occupants: who is oldest, how many, whether the leaseholder is alone. */
export function deriveHouseholdFacts(members: ReadonlyArray<{ birthDate: string | null }>) {
  const birthDates = members.map((member) => member.birthDate).filter((date): date is string => date !== null)
  return {
    occupants: members.length,
    livesAlone: members.length === 1,
    // ISO dates sort as text: the smallest is the oldest person's.
    oldestBirthDate: birthDates.length ? birthDates.sort()[0] : null,
  }
}

/** A household's address on one line, as a caller or a recipient reads it: "12 rue X, Bât. B, 54000 Nancy". */
export function addressOnOneLine(household: {
  addressLine1: string | null
  addressLine2: string | null
  postcode: string | null
  city: string | null
}): string {
  return [household.addressLine1, household.addressLine2, `${household.postcode ?? ''} ${household.city ?? ''}`.trim()]
    .filter(Boolean)
    .join(', ')
}

/**
 * Text as the household search compares it: lower case, accents and ligatures folded (`Lefèvre` → `lefevre`,
 * `Œuvray` → `oeuvray`), hyphens, apostrophes and other punctuation as single spaces (`Jean-Pierre` → `jean pierre`).
 */
export function searchableText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

/**
 * The `search_name` stored on a household: its names folded by `searchableText`, in both orders ("nom prénom | prénom nom"),
 * so that a search for `Emma Benali`, `benali emma` or `Lefevre` is a plain substring test in SQL on either engine,
 * and the list sorted by it is in the order of last names ignoring case and accents. Every write of a household's
 * names writes it too.
 */
export function householdSearchName(lastName: string, firstName: string | null): string {
  const last = searchableText(lastName)
  const first = firstName ? searchableText(firstName) : ''
  return first ? `${last} ${first} | ${first} ${last}` : last
}

/**
 * A leaseholder's civility as stored: a closed vocabulary (Mademoiselle is read as Madame, as the administration does;
 * `M et Mme` for a couple's lease, as landlords' files often write it).
 */
export const CIVILITIES = ['M', 'Mme', 'M et Mme'] as const
export type Civility = (typeof CIVILITIES)[number]

export function isCivility(value: unknown): value is Civility {
  return (CIVILITIES as readonly unknown[]).includes(value)
}

const CIVILITY_WORDS: Record<string, Civility> = {
  m: 'M',
  mr: 'M',
  monsieur: 'M',
  mme: 'Mme',
  madame: 'Mme',
  mlle: 'Mme',
  mademoiselle: 'Mme',
  'm et mme': 'M et Mme',
  'mr et mme': 'M et Mme',
  'monsieur et madame': 'M et Mme',
  'mme et m': 'M et Mme',
  'madame et monsieur': 'M et Mme',
}

/**
 * A civility as landlords' files write it: `M.`, `M`, `Monsieur` → `M`; `Mme`, `Madame`, `Mlle` → `Mme`; `M. et Mme`,
 * `M. & Mme`, `Monsieur et Madame`, `Mme et M.` → `M et Mme` (case, dots and spaces ignored). Any other text is
 * undefined (not a civility); an empty cell is null.
 */
export function parseCivility(raw: string): Civility | null | undefined {
  const key = raw
    .trim()
    .toLowerCase()
    .replace(/\s*[&/+]\s*/g, ' et ')
    .replace(/\./g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  if (key === '') return null
  return Object.hasOwn(CIVILITY_WORDS, key) ? CIVILITY_WORDS[key] : undefined
}

/** The civility in full, as French letters and calls say it: « Monsieur », « Madame », « Monsieur et Madame »; null without one. */
export function civilityWord(civility: string | null | undefined): 'Monsieur' | 'Madame' | 'Monsieur et Madame' | null {
  return civility === 'M'
    ? 'Monsieur'
    : civility === 'Mme'
      ? 'Madame'
      : civility === 'M et Mme'
        ? 'Monsieur et Madame'
        : null
}

/**
 * How a caller addresses the leaseholder (`{{civilite_nom}}`): « Madame Schmitt », « Monsieur et Madame Schmitt »; without a
 * civility, first name and name (« Monique Schmitt »), so that a caller never guesses one.
 */
export function addressedName(household: {
  civility?: string | null
  firstName: string | null
  lastName: string
}): string {
  const word = civilityWord(household.civility)
  if (word) return `${word} ${household.lastName}`
  return [household.firstName, household.lastName].filter(Boolean).join(' ')
}
