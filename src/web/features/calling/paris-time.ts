// Callers type times as the tenant says them: Paris wall-clock time, whatever zone the caller's device is set to.
const PARIS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
})

function parisParts(date: Date) {
  const parts = Object.fromEntries(PARIS.formatToParts(date).map((part) => [part.type, part.value]))
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  }
}

/** Minutes Paris is ahead of UTC at this instant (60 in winter, 120 in summer). */
function parisOffsetMinutes(date: Date): number {
  const p = parisParts(date)
  const wallAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return Math.round((wallAsUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000)
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/

/**
 * A `datetime-local` value (`2025-06-03T14:30`) read as Europe/Paris time, as an ISO instant; null when malformed.
 * Across daylight-saving changes the offset is taken at the resulting instant, so summer and winter times are both
 * right; a time that does not exist (the spring gap) lands one hour later, as clocks do.
 */
export function parisLocalToIso(local: string): string | null {
  const match = LOCAL.exec(local)
  if (!match) return null
  const [year, month, day, hour, minute] = match.slice(1).map(Number)
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null
  const wall = Date.UTC(year, month - 1, day, hour, minute)
  let instant = wall - parisOffsetMinutes(new Date(wall)) * 60_000
  instant = wall - parisOffsetMinutes(new Date(instant)) * 60_000
  return new Date(instant).toISOString()
}

/** An instant as a `datetime-local` value in Europe/Paris time. */
export function isoToParisLocal(iso: string | Date): string {
  const p = parisParts(typeof iso === 'string' ? new Date(iso) : iso)
  const pad = (value: number) => String(value).padStart(2, '0')
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`
}

/** Today in Paris as YYYY-MM-DD. */
export function parisDay(now: Date = new Date()): string {
  return isoToParisLocal(now).slice(0, 10)
}
