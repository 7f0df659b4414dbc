import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { dayTextProblem, frenchToTime, joinDayTime, splitDayTime } from './day-time.js'

describe('days and times typed the French way', () => {
  it('reads the times people type', () => {
    assert.equal(frenchToTime('14:30'), '14:30')
    assert.equal(frenchToTime('14 h 30'), '14:30')
    assert.equal(frenchToTime('14h30'), '14:30')
    assert.equal(frenchToTime('9 h'), '09:00')
    assert.equal(frenchToTime(' 9H05 '), '09:05')
    assert.equal(frenchToTime('14.30'), '14:30')
    assert.equal(frenchToTime('0:00'), '00:00')
  })

  it('refuses what is no time of day', () => {
    for (const text of ['', '14', '1430', '24:00', '14:60', '14 h 3', '2 PM', '14:30:00', 'midi']) {
      assert.equal(frenchToTime(text), null, text)
    }
  })

  it('tells an impossible day from a badly typed one', () => {
    assert.equal(dayTextProblem(''), null)
    assert.equal(dayTextProblem('29/02/2028'), null)
    assert.equal(dayTextProblem('31/02/2027'), 'impossible')
    assert.equal(dayTextProblem('29/02/2027'), 'impossible')
    assert.equal(dayTextProblem('13/13/2027'), 'impossible')
    assert.equal(dayTextProblem('12/2027'), 'invalid')
    assert.equal(dayTextProblem('2027-02-12'), 'invalid')
  })

  it('joins a whole day and time into the value the API expects, and splits it back', () => {
    assert.equal(joinDayTime('2026-12-24', '14:30'), '2026-12-24T14:30')
    assert.equal(joinDayTime('2026-12-24', null), undefined)
    assert.equal(joinDayTime(undefined, '14:30'), undefined)
    assert.deepEqual(splitDayTime('2026-12-24T14:30'), { day: '2026-12-24', time: '14:30' })
    assert.deepEqual(splitDayTime(''), {})
    assert.deepEqual(splitDayTime('2026-12-24'), {})
  })
})
