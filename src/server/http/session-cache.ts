/**
 * A short-lived, per-process memory of validated sessions, so that a busy caller's requests (a claim and an outcome
 * every few seconds) do not each read the session, the user and the memberships. An entry lives
 * `SESSION_CACHE_MILLISECONDS` at most; the idle and absolute limits are still checked on every request against the
 * entry's own dates. Anything that ends a session or changes what a user may reach (logout, membership change,
 * password change) forgets the entries of this process at once; another app instance sees it within the lifetime
 * of its entries (see docs/decisions.md).
 */
export const SESSION_CACHE_MILLISECONDS = 5000
const LIMIT = 10_000

export interface CachedSession<T> {
  value: T
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
  if (entry.freshUntil <= now) {
    entries.delete(sessionId)
    return undefined
  }
  return entry as CachedSession<T>
}

export function rememberSession<T>(sessionId: string, entry: Omit<CachedSession<T>, 'freshUntil'>) {
  if (entries.size >= LIMIT) entries.clear()
  entries.set(sessionId, { ...entry, freshUntil: Date.now() + SESSION_CACHE_MILLISECONDS })
}

/** Forgets one session (logout), or every session of this process (a change to users or memberships). */
export function forgetSessions(sessionId?: string) {
  if (sessionId === undefined) entries.clear()
  else entries.delete(sessionId)
}
