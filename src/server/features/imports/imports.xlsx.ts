/**
 * Excel workbooks (.xlsx): the first worksheet, each cell as the text a CSV export would hold. Read by our own ZIP and
 * XML scanners (`src/server/files/`) rather than a workbook library, so that every limit of `TableLimits` is checked
 * at the byte, row or cell that crosses it: the archive's directory first (declared sizes), then each part as it is
 * inflated (real sizes), each row and cell as it is scanned, each shared string as it is kept. Nothing is inflated
 * to disk, and memory holds the shared strings, the styles and one chunk of the sheet.
 */
import { StringDecoder } from 'node:string_decoder'
import { DEFAULT_TABLE_LIMITS, formatCount, megabytes, type TableLimits } from '../../files/limits.js'
import { attribute, decodeXml, XmlError, type XmlHandler, XmlScanner } from '../../files/xml.js'
import { inflateEntry, readZipDirectory, ZipBudgetError, type ZipEntry, ZipError } from '../../files/zip.js'
import { FileRefusedError } from './imports.decode.js'
import { type ByteSource, headerText, type OpenedTable, once, PREVIEW_ROWS, type TableRow } from './imports.sources.js'

/** A cell's or shared string's text as written: Excel stops at 32,767 characters; 1 MB of XML is damage. */
const MAX_TEXT_BYTES = 1 << 20

function frenchDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return ''
  const day = String(date.getUTCDate()).padStart(2, '0')
  const month = String(date.getUTCMonth() + 1).padStart(2, '0')
  return `${day}/${month}/${date.getUTCFullYear()}`
}

/** Excel's serial day number (days since 1899-12-30, or 1904-01-01) → a date. */
function excelDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000))
}

/** A number as written, without binary noise: 15 significant digits, like Excel. */
function numberText(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)))
}

/** Built-in number formats that show dates or times (ECMA-376 §18.8.30). */
const DATE_FORMAT_IDS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47])

/** A custom format code shows a date when, outside quoted text and [colour]/[locale] parts, it has y m d h s. */
function isDateFormat(code: string): boolean {
  const bare = code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '')
  return /[ymdhMsb]/.test(bare)
}

/** The column of a cell reference ("AB12" → 28); 0 when there are no letters. */
function columnOf(reference: string): number {
  let column = 0
  for (let index = 0; index < reference.length; index++) {
    const code = reference.charCodeAt(index) | 0x20 // lower case
    if (code < 97 || code > 122) break
    column = column * 26 + (code - 96)
    if (column > 1e9) break
  }
  return column
}

/** "XFD" for 16384: how Excel names the column of a refusal. */
function columnName(column: number): string {
  let name = ''
  for (let rest = column; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    name = String.fromCharCode(65 + ((rest - 1) % 26)) + name
  }
  return name
}

/** The parts of the package that matter, found from its relationships (Excel's usual names when it has none). */
interface WorkbookParts {
  sheet: ZipEntry
  sharedStrings: ZipEntry | null
  styles: ZipEntry | null
  date1904: boolean
}

/** The uncompressed bytes a read may still inflate, shared by every part it reads. */
class Budget {
  used = 0
  constructor(readonly max: number) {}
  refuse(found: number): never {
    throw new FileRefusedError(
      `The workbook expands to more than ${formatCount(megabytes(this.max))} MB once uncompressed, the most that is read; save it as CSV, or split it`,
      { limit: 'maxUncompressedBytes', max: this.max, found },
    )
  }
}

/**
 * Reads one part through an XML handler, inflating it chunk by chunk, and pauses after each chunk (the sheet's reader
 * hands over the rows that chunk completed). A handler that sets `stopped` ends the reading there.
 */
