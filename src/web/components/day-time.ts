// Days and times typed the French way, read without the browser's own pickers (which speak the browser's language).
import { frenchToIsoDate } from '../features/campaigns/targeting-tree.js'

const DAY_SHAPE = /^\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\s*$/

/** What is wrong with a typed day: nothing (empty or whole), `invalid` (not jj/mm/aaaa) or `impossible` (31/02/2027). */
export function dayTextProblem(text: string): 'invalid' | 'impossible' | null {
  if (text.trim() === '' || frenchToIsoDate(text)) return null
  return DAY_SHAPE.test(text) ? 'impossible' : 'invalid'
}

/** « 14:30 », « 14h30 », « 14 h 30 », « 9 h », « 14.30 » → "14:30" / "09:00"; null when it is no time of day. */
export function frenchToTime(text: string): string | null {
  const match = /^\s*(\d{1,2})\s*(?:[:.]\s*(\d{2})|[hH]\s*(\d{2})?)\s*$/.exec(text)
  if (!match) return null
  const hour = Number(match[1])
  const minute = Number(match[2] ?? match[3] ?? 0)
  if (hour > 23 || minute > 59) return null
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`
}

/** "2026-12-24T14:30" from a day YYYY-MM-DD and a time HH:mm; undefined unless both are whole. */
export function joinDayTime(day: string | undefined, time: string | null | undefined): string | undefined {
  return day && time ? `${day}T${time}` : undefined
}

/** The day and the time of a "YYYY-MM-DDTHH:mm" value (both undefined for anything else). */
export function splitDayTime(value: string | undefined): { day?: string; time?: string } {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})$/.exec(value ?? '')
  return match ? { day: match[1], time: match[2] } : {}
}
