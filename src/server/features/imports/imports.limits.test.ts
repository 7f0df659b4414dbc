// The reading limits, checked at the row, cell or byte that crosses them (src/server/files/limits.ts), and the
// workbook reader's handling of what real and hostile .xlsx files hold.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import {
  repeatedDeflate,
  SHEET_END,
  SHEET_START,
  STRINGS_END,
  STRINGS_START,
  workbook,
  zipArchive,
} from '../../../../test/fixtures/imports/hostile.js'
import { DEFAULT_TABLE_LIMITS, type TableLimits } from '../../files/limits.js'
import { FileRefusedError, type OpenedTable, openTable, type TableRow } from './imports.reader.js'
import { openTableInWorker, ReaderSlots, ReadersBusyError } from './imports.reading.js'

const fixture = (name: string) => join(import.meta.dirname, '../../../../test/fixtures/imports', name)

async function allRows(table: OpenedTable) {
  const rows: TableRow[] = []
  for await (const row of table.rows()) rows.push(row)
  return rows
}

async function refusal(content: Buffer, limits: Partial<TableLimits> = {}) {
  try {
    await openTable({ buffer: content }, { limits: { ...DEFAULT_TABLE_LIMITS, ...limits } })
  } catch (error) {
    assert.ok(error instanceof FileRefusedError, `expected a FileRefusedError, got ${error}`)
    return { message: error.message, limit: error.limit }
  }
  assert.fail('the file was not refused')
}

const inline = (reference: string, text: string) => `<c r="${reference}" t="inlineStr"><is><t>${text}</t></is></c>`
const sheet = (...rows: string[]) => SHEET_START + rows.join('') + SHEET_END
const row = (n: number, ...cells: string[]) => `<row r="${n}">${cells.join('')}</row>`

