/**
 * A short-lived, per-process memory of validated sessions, so that a busy caller's requests (a claim and an outcome
 * every few seconds) do not each read the session, the user and the memberships. An entry lives
 * `SESSION_CACHE_MILLISECONDS` at most; the idle and absolute limits are still checked on every request against the
 * entry's own dates. Anything that ends a session or changes what a user may reach (logout, a session ended from
 * « Mon compte », an account disabled, a membership or password changed) is announced (db/broadcast.ts): this
 * process forgets the entries at once, and on PostgreSQL every other instance does when it receives the NOTIFY.
 * While an instance is not listening (its listener connecting or reconnecting) nothing is taken from memory.
 */
import { isListening, onChange } from '../db/broadcast.js'

export const SESSION_CACHE_MILLISECONDS = 5000
const LIMIT = 10_000

export interface CachedSession<T> {
  value: T
  /** The session's owner, to forget every session of one account at once. */
  userId: string
  /** The session's absolute end and idle end as read from the database. */
  expiresAt: string
  idleLimit: string
  /** Wall-clock time (ms) after which the entry must be read again. */
  freshUntil: number
}

const entries = new Map<string, CachedSession<unknown>>()

export function recallSession<T>(sessionId: string, now: number = Date.now()): CachedSession<T> | undefined {
  const entry = entries.get(sessionId)
  if (!entry) return undefined
  if (entry.freshUntil <= now || !isListening()) {
    entries.delete(sessionId)
    return undefined
  }
  return entry as CachedSession<T>
}

export function rememberSession<T>(sessionId: string, entry: Omit<CachedSession<T>, 'freshUntil'>) {
  if (!isListening()) return
  if (entries.size >= LIMIT) entries.clear()
  entries.set(sessionId, { ...entry, freshUntil: Date.now() + SESSION_CACHE_MILLISECONDS })
}

/**
 * Forgets, in this process only, one session (by id), every session of one user, or every session. Changes that
 * other instances must see go through `announce` (db/broadcast.ts), which calls this everywhere.
 */
export function forgetSessions(which: { sessionId?: string; userId?: string } | string = {}) {
  const { sessionId, userId } = typeof which === 'string' ? { sessionId: which, userId: undefined } : which
  if (sessionId !== undefined) entries.delete(sessionId)
  else if (userId !== undefined) {
    for (const [id, entry] of entries) if (entry.userId === userId) entries.delete(id)
  } else entries.clear()
}

onChange((change) => {
  if (change.topic === 'sessions') forgetSessions({ sessionId: change.sessionId, userId: change.userId })
})
