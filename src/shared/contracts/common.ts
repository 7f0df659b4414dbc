/** Schemas shared by several contracts. */
import { type TSchema, Type } from 'typebox'
import { addDays } from '../clock.js'

/**
 * A value or null. The null comes first, as `const: null` rather than `type: 'null'`: the server's validator coerces
 * scalars (query strings carry numbers as text, app.ts), and with `[value, type null]` it coerced inside the branches:
 * a null became 0 in the value's branch (an integer without bounds), and a 0, "" or false that the value's bounds
 * refused became null in the null branch (a retention period of 0 months was taken as "back to the default").
 * `const` is never coerced.
 */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([Type.Unsafe<null>({ const: null }), schema])

/** An id in a path: opaque text, bounded. */
export const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) })

/** The one error format: `{"error":{"code","message","details"?}}`. */
export const ErrorBodySchema = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
})

/** A 204 answer: no body. */
export const NoContent = Type.Null({ description: 'No content' })

/** A file answer (PDF, CSV, XLSX) documented by media type. */
export function fileResponse(description: string, mediaTypes: readonly string[]) {
  return {
    description,
    content: Object.fromEntries(mediaTypes.map((type) => [type, { schema: Type.String({ format: 'binary' }) }])),
  }
}

/** A paginated list: `{"items":[…],"total":N}`. */
export const Page = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), total: Type.Integer() })

/** The furthest a paged list may skip: past it an offset is a typo or a probe, not someone turning pages. */
export const MAX_OFFSET = 1_000_000

/** How many rows a paged list skips: an integer from 0 to MAX_OFFSET (`offset=1e20` is a 400 naming `offset`). */
export const Offset = Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0 })

/** The earliest day a date of a request may name: nothing our records are about happened before. */
export const EARLIEST_DAY = '2000-01-01'
/** The latest day a date of a request may name, whatever the field: a ceiling for typos and probes (year 9999). */
export const LATEST_DAY = '2099-12-31'
/** How far ahead a call may be planned (a follow-up, the last day of a watch, a callback): two years of days. */
export const PLANNING_HORIZON_DAYS = 731

/** The last day a call may be planned for, seen from `today` (a Paris day): PLANNING_HORIZON_DAYS ahead. */
export function lastPlannableDay(today: string): string {
  return addDays(today, PLANNING_HORIZON_DAYS)
}

/**
 * A calendar day (YYYY-MM-DD) from EARLIEST_DAY to LATEST_DAY, refused with a 400 naming the field otherwise. The
 * handler narrows it to what the field means (not in the future, within the planning horizon…).
 */
export const Day = (options: { description?: string } = {}) =>
  Type.String({ format: 'date', formatMinimum: EARLIEST_DAY, formatMaximum: LATEST_DAY, ...options })

/** The earliest birth date a request may name: tenants were born long before EARLIEST_DAY. */
export const EARLIEST_BIRTH_DAY = '1900-01-01'

/** A birth date (YYYY-MM-DD) from EARLIEST_BIRTH_DAY; the handler refuses one after today. */
export const BirthDay = () =>
  Type.String({ format: 'date', formatMinimum: EARLIEST_BIRTH_DAY, formatMaximum: LATEST_DAY })

/** An instant (ISO-8601 with its offset) within the days EARLIEST_DAY to LATEST_DAY; the handler narrows it. */
export const Instant = (options: { description?: string } = {}) =>
  Type.String({
    format: 'date-time',
    formatMinimum: `${EARLIEST_DAY}T00:00:00Z`,
    formatMaximum: `${LATEST_DAY}T23:59:59Z`,
    ...options,
  })
