import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import iconv from 'iconv-lite'
import {
  decodeChunks,
  decodeText,
  decodeWindows1252,
  describeBinaryContent,
  detectEncoding,
  incompleteUtf8Tail,
  Utf8Checker,
} from './imports.decode.js'

async function decodeInChunks(bytes: Buffer, sizes: number[], encoding: Parameters<typeof decodeChunks>[1]) {
  const source = (async function* () {
    let start = 0
    for (const size of sizes) {
      yield bytes.subarray(start, start + size)
      start += size
    }
    yield bytes.subarray(start)
  })()
  let text = ''
  for await (const chunk of decodeChunks(source, encoding)) text += chunk
  return text
}

describe('encodings', () => {
  it('recognises byte-order marks, UTF-16 without one, UTF-8, plain ASCII and Windows-1252', () => {
    const detect = (bytes: Buffer) => {
      const { encoding, bomLength, isAsciiOnly } = detectEncoding(bytes)
      return [encoding, bomLength, isAsciiOnly]
    }
    assert.deepEqual(detect(Buffer.from('\uFEFFRéférence;Nom')), ['utf-8', 3, false])
    assert.deepEqual(detect(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Nom\tPrénom', 'utf16le')])), [
      'utf-16le',
      2,
      false,
    ])
    assert.deepEqual(detect(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('Nom', 'utf16le').swap16()])), [
      'utf-16be',
      2,
      false,
    ])
    assert.deepEqual(detect(Buffer.from('Reference;Nom\nR1;Durand\n', 'utf16le')), ['utf-16le', 0, false])
    assert.deepEqual(detect(Buffer.from('Référence;Nom')), ['utf-8', 0, false])
    assert.deepEqual(detect(Buffer.from('Reference;Nom')), ['utf-8', 0, true])
    assert.deepEqual(detect(iconv.encode('Référence;Nom;Solde\nL1;Bœuf;12 €\n', 'windows-1252')), [
      'windows-1252',
      0,
      false,
    ])
    // chardet's guess is kept as a hint only: on short French samples it says ISO-8859-1 as often as Windows-1252.
    const latin = detectEncoding(iconv.encode('Référence;Nom;Prénom\nL1;Lefèvre;Françoise\n', 'windows-1252'))
    assert.equal(latin.encoding, 'windows-1252')
    assert.match(latin.hint ?? '', /^(ISO-8859-1|windows-1252)$/)
  })

  it('judges UTF-8 on complete characters when the head cuts one in two', () => {
    const text = Buffer.from('Nom;Prénom\nDurand;Zoé')
    const cut = text.subarray(0, text.length - 1)
    assert.equal(incompleteUtf8Tail(cut), cut.length - 1)
    assert.equal(incompleteUtf8Tail(text), text.length)
    assert.equal(detectEncoding(cut).encoding, 'utf-8')
    assert.equal(incompleteUtf8Tail(Buffer.from('€').subarray(0, 2)), 0)
  })

  it('validates UTF-8 across chunk boundaries', () => {
    const bytes = Buffer.from('Bœuf, 12 € — Zoé 😀')
    for (let split = 0; split <= bytes.length; split++) {
      const checker = new Utf8Checker()
      checker.write(bytes.subarray(0, split))
      checker.write(bytes.subarray(split))
      assert.equal(checker.end(), true, `split at ${split}`)
    }
    const broken = new Utf8Checker()
    broken.write(Buffer.from('Lef'))
    broken.write(iconv.encode('èvre', 'windows-1252'))
    assert.equal(broken.end(), false)
    const truncated = new Utf8Checker()
    truncated.write(Buffer.from('€').subarray(0, 2))
    assert.equal(truncated.end(), false, 'a character cut at the very end')
  })

  it('decodes a stream of chunks cut anywhere, without the byte-order mark (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom(...'aéèçœ€’Ë; \n"'.split('')), maxLength: 40 }),
        fc.constantFrom('utf-8', 'utf-8-bom', 'windows-1252', 'utf-16le', 'utf-16be'),
        fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 12 }),
        async (text, encoding, sizes) => {
          const bytes =
            encoding === 'utf-8-bom'
              ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])
              : encoding === 'utf-16le'
                ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
                : encoding === 'utf-16be'
                  ? Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])
                  : iconv.encode(text, encoding)
          const decoding = encoding === 'utf-8-bom' ? 'utf-8' : encoding
          assert.equal(await decodeInChunks(bytes, sizes, decoding), text)
          assert.equal(decodeText(bytes, decoding), text)
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('Windows-1252 without iconv-lite', () => {
  it('reads every byte as iconv-lite does, undefined bytes as U+FFFD, whatever the chunks', async () => {
    const every = Buffer.from(Array.from({ length: 256 }, (_, byte) => byte))
    assert.equal(decodeWindows1252(every), iconv.decode(every, 'windows-1252'))
    assert.equal(decodeWindows1252(Buffer.from([0x80, 0x92, 0x9c, 0x81])), '€’œ\uFFFD')
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat(40), { maxLength: 8 }),
        async (bytes, sizes) => {
          const buffer = Buffer.from(bytes)
          assert.equal(await decodeInChunks(buffer, sizes, 'windows-1252'), iconv.decode(buffer, 'windows-1252'))
        },
      ),
    )
  })
})

describe('binary content', () => {
  it('names the usual non-table files and locates other binary content', () => {
    const prefix = 'This is not a text table nor an Excel workbook'
    assert.equal(
      describeBinaryContent(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
      `${prefix}: it is a PNG image`,
    )
    assert.equal(describeBinaryContent(Buffer.from('%PDF-1.7\n%âãÏÓ')), `${prefix}: it is a PDF document`)
    assert.equal(describeBinaryContent(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), `${prefix}: it is a JPEG image`)
    const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0])
    assert.match(describeBinaryContent(ole, 'export.xls') ?? '', /it is an Excel 97–2003 workbook \(\.xls\)/)
    assert.match(describeBinaryContent(ole, 'export.doc') ?? '', /an Office 97–2003 file .* or a password-protected/)
    assert.equal(
      describeBinaryContent(Buffer.from('Nom;Prénom\nDu\u0000rand')),
      `${prefix}: binary content (a zero byte) at byte 15, line 2`,
    )
    assert.equal(describeBinaryContent(Buffer.from('Nom;Prénom\r\nDurand;Zoé\r\n\u001a')), null, 'DOS end-of-file mark')
    assert.equal(describeBinaryContent(iconv.encode('Nom;Prénom\nBœuf;Zoé\n', 'windows-1252')), null)
  })
})
