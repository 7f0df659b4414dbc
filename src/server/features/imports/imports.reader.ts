import { createWriteStream } from 'node:fs'
import { mkdtemp, open, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import Papa from 'papaparse'
import {
  decodeChunks,
  decodeText,
  describeBinaryContent,
  detectEncoding,
  FileRefusedError,
  HEAD_BYTES,
  type TextEncoding,
  Utf8Checker,
} from './imports.decode.js'

export { FileRefusedError } from './imports.decode.js'

export const SEPARATORS = [';', ',', '\t', '|'] as const
export type Separator = (typeof SEPARATORS)[number]

/** Data rows shown before an import is started. */
export const PREVIEW_ROWS = 20

export interface TableRow {
  /** The file's own line number (header = line 1); a cell spanning lines makes the next row's number jump. */
  line: number
  cells: string[]
}

export interface OpenedTable {
  format: 'csv' | 'xlsx'
  encoding: TextEncoding | null
  separator: Separator | null
  headers: string[]
  /** Line (CSV) or sheet row (XLSX) of the header: the first one that is not blank. */
  headerLine: number
  /**
   * Lines after the header (CSV: physical lines, so a cell spanning lines counts each; XLSX: non-empty rows).
   * Meant for progress bars, not for checking that every row was read.
   */
  rowCount: number
  /** The first data rows (up to PREVIEW_ROWS). */
  preview: TableRow[]
  /** Every data row, header excluded, read again from the source at each call: never the whole file in memory. */
  rows(): AsyncIterable<TableRow>
  /** Frees what opening needed (the temporary copy of a stream). Safe to call more than once. */
  close(): Promise<void>
}

/** A file on disk, bytes already in memory, or a stream (copied to a temporary file: the table is read twice). */
export type TableSource =
  | string
  | { path: string; fileName?: string }
  | { buffer: Uint8Array; fileName?: string }
  | { stream: NodeJS.ReadableStream | AsyncIterable<Uint8Array>; fileName?: string }

interface ByteSource {
  size: number
  fileName: string
  head(): Promise<Buffer>
  chunks(): AsyncIterable<Buffer>
  xlsxInput(): string | Readable
  dispose(): Promise<void>
}

export interface OpenOptions {
  /** Bytes read at a time (64 KiB). Tests make it tiny to put chunk boundaries everywhere. */
  chunkBytes?: number
}

/**
 * 64 KiB: the rows parsed from one chunk (some 600) are read and dropped before the young generation is next
 * collected. With 1 MiB chunks papaparse handed over ~9,000 rows at once, which lived long enough to be moved to the
 * old generation, and V8 let that fill to several times the live data: reading a 50 MB file alone peaked at 325 MB
 * of RSS, against 153 MB now, and it is faster.
 */
const CHUNK_BYTES = 1 << 16

function pathSource(
  path: string,
  size: number,
  fileName: string,
  chunkBytes: number,
  dispose = async () => {},
): ByteSource {
  return {
    size,
    fileName,
    async head() {
      const handle = await open(path, 'r')
      try {
        const head = Buffer.alloc(Math.min(size, HEAD_BYTES))
        const { bytesRead } = await handle.read(head, 0, head.length, 0)
        return head.subarray(0, bytesRead)
      } finally {
        await handle.close()
      }
    },
    chunks: () => readChunks(path, chunkBytes),
    xlsxInput: () => path,
    dispose,
  }
}

/**
 * A file's bytes, read into one buffer reused for every chunk (each chunk is valid until the next one is asked for;
 * every reader here decodes or scans it at once). A read stream allocates a new 1 MiB buffer for each chunk: some
 * 150 of them for one import, which left tens of MB of native memory behind.
 */
async function* readChunks(path: string, chunkBytes: number): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes)
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, chunkBytes, null)
      if (bytesRead === 0) return
      yield buffer.subarray(0, bytesRead)
    }
  } finally {
    await handle.close()
  }
}

