/**
 * What a table is read from, and what reading it gives. The bytes of a file on disk, of a buffer, or of a stream
 * (spooled to a temporary file), read in chunks of one reused buffer; the opened table (headers, preview, rows read
 * again from the source at each call) that the CSV and XLSX readers both give back.
 */
import { createWriteStream } from 'node:fs'
import { mkdtemp, open, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Separator, TableFormat, TextEncoding } from '../../../shared/import-fields.js'
import { HEAD_BYTES } from './imports.decode.js'

/** Data rows shown before an import is started. */
export const PREVIEW_ROWS = 20

export interface TableRow {
  /** The file's own line number (header = line 1); a cell spanning lines makes the next row's number jump. */
  line: number
  cells: string[]
}

export interface OpenedTable {
  format: TableFormat
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

export interface ByteSource {
  size: number
  fileName: string
  head(): Promise<Buffer>
  chunks(): AsyncIterable<Buffer>
  /** Up to `length` bytes from `position` (the ZIP reader of workbooks jumps around the file). */
  read(position: number, length: number): Promise<Buffer>
  dispose(): Promise<void>
}

/**
 * 64 KiB: the rows parsed from one chunk (some 600) are read and dropped before the young generation is next
 * collected. With 1 MiB chunks papaparse handed over ~9,000 rows at once, which lived long enough to be moved to the
 * old generation, and V8 let that fill to several times the live data: reading a 50 MB file alone peaked at 325 MB
 * of RSS, against 153 MB now, and it is faster.
 */
export const CHUNK_BYTES = 1 << 16

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
    async read(position, length) {
      const handle = await open(path, 'r')
      try {
        const bytes = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - position)))
        const { bytesRead } = await handle.read(bytes, 0, bytes.length, position)
        return bytes.subarray(0, bytesRead)
      } finally {
        await handle.close()
      }
    },
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
    read: async (position, length) => buffer.subarray(position, position + length),
    dispose: async () => {},
  }
}

export async function toByteSource(source: TableSource, chunkBytes: number): Promise<ByteSource> {
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

/** A header as people read it: surrounding spaces gone, a line break inside a header cell read as a space. */
export function headerText(cell: string): string {
  return cell.replace(/\s+/g, ' ').trim()
}

/** Runs `action` the first time only; later calls get the same promise. */
export function once(action: () => Promise<void>) {
  let done: Promise<void> | null = null
  return () => {
    done ??= action()
    return done
  }
}
