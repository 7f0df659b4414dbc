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
