import { isUtf8 } from 'node:buffer'
import chardet from 'chardet'
import iconv from 'iconv-lite'
import type { TextEncoding } from '../../../shared/import-fields.js'
import { type CrossedLimit, LIMIT_SETTINGS } from '../../files/limits.js'

/**
 * A file refused before anything is written, with a message that says what is wrong and where (a line, a column, a
 * byte). Mapping problems are refused with the same class, so one `catch` covers "this file cannot be imported".
 * A file that crosses one of the reading limits (`src/server/files/limits.ts`) names it in `limit`.
 */
export class FileRefusedError extends Error {
  override name = 'FileRefusedError'
  readonly limit?: CrossedLimit
  constructor(message: string, limit?: Omit<CrossedLimit, 'setting'>) {
    super(message)
    if (limit) {
      const setting = (LIMIT_SETTINGS as Record<string, string>)[limit.limit]
      this.limit = setting ? { ...limit, setting } : { ...limit }
    }
  }
}

export interface DetectedEncoding {
  encoding: TextEncoding
  /** Bytes of byte-order mark at the start of the file (0 when there is none). */
  bomLength: number
  /** The head holds only ASCII: UTF-8 and Windows-1252 read it alike, and the rest of the file must decide. */
  isAsciiOnly: boolean
  /** chardet's best guess for a head that is not UTF-8 (diagnostics; the rule above decides). */
  hint: string | null
}

/** How much of a file we look at to recognise it. */
export const HEAD_BYTES = 64 * 1024

/**
 * Index where an incomplete UTF-8 sequence starts at the end of `bytes` (a chunk or a head cut mid-character), or
 * `bytes.length` when the end is complete.
 */
export function incompleteUtf8Tail(bytes: Uint8Array): number {
  const end = bytes.length
  for (let index = end - 1; index >= 0 && index >= end - 4; index--) {
    const byte = bytes[index]
    if (byte < 0x80) return end
    if (byte >= 0xc0) {
      const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2
      return end - index < needed ? index : end
    }
  }
  return end
}

function isAscii(bytes: Uint8Array): boolean {
  for (let index = 0; index < bytes.length; index++) if (bytes[index] > 0x7f) return false
  return true
}

/** Share of zero bytes at even and at odd offsets: ASCII text written as UTF-16 has one zero in every pair. */
function utf16WithoutBom(head: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const pairs = Math.floor(Math.min(head.length, 4096) / 2)
  if (pairs < 2) return null
  let evenZeros = 0
  let oddZeros = 0
  for (let index = 0; index < pairs * 2; index += 2) {
    if (head[index] === 0) evenZeros++
    if (head[index + 1] === 0) oddZeros++
  }
  if (oddZeros > pairs * 0.6 && evenZeros < pairs * 0.05) return 'utf-16le'
  if (evenZeros > pairs * 0.6 && oddZeros < pairs * 0.05) return 'utf-16be'
  return null
}

/**
 * Encoding of a text file from its first bytes. Rule: a byte-order mark decides; else ASCII text laid out as UTF-16
 * is UTF-16; else bytes that are valid UTF-8 are UTF-8; anything else is Windows-1252, the encoding of French
 * Windows exports (ISO-8859-1/-15 files read the same for letters). chardet is asked for a hint in that last case
 * only: its single-byte guesses are unreliable on short French samples, so it never overrides the rule.
 */
export function detectEncoding(head: Uint8Array): DetectedEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf)
    return { encoding: 'utf-8', bomLength: 3, isAsciiOnly: false, hint: null }
  if (head[0] === 0xff && head[1] === 0xfe)
    return { encoding: 'utf-16le', bomLength: 2, isAsciiOnly: false, hint: null }
  if (head[0] === 0xfe && head[1] === 0xff)
    return { encoding: 'utf-16be', bomLength: 2, isAsciiOnly: false, hint: null }
  const utf16 = utf16WithoutBom(head)
  if (utf16) return { encoding: utf16, bomLength: 0, isAsciiOnly: false, hint: null }
  if (isAscii(head)) return { encoding: 'utf-8', bomLength: 0, isAsciiOnly: true, hint: null }
  // The head may end in the middle of a character: judge only the complete part.
  if (isUtf8(head.subarray(0, incompleteUtf8Tail(head))))
    return { encoding: 'utf-8', bomLength: 0, isAsciiOnly: false, hint: null }
  const guess = chardet.detect(head)
  return { encoding: 'windows-1252', bomLength: 0, isAsciiOnly: false, hint: guess }
}