describe('limits on workbooks', () => {
  const header = row(1, inline('A1', 'Référence'), inline('B1', 'Nom'))

  it('stops at the row, column and cell that cross a limit, saying which', async () => {
    const rows = Array.from({ length: 10 }, (_, index) =>
      row(index + 2, inline(`A${index + 2}`, 'R'), inline(`B${index + 2}`, 'N')),
    )
    assert.deepEqual((await refusal(workbook(sheet(header, ...rows)), { maxRows: 5 })).limit, {
      limit: 'maxRows',
      max: 5,
      found: 6,
      setting: 'IMPORT_MAX_ROWS',
    })
    const far = await refusal(workbook(sheet(header, row(2, inline('A2', 'R'), inline('ZZ2', 'x')))), {
      maxColumns: 100,
    })
    assert.equal(
      far.message,
      'Row 2 has a cell in column ZZ (column 702); at most 100 columns are read: delete the cells to the right of your table, or save it as CSV',
    )
    assert.deepEqual(far.limit, { limit: 'maxColumns', max: 100, found: 702, setting: 'IMPORT_MAX_COLUMNS' })
    // An empty cell far to the right (formatting, no value) holds nothing: it is not read as a column.
    const formatted = await openTable(
      { buffer: workbook(sheet(header, row(2, inline('A2', 'R'), '<c r="XFD2" s="1"/><c r="XFC2"><v></v></c>'))) },
      { limits: { ...DEFAULT_TABLE_LIMITS, maxColumns: 100 } },
    )
    assert.deepEqual(await allRows(formatted), [{ line: 2, cells: ['R'] }])
    // A row counts up to its last cell: a cell in column 8 makes a row of 8 cells.
    const cells = await refusal(workbook(sheet(header, row(2, inline('A2', 'R'), inline('H2', 'x')))), { maxCells: 9 })
    assert.deepEqual(cells.limit, { limit: 'maxCells', max: 9, found: 10, setting: 'IMPORT_MAX_CELLS' })
  })

  it('refuses too many shared strings as it reads them, and a text over 1 MB', async () => {
    const strings = repeatedDeflate(STRINGS_START, '<si><t>ab</t></si>'.repeat(1000), 20, STRINGS_END)
    const many = await refusal(workbook(sheet(header), { sharedStrings: strings }), { maxSharedStrings: 15_000 })
    assert.deepEqual(many.limit, {
      limit: 'maxSharedStrings',
      max: 15_000,
      found: 15_001,
      setting: 'IMPORT_MAX_SHARED_STRINGS',
    })
    const long = await refusal(workbook(sheet(header, row(2, inline('A2', 'x'.repeat(1.5 * 1024 * 1024))))))
    assert.equal(long.limit?.limit, 'cellBytes')
    assert.match(long.message, /^Cell A2 holds more than 1 MB of text/)
  })

  it('checks the sizes the archive declares before inflating, and the real ones while inflating', async () => {
    const big = workbook(repeatedDeflate(SHEET_START + header, '<row/>'.repeat(100_000), 30, SHEET_END))
    const declared = await refusal(big, { maxUncompressedBytes: 10 * 1024 * 1024 })
    assert.equal(declared.limit?.limit, 'maxUncompressedBytes')
    assert.ok((declared.limit?.found ?? 0) > 18_000_000)
    assert.match(declared.message, /^The workbook expands to more than 10 MB once uncompressed/)
    // An archive that declares less than the truth is damaged, whatever the budget.
    const lying = workbook(repeatedDeflate(SHEET_START + header, '<row/>'.repeat(100_000), 30, SHEET_END), {
      sheetSize: 1000,
    })
    assert.match((await refusal(lying)).message, /cannot be read .*sheet1\.xml is larger than its archive declares/)
  })

  it('refuses a DOCTYPE (entities that multiply text) and reads the predefined entities and CDATA', async () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><worksheet><sheetData>${header}<row r="2"><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>`
    assert.match((await refusal(workbook(laughs))).message, /cannot be read .*DOCTYPE/)
    const table = await openTable({
      buffer: workbook(
        sheet(
          header,
          row(2, inline('A2', 'R&amp;1'), inline('B2', 'L&#233;a &lt;&#x2764;&gt;')),
          row(3, inline('A3', '<![CDATA[R<3>&amp;]]>'), inline('B3', 'x')),
        ),
      ),
    })
    assert.deepEqual(await allRows(table), [
      { line: 2, cells: ['R&1', 'Léa <❤>'] },
      { line: 3, cells: ['R<3>&amp;', 'x'] },
    ])
  })

  it('reads prefixed names, the 1904 date system, ISO dates, shared strings after the sheet, the first visible sheet', async () => {
    const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
    const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
    const file = zipArchive([
      {
        name: 'xl/workbook.xml',
        data: `<x:workbook xmlns:x="${MAIN}" xmlns:r="${REL}"><x:workbookPr date1904="1"/><x:sheets><x:sheet name="Cachée" sheetId="1" state="hidden" r:id="rId9"/><x:sheet name="Locataires" sheetId="2" r:id="rId1"/></x:sheets></x:workbook>`,
      },
      {
        name: 'xl/_rels/workbook.xml.rels',
        data: `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="${REL}/worksheet" Target="worksheets/hidden.xml"/><Relationship Id="rId1" Type="${REL}/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="rId2" Type="${REL}/sharedStrings" Target="strings.xml"/><Relationship Id="rId3" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
      },
      { name: 'xl/worksheets/hidden.xml', data: sheet(row(1, inline('A1', 'Secret'), inline('B1', 'x'))) },
      {
        name: 'xl/worksheets/data.xml',
        data: `<x:worksheet xmlns:x="${MAIN}"><x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c><x:c r="C1" t="s"><x:v>2</x:v></x:c></x:row><x:row r="2"><x:c r="A2" t="s"><x:v>3</x:v></x:c><x:c r="B2" s="1"><x:v>0</x:v></x:c><x:c r="C2" t="d"><x:v>2001-09-01T00:00:00Z</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
      },
      {
        name: 'xl/strings.xml',
        data: `<sst xmlns="${MAIN}"><si><t>Référence</t></si><si><t>Entrée</t></si><si><r><t>Dé</t></r><r><t>part</t></r><rPh><t>ふりがな</t></rPh></si><si><t xml:space="preserve"> R1 </t></si></sst>`,
      },
      {
        name: 'xl/styles.xml',
        data: `<styleSheet xmlns="${MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>`,
      },
    ])
    const table = await openTable({ buffer: file })
    assert.deepEqual(table.headers, ['Référence', 'Entrée', 'Départ'])
    // Day 0 of the 1904 system is 1 January 1904.
    assert.deepEqual(await allRows(table), [{ line: 2, cells: [' R1 ', '01/01/1904', '01/09/2001'] }])
  })

  it('finds the parts under their usual names when a generator wrote no relationships', async () => {
    const file = zipArchive([
      { name: 'xl/workbook.xml', data: '<workbook><sheets><sheet name="A" sheetId="1"/></sheets></workbook>' },
      { name: 'xl/sharedStrings.xml', data: '<sst><si><t>Référence</t></si><si><t>Nom</t></si></sst>' },
      {
        name: 'xl/worksheets/sheet1.xml',
        data: sheet(
          row(1, '<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'),
          row(2, inline('A2', 'R1'), inline('B2', 'Durand')),
        ),
      },
    ])
    const table = await openTable({ buffer: file })
    assert.deepEqual(
      [table.headers, await allRows(table)],
      [['Référence', 'Nom'], [{ line: 2, cells: ['R1', 'Durand'] }]],
    )
  })

  it('reads the same rows whatever the chunk boundaries of the inflated sheet (a real workbook, from disk)', async () => {
    const table = await openTable(fixture('tenants-cells.xlsx'))
    const fromBuffer = await openTable({ buffer: readFileSync(fixture('tenants-cells.xlsx')) })
    assert.deepEqual(await allRows(fromBuffer), await allRows(table))
  })
})