function bufferSource(bytes: Uint8Array, fileName: string, chunkBytes: number): ByteSource {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  return {
    size: buffer.length,
    fileName,
    head: async () => buffer.subarray(0, HEAD_BYTES),
    chunks: async function* () {
      for (let start = 0; start < buffer.length; start += chunkBytes) yield buffer.subarray(start, start + chunkBytes)
    },
    xlsxInput: () => Readable.from([buffer]),
    dispose: async () => {},
  }
}

async function toByteSource(source: TableSource, chunkBytes: number): Promise<ByteSource> {
  if (typeof source === 'string') return pathSource(source, (await stat(source)).size, source, chunkBytes)
  if ('path' in source)
    return pathSource(source.path, (await stat(source.path)).size, source.fileName ?? source.path, chunkBytes)
  if ('buffer' in source) return bufferSource(source.buffer, source.fileName ?? '', chunkBytes)
  // A stream can be read only once, and a table is read at least twice (checks, then rows): spool it to disk.
  const directory = await mkdtemp(join(tmpdir(), 'allervers-import-'))
  const path = join(directory, 'upload')
  const dispose = () => rm(directory, { recursive: true, force: true })
  try {
    const readable = 'pipe' in source.stream ? source.stream : Readable.from(source.stream)
    await pipeline(readable as NodeJS.ReadableStream, createWriteStream(path))
  } catch (error) {
    await dispose()
    throw error
  }
  return pathSource(path, (await stat(path)).size, source.fileName ?? '', chunkBytes, dispose)
}

/**
 * Opens a landlord's export: recognises the format (XLSX by its ZIP signature, otherwise a text table by content),
 * the encoding and the separator, checks the whole file can be read, and previews it. Everything that would make an
 * import go wrong is refused here with a `FileRefusedError` saying what and where, before any row is yielded.
 */
export async function openTable(source: TableSource, options: OpenOptions = {}): Promise<OpenedTable> {
  const bytes = await toByteSource(source, Math.max(1, options.chunkBytes ?? CHUNK_BYTES))
  try {
    return await openBytes(bytes)
  } catch (error) {
    await bytes.dispose()
    throw error
  }
}

async function openBytes(source: ByteSource): Promise<OpenedTable> {
  if (source.size === 0) throw new FileRefusedError('The file is empty')
  const head = await source.head()
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return openWorkbook(source, head)
  return openText(source, head)
}

// ——— Text tables ———

/** Records of the head, quote-aware, each with its count of every candidate separator outside quotes. */
function separatorCounts(text: string, isWholeFile: boolean): number[][] {
  const records: number[][] = []
  let counts = [0, 0, 0, 0]
  let inQuote = false
  let hasContent = false
  for (let index = 0; index < text.length && records.length < 30; index++) {
    const char = text[index]
    if (char === '"') inQuote = !inQuote
    else if (inQuote) continue
    else if (char === '\n' || char === '\r') {
      if (hasContent) records.push(counts)
      counts = [0, 0, 0, 0]
      hasContent = false
    } else {
      const separator = SEPARATORS.indexOf(char as Separator)
      if (separator >= 0) counts[separator]++
      if (char !== ' ' && char !== '\t') hasContent = true
    }
  }
  if (hasContent && (isWholeFile || records.length === 0)) records.push(counts)
  return records
}

/**
 * The separator that splits the header into the most columns and the following lines into the same number; ties go
 * to the order `;` `,` tab `|` (French exports use `;` because `,` is the decimal mark).
 */
function detectSeparator(text: string, isWholeFile: boolean): Separator {
  const records = separatorCounts(text, isWholeFile)
  let best = -1
  let bestScore = [-1, -1]
  for (let separator = 0; separator < SEPARATORS.length; separator++) {
    const inHeader = records[0]?.[separator] ?? 0
    if (inHeader === 0) continue
    const consistent = records.slice(1).filter((counts) => counts[separator] === inHeader).length
    if (consistent > bestScore[0] || (consistent === bestScore[0] && inHeader > bestScore[1])) {
      best = separator
      bestScore = [consistent, inHeader]
    }
  }
  if (best < 0) {
    throw new FileRefusedError(
      'Line 1: no column separator found (expected ; , tab or |): this is not a table, or it has a single column',
    )
  }
  return SEPARATORS[best]
}

