// Pure rules of the caller's fast path: the outcome buttons for the common cases and their shortcut keys, the
// "enchaîner" choice, the call timer.
import type { Disposition } from '../../../shared/campaigns.js'

/**
 * The common outcomes of a call that reached nobody, in the order of their buttons and keys. Each is saved at once,
 * with nothing more to fill in (`checkForm` asks nothing more of them).
 */
export const QUICK_OUTCOMES = ['no_answer', 'busy', 'voicemail', 'wrong_number'] as const satisfies Disposition[]
export type QuickOutcome = (typeof QUICK_OUTCOMES)[number]

/**
 * The shortcut of each quick outcome: Alt+Shift+1…4, as `aria-keyshortcuts` writes it. Alt+Shift keeps clear of
 * screen readers (NVDA and JAWS read a page with single keys and use Insert or Caps Lock as their own modifier),
 * of Alt+digit (switches tabs in Firefox and Chromium on Linux) and of Ctrl+digit (switches tabs everywhere); with a
 * modifier it works in a text field too, so a caller typing a note is never caught out. The key is read by its
 * position (`code`), so AZERTY keyboards (digits on Shift) and the numeric keypad work alike.
 */
export function quickShortcut(disposition: QuickOutcome): string {
  return `Alt+Shift+${QUICK_OUTCOMES.indexOf(disposition) + 1}`
}

/** The same shortcut as a French or English reader reads it on a key cap ("Maj" is the French Shift). */
export function quickShortcutLabel(disposition: QuickOutcome, language: string): string {
  const shortcut = quickShortcut(disposition)
  return language.startsWith('fr') ? shortcut.replace('Shift', 'Maj') : shortcut
}

interface KeyLike {
  altKey: boolean
  shiftKey: boolean
  ctrlKey: boolean
  metaKey: boolean
  code: string
  repeat?: boolean
}

/** The quick outcome a key press asks for, or null. A held key (repeat) asks nothing: one press, one call. */
export function quickOutcomeOfKey(event: KeyLike): QuickOutcome | null {
  if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey || event.repeat) return null
  const match = /^(?:Digit|Numpad)([1-9])$/.exec(event.code)
  if (!match) return null
  return QUICK_OUTCOMES[Number(match[1]) - 1] ?? null
}

const CHAIN_PREFIX = 'allervers.calling.chain.'

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null
  }
}

/** Whether this caller takes the next household by themselves once an outcome is saved (their choice, kept here). */
export function readChainPreference(userId: string): boolean {
  return storage()?.getItem(CHAIN_PREFIX + userId) === 'on'
}

export function writeChainPreference(userId: string, isOn: boolean) {
  try {
    if (isOn) storage()?.setItem(CHAIN_PREFIX + userId, 'on')
    else storage()?.removeItem(CHAIN_PREFIX + userId)
  } catch {
    // Storage full or forbidden: the choice holds until the page is closed.
  }
}

/** The longest call the outcome contract accepts (`durationSeconds`). */
export const MAX_CALL_SECONDS = 6 * 3600

/**
 * The call's duration from the moment the caller dialled to `until` (the save), in whole seconds; null when they
 * never dialled, or when the clock makes no sense (a date from the future). A call left open longer than the
 * contract's bound counts as that bound.
 */
export function callSeconds(dialedAt: string | null | undefined, until: Date): number | null {
  if (!dialedAt) return null
  const start = Date.parse(dialedAt)
  if (Number.isNaN(start)) return null
  const seconds = Math.round((until.getTime() - start) / 1000)
  if (seconds < 0) return null
  return Math.min(seconds, MAX_CALL_SECONDS)
}

/** Elapsed time as the timer shows it: `mm:ss`, then `h:mm:ss` past an hour. */
export function formatElapsed(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds))
  const hours = Math.floor(whole / 3600)
  const minutes = Math.floor((whole % 3600) / 60)
  const rest = whole % 60
  const mmss = `${String(minutes).padStart(2, '0')}:${String(rest).padStart(2, '0')}`
  return hours ? `${hours}:${mmss}` : mmss
}
