/**
 * One representation of time on both engines: ISO-8601 UTC text with milliseconds ("2026-11-26T19:32:00.000Z").
 * It sorts as text, compares with plain operators and reads the same on SQLite and PostgreSQL.
 */
export type Timestamp = string

/** A Date as a stored timestamp. */
export function toTimestamp(date: Date): Timestamp {
  return date.toISOString()
}

export function nowTimestamp(): Timestamp {
  return new Date().toISOString()
}

export function addMinutes(timestamp: Timestamp, minutes: number): Timestamp {
  return new Date(Date.parse(timestamp) + minutes * 60_000).toISOString()
}

/** Counts arrive as strings from PostgreSQL (bigint) and as numbers from SQLite: convert here and nowhere else. */
export function toCount(value: unknown): number {
  if (value === null || value === undefined) return 0
  return typeof value === 'number' ? value : Number(value)
}

/** Booleans are stored as 0/1 integers on both engines (better-sqlite3 cannot bind JS booleans). */
export function toFlag(value: boolean): 0 | 1
export function toFlag(value: boolean | null | undefined): 0 | 1 | null
export function toFlag(value: boolean | null | undefined): 0 | 1 | null {
  if (value === null || value === undefined) return null
  return value ? 1 : 0
}

export function fromFlag(value: number | boolean | null | undefined): boolean | null {
  if (value === null || value === undefined) return null
  return value === true || value === 1
}