const FIELD_START = 0
const PLAIN = 1
const QUOTED = 2
const AFTER_QUOTE = 3
const AFTER_QUOTE_SPACE = 4

interface ScanResult {
  headerLine: number
  headerFields: number
  /** Number of the last line that holds anything. */
  lastLine: number
  dataRows: number
}

/**
 * One pass over the raw bytes (ASCII-compatible encodings; UTF-16 is re-encoded first) before anything is imported.
 * It follows papaparse's quoting rules (a quote opens a cell only at its start; `""` is a quote; a quote closes when
 * a separator or a line end follows, spaces allowed between) and refuses a quote that would swallow lines: never
 * closed; closed later after swallowing a line that looks like a row (as many separators as the header); or closed
 * on a later line leaving a row with more cells than the header (one extra, a trailing separator, is tolerated). It
 * also counts lines and finds the header.
 */
function createScanner(separator: Separator) {
  const separatorCode = separator.charCodeAt(0)
  let state = FIELD_START
  let line = 1
  let lastWasCarriageReturn = false
  let endedWithLineBreak = false
  let recordFields = 1
  let recordHasContent = false
  let recordStartLine = 1
  let recordQuoteLine = 0
  let quoteLine = 0
  let separatorsOnQuotedLine = 0
  let rowLikeLine = 0
  let headerFields = 0
  let headerLine = 0
  let dataRows = 0

  const closeQuote = () => {
    if (line > quoteLine) {
      if (recordQuoteLine === 0) recordQuoteLine = quoteLine
      if (rowLikeLine) {
        throw new FileRefusedError(
          `Line ${quoteLine}: a cell opened by a quote (") here only ends on line ${line}, so lines ${quoteLine + 1} to ${line} would be swallowed into it (line ${rowLikeLine} looks like a row of its own); a closing quote is probably missing`,
        )
      }
    }
  }
  const endRecord = () => {
    if (recordFields > 1 || recordHasContent) {
      if (headerFields === 0) {
        headerFields = recordFields
        headerLine = recordStartLine
      } else {
        if (recordHasContent) dataRows++
        // One cell more than the header is a trailing separator some exports add; a merged row has many more.
        if (recordQuoteLine && recordFields > headerFields + 1) {
          throw new FileRefusedError(
            `Line ${recordQuoteLine}: a cell opened by a quote (") here ends on line ${line} and the row then has ${recordFields} cells for ${headerFields} columns; a closing quote is probably missing`,
          )
        }
      }
    }
    recordFields = 1
    recordHasContent = false
    recordQuoteLine = 0
    recordStartLine = line + 1
  }
  const zeroByte = () => {
    throw new FileRefusedError(
      `Line ${line}: binary content (a zero byte); this is not a text table nor an Excel workbook`,
    )
  }

  return {
    feed(bytes: Uint8Array) {
      for (let index = 0; index < bytes.length; index++) {
        const byte = bytes[index]
        if (byte === 10 && lastWasCarriageReturn) {
          lastWasCarriageReturn = false
          continue
        }
        lastWasCarriageReturn = byte === 13
        const isLineBreak = byte === 10 || byte === 13
        switch (state) {
          case PLAIN:
            if (byte === separatorCode) {
              recordFields++
              state = FIELD_START
            } else if (isLineBreak) {
              endRecord()
              line++
              state = FIELD_START
            } else if (byte === 0) zeroByte()
            else if (byte > 32) recordHasContent = true
            break
          case FIELD_START:
            if (byte === 34) {
              state = QUOTED
              quoteLine = line
              separatorsOnQuotedLine = 0
              rowLikeLine = 0
            } else if (byte === separatorCode) recordFields++
            else if (isLineBreak) {
              endRecord()
              line++
            } else if (byte === 0) zeroByte()
            else {
              if (byte > 32) recordHasContent = true
              state = PLAIN
            }
            break
          case QUOTED:
            if (byte === 34) state = AFTER_QUOTE
            else if (isLineBreak) {
              const isWholeLineInside = line > quoteLine
              if (isWholeLineInside && !rowLikeLine && headerFields > 1 && separatorsOnQuotedLine >= headerFields - 1)
                rowLikeLine = line
              separatorsOnQuotedLine = 0
              line++
            } else if (byte === separatorCode) separatorsOnQuotedLine++
            else if (byte === 0) zeroByte()
            else if (byte > 32) recordHasContent = true
            break
          case AFTER_QUOTE:
          case AFTER_QUOTE_SPACE:
            if (byte === separatorCode) {
              closeQuote()
              recordFields++
              state = FIELD_START
            } else if (isLineBreak) {
              closeQuote()
              endRecord()
              line++
              state = FIELD_START
            } else if (byte === 32 || byte === 9) state = AFTER_QUOTE_SPACE
            else if (byte === 34) {
              // `""` inside a cell is one quote; after spaces, a quote is a new candidate for closing.
              recordHasContent = true
              state = state === AFTER_QUOTE ? QUOTED : AFTER_QUOTE
            } else {
              // A quote followed by text does not close the cell (papaparse keeps it as text): still quoted.
              if (byte === 0) zeroByte()
              recordHasContent = true
              state = QUOTED
            }
            break
        }
      }
      if (bytes.length) {
        const last = bytes[bytes.length - 1]
        endedWithLineBreak = last === 10 || last === 13
      }
    },
    finish(): ScanResult {
      if (state === QUOTED) {
        throw new FileRefusedError(
          `Line ${quoteLine}: a quote (") opened here is never closed; the rest of the file would be swallowed into one cell`,
        )
      }
      if (state === AFTER_QUOTE || state === AFTER_QUOTE_SPACE) closeQuote()
      if (!endedWithLineBreak) endRecord()
      return { headerLine, headerFields, lastLine: endedWithLineBreak ? line - 1 : line, dataRows }
    },
  }
}

