import { createReadStream } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { Transform } from 'node:stream'
import { parse } from 'csv-parse'
import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'

/** A file we refuse before writing anything, with a message that says what is wrong and where. */
export class FileRefusedError extends Error {}

export interface TableRow {
  /** The file's own line number (header = line 1); a cell spanning lines makes the next row's number jump. */
  line: number
  cells: string[]
}

export interface OpenedTable {
  format: 'csv' | 'xlsx'
  encoding: 'utf-8' | 'windows-1252' | null
  separator: string | null
  headers: string[]
  /** Data rows, header excluded (an estimate for CSV files whose cells span lines). */
  rowCount: number
  preview: TableRow[]
  rows(): AsyncIterable<TableRow>
}

const SEPARATORS = [';', ',', '\t', '|']

function detectEncoding(head: Buffer): 'utf-8' | 'windows-1252' {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8'
  // A multi-byte character may be cut at the end of the sample: drop up to 3 trailing bytes before judging.
  for (let cut = 0; cut <= 3; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut))
      return 'utf-8'
    } catch {}
  }
  return 'windows-1252'
}

function looksBinary(head: Buffer): boolean {
  let control = 0
  for (const byte of head) {
    if (byte === 0) return true
    if (byte < 9 || (byte > 13 && byte < 32)) control++
  }
  return control > head.length * 0.05
}

function detectSeparator(firstLine: string): string {
  let best = ';'
  let bestCount = 0
  for (const separator of SEPARATORS) {
    let count = 0
    let inQuote = false
    for (const char of firstLine) {
      if (char === '"') inQuote = !inQuote
      else if (char === separator && !inQuote) count++
    }
    if (count > bestCount) {
      best = separator
      bestCount = count
    }
  }
  if (bestCount === 0)
    throw new FileRefusedError('Line 1: no column separator found (expected ; , tab or |): this is not a table')
  return best
}

/** Windows line ends become plain ones, so the CSV parser counts lines the way people read them. */
function toUnixLineEnds() {
  let heldCarriageReturn = false
  return new Transform({
    readableObjectMode: true,
    writableObjectMode: true,
    transform(chunk: string, _encoding, callback) {
      let text = (heldCarriageReturn ? '\r' : '') + chunk
      heldCarriageReturn = text.endsWith('\r')
      if (heldCarriageReturn) text = text.slice(0, -1)
      callback(null, text.replace(/\r\n/g, '\n'))
    },
    flush(callback) {
      callback(null, heldCarriageReturn ? '\r' : '')
    },
  })
}

function decoded(path: string, encoding: string) {
  return createReadStream(path, { highWaterMark: 1 << 20 })
    .pipe(iconv.decodeStream(encoding, { stripBOM: true }))
    .pipe(toUnixLineEnds())
}

/**
 * One pass over the whole text before anything is imported: counts lines and finds a quote that opens and never
 * closes (it would swallow the rest of the file into one cell).
 */
async function prescan(path: string, encoding: string, separator: string) {
  const separatorCode = separator.charCodeAt(0)
  let line = 1
  let inQuote = false
  let atFieldStart = true
  let quoteLine = 0
  let pendingQuote = false // a quote seen inside a quoted cell at the end of a chunk: closing, or the first of ""
  let lastChar = ''
  for await (const chunk of decoded(path, encoding)) {
    const text = chunk as string
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index)
      if (pendingQuote) {
        pendingQuote = false
        if (code === 34) continue // "" inside a quoted cell: an escaped quote
        inQuote = false
      }
      if (inQuote) {
        if (code === 34) pendingQuote = true
        else if (code === 10) line++
        continue
      }
      if (code === 34) {
        // Only a quote that starts a cell opens one; a stray quote inside a plain cell is kept as text.
        if (atFieldStart) {
          inQuote = true
          quoteLine = line
        }
        atFieldStart = false
      } else if (code === 10) {
        line++
        atFieldStart = true
      } else if (code === separatorCode) atFieldStart = true
      else if (code !== 13) atFieldStart = false
    }
    if (text.length) lastChar = text[text.length - 1]
  }
  if (inQuote && !pendingQuote) {
    throw new FileRefusedError(
      `Line ${quoteLine}: a quote (") opened here is never closed; the rest of the file would be swallowed into one cell`,
    )
  }
  return { lines: lastChar === '\n' ? line - 1 : line }
}

