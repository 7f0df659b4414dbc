import assert from 'node:assert/strict'
import { buffer } from 'node:stream/consumers'
import { describe, it } from 'node:test'
import { csvStream, csvText, neutraliseFormula } from './csv.js'

describe('CSV files', () => {
  it('neutralises every cell a spreadsheet would run as a formula, and leaves signed numbers as written', () => {
    for (const cell of [
      '=HYPERLINK("http://evil.example","x")',
      '+SUM(A1:A2)',
      '-2+3',
      '@SUM(A1)',
      '\t=1',
      '\r=1',
      '\uFF1D1+1',
      '-',
      '+cmd|" /C calc"!A0',
    ]) {
      assert.equal(neutraliseFormula(cell), `'${cell}`, JSON.stringify(cell))
    }
    for (const cell of ['Durand', '', ' =1', "'=1", '-12,5', '+33 6 12 34 56 78', '-1.5', '12']) {
      assert.equal(neutraliseFormula(cell), cell, JSON.stringify(cell))
    }
  })

  it('writes ; separated CRLF lines with a BOM, quoting what needs it, numbers as numbers', () => {
    assert.equal(
      csvText([
        ['Ligne', 'Nom', 'Note'],
        [3, '=1+1', 'a;b'],
        [-4, 'say "hi"', 'two\nlines'],
        [5, null, undefined],
      ]),
      '\uFEFFLigne;Nom;Note\r\n3;\'=1+1;"a;b"\r\n-4;"say ""hi""";"two\nlines"\r\n5;;\r\n',
    )
  })

  it('streams the same file', async () => {
    const stream = csvStream()
    stream.write(['Nom', 'Note'])
    stream.write(['@x', '-12,5'])
    stream.end()
    assert.equal((await buffer(stream)).toString('utf8'), "\uFEFFNom;Note\r\n'@x;-12,5\r\n")
  })
})
