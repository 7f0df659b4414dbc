/**
 * The one clock: Europe/Paris days, periods and offsets, for the server and the web app alike.
 *
 * French users live in Paris days whatever zone a server or a device is set to. Instants are stored as ISO-8601 UTC
 * text with milliseconds (`src/server/db/time.ts`); a "day" here is always a Paris calendar day written YYYY-MM-DD.
 * Zone arithmetic goes through luxon; the hot conversions (the Paris day of a stored instant, an instant's offset)
 * go through a cached `Intl.DateTimeFormat`, since the Paris day of an instant depends on its UTC hour only.
 */
import { DateTime } from 'luxon'

export const PARIS = 'Europe/Paris'

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: PARIS })
const wallFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: PARIS,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
})

/** Today's date in Europe/Paris as YYYY-MM-DD. */
export function parisToday(now: Date = new Date()): string {
  return dayFormat.format(now)
}

// Offsets change on the hour: the Paris day and offset of an instant are those of its UTC hour, computed once each.
const dayOfHour = new Map<string, string>()
const offsetOfHour = new Map<string, number>()

function hourKey(instant: string | Date): string {
  return (typeof instant === 'string' ? instant : instant.toISOString()).slice(0, 13)
}

/** The Europe/Paris day (YYYY-MM-DD) of an instant (ISO UTC text or a Date). */
export function parisDayOf(instant: string | Date): string {
  const hour = hourKey(instant)
  let day = dayOfHour.get(hour)
  if (day === undefined) {
    day = dayFormat.format(new Date(`${hour}:00:00.000Z`))
    if (dayOfHour.size > 100_000) dayOfHour.clear()
    dayOfHour.set(hour, day)
  }
  return day
}

/** Minutes Paris is ahead of UTC at this instant (60 in winter, 120 in summer). */
export function parisOffsetMinutes(instant: string | Date): number {
  const hour = hourKey(instant)
  let offset = offsetOfHour.get(hour)
  if (offset === undefined) {
    const at = new Date(`${hour}:00:00.000Z`)
    const parts = wallParts(at)
    const wallAsUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second)
    offset = Math.round((wallAsUtc - at.getTime()) / 60_000)
    if (offsetOfHour.size > 100_000) offsetOfHour.clear()
    offsetOfHour.set(hour, offset)
  }
  return offset
}

function wallParts(date: Date) {
  const parts = Object.fromEntries(wallFormat.formatToParts(date).map((part) => [part.type, part.value]))
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  }
}

/**
 * A Date whose UTC fields show the Paris wall clock of an instant: what a person in France saw. For writers (Excel)
 * that read a date's UTC fields.
 */
export function parisWallClock(instant: string | Date): Date {
  const time = typeof instant === 'string' ? Date.parse(instant) : instant.getTime()
  return new Date(time + parisOffsetMinutes(instant) * 60_000)
}

/** Whether a text is a real calendar day YYYY-MM-DD (no 2026-02-30). */
export function isCalendarDay(value: string): boolean {
  if (!DAY_PATTERN.test(value)) return false
  return DateTime.fromISO(value, { zone: PARIS }).isValid
}

/** The instant a Europe/Paris day begins, as stored timestamps are written (ISO UTC with milliseconds). */
export function parisDayStart(day: string): string {
  return DateTime.fromISO(day, { zone: PARIS }).startOf('day').toUTC().toJSDate().toISOString()
}

/**
 * The UTC instants bounding Europe/Paris days `from` to `to`, both inclusive: [start, end). Midnight in Paris is
 * 23:00 or 22:00 UTC the day before, depending on the season; a day lasts 23 or 25 hours when clocks change.
 */
export function parisPeriodBounds(from: string, to: string): { start: string; end: string } {
  return { start: parisDayStart(from), end: parisDayStart(addDays(to, 1)) }
}

/** The calendar day `days` after (or before, when negative) a day YYYY-MM-DD. */
export function addDays(day: string, days: number): string {
  return DateTime.fromISO(day, { zone: 'UTC' }).plus({ days }).toISODate()!
}

/** The calendar day `months` after (or before, when negative) a day YYYY-MM-DD; the 31st gives the month's last day. */
export function addMonths(day: string, months: number): string {
  return DateTime.fromISO(day, { zone: 'UTC' }).plus({ months }).toISODate()!
}

/** Every day from `from` to `to`, both inclusive, ascending; at most `limit` days. */
export function daysBetween(from: string, to: string, limit = 10_000): string[] {
  const days: string[] = []
  let day = DateTime.fromISO(from, { zone: 'UTC' })
  const last = DateTime.fromISO(to, { zone: 'UTC' })
  while (day <= last && days.length < limit) {
    days.push(day.toISODate()!)
    day = day.plus({ days: 1 })
  }
  return days
}

/** Whole years between a YYYY-MM-DD birth date and a YYYY-MM-DD day (the person's age on that day). */
export function ageOn(birthDate: string | null, day: string): number | null {
  if (!birthDate) return null
  const [by, bm, bd] = birthDate.split('-').map(Number)
  const [y, m, d] = day.split('-').map(Number)
  let age = y - by
  if (m < bm || (m === bm && d < bd)) age -= 1
  return age
}

/** An instant as a Paris date-time in luxon, for calendar arithmetic in Paris (calling windows, follow-ups). */
export function inParis(instant: Date | string): DateTime {
  return typeof instant === 'string'
    ? DateTime.fromISO(instant, { zone: PARIS })
    : DateTime.fromJSDate(instant, { zone: PARIS })
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/

/**
 * A `datetime-local` value (`2025-06-03T14:30`) read as Europe/Paris time, as an ISO instant; null when malformed.
 * A time that does not exist (the spring gap) lands one hour later, as clocks do; an ambiguous autumn time is the
 * earlier of the two.
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

/** An instant as a `datetime-local` value (YYYY-MM-DDTHH:mm) in Europe/Paris time. */
export function isoToParisLocal(instant: string | Date): string {
  const wall = parisWallClock(instant).toISOString()
  return wall.slice(0, 16)
}

/** A day YYYY-MM-DD as people read it: 05/11/2026 in French; in English as it is (2026-11-05, never ambiguous). */
export function formatDay(day: string, locale: 'fr' | 'en'): string {
  const match = DAY_PATTERN.exec(day)
  if (!match) return day
  return locale === 'fr' ? `${match[3]}/${match[2]}/${match[1]}` : day
}

const instantFormats = new Map<string, Intl.DateTimeFormat>()

/**
 * An instant as people read it, in Paris time and the reader's language, to the minute (never seconds):
 * `date` is the date's length (`medium` by default), `time: false` leaves the time out.
 */
export function formatInstant(
  instant: string | Date,
  language: string,
  options: { date?: 'full' | 'long' | 'medium' | 'short'; time?: boolean } = {},
): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant
  if (Number.isNaN(date.getTime())) return String(instant)
  const key = `${language}|${options.date ?? 'medium'}|${options.time !== false}`
  let format = instantFormats.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(language, {
      timeZone: PARIS,
      dateStyle: options.date ?? 'medium',
      ...(options.time === false ? {} : { timeStyle: 'short' as const }),
    })
    instantFormats.set(key, format)
  }
  return format.format(date)
}
