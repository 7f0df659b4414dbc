import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isWithinCallingHours, nextDayOtherTimeOfDay, reschedule } from './calling-rules.js'
import { DEFAULT_CALLING_HOURS, DEFAULT_RETRY_DELAYS } from './campaigns.js'

const rules = { maxAttempts: 5, retryDelays: DEFAULT_RETRY_DELAYS, callingHours: DEFAULT_CALLING_HOURS }

describe('isWithinCallingHours (Europe/Paris)', () => {
  it('reads the windows in Paris time in winter (UTC+1) and summer (UTC+2)', () => {
    // Monday 2026-01-12: 09:00 Paris = 08:00 UTC.
    assert.equal(isWithinCallingHours(DEFAULT_CALLING_HOURS, new Date('2026-01-12T07:59:00Z')), false)
    assert.equal(isWithinCallingHours(DEFAULT_CALLING_HOURS, new Date('2026-01-12T08:00:00Z')), true)
    // Monday 2026-07-13: 09:00 Paris = 07:00 UTC.
    assert.equal(isWithinCallingHours(DEFAULT_CALLING_HOURS, new Date('2026-07-13T06:59:00Z')), false)
    assert.equal(isWithinCallingHours(DEFAULT_CALLING_HOURS, new Date('2026-07-13T07:00:00Z')), true)
  })

  it('follows the daylight-saving change of Sunday 29 March 2026 into Monday', () => {
    // Monday 30 March 2026 is the first summer-time weekday: 12:29 Paris = 10:29 UTC is inside, 12:30 is outside.
    assert.equal(isWithinCallingHours(DEFAULT_CALLING_HOURS, new Date('2026-03-30T10:29:00Z')), true)
    assert.equal(isWithinCallingHours(DEFAULT_CALLING_HOURS, new Date('2026-03-30T10:30:00Z')), false)
    // Friday 27 March, still winter time: 12:29 Paris = 11:29 UTC.
    assert.equal(isWithinCallingHours(DEFAULT_CALLING_HOURS, new Date('2026-03-27T11:29:00Z')), true)
    assert.equal(isWithinCallingHours(DEFAULT_CALLING_HOURS, new Date('2026-03-27T11:30:00Z')), false)
  })

  it('keeps the lunch break, Saturday afternoon and Sunday closed, and "always" open', () => {
    assert.equal(isWithinCallingHours(DEFAULT_CALLING_HOURS, new Date('2026-01-12T12:00:00Z')), false) // 13:00 Monday
    assert.equal(isWithinCallingHours(DEFAULT_CALLING_HOURS, new Date('2026-01-17T10:00:00Z')), true) // 11:00 Saturday
    assert.equal(isWithinCallingHours(DEFAULT_CALLING_HOURS, new Date('2026-01-17T12:00:00Z')), false) // 13:00 Saturday
    assert.equal(isWithinCallingHours(DEFAULT_CALLING_HOURS, new Date('2026-01-18T10:00:00Z')), false) // Sunday
    assert.equal(isWithinCallingHours('always', new Date('2026-01-18T02:00:00Z')), true)
  })
})

