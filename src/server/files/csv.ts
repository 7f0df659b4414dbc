/**
 * The one way the server writes CSV files: semicolon-separated (French spreadsheets read `,` as the decimal mark),
 * CRLF, UTF-8 with a byte-order mark (so that Excel reads accents), and every text cell that a spreadsheet would run
 * as a formula neutralised. Tenant data (a name, a note, a cell of an imported file) can be `=HYPERLINK(…)` or
 * `@SUM(…)`; opened in Excel it would run. Such a cell is written with a leading `'`, which makes it text.
 */
import { type Stringifier, stringify } from 'csv-stringify'
import { stringify as stringifySync } from 'csv-stringify/sync'

/** A cell: text is neutralised; numbers are written as numbers; null and undefined as empty cells. */
export type CsvCell = string | number | null | undefined

/**
 * The first characters that make a spreadsheet read a cell as a formula (or, for tab and CR, let it hide one),
 * with their full-width forms that some spreadsheets fold to them (the list csv-stringify's `escape_formulas` uses).
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/
/**
 * A signed number as tenants' files write them ("-12,5", "+33 6 12 34 56 78"): digits, spaces, dots and commas
 * only after the sign, so no function, reference or link; it is left as written.
 */
const SIGNED_NUMBER = /^[+-]\d[\d .,]*$/

/** `=HYPERLINK("…")` → `'=HYPERLINK("…")`: text that a spreadsheet shows and never runs. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) && !SIGNED_NUMBER.test(text) ? `'${text}` : text
}

const OPTIONS = {
  delimiter: ';',
  record_delimiter: '\r\n',
  bom: true,
  // A line break of either kind inside a cell is quoted (csv-stringify quotes only the record delimiter itself).
  quoted_match: /[\r\n]/,
  cast: { string: neutraliseFormula },
} as const

/** A CSV stream: write records (arrays of cells) to it, pipe it to the answer. */
export function csvStream(): Stringifier {
  return stringify({ ...OPTIONS })
}

/** A whole, small, CSV file at once. */
export function csvText(records: Iterable<readonly CsvCell[]>): string {
  return stringifySync([...records] as CsvCell[][], { ...OPTIONS })
}