async function scanText(source: ByteSource, encoding: TextEncoding, bomLength: number, separator: Separator) {
  const scanner = createScanner(separator)
  const utf8 = encoding === 'utf-8' ? new Utf8Checker() : null
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    // Separators, quotes and line ends are ASCII: scanning the UTF-8 form of the decoded text is exact.
    for await (const text of decodeChunks(source.chunks(), encoding)) scanner.feed(Buffer.from(text, 'utf8'))
  } else {
    let isFirst = true
    for await (const chunk of source.chunks()) {
      const bytes = isFirst ? chunk.subarray(bomLength) : chunk
      isFirst = false
      utf8?.write(bytes)
      scanner.feed(bytes)
    }
  }
  return { ...scanner.finish(), isUtf8: utf8 ? utf8.end() : false }
}

const LINE_ENDS = /\r\n?/g

/**
 * Rows of a text table through papaparse's own parser, fed chunk by chunk: the last, possibly incomplete, record of a
 * chunk is carried over to the next. Line ends are made `\n` first, so counting `\n` inside cells gives each row's
 * physical line. Blank lines are skipped; rows of empty cells (`;;;`) are kept, so that no line disappears unseen.
 */
async function* csvRows(source: ByteSource, encoding: TextEncoding, separator: Separator): AsyncGenerator<TableRow> {
  const parser = new Papa.Parser({ delimiter: separator, newline: '\n', quoteChar: '"' })
  const iterator = decodeChunks(source.chunks(), encoding)[Symbol.asyncIterator]()
  let pending = ''
  let heldCarriageReturn = false
  let line = 1
  try {
    for (;;) {
      const next = await iterator.next()
      let text = next.done ? '' : next.value
      if (heldCarriageReturn) text = `\r${text}`
      heldCarriageReturn = !next.done && text.charCodeAt(text.length - 1) === 13
      if (heldCarriageReturn) text = text.slice(0, -1)
      if (text.includes('\r')) text = text.replace(LINE_ENDS, '\n')
      const input = pending + text
      const result = parser.parse(input, 0, !next.done) as Papa.ParseResult<string[]> & { meta: { cursor: number } }
      pending = next.done ? '' : input.slice(result.meta.cursor)
      // Without any quote no cell can hold a line break (papaparse splits such input on line ends).
      const mayHoldLineBreaks = input.includes('"')
      for (const cells of result.data) {
        const rowLine = line++
        if (mayHoldLineBreaks) {
          for (const cell of cells) {
            for (let at = cell.indexOf('\n'); at !== -1; at = cell.indexOf('\n', at + 1)) line++
          }
        }
        if (cells.length === 1 && cells[0].trim() === '') continue
        yield { line: rowLine, cells }
      }
      if (next.done) return
    }
  } finally {
    await iterator.return?.(undefined)
  }
}