describe('nextDayOtherTimeOfDay', () => {
  it('moves a morning attempt to the next afternoon window, and an afternoon one to the next morning', () => {
    // Monday 10:00 Paris → Tuesday 14:00 Paris (13:00 UTC in winter).
    assert.equal(
      nextDayOtherTimeOfDay(DEFAULT_CALLING_HOURS, new Date('2026-01-12T09:00:00Z')).toISOString(),
      '2026-01-13T13:00:00.000Z',
    )
    // Monday 16:00 Paris → Tuesday 09:00 Paris.
    assert.equal(
      nextDayOtherTimeOfDay(DEFAULT_CALLING_HOURS, new Date('2026-01-12T15:00:00Z')).toISOString(),
      '2026-01-13T08:00:00.000Z',
    )
  })

  it('skips Sunday, and takes Saturday morning when only that is open', () => {
    // Friday afternoon → Saturday 09:00 (only window); Saturday morning → Monday 14:00.
    assert.equal(
      nextDayOtherTimeOfDay(DEFAULT_CALLING_HOURS, new Date('2026-01-16T15:00:00Z')).toISOString(),
      '2026-01-17T08:00:00.000Z',
    )
    assert.equal(
      nextDayOtherTimeOfDay(DEFAULT_CALLING_HOURS, new Date('2026-01-17T09:00:00Z')).toISOString(),
      '2026-01-19T13:00:00.000Z',
    )
  })

  it('lands on the right UTC instant across the spring daylight-saving change', () => {
    // Saturday 28 March 10:00 (winter) → Monday 30 March 14:00 summer time = 12:00 UTC.
    assert.equal(
      nextDayOtherTimeOfDay(DEFAULT_CALLING_HOURS, new Date('2026-03-28T09:00:00Z')).toISOString(),
      '2026-03-30T12:00:00.000Z',
    )
  })
})

describe('reschedule', () => {
  const now = new Date('2026-01-12T09:00:00Z') // Monday 10:00 Paris

  it('retries a first no-answer after 2 hours, a second on another day at another time of day', () => {
    const first = reschedule({ attempts: 1, phonePosition: 0 }, 'no_answer', rules, now, { usablePhones: 1 })
    assert.deepEqual(first, { status: 'pending', nextAttemptAt: new Date('2026-01-12T11:00:00Z'), phonePosition: 0 })
    const second = reschedule({ attempts: 2, phonePosition: 0 }, 'no_answer', rules, now, { usablePhones: 1 })
    assert.equal(second.nextAttemptAt.toISOString(), '2026-01-13T13:00:00.000Z')
  })

  it('retries busy after 15 minutes and voicemail after 4 hours', () => {
    assert.equal(
      reschedule({ attempts: 1, phonePosition: 0 }, 'busy', rules, now, {
        usablePhones: 1,
      }).nextAttemptAt.toISOString(),
      '2026-01-12T09:15:00.000Z',
    )
    assert.equal(
      reschedule({ attempts: 1, phonePosition: 0 }, 'voicemail', rules, now, {
        usablePhones: 1,
      }).nextAttemptAt.toISOString(),
      '2026-01-12T13:00:00.000Z',
    )
  })

  it('honours a callback time even past the attempt limit', () => {
    const callbackAt = new Date('2026-01-14T16:00:00Z')
    const result = reschedule({ attempts: 5, phonePosition: 0 }, 'callback', rules, now, {
      usablePhones: 1,
      callbackAt,
    })
    assert.deepEqual(result, { status: 'pending', nextAttemptAt: callbackAt, phonePosition: 0 })
  })

  it('tries the next number after a wrong number, and gives up when none is left', () => {
    const next = reschedule({ attempts: 1, phonePosition: 0 }, 'wrong_number', rules, now, { usablePhones: 2 })
    assert.deepEqual(next, { status: 'pending', nextAttemptAt: now, phonePosition: 1 })
    const none = reschedule({ attempts: 2, phonePosition: 1 }, 'not_in_service', rules, now, { usablePhones: 2 })
    assert.equal(none.status, 'unreachable')
    assert.equal(none.reason, 'no_usable_phone')
  })

  it('makes a target unreachable after the maximum attempts, and ends it on completed, refused, moved out, deceased', () => {
    const exhausted = reschedule({ attempts: 5, phonePosition: 0 }, 'no_answer', rules, now, { usablePhones: 1 })
    assert.equal(exhausted.status, 'unreachable')
    assert.equal(exhausted.reason, 'max_attempts')
    assert.equal(
      reschedule({ attempts: 4, phonePosition: 0 }, 'no_answer', rules, now, { usablePhones: 1 }).status,
      'pending',
    )
    for (const disposition of ['completed', 'refused', 'moved_out', 'deceased'] as const) {
      assert.equal(
        reschedule({ attempts: 1, phonePosition: 0 }, disposition, rules, now, { usablePhones: 1 }).status,
        'completed',
      )
    }
  })
})