async function* scanInSteps(
  source: ByteSource,
  entry: ZipEntry,
  budget: Budget,
  handler: XmlHandler & { stopped?: boolean },
): AsyncGenerator<void> {
  const scanner = new XmlScanner(handler)
  const decoder = new StringDecoder('utf8')
  let first = true
  let counted = 0
  try {
    for await (const chunk of inflateEntry(source, entry, budget.max - budget.used)) {
      counted += chunk.length
      let text = decoder.write(chunk)
      if (first) {
        first = false
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
      }
      scanner.write(text)
      yield
      if (handler.stopped) return
    }
    scanner.write(decoder.end())
    scanner.end()
  } catch (error) {
    if (error instanceof ZipBudgetError) budget.refuse(budget.used + error.found)
    throw error
  } finally {
    budget.used += counted
  }
}

async function scanPart(source: ByteSource, entry: ZipEntry, budget: Budget, handler: XmlHandler): Promise<void> {
  for await (const _ of scanInSteps(source, entry, budget, handler)) {
    // every chunk goes through the handler
  }
}

function resolvePath(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1)
  const parts = base.split('/').slice(0, -1)
  for (const part of target.split('/')) {
    if (part === '..') parts.pop()
    else if (part !== '.' && part !== '') parts.push(part)
  }
  return parts.join('/')
}

async function readRelationships(source: ByteSource, entry: ZipEntry | undefined, budget: Budget) {
  const relationships: { id: string; type: string; target: string }[] = []
  if (!entry) return relationships
  await scanPart(source, entry, budget, {
    open(name, attributes) {
      if (name !== 'Relationship') return
      relationships.push({
        id: attribute(attributes, 'Id') ?? '',
        type: attribute(attributes, 'Type') ?? '',
        target: attribute(attributes, 'Target') ?? '',
      })
    },
    close() {},
    text() {},
  })
  return relationships
}

async function findParts(source: ByteSource, entries: Map<string, ZipEntry>, budget: Budget) {
  const part = (path: string) => entries.get(path.toLowerCase())
  const root = await readRelationships(source, part('_rels/.rels'), budget)
  const office = root.find((relationship) => relationship.type.endsWith('/officeDocument'))
  const workbookPath = office ? resolvePath('', office.target) : 'xl/workbook.xml'
  const workbookEntry = part(workbookPath)
  if (!workbookEntry) return null
  let date1904 = false
  const sheets: { id: string; hidden: boolean }[] = []
  await scanPart(source, workbookEntry, budget, {
    open(name, attributes) {
      if (name === 'workbookPr') {
        const value = attribute(attributes, 'date1904')
        date1904 = value === '1' || value === 'true'
      } else if (name === 'sheet' && sheets.length < 1000) {
        const state = attribute(attributes, 'state')
        sheets.push({ id: attribute(attributes, 'r:id') ?? '', hidden: state === 'hidden' || state === 'veryHidden' })
      }
    },
    close() {},
    text() {},
  })
  const slash = workbookPath.lastIndexOf('/')
  const relationshipsPath = `${workbookPath.slice(0, slash + 1)}_rels/${workbookPath.slice(slash + 1)}.rels`
  const relationships = await readRelationships(source, part(relationshipsPath), budget)
  const target = (id: string) => relationships.find((relationship) => relationship.id === id)?.target
  const ofType = (type: string) => relationships.find((relationship) => relationship.type.endsWith(type))?.target
  // The first sheet people see: the first one not hidden, in the workbook's order.
  const first = sheets.find((sheet) => !sheet.hidden) ?? sheets[0]
  const sheetTarget = first ? target(first.id) : undefined
  // Without relationships (some generators forget them), the parts are looked for under Excel's usual names.
  const located = (relationship: string | undefined, usual: string) =>
    (relationship ? part(resolvePath(workbookPath, relationship)) : undefined) ??
    (relationships.length === 0 ? part(resolvePath(workbookPath, usual)) : undefined) ??
    null
  const sheet = located(sheetTarget, 'worksheets/sheet1.xml')
  if (!sheet) return null
  return {
    sheet,
    sharedStrings: located(ofType('/sharedStrings'), 'sharedStrings.xml'),
    styles: located(ofType('/styles'), 'styles.xml'),
    date1904,
  } satisfies WorkbookParts
}