/** Validates UTF-8 chunk by chunk, a character cut between two chunks included. */
export class Utf8Checker {
  isValid = true
  private carry: Buffer | null = null

  write(chunk: Uint8Array): boolean {
    if (!this.isValid) return false
    const bytes = this.carry ? Buffer.concat([this.carry, chunk]) : chunk
    const cut = incompleteUtf8Tail(bytes)
    this.carry = cut < bytes.length ? Buffer.from(bytes.subarray(cut)) : null
    if (!isUtf8(bytes.subarray(0, cut))) this.isValid = false
    return this.isValid
  }

  end(): boolean {
    if (this.carry) this.isValid = false
    return this.isValid
  }
}

const MAGIC: Array<[bytes: number[], description: string]> = [
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0x52, 0x61, 0x72, 0x21], 'a RAR archive'],
  [[0x37, 0x7a, 0xbc, 0xaf], 'a 7-Zip archive'],
  [[0x50, 0x4b, 0x05, 0x06], 'an empty ZIP archive'],
  [[0x7b, 0x5c, 0x72, 0x74, 0x66], 'an RTF document'],
]
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]

const startsWith = (head: Uint8Array, bytes: number[]) => bytes.every((byte, index) => head[index] === byte)

/**
 * Why a file that is neither a ZIP (XLSX) nor UTF-16 text cannot be a text table, or null when it can be. Known
 * formats are named so the person knows what to do; other binary content is located by byte and line.
 */
export function describeBinaryContent(head: Uint8Array, fileName = ''): string | null {
  const prefix = 'This is not a text table nor an Excel workbook'
  if (startsWith(head, OLE)) {
    const what = /\.xls$/i.test(fileName)
      ? 'an Excel 97–2003 workbook (.xls)'
      : 'an Office 97–2003 file (.xls, .doc) or a password-protected workbook'
    return `${prefix}: it is ${what}; open it in Excel and save it as .xlsx (without password) or as CSV`
  }
  for (const [bytes, description] of MAGIC) if (startsWith(head, bytes)) return `${prefix}: it is ${description}`
  let line = 1
  let controls = 0
  for (let index = 0; index < head.length; index++) {
    const byte = head[index]
    if (byte === 10) line++
    else if (byte === 0) return `${prefix}: binary content (a zero byte) at byte ${index + 1}, line ${line}`
    else if (byte < 9 || (byte > 13 && byte < 32 && byte !== 26)) controls++
  }
  if (controls > head.length * 0.02) return `${prefix}: ${controls} control characters in the first bytes`
  return null
}

/**
 * Streaming decoder: bytes in, text out, in the given encoding, without the byte-order mark. Characters cut between
 * two chunks are carried over by iconv-lite's stateful decoder.
 */
export async function* decodeChunks(source: AsyncIterable<Uint8Array>, encoding: TextEncoding): AsyncGenerator<string> {
  if (encoding === 'windows-1252') {
    // One byte, one character: nothing is ever cut between two chunks, and no BOM exists in this encoding.
    for await (const chunk of source) if (chunk.length) yield decodeWindows1252(chunk)
    return
  }
  const decoder = iconv.getDecoder(encoding, { stripBOM: true })
  let isFirst = true
  for await (const chunk of source) {
    let text = decoder.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length))
    if (isFirst && text) {
      isFirst = false
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    if (text) yield text
  }
  const rest = decoder.end()
  if (rest) yield isFirst && rest.charCodeAt(0) === 0xfeff ? rest.slice(1) : rest
}

/**
 * Windows-1252 differs from Latin-1 only in 0x80–0x9F (€, ’, “, Œ…; five bytes there are undefined and read as
 * U+FFFD, as iconv-lite reads them). Node turns bytes into a Latin-1 string without any intermediate buffer, and the
 * few characters of that range are then put right: iconv-lite's decoder wrote each 1 MiB chunk into a 2 MiB buffer
 * first, and those buffers, freed and allocated again 100 times per import, kept tens of MB of native memory.
 */
const WINDOWS_1252_HIGH =
  '\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd' +
  '\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178'
const C1 = /[\x80-\x9f]/g

export function decodeWindows1252(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  const text = buffer.toString('latin1')
  C1.lastIndex = 0
  return C1.test(text) ? text.replace(C1, (char) => WINDOWS_1252_HIGH[char.charCodeAt(0) - 0x80]) : text
}

/** Decodes a whole (small) buffer, without the byte-order mark. */
export function decodeText(bytes: Uint8Array, encoding: TextEncoding): string {
  const text = iconv.decode(bytes, encoding, { stripBOM: true })
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}