async function* csvRows(path: string, encoding: string, separator: string): AsyncGenerator<TableRow> {
  const parser = decoded(path, encoding).pipe(
    parse({
      delimiter: separator,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
      bom: true,
    }),
  )
  for await (const record of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
    const body = record.raw.replace(/^[\r\n]+/, '').replace(/\r?\n$/, '')
    let inner = 0
    for (let index = 0; index < body.length; index++) if (body.charCodeAt(index) === 10) inner++
    yield { line: record.info.lines - inner, cells: record.record }
  }
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) {
    const day = String(value.getUTCDate()).padStart(2, '0')
    const month = String(value.getUTCMonth() + 1).padStart(2, '0')
    return `${day}/${month}/${value.getUTCFullYear()}`
  }
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('')
    if ('text' in value) return String(value.text)
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue)
    return ''
  }
  return String(value)
}

async function* xlsxRows(path: string): AsyncGenerator<TableRow> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
  })
  for await (const worksheet of workbook) {
    for await (const row of worksheet) {
      const values = (row.values as ExcelJS.CellValue[]).slice(1)
      const cells = values.map(cellText)
      if (cells.every((cell) => cell.trim() === '')) continue
      yield { line: row.number, cells }
    }
    return // the first worksheet only
  }
}

/** Opens a landlord's export: detects format, encoding and separator, checks it can be read, and previews it. */
export async function openTable(path: string): Promise<OpenedTable> {
  const { size } = await stat(path)
  if (size === 0) throw new FileRefusedError('The file is empty')
  const handle = await open(path, 'r')
  const head = Buffer.alloc(Math.min(size, 64 * 1024))
  await handle.read(head, 0, head.length, 0)
  await handle.close()

  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    const iterator = xlsxRows(path)[Symbol.asyncIterator]()
    const first = await iterator.next().catch(() => {
      throw new FileRefusedError('This looks like an Excel workbook but it cannot be read (damaged or not .xlsx)')
    })
    if (first.done) throw new FileRefusedError('The workbook’s first sheet is empty')
    const preview: TableRow[] = []
    let rowCount = 0
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      if (preview.length < 20) preview.push(next.value)
      rowCount++
    }
    if (rowCount === 0) throw new FileRefusedError('The sheet has a header row but no data rows')
    const headers = first.value.cells.map((cell) => cell.trim())
    return {
      format: 'xlsx',
      encoding: null,
      separator: null,
      headers,
      rowCount,
      preview,
      rows: async function* () {
        let isHeader = true
        for await (const row of xlsxRows(path)) {
          if (isHeader) {
            isHeader = false
            continue
          }
          yield row
        }
      },
    }
  }
  if (looksBinary(head))
    throw new FileRefusedError('This is not a text table nor an Excel workbook (binary content at the start)')
  const encoding = detectEncoding(head)
  const text = iconv.decode(head, encoding)
  const firstLine =
    text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .find((line) => line.trim() !== '') ?? ''
  const separator = detectSeparator(firstLine)
  const { lines } = await prescan(path, encoding, separator)
  const preview: TableRow[] = []
  let headers: string[] | null = null
  for await (const row of csvRows(path, encoding, separator)) {
    if (!headers) headers = row.cells.map((cell) => cell.trim())
    else preview.push(row)
    if (preview.length >= 20) break
  }
  if (!headers || preview.length === 0) throw new FileRefusedError('The file has a header line but no data rows')
  return {
    format: 'csv',
    encoding,
    separator,
    headers,
    rowCount: Math.max(lines - 1, preview.length),
    preview,
    rows: async function* () {
      let isHeader = true
      for await (const row of csvRows(path, encoding, separator)) {
        if (isHeader) {
          isHeader = false
          continue
        }
        yield row
      }
    },
  }
}