/** For each cell style (the `s` of a cell), whether its number format shows a date. */
async function readDateStyles(source: ByteSource, entry: ZipEntry | null, budget: Budget): Promise<boolean[]> {
  const styles: boolean[] = []
  if (!entry) return styles
  const custom = new Map<number, boolean>()
  let inCellXfs = false
  await scanPart(source, entry, budget, {
    open(name, attributes, selfClosing) {
      if (name === 'numFmt') {
        custom.set(Number(attribute(attributes, 'numFmtId')), isDateFormat(attribute(attributes, 'formatCode') ?? ''))
      } else if (name === 'cellXfs') inCellXfs = !selfClosing
      else if (name === 'xf' && inCellXfs && styles.length < 1_000_000) {
        const id = Number(attribute(attributes, 'numFmtId') ?? 0)
        styles.push(custom.get(id) ?? DATE_FORMAT_IDS.has(id))
      }
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false
    },
    text() {},
  })
  return styles
}

function tooLongText(where: string): never {
  throw new FileRefusedError(`${where} holds more than 1 MB of text; a workbook cell holds at most 32,767 characters`, {
    limit: 'cellBytes',
    max: MAX_TEXT_BYTES,
    found: MAX_TEXT_BYTES + 1,
  })
}

/** The shared strings (texts cells point to by number), rich text flattened, phonetic guides left out. */
async function readSharedStrings(
  source: ByteSource,
  entry: ZipEntry | null,
  budget: Budget,
  limits: TableLimits,
): Promise<string[]> {
  const strings: string[] = []
  if (!entry) return strings
  let raw = ''
  let inItem = false
  let inText = false
  let inPhonetic = false
  await scanPart(source, entry, budget, {
    open(name, _attributes, selfClosing) {
      if (name === 'si') {
        if (strings.length >= limits.maxSharedStrings) {
          throw new FileRefusedError(
            `The workbook holds more than ${formatCount(limits.maxSharedStrings)} different texts, the most that is read; save it as CSV, or split it`,
            { limit: 'maxSharedStrings', max: limits.maxSharedStrings, found: strings.length + 1 },
          )
        }
        inItem = !selfClosing
        raw = ''
        if (selfClosing) strings.push('')
      } else if (name === 't' && inItem && !inPhonetic) inText = !selfClosing
      else if (name === 'rPh') inPhonetic = !selfClosing
    },
    close(name) {
      if (name === 't') inText = false
      else if (name === 'rPh') inPhonetic = false
      else if (name === 'si' && inItem) {
        inItem = false
        strings.push(decodeXml(raw))
        raw = ''
      }
    },
    text(text) {
      if (!inText) return
      raw += text
      if (raw.length > MAX_TEXT_BYTES) tooLongText(`Shared text number ${formatCount(strings.length + 1)}`)
    },
  })
  return strings
}

interface SheetContext {
  source: ByteSource
  parts: WorkbookParts
  dateStyles: boolean[]
  sharedStrings: string[]
  limits: TableLimits
}

/**
 * The rows of the sheet that hold anything, in order, each checked against the limits as it is scanned: the row count
 * at each `<row>`, the column and the running count of cells at each `<c>`, before the cell is stored.
 */
