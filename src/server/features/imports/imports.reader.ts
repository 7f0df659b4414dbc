/**
 * Opens a landlord's export, whatever its kind: the byte source (`imports.sources.ts`), then the CSV reader
 * (`imports.csv.ts`) or the XLSX reader (`imports.xlsx.ts`) by the file's first bytes.
 */
import { DEFAULT_TABLE_LIMITS, type TableLimits } from '../../files/limits.js'
import { openText } from './imports.csv.js'
import { FileRefusedError } from './imports.decode.js'
import { type ByteSource, CHUNK_BYTES, type OpenedTable, type TableSource, toByteSource } from './imports.sources.js'
import { openWorkbook } from './imports.xlsx.js'

export { FileRefusedError } from './imports.decode.js'
export { type OpenedTable, PREVIEW_ROWS, type TableRow, type TableSource } from './imports.sources.js'

export interface OpenOptions {
  /** Bytes read at a time (64 KiB). Tests make it tiny to put chunk boundaries everywhere. */
  chunkBytes?: number
  /** How much of the file may be read (rows, columns, cells…); the defaults when not given. */
  limits?: TableLimits
}

/**
 * Opens a landlord's export: recognises the format (XLSX by its ZIP signature, otherwise a text table by content),
 * the encoding and the separator, checks the whole file can be read, and previews it. Everything that would make an
 * import go wrong is refused here with a `FileRefusedError` saying what and where, before any row is yielded.
 */
export async function openTable(source: TableSource, options: OpenOptions = {}): Promise<OpenedTable> {
  const bytes = await toByteSource(source, Math.max(1, options.chunkBytes ?? CHUNK_BYTES))
  try {
    return await openBytes(bytes, options.limits ?? DEFAULT_TABLE_LIMITS)
  } catch (error) {
    await bytes.dispose()
    throw error
  }
}

async function openBytes(source: ByteSource, limits: TableLimits): Promise<OpenedTable> {
  if (source.size === 0) throw new FileRefusedError('The file is empty')
  const head = await source.head()
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    return openWorkbook(source, head, limits)
  }
  return openText(source, head, limits)
}
