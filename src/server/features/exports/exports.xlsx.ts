/**
 * The XLSX export: one streamed sheet, written with bounded memory whatever the number of rows.
 *
 * exceljs's streaming writer hands the sheet's XML to its zip entry (a deflate stream) without waiting for it: rows
 * read faster than they are compressed and sent piled up in that entry's buffer (570 MB for a million calls). So
 * between rows we wait for the entry to drain, as for the download itself: the database is read no faster than the
 * client takes the file.
 */
import type { PassThrough, Writable } from 'node:stream'
import type ExcelJSModule from 'exceljs'
import type { Dataset } from '../../../shared/contracts/exports.js'
import { type Cell, COLUMNS, xlsxValue } from './exports.format.js'

// exceljs (about 20 MB resident) is loaded with the first workbook, not with the server.
let exceljs: Promise<typeof ExcelJSModule> | undefined
const loadExcel = () => {
  exceljs ??= import('exceljs').then((module) => module.default)
  return exceljs
}

const SHEET_NAMES: Record<Dataset, string> = { calls: 'Appels', referrals: 'Orientations', unreachable: 'Injoignables' }

/**
 * The zip entry a streamed sheet writes into (exceljs 4: the sheet's stream keeps what it feeds in `pipes`; the zip
 * wraps it in a PassThrough of readable-stream 2, whose state says whether it wants a 'drain'). Undefined before the
 * zip opens the entry: the sheet's own buffer holds the first rows meanwhile. Tested in exports.xlsx.test.ts, so that
 * an upgrade of exceljs that moves these cannot silently bring the unbounded buffering back.
 */
export function sheetEntry(sheet: unknown): Writable | undefined {
  const stream = (sheet as { stream?: { pipes?: unknown } }).stream
  const entry = Array.isArray(stream?.pipes) ? (stream.pipes[0] as Writable | undefined) : undefined
  return entry && typeof entry.write === 'function' && typeof entry.once === 'function' ? entry : undefined
}

/** Whether a writable (of Node or of readable-stream 2) asked for a 'drain' by answering false to a write. */
export function needsDrain(stream: Writable): boolean {
  const legacy = stream as Writable & { _writableState?: { needDrain?: boolean } }
  return stream.writableNeedDrain ?? legacy._writableState?.needDrain ?? false
}

/** Resolves when `stream` drains; rejects when the download is closed first (the client left). */
function drained(stream: Writable, output: PassThrough): Promise<void> {
  if (output.destroyed) return Promise.reject(new Error('the client closed the download'))
  return new Promise((resolve, reject) => {
    const done = () => {
      cleanup()
      resolve()
    }
    const closed = () => {
      cleanup()
      reject(new Error('the client closed the download'))
    }
    const cleanup = () => {
      stream.off('drain', done)
      stream.off('close', done)
      output.off('close', closed)
    }
    stream.once('drain', done)
    stream.once('close', done)
    output.once('close', closed)
  })
}

/**
 * Writes a streamed sheet of `rows` to `output`, waiting whenever the zip entry or the client is behind. The caller
 * ends `output` when this resolves, destroys it when it rejects.
 */
export async function writeWorkbook(output: PassThrough, dataset: Dataset, rows: AsyncIterable<Cell[]>): Promise<void> {
  const ExcelJS = await loadExcel()
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false })
  const columns = COLUMNS[dataset]
  const sheet = workbook.addWorksheet(SHEET_NAMES[dataset], { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = columns.map((column) => ({
    header: column.header,
    width: column.width,
    style: column.kind === 'datetime' ? { numFmt: 'dd/mm/yyyy hh:mm' } : {},
  }))
  sheet.getRow(1).font = { bold: true }
  sheet.getRow(1).commit()
  for await (const cells of rows) {
    if (output.destroyed) throw new Error('the client closed the download')
    sheet.addRow(cells.map(xlsxValue)).commit()
    const entry = sheetEntry(sheet)
    if (entry && needsDrain(entry)) await drained(entry, output)
    if (output.writableNeedDrain) await drained(output, output)
  }
  sheet.commit()
  await workbook.commit()
}