async function* sheetRows(context: SheetContext, budget: Budget): AsyncGenerator<TableRow> {
  const { limits, sharedStrings, dateStyles } = context
  const date1904 = context.parts.date1904
  const ready: TableRow[] = []
  let rows = 0
  let cellsBefore = 0
  let rowNumber = 0
  let cells: string[] = []
  /** The right-most column of the row that holds a value. */
  let width = 0
  /** The column of the row's last cell element (a cell without a reference follows it). */
  let previousColumn = 0
  let cellElements = 0
  let hasContent = false
  let inRow = false
  let inCell = false
  let inSheetData = false
  // The cell being read.
  let column = 0
  let type = ''
  let style = -1
  let raw = ''
  let hasValue = false
  let collecting = false
  let inInline = false
  let inPhonetic = false

  const refuseColumns = (found: number) => {
    throw new FileRefusedError(
      `Row ${rowNumber} has a cell in column ${columnName(found)} (column ${formatCount(found)}); at most ${formatCount(limits.maxColumns)} columns are read: delete the cells to the right of your table, or save it as CSV`,
      { limit: 'maxColumns', max: limits.maxColumns, found },
    )
  }
  const refuseCells = (found: number) => {
    throw new FileRefusedError(
      `The sheet holds more than ${formatCount(limits.maxCells)} cells (counting each row up to its last cell), the most that is read; save it as CSV, or split it`,
      { limit: 'maxCells', max: limits.maxCells, found },
    )
  }

  const cellText = (): string => {
    if (!hasValue) return ''
    switch (type) {
      case 's': {
        const text = sharedStrings[Number.parseInt(raw, 10)]
        return text ?? ''
      }
      case 'inlineStr':
      case 'str':
      case 'e':
        return decodeXml(raw)
      case 'b':
        return Number.parseInt(raw, 10) ? 'VRAI' : 'FAUX'
      case 'd': {
        const date = new Date(decodeXml(raw).trim())
        return Number.isNaN(date.getTime()) ? decodeXml(raw) : frenchDate(date)
      }
      default: {
        const text = raw.trim()
        if (text === '') return ''
        const value = Number.parseFloat(text)
        if (!Number.isFinite(value)) return decodeXml(raw)
        if (style >= 0 && dateStyles[style]) return frenchDate(excelDate(value, date1904))
        return numberText(value)
      }
    }
  }

  const handler: XmlHandler & { stopped: boolean } = {
    stopped: false,
    open(name, attributes, selfClosing) {
      if (!inSheetData) {
        if (name === 'sheetData') inSheetData = !selfClosing
        return
      }
      if (inCell) {
        if (name === 'v') {
          collecting = !selfClosing
          hasValue = true
          raw = ''
        } else if (name === 'is') {
          inInline = !selfClosing
          hasValue = true
          raw = ''
        } else if (name === 't' && inInline && !inPhonetic) collecting = !selfClosing
        else if (name === 'rPh') inPhonetic = !selfClosing
        return
      }
      if (name === 'c' && inRow) {
        cellElements++
        // Every cell element costs scanning, counted here; its column counts once it holds a value (below).
        if (cellsBefore + Math.max(width, cellElements) > limits.maxCells) {
          refuseCells(cellsBefore + Math.max(width, cellElements))
        }
        const reference = attribute(attributes, 'r')
        column = (reference ? columnOf(reference) : 0) || previousColumn + 1
        previousColumn = column
        type = attribute(attributes, 't') ?? 'n'
        const s = attribute(attributes, 's')
        style = s === undefined ? 0 : Number.parseInt(s, 10)
        raw = ''
        hasValue = false
        collecting = false
        inInline = false
        inPhonetic = false
        inCell = !selfClosing
        return
      }
      if (name === 'row') {
        rows++
        if (rows > limits.maxRows) {
          throw new FileRefusedError(
            `The sheet has more than ${formatCount(limits.maxRows)} rows, the most that is read; split the file`,
            { limit: 'maxRows', max: limits.maxRows, found: rows },
          )
        }
        const r = attribute(attributes, 'r')
        rowNumber = r ? Number.parseInt(r, 10) || rowNumber + 1 : rowNumber + 1
        cells = []
        width = 0
        previousColumn = 0
        cellElements = 0
        hasContent = false
        inRow = !selfClosing
      }
    },
    close(name) {
      if (inCell) {
        if (name === 'c') {
          inCell = false
          const text = cellText()
          // Empty cells are holes: a row ends at its last cell with text, as a CSV export of it would. A cell with
          // text far to the right would make every row that wide: its column is checked before anything is stored.
          if (text !== '') {
            if (column > limits.maxColumns) refuseColumns(column)
            if (column > width) {
              width = column
              if (cellsBefore + Math.max(width, cellElements) > limits.maxCells) {
                refuseCells(cellsBefore + Math.max(width, cellElements))
              }
            }
            for (let index = cells.length; index < column - 1; index++) cells.push('')
            cells[column - 1] = text
            if (!hasContent && text.trim() !== '') hasContent = true
          }
        } else if (name === 'v' || name === 't') collecting = false
        else if (name === 'is') inInline = false
        else if (name === 'rPh') inPhonetic = false
        return
      }
      if (name === 'row' && inRow) {
        inRow = false
        cellsBefore += Math.max(width, cellElements)
        if (hasContent) ready.push({ line: rowNumber, cells })
      } else if (name === 'sheetData') {
        inSheetData = false
        this.stopped = true // nothing after the rows matters
      }
    },
    text(text) {
      if (!collecting) return
      raw += text
      if (raw.length > MAX_TEXT_BYTES) tooLongText(`Cell ${columnName(column)}${rowNumber}`)
    },
  }

  // The rows a chunk completed are handed over after it: scanning never waits for the consumer mid-chunk.
  for await (const _ of scanInSteps(context.source, context.parts.sheet, budget, handler)) {
    if (ready.length === 0) continue
    const batch = ready.splice(0)
    yield* batch
  }
  yield* ready
}

