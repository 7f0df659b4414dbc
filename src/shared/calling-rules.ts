import type { DateTime } from 'luxon'
import type { CallingHours, CallingWindow, Disposition, RetryDelays } from './campaigns.js'
import { inParis } from './clock.js'

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number)
  return hours * 60 + minutes
}

/** Whether an instant falls inside the weekly calling windows, read in Europe/Paris time (DST included). */
export function isWithinCallingHours(hours: CallingHours, instant: Date): boolean {
  if (hours === 'always') return true
  const local = inParis(instant)
  const minute = local.hour * 60 + local.minute
  return hours.some(
    (window) => window.day === local.weekday && minute >= minutesOf(window.from) && minute < minutesOf(window.to),
  )
}

/**
 * The first calling window that opens after `instant` on a later Paris day, preferring one in the other half of the
 * day (morning ↔ afternoon) so a household that never answers in the morning is tried in the afternoon.
 */
export function nextDayOtherTimeOfDay(hours: CallingHours, instant: Date): Date {
  const local = inParis(instant)
  const wasMorning = local.hour < 13
  if (hours === 'always') {
    const next = local.plus({ days: 1 }).set({ hour: wasMorning ? 15 : 10, minute: 0, second: 0, millisecond: 0 })
    return next.toJSDate()
  }
  for (let offset = 1; offset <= 7; offset++) {
    const day = local.plus({ days: offset })
    const windows = hours
      .filter((window) => window.day === day.weekday)
      .sort((a, b) => minutesOf(a.from) - minutesOf(b.from))
    if (windows.length === 0) continue
    const preferred = windows.find((window) => minutesOf(window.from) >= 13 * 60 === wasMorning) ?? windows[0]
    return atLocalTime(day, preferred).toJSDate()
  }
  return local.plus({ days: 1 }).toJSDate()
}

function atLocalTime(day: DateTime, window: CallingWindow): DateTime {
  const start = minutesOf(window.from)
  return day.set({ hour: Math.floor(start / 60), minute: start % 60, second: 0, millisecond: 0 })
}

export interface TargetState {
  attempts: number
  phonePosition: number
}

export interface RescheduleRules {
  maxAttempts: number
  retryDelays: RetryDelays
  callingHours: CallingHours
}

export interface Rescheduled {
  status: 'pending' | 'completed' | 'unreachable'
  nextAttemptAt: Date
  phonePosition: number
  /** Why the target left the queue, for the unreachable list. */
  reason?: 'max_attempts' | 'no_usable_phone' | 'ended_by_outcome' | 'interviewed'
}

/**
 * What happens to a target after an outcome: the next attempt's time, or the end of its calls. `attempts` already
 * counts the attempt just made; `usablePhones` is the household's number of valid phones.
 */
export function reschedule(
  state: TargetState,
  disposition: Disposition,
  rules: RescheduleRules,
  now: Date,
  options: { usablePhones: number; callbackAt?: Date | null },
): Rescheduled {
  const after = (minutes: number) => new Date(now.getTime() + minutes * 60_000)
  switch (disposition) {
    case 'completed':
      return { status: 'completed', nextAttemptAt: now, phonePosition: state.phonePosition, reason: 'interviewed' }
    case 'refused':
    case 'moved_out':
    case 'deceased':
      return { status: 'completed', nextAttemptAt: now, phonePosition: state.phonePosition, reason: 'ended_by_outcome' }
    case 'callback':
      // A callback the household asked for is honoured even past the attempt limit.
      return { status: 'pending', nextAttemptAt: options.callbackAt ?? after(60), phonePosition: state.phonePosition }
    case 'wrong_number':
    case 'not_in_service': {
      const next = state.phonePosition + 1
      if (next >= options.usablePhones) {
        return { status: 'unreachable', nextAttemptAt: now, phonePosition: next, reason: 'no_usable_phone' }
      }
      if (state.attempts >= rules.maxAttempts) {
        return { status: 'unreachable', nextAttemptAt: now, phonePosition: next, reason: 'max_attempts' }
      }
      return { status: 'pending', nextAttemptAt: now, phonePosition: next }
    }
    default: {
      if (state.attempts >= rules.maxAttempts) {
        return { status: 'unreachable', nextAttemptAt: now, phonePosition: state.phonePosition, reason: 'max_attempts' }
      }
      let nextAttemptAt: Date
      if (disposition === 'no_answer') {
        // First silence: try again in a couple of hours; after that, another day at another time of day.
        nextAttemptAt =
          state.attempts <= 1 ? after(rules.retryDelays.no_answer) : nextDayOtherTimeOfDay(rules.callingHours, now)
      } else if (disposition === 'busy') nextAttemptAt = after(rules.retryDelays.busy)
      else if (disposition === 'voicemail') nextAttemptAt = after(rules.retryDelays.voicemail)
      else nextAttemptAt = after(rules.retryDelays.other)
      return { status: 'pending', nextAttemptAt, phonePosition: state.phonePosition }
    }
  }
}

/** Priority added to a follow-up call (the watch): it comes before every ordinary target when due. */
export const FOLLOW_UP_PRIORITY_BOOST = 1000

/** A target's priority while it waits for a follow-up call: its own priority, boosted once (never twice). */
export function followUpPriority(priority: number): number {
  return (priority % FOLLOW_UP_PRIORITY_BOOST) + FOLLOW_UP_PRIORITY_BOOST
}

export interface FollowUpPlan {
  intervalDays: number | null
  until: string | null
}

/**
 * The next follow-up call after a completed call, for a plan "every N days until a date" (Europe/Paris days):
 * the same time of day N days later, or null when that day is past the plan's end.
 */
export function nextFollowUp(plan: FollowUpPlan, now: Date): Date | null {
  if (!plan.intervalDays || !plan.until) return null
  const next = inParis(now).plus({ days: plan.intervalDays })
  return next.toISODate()! <= plan.until ? next.toJSDate() : null
}
