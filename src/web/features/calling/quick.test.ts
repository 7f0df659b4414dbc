import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildOutcomeBody, checkForm, emptyForm } from './outcome.js'
import {
  callSeconds,
  formatElapsed,
  MAX_CALL_SECONDS,
  QUICK_OUTCOMES,
  quickOutcomeOfKey,
  quickShortcut,
  quickShortcutLabel,
} from './quick.js'

const key = (
  code: string,
  modifiers: Partial<{ altKey: boolean; shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; repeat: boolean }> = {},
) => ({
  altKey: true,
  shiftKey: true,
  ctrlKey: false,
  metaKey: false,
  code,
  ...modifiers,
})

describe('quick outcomes', () => {
  it('map Alt+Shift+1…4 (top row or keypad) to no answer, busy, voicemail, wrong number', () => {
    assert.equal(quickOutcomeOfKey(key('Digit1')), 'no_answer')
    assert.equal(quickOutcomeOfKey(key('Digit2')), 'busy')
    assert.equal(quickOutcomeOfKey(key('Numpad3')), 'voicemail')
    assert.equal(quickOutcomeOfKey(key('Digit4')), 'wrong_number')
    assert.deepEqual(
      QUICK_OUTCOMES.map((code) => quickShortcut(code)),
      ['Alt+Shift+1', 'Alt+Shift+2', 'Alt+Shift+3', 'Alt+Shift+4'],
    )
  })

  it('ignore other keys, other modifiers and a held key', () => {
    assert.equal(quickOutcomeOfKey(key('Digit5')), null)
    assert.equal(quickOutcomeOfKey(key('Digit0')), null)
    assert.equal(quickOutcomeOfKey(key('KeyA')), null)
    assert.equal(quickOutcomeOfKey(key('Digit1', { shiftKey: false })), null, 'Alt+1 switches tabs on Linux')
    assert.equal(quickOutcomeOfKey(key('Digit1', { altKey: false })), null, 'Shift+1 types a digit on AZERTY')
    assert.equal(quickOutcomeOfKey(key('Digit1', { ctrlKey: true })), null)
    assert.equal(quickOutcomeOfKey(key('Digit1', { metaKey: true })), null)
    assert.equal(quickOutcomeOfKey(key('Digit1', { repeat: true })), null)
  })

  it('read "Maj" in French and "Shift" in English', () => {
    assert.equal(quickShortcutLabel('busy', 'fr'), 'Alt+Maj+2')
    assert.equal(quickShortcutLabel('busy', 'en'), 'Alt+Shift+2')
  })

  it('need nothing more than the outcome itself to be saved', () => {
    for (const disposition of QUICK_OUTCOMES) {
      assert.deepEqual(checkForm({ ...emptyForm('+33612345678'), disposition }, null), [])
    }
  })
})

describe('the call timer', () => {
  const dialedAt = '2026-12-05T10:00:00.000Z'
  it('counts whole seconds from the dial to the save', () => {
    assert.equal(callSeconds(dialedAt, new Date('2026-12-05T10:03:25.400Z')), 205)
    assert.equal(callSeconds(dialedAt, new Date(dialedAt)), 0)
  })
  it('says nothing when the caller never dialled or the clock went back', () => {
    assert.equal(callSeconds(null, new Date()), null)
    assert.equal(callSeconds(undefined, new Date()), null)
    assert.equal(callSeconds('not a date', new Date()), null)
    assert.equal(callSeconds(dialedAt, new Date('2026-12-05T09:59:00.000Z')), null)
  })
  it('bounds a call left open to the contract’s six hours', () => {
    assert.equal(callSeconds(dialedAt, new Date('2026-12-06T10:00:00.000Z')), MAX_CALL_SECONDS)
    assert.equal(MAX_CALL_SECONDS, 6 * 3600)
  })
  it('shows mm:ss, then h:mm:ss', () => {
    assert.equal(formatElapsed(0), '00:00')
    assert.equal(formatElapsed(65), '01:05')
    assert.equal(formatElapsed(3599), '59:59')
    assert.equal(formatElapsed(3600 + 62), '1:01:02')
    assert.equal(formatElapsed(-3), '00:00')
  })
  it('fills the outcome’s durationSeconds when the caller dialled, and only then', () => {
    const form = { ...emptyForm('+33612345678'), disposition: 'no_answer' as const }
    assert.deepEqual(buildOutcomeBody({ ...form, dialedAt }, null, [], new Date('2026-12-05T10:00:42.000Z')), {
      disposition: 'no_answer',
      phoneE164: '+33612345678',
      durationSeconds: 42,
    })
    assert.equal(buildOutcomeBody(form, null, [], new Date()).durationSeconds, undefined)
    const { dialedAt: _, ...olderDraft } = form
    assert.equal(buildOutcomeBody(olderDraft, null, [], new Date()).durationSeconds, undefined)
  })
})