function damaged(message: string): FileRefusedError {
  return new FileRefusedError(
    `This looks like an Excel workbook but it cannot be read (damaged, or not an .xlsx file): ${message}`,
  )
}

export async function openWorkbook(
  source: ByteSource,
  head: Buffer,
  limits: TableLimits = DEFAULT_TABLE_LIMITS,
): Promise<OpenedTable> {
  // OpenDocument files are ZIPs too; their first entry is named "mimetype".
  if (head.subarray(30, 38).toString('latin1') === 'mimetype') {
    throw new FileRefusedError(
      'This is an OpenDocument file (LibreOffice .ods), not an Excel workbook: save it as .xlsx or as CSV',
    )
  }
  let context: SheetContext
  let headers: string[] | null = null
  let headerLine = 0
  const preview: TableRow[] = []
  let rowCount = 0
  try {
    const entries = new Map((await readZipDirectory(source)).map((entry) => [entry.name.toLowerCase(), entry]))
    const budget = new Budget(limits.maxUncompressedBytes)
    const parts = await findParts(source, entries, budget)
    if (!parts) {
      throw new FileRefusedError(
        'This is a ZIP archive without any Excel worksheet (a Word document, another archive?)',
      )
    }
    // What the archive declares is checked before a byte of the large parts is inflated; the truth, while inflating.
    const declared =
      budget.used +
      [parts.sheet, parts.sharedStrings, parts.styles].reduce((sum, entry) => sum + (entry?.uncompressedSize ?? 0), 0)
    if (declared > budget.max) budget.refuse(declared)
    const dateStyles = await readDateStyles(source, parts.styles, budget)
    const sharedStrings = await readSharedStrings(source, parts.sharedStrings, budget, limits)
    context = { source, parts, dateStyles, sharedStrings, limits }
    // The whole sheet is read once here: a damaged or oversized workbook is refused before anything is written.
    for await (const row of sheetRows(context, budget)) {
      if (!headers) {
        headers = row.cells.map(headerText)
        headerLine = row.line
        continue
      }
      if (preview.length < PREVIEW_ROWS) preview.push(row)
      rowCount++
    }
  } catch (error) {
    if (error instanceof FileRefusedError) throw error
    if (error instanceof ZipError || error instanceof XmlError) throw damaged(error.message)
    // The machine's trouble (disk full, file gone) is not the file's fault.
    if (typeof (error as NodeJS.ErrnoException).syscall === 'string') throw error
    throw damaged((error as Error).message)
  }
  if (!headers) throw new FileRefusedError('The workbook’s first sheet is empty')
  if (rowCount === 0)
    throw new FileRefusedError(`The sheet has a header row but no data rows (header on row ${headerLine})`)
  const sheet = context
  return {
    format: 'xlsx',
    encoding: null,
    separator: null,
    headers,
    headerLine,
    rowCount,
    preview,
    rows: async function* () {
      // Only the sheet is read again, within the same budget.
      for await (const row of sheetRows(sheet, new Budget(limits.maxUncompressedBytes))) {
        if (row.line > headerLine) yield row
      }
    },
    close: once(source.dispose),
  }
}
