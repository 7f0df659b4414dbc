/**
 * Text tables (CSV and the like): the separator found from the head, one pass of the quote-aware scanner over the
 * raw bytes that refuses a file which would import wrongly and counts its lines, then the rows through papaparse.
 */
import Papa from 'papaparse'
import { SEPARATORS, type Separator, type TextEncoding } from '../../../shared/import-fields.js'
import { formatCount, type TableLimits } from '../../files/limits.js'
import {
  decodeChunks,
  decodeText,
  describeBinaryContent,
  detectEncoding,
  FileRefusedError,
  Utf8Checker,
} from './imports.decode.js'
import { type ByteSource, headerText, type OpenedTable, once, PREVIEW_ROWS, type TableRow } from './imports.sources.js'

/**
 * The longest row read: papaparse holds a whole row in memory, and a row of 1 MB is already a quote never closed or
 * a file without line breaks (the widest real exports have rows of a few kB).
 */
const MAX_LINE_BYTES = 1 << 20

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
function createScanner(separator: Separator, limits: TableLimits) {
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
  let records = 0
  let cells = 0
  let recordsAtChunkStart = 0
  let bytesSinceRecordEnd = 0

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
  const refuseColumns = () => {
    throw new FileRefusedError(
      `Line ${recordStartLine} has more than ${formatCount(limits.maxColumns)} columns, the most that is read`,
      { limit: 'maxColumns', max: limits.maxColumns, found: recordFields },
    )
  }
  const endRecord = () => {
    if (++records > limits.maxRows) {
      throw new FileRefusedError(
        `The file has more than ${formatCount(limits.maxRows)} lines, the most that is read; split the file`,
        { limit: 'maxRows', max: limits.maxRows, found: records },
      )
    }
    cells += recordFields
    if (cells > limits.maxCells) {
      throw new FileRefusedError(
        `The file holds more than ${formatCount(limits.maxCells)} cells, the most that is read; split the file`,
        { limit: 'maxCells', max: limits.maxCells, found: cells },
      )
    }
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
              if (++recordFields > limits.maxColumns) refuseColumns()
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
            } else if (byte === separatorCode) {
              if (++recordFields > limits.maxColumns) refuseColumns()
            } else if (isLineBreak) {
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
            } else if (byte === 0) zeroByte()
            else {
              // Inside quotes a separator is text like any other (`;;";"` is a row, not a blank line), counted too.
              if (byte === separatorCode) separatorsOnQuotedLine++
              if (byte > 32) recordHasContent = true
            }
            break
          case AFTER_QUOTE:
          case AFTER_QUOTE_SPACE:
            if (byte === separatorCode) {
              closeQuote()
              if (++recordFields > limits.maxColumns) refuseColumns()
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
      // A row that has not ended within 1 MB (counted in whole chunks: no cost per byte) is refused.
      bytesSinceRecordEnd = records === recordsAtChunkStart ? bytesSinceRecordEnd + bytes.length : 0
      recordsAtChunkStart = records
      if (bytesSinceRecordEnd > MAX_LINE_BYTES) {
        throw new FileRefusedError(
          state === QUOTED
            ? `Line ${quoteLine}: a quote (") opened here is still not closed 1 MB further; the rest of the file would be swallowed into one cell`
            : `Line ${recordStartLine} is longer than 1 MB, the most that is read for one row`,
          { limit: 'lineBytes', max: MAX_LINE_BYTES, found: bytesSinceRecordEnd },
        )
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

async function scanText(
  source: ByteSource,
  encoding: TextEncoding,
  bomLength: number,
  separator: Separator,
  limits: TableLimits,
) {
  const scanner = createScanner(separator, limits)
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

export async function openText(source: ByteSource, head: Buffer, limits: TableLimits): Promise<OpenedTable> {
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
  const scan = await scanText(source, detected.encoding, detected.bomLength, separator, limits)
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
