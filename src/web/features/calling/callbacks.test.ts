import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { callbackMoment, formatTimeOfDay } from './callbacks.js'

// Saturday 5 December 2026, 15:00 in Paris (UTC+1).
const now = new Date('2026-12-05T14:00:00.000Z')

describe('when a callback is due, as a caller reads it', () => {
  it('says today and tomorrow by name, with the time the French way', () => {
    assert.deepEqual(callbackMoment('2026-12-05T13:30:00.000Z', 'fr', now), {
      kind: 'today',
      day: 'samedi 5 décembre',
      time: '14 h 30',
    })
    assert.deepEqual(callbackMoment('2026-12-06T08:00:00.000Z', 'fr', now), {
      kind: 'tomorrow',
      day: 'dimanche 6 décembre',
      time: '9 h',
    })
  })

  it('names any other day in full, and the year when it is not this one', () => {
    assert.deepEqual(callbackMoment('2026-12-07T09:00:00.000Z', 'fr', now), {
      kind: 'other',
      day: 'lundi 7 décembre',
      time: '10 h',
    })
    assert.equal(callbackMoment('2027-01-04T09:00:00.000Z', 'fr', now).day, 'lundi 4 janvier 2027')
    assert.equal(callbackMoment('2026-12-07T09:00:00.000Z', 'en', now).day, 'Monday 7 December')
  })

  it('reads days in Paris: 23:30 UTC on the 5th is already the 6th, tomorrow at half past midnight', () => {
    assert.deepEqual(callbackMoment('2026-12-05T23:30:00.000Z', 'fr', now), {
      kind: 'tomorrow',
      day: 'dimanche 6 décembre',
      time: '0 h 30',
    })
  })

  it('gives the time in English as 24-hour digits', () => {
    assert.equal(formatTimeOfDay('2026-12-05T13:05:00.000Z', 'en'), '14:05')
    assert.equal(formatTimeOfDay('2026-07-05T07:00:00.000Z', 'fr'), '9 h')
  })
})
