/** Excel workbooks (.xlsx): the first worksheet, streamed by exceljs, each cell as the text a CSV export would hold. */
import { FileRefusedError } from './imports.decode.js'
import { type ByteSource, headerText, type OpenedTable, once, PREVIEW_ROWS, type TableRow } from './imports.sources.js'

function frenchDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return ''
  const day = String(date.getUTCDate()).padStart(2, '0')
  const month = String(date.getUTCMonth() + 1).padStart(2, '0')
  return `${day}/${month}/${date.getUTCFullYear()}`
}

/**
 * A cell as the text a CSV export would hold: dates as DD/MM/YYYY (exceljs gives date-formatted cells as Dates),
 * numbers as written without binary noise (15 significant digits, like Excel), booleans as VRAI/FAUX, formulas as
 * their last computed result, errors as their code (#N/A).
 */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)))
  if (typeof value === 'boolean') return value ? 'VRAI' : 'FAUX'
  if (value instanceof Date) return frenchDate(value)
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText))
      return value.richText.map((part: { text?: string }) => part.text ?? '').join('')
    if ('text' in value) return cellText(value.text)
    if ('result' in value) return cellText(value.result)
    if ('error' in value) return String(value.error)
    return ''
  }
  return String(value)
}

/**
 * exceljs is loaded when a workbook is first read, not with this module: it weighs some 25 MB of memory, which a CSV
 * import (and every server process that never reads a workbook) would otherwise carry.
 */
const loadExcel = () => import('exceljs').then((module) => module.default)

async function* xlsxRows(source: ByteSource, seen: { worksheet: boolean }): AsyncGenerator<TableRow> {
  const ExcelJS = await loadExcel()
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(source.xlsxInput(), {
    sharedStrings: 'cache',
    styles: 'cache', // needed to tell a date from a number
    hyperlinks: 'ignore',
    worksheets: 'emit',
  })
  for await (const worksheet of workbook) {
    seen.worksheet = true
    for await (const row of worksheet) {
      const values = row.values as unknown[] // index 0 is unused, and missing cells are holes
      const cells: string[] = new Array(Math.max(values.length - 1, 0))
      let hasContent = false
      for (let index = 1; index < values.length; index++) {
        const text = cellText(values[index])
        cells[index - 1] = text
        if (!hasContent && text.trim() !== '') hasContent = true
      }
      if (hasContent) yield { line: row.number, cells }
    }
    return // the first worksheet only
  }
}

export async function openWorkbook(source: ByteSource, head: Buffer): Promise<OpenedTable> {
  // OpenDocument files are ZIPs too; their first entry is named "mimetype".
  if (head.subarray(30, 38).toString('latin1') === 'mimetype') {
    throw new FileRefusedError(
      'This is an OpenDocument file (LibreOffice .ods), not an Excel workbook: save it as .xlsx or as CSV',
    )
  }
  const seen = { worksheet: false }
  let headers: string[] | null = null
  let headerLine = 0
  const preview: TableRow[] = []
  let rowCount = 0
  try {
    // The whole sheet is read once here: a damaged workbook is refused before anything is written.
    for await (const row of xlsxRows(source, seen)) {
      if (!headers) {
        headers = row.cells.map(headerText)
        headerLine = row.line
        continue
      }
      if (preview.length < PREVIEW_ROWS) preview.push(row)
      rowCount++
    }
  } catch (error) {
    // The machine's trouble (disk full, temporary directory missing) is not the file's fault.
    if (typeof (error as NodeJS.ErrnoException).syscall === 'string') throw error
    throw new FileRefusedError(
      `This looks like an Excel workbook but it cannot be read (damaged, or not an .xlsx file): ${(error as Error).message}`,
    )
  }
  if (!seen.worksheet)
    throw new FileRefusedError('This is a ZIP archive without any Excel worksheet (a Word document, another archive?)')
  if (!headers) throw new FileRefusedError('The workbook’s first sheet is empty')
  if (rowCount === 0)
    throw new FileRefusedError(`The sheet has a header row but no data rows (header on row ${headerLine})`)
  return {
    format: 'xlsx',
    encoding: null,
    separator: null,
    headers,
    headerLine,
    rowCount,
    preview,
    rows: async function* () {
      for await (const row of xlsxRows(source, { worksheet: false })) if (row.line > headerLine) yield row
    },
    close: once(source.dispose),
  }
}
