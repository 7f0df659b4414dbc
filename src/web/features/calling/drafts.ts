// The caller's work lives in the browser until the server acknowledges it: a reload, a dropped connection or an
// expired session never loses a word. One entry per assignment, written on every change.
import type { Disposition } from '../../../shared/campaigns.js'
import { parisToday } from '../../../shared/clock.js'
import type { Assignment, OutcomeBody } from './api.js'
import type { OutcomeForm } from './outcome.js'

const DRAFT_PREFIX = 'allervers.calling.draft.'
const FIGURES_PREFIX = 'allervers.calling.figures.'

export interface CallDraft {
  version: 1
  userId: string
  assignment: Assignment
  form: OutcomeForm
  /** Set when the caller pressed "save": the exact request, sent again as is (same key) until acknowledged. */
  submission: { idempotencyKey: string; body: OutcomeBody } | null
  updatedAt: string
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null
  }
}

export function saveDraft(draft: CallDraft): boolean {
  try {
    storage()?.setItem(DRAFT_PREFIX + draft.assignment.id, JSON.stringify(draft))
    return true
  } catch {
    // Storage full or forbidden (private mode): the form still works, only the reload safety is lost.
    return false
  }
}

export function removeDraft(assignmentId: string) {
  storage()?.removeItem(DRAFT_PREFIX + assignmentId)
}

/** This user's drafts, the most recently touched first. */
export function listDrafts(userId: string): CallDraft[] {
  const store = storage()
  if (!store) return []
  const drafts: CallDraft[] = []
  for (let index = 0; index < store.length; index++) {
    const key = store.key(index)
    if (!key?.startsWith(DRAFT_PREFIX)) continue
    try {
      const draft = JSON.parse(store.getItem(key) ?? '') as CallDraft
      if (draft?.version === 1 && draft.userId === userId && draft.assignment?.id) drafts.push(draft)
    } catch {
      // A damaged entry is left alone rather than deleted: someone may still want to read it.
    }
  }
  return drafts.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
}

export type DayFigures = Partial<Record<Disposition, number>>

function figuresKey(userId: string, day: string) {
  return `${FIGURES_PREFIX}${userId}.${day}`
}

/** The calls this user recorded today from this browser, by outcome. */
export function readTodayFigures(userId: string, now = new Date()): DayFigures {
  try {
    return JSON.parse(storage()?.getItem(figuresKey(userId, parisToday(now))) ?? '{}') as DayFigures
  } catch {
    return {}
  }
}

export function countCall(userId: string, disposition: Disposition, now = new Date()): DayFigures {
  const store = storage()
  const key = figuresKey(userId, parisToday(now))
  const figures = readTodayFigures(userId, now)
  figures[disposition] = (figures[disposition] ?? 0) + 1
  try {
    store?.setItem(key, JSON.stringify(figures))
    // Earlier days are of no use to anyone: keep only today's.
    for (let index = (store?.length ?? 0) - 1; index >= 0; index--) {
      const other = store?.key(index)
      if (other?.startsWith(`${FIGURES_PREFIX}${userId}.`) && other !== key) store?.removeItem(other)
    }
  } catch {
    // Figures are a courtesy; never let them break a save.
  }
  return figures
}