describe('limits on text files', () => {
  it('stops at the line, column, cell or row length that crosses a limit', async () => {
    const lines = (count: number) => Buffer.from(`Référence;Nom\n${'R1;Durand\n'.repeat(count)}`)
    assert.deepEqual((await refusal(lines(10), { maxRows: 5 })).limit, {
      limit: 'maxRows',
      max: 5,
      found: 6,
      setting: 'IMPORT_MAX_ROWS',
    })
    const wide = await refusal(Buffer.from(`A;B\n${'x;'.repeat(20)}x\n`), { maxColumns: 10 })
    assert.equal(wide.message, 'Line 2 has more than 10 columns, the most that is read')
    assert.equal((await refusal(lines(10), { maxCells: 15 })).limit?.limit, 'maxCells')
    const endless = await refusal(Buffer.from(`Référence;Nom\nR1;${'x'.repeat(1.2 * 1024 * 1024)}\n`))
    assert.equal(endless.limit?.limit, 'lineBytes')
    assert.equal(endless.message, 'Line 2 is longer than 1 MB, the most that is read for one row')
    const quote = await refusal(Buffer.from(`Référence;Nom\nR1;"${'x;y\n'.repeat(400_000)}`))
    assert.match(quote.message, /^Line 2: a quote \(".*still not closed 1 MB further/)
  })
})

describe('reading in a worker', () => {
  const options = { limits: DEFAULT_TABLE_LIMITS, memoryMb: 64, seconds: 60, batchRows: 2 }

  it('gives the same table as reading in-process, in batches, again at each reading', async () => {
    for (const name of ['tenants-cp1252.csv', 'tenants-cells.xlsx']) {
      const here = await openTable(fixture(name))
      const there = await openTableInWorker(fixture(name), options)
      try {
        assert.deepEqual(
          [
            there.format,
            there.encoding,
            there.separator,
            there.headers,
            there.headerLine,
            there.rowCount,
            there.preview,
          ],
          [here.format, here.encoding, here.separator, here.headers, here.headerLine, here.rowCount, here.preview],
        )
        // A reading abandoned after one row, then a whole one: batches of the first are not mixed into the second.
        for await (const _ of there.rows()) break
        assert.deepEqual(await allRows(there), await allRows(here))
      } finally {
        await there.close()
      }
    }
  })

  it('refuses as in-process, with the limit; a missing file is the machine’s trouble, not a refusal', async () => {
    await assert.rejects(
      openTableInWorker(fixture('broken-quote.csv'), options),
      (error: Error) => error instanceof FileRefusedError && /^Line 2: a quote/.test(error.message),
    )
    await assert.rejects(
      openTableInWorker(fixture('tenants-cp1252.csv'), { ...options, limits: { ...DEFAULT_TABLE_LIMITS, maxRows: 3 } }),
      (error: Error) => error instanceof FileRefusedError && error.limit?.limit === 'maxRows',
    )
    await assert.rejects(
      openTableInWorker(fixture('no-such-file.csv'), options),
      (error: NodeJS.ErrnoException) => !(error instanceof FileRefusedError) && error.code === 'ENOENT',
    )
  })

  it('reads as many files at once as it has slots; the next waits its turn, and too many waiting are turned away', async () => {
    const slots = new ReaderSlots(1, 1)
    const first = await openTableInWorker(fixture('tenants-cp1252.csv'), { ...options, slots })
    let secondOpened = false
    const second = openTableInWorker(fixture('tenants-utf8.tsv'), { ...options, slots }).then((table) => {
      secondOpened = true
      return table
    })
    await assert.rejects(openTableInWorker(fixture('tenants.xlsx'), { ...options, slots }), ReadersBusyError)
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.equal(secondOpened, false)
    await first.close()
    const table = await second
    assert.equal(table.rowCount, 2)
    await table.close()
    // Refused files give their slot back too.
    await assert.rejects(openTableInWorker(fixture('broken-quote.csv'), { ...options, slots }), FileRefusedError)
    await (await openTableInWorker(fixture('tenants.xlsx'), { ...options, slots })).close()
  })
})
