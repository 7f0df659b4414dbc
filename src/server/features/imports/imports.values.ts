/** Parsers for French spreadsheet values; each returns the value or a message saying what was wrong. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string }

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value })
const fail = (message: string): Parsed<never> => ({ ok: false, message })

function isRealDate(year: number, month: number, day: number) {
  if (month < 1 || month > 12 || day < 1) return false
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return day <= days
}

/**
 * `12/03/1948`, `12-03-1948`, `12.03.1948`, `1948-03-12`, and Excel serial numbers. Two-digit years are read as the
 * most recent past year with those digits (`12/03/48` is 1948 in 2026). A date that does not exist is refused.
 */
export function parseFrenchDate(raw: string, today = new Date()): Parsed<string> {
  const text = raw.trim()
  const match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(text)
  const isoMatch = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(text)
  let year: number
  let month: number
  let day: number
  if (match) {
    day = Number(match[1])
    month = Number(match[2])
    year = Number(match[3])
    if (match[3].length === 2) {
      const century = Math.floor(today.getUTCFullYear() / 100) * 100
      year = century + year > today.getUTCFullYear() ? century - 100 + year : century + year
    }
  } else if (isoMatch) {
    year = Number(isoMatch[1])
    month = Number(isoMatch[2])
    day = Number(isoMatch[3])
  } else if (/^\d{4,5}(\.\d+)?$/.test(text)) {
    // Excel serial day (1900 system): 25569 is 1970-01-01.
    const date = new Date(Math.round((Number(text) - 25569) * 86_400_000))
    return ok(date.toISOString().slice(0, 10))
  } else {
    return fail('not a date (expected DD/MM/YYYY)')
  }
  if (!isRealDate(year, month, day)) return fail('this date does not exist')
  if (year < 1880 || year > today.getUTCFullYear() + 5) return fail('the year is out of range')
  return ok(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`)
}

/** `1 234,56 €`, `1234.56`, `-12,5`, with ordinary, non-breaking or narrow spaces: an amount in cents. */
export function parseAmountCents(raw: string): Parsed<number> {
  let text = raw.replace(/[\s\u00a0\u202f€]/g, '').replace(/EUR$/i, '')
  if (text === '') return fail('empty')
  if (/^-?\d{1,3}(\.\d{3})+(,\d+)?$/.test(text)) text = text.replace(/\./g, '')
  text = text.replace(',', '.')
  if (!/^[-+]?\d+(\.\d+)?$/.test(text)) return fail('not an amount')
  return ok(Math.round(Number(text) * 100))
}

const YES = new Set(['oui', 'o', 'x', '1', 'vrai', 'yes', 'y', 'true'])
const NO = new Set(['non', 'n', '0', 'faux', 'no', 'false'])

/** oui/non, o/n, x/(empty), 1/0, vrai/faux. An empty cell is "unknown" (null), never "no". */
export function parseYesNo(raw: string): Parsed<boolean | null> {
  const text = raw
    .trim()
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
  if (text === '') return ok(null)
  if (YES.has(text)) return ok(true)
  if (NO.has(text)) return ok(false)
  return fail('expected oui or non')
}

/** A whole number; for floors `RDC` / `rez-de-chaussée` is 0. */
export function parseInteger(raw: string, options: { isFloor?: boolean } = {}): Parsed<number> {
  const text = raw.trim().toLowerCase()
  if (options.isFloor && /^(rdc|rez[- ]de[- ]chaussee|rez[- ]de[- ]chaussée)$/.test(text)) return ok(0)
  const match = /^(-?\d+)(e|er|ème|eme)?$/.exec(text)
  if (!match) return fail('not a whole number')
  return ok(Number(match[1]))
}
