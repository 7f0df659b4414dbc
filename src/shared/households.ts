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
