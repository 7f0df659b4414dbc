// When a callback is due, as a caller reads it: « aujourd’hui à 14 h 30 », « demain à 9 h », « lundi 7 décembre à 10 h ».
import { addDays, parisDayOf, parisToday } from '../../../shared/clock.js'

const PARIS = 'Europe/Paris'

/** A time of day in Paris: « 14 h 30 », « 9 h » in French; « 14:30 » in English. */
export function formatTimeOfDay(instant: string, language: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: PARIS,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(instant))
  const hour = parts.find((part) => part.type === 'hour')?.value ?? '00'
  const minute = parts.find((part) => part.type === 'minute')?.value ?? '00'
  if (!language.startsWith('fr')) return `${hour}:${minute}`
  return minute === '00' ? `${Number(hour)} h` : `${Number(hour)} h ${minute}`
}

/**
 * Which day a moment falls on, from a caller's point of view (Paris days): today, tomorrow, or another day named in
 * full (« lundi 7 décembre »), with its time of day. The sentence is the translation's (`calling.callbacks.when_*`).
 */
export function callbackMoment(instant: string, language: string, now: Date = new Date()) {
  const today = parisToday(now)
  const day = parisDayOf(instant)
  const time = formatTimeOfDay(instant, language)
  const kind = day === today ? 'today' : day === addDays(today, 1) ? 'tomorrow' : 'other'
  const named = new Intl.DateTimeFormat(language.startsWith('fr') ? 'fr-FR' : 'en-GB', {
    timeZone: PARIS,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(day.slice(0, 4) === today.slice(0, 4) ? {} : { year: 'numeric' }),
  }).format(new Date(instant))
  return { kind, day: named, time } as const
}
