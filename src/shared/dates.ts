/** Whole years between a YYYY-MM-DD birth date and a YYYY-MM-DD day (the person's age on that day). */
export function ageOn(birthDate: string | null, day: string): number | null {
  if (!birthDate) return null
  const [by, bm, bd] = birthDate.split('-').map(Number)
  const [y, m, d] = day.split('-').map(Number)
  let age = y - by
  if (m < bm || (m === bm && d < bd)) age -= 1
  return age
}

const parisDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' })

/** Today's date in Europe/Paris as YYYY-MM-DD: the day French users live in, whatever the server's zone. */
export function parisToday(now: Date = new Date()): string {
  return parisDay.format(now)
}
