import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { PassThrough } from 'node:stream'
import { describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import type { Cell } from './exports.format.js'
import { needsDrain, sheetEntry, writeWorkbook } from './exports.xlsx.js'

/** Call rows whose text barely compresses, as many as asked; counts how many were taken. */
function rowsOf(total: number) {
  const taken = { count: 0 }
  async function* rows(): AsyncGenerator<Cell[]> {
    for (let index = 0; index < total; index++) {
      taken.count++
      yield [
        { instant: new Date(Date.UTC(2026, 9, 24, 8) + index * 1000).toISOString() },
        'Campagne hiver',
        randomBytes(12).toString('base64'),
        randomBytes(9).toString('base64'),
        index % 7,
        'Pas de réponse',
        index % 900,
        null,
        randomBytes(18).toString('base64'),
      ]
      if (index % 1000 === 999) await new Promise((resolve) => setImmediate(resolve))
    }
  }
  return { rows: rows(), taken }
}

/** Waits until `read()` gives the same value for `quietMs`, or `maxMs` pass. */
async function settle(read: () => number, quietMs: number, maxMs: number) {
  const started = Date.now()
  let last = read()
  let since = Date.now()
  while (Date.now() - started < maxMs) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    const now = read()
    if (now !== last) {
      last = now
      since = Date.now()
    } else if (Date.now() - since >= quietMs) break
  }
  return last
}

describe('XLSX export', () => {
  it('stops taking rows while nobody reads the file, and writes them all once read', { timeout: 120_000 }, async () => {
    const total = 150_000
    const { rows, taken } = rowsOf(total)
    const output = new PassThrough()
    const written = writeWorkbook(output, 'calls', rows)
    // Nobody reads: with the zip's backpressure honoured, a bounded number of rows is taken, not all of them
    // (about 8,000 here: the buffers of the sheet, the deflate stream, the zip and the output).
    const stalled = await settle(() => taken.count, 1500, 60_000)
    assert.ok(stalled < total / 3, `${stalled} rows of ${total} taken with nobody reading`)

    const chunks: Buffer[] = []
    const ended = new Promise((resolve) => output.once('end', resolve))
    output.on('data', (chunk: Buffer) => chunks.push(chunk))
    await written
    output.end()
    await ended
    assert.equal(taken.count, total)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer)
    const sheet = workbook.getWorksheet('Appels')!
    assert.equal(sheet.rowCount, total + 1)
    assert.equal(sheet.getCell('A1').value, 'Date')
    assert.equal(sheet.getCell(`E${total + 1}`).value, (total - 1) % 7)
  })

  it('holds little in memory while a fast client reads, though the zip compresses slower than rows come', {
    timeout: 180_000,
  }, async () => {
    // Without waiting for the zip entry, its buffer grows with the rows (about 70 MB more here for 300,000 rows,
    // 570 MB for the benchmark's million); waiting, it stays within a few of its 64 KB chunks.
    const total = 300_000
    const { rows } = rowsOf(total)
    const output = new PassThrough()
    let bytes = 0
    output.on('data', (chunk: Buffer) => {
      bytes += chunk.length
    })
    const before = process.memoryUsage().arrayBuffers
    let peak = before
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers)
    }, 20)
    await writeWorkbook(output, 'calls', rows)
    clearInterval(sampler)
    assert.ok(bytes > 10_000_000, `${bytes} bytes`)
    const grown = (peak - before) / 1e6
    assert.ok(grown < 40, `buffers grew by ${grown.toFixed(0)} MB`)
  })

  it('finds the zip entry of an exceljs sheet, and sees when it asks for a drain', async () => {
    const output = new PassThrough()
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useSharedStrings: false })
    const sheet = workbook.addWorksheet('Feuille')
    sheet.addRow(['a', 1]).commit()
    await new Promise((resolve) => setTimeout(resolve, 50))
    const entry = sheetEntry(sheet)
    assert.ok(entry, 'the sheet has a zip entry')
    // Nobody reads the output: a few hundred kilobytes of rows fill the entry past its mark.
    for (let index = 0; index < 20_000 && !needsDrain(entry); index++) sheet.addRow(['b'.repeat(40), index]).commit()
    assert.equal(needsDrain(entry), true)
    output.destroy()
  })

  it('gives up when the client leaves', async () => {
    const { rows, taken } = rowsOf(1_000_000)
    const output = new PassThrough()
    const written = writeWorkbook(output, 'calls', rows)
    await settle(() => taken.count, 500, 30_000)
    output.destroy()
    await assert.rejects(written, /closed the download/)
    assert.ok(taken.count < 1_000_000)
  })
})