const MARKUP = /^\s*<(?:!doctype html|html|table|\?xml)/i

async function openText(source: ByteSource, head: Buffer): Promise<OpenedTable> {
  const detected = detectEncoding(head)
  const isUtf16 = detected.encoding === 'utf-16le' || detected.encoding === 'utf-16be'
  if (!isUtf16) {
    const binary = describeBinaryContent(head, source.fileName)
    if (binary) throw new FileRefusedError(binary)
  }
  const isWholeFile = head.length >= source.size
  const headText = decodeText(head, detected.encoding)
  if (headText.trim() === '' && isWholeFile) throw new FileRefusedError('The file is empty (blank lines only)')
  if (MARKUP.test(headText)) {
    throw new FileRefusedError(
      'This is a web page or XML document, not a table (some software names such exports .xls): open it in Excel and save it as .xlsx or CSV',
    )
  }
  const separator = detectSeparator(headText, isWholeFile)
  const scan = await scanText(source, detected.encoding, detected.bomLength, separator)
  // A head of plain ASCII cannot tell UTF-8 from Windows-1252: the whole file decides.
  const encoding: TextEncoding = detected.isAsciiOnly && !scan.isUtf8 ? 'windows-1252' : detected.encoding
  if (scan.headerFields === 0) throw new FileRefusedError('The file is empty (blank lines only)')
  if (scan.dataRows === 0)
    throw new FileRefusedError(`The file has a header line but no data rows (header on line ${scan.headerLine})`)

  let headers: string[] | null = null
  const preview: TableRow[] = []
  for await (const row of csvRows(source, encoding, separator)) {
    if (!headers) headers = row.cells.map(headerText)
    else preview.push(row)
    if (preview.length >= PREVIEW_ROWS) break
  }
  return {
    format: 'csv',
    encoding,
    separator,
    headers: headers ?? [],
    headerLine: scan.headerLine,
    rowCount: Math.max(scan.lastLine - scan.headerLine, preview.length),
    preview,
    rows: async function* () {
      let isHeader = true
      for await (const row of csvRows(source, encoding, separator)) {
        if (isHeader) isHeader = false
        else yield row
      }
    },
    close: once(source.dispose),
  }
}

/** A header as people read it: surrounding spaces gone, a line break inside a header cell read as a space. */
function headerText(cell: string): string {
  return cell.replace(/\s+/g, ' ').trim()
}

function once(action: () => Promise<void>) {
  let done: Promise<void> | null = null
  return () => {
    done ??= action()
    return done
  }
}

// ——— Excel workbooks ———

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

async function openWorkbook(source: ByteSource, head: Buffer): Promise<OpenedTable> {
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
