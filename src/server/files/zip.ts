/**
 * Reading ZIP archives (an .xlsx is one) without trusting them: the central directory is read first, so that every
 * entry's sizes are known before anything is inflated; an entry is then inflated as a stream, in chunks, counting
 * the bytes it really expands to (a declared size can lie) and stopping the moment a budget is crossed. Nothing is
 * ever written to disk, and memory holds one chunk at a time.
 */
import { createInflateRaw } from 'node:zlib'

/** Random access to the archive's bytes (a file on disk or a buffer). */
export interface RandomAccess {
  size: number
  /** Up to `length` bytes from `position` (fewer at the end of the file). */
  read(position: number, length: number): Promise<Buffer>
}

export interface ZipEntry {
  name: string
  /** 0: stored, 8: deflated. */
  method: number
  compressedSize: number
  /** As declared by the archive: checked again while inflating. */
  uncompressedSize: number
  localHeaderOffset: number
  encrypted: boolean
}

/** The archive cannot be read: truncated, damaged, or using a feature an .xlsx never needs. */
export class ZipError extends Error {
  override name = 'ZipError'
}

/** An entry expands beyond the budget it was given (see `inflateEntry`). */
export class ZipBudgetError extends Error {
  override name = 'ZipBudgetError'
  constructor(
    readonly entry: string,
    readonly budget: number,
    /** The size it declares, or the bytes inflated when inflating was stopped. */
    readonly found: number,
  ) {
    super(`${entry} expands to more than ${budget} bytes`)
  }
}

const EOCD = 0x06054b50
const EOCD64 = 0x06064b50
const EOCD64_LOCATOR = 0x07064b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50
/** The end record is 22 bytes, followed by a comment of at most 65,535. */
const TAIL_BYTES = 22 + 0xffff
/** More entries than any workbook has (Excel writes a dozen or two): a directory of millions is refused unread. */
export const MAX_ENTRIES = 10_000
const CHUNK = 1 << 16
/** A workbook's directory takes a few kB; one of megabytes is damage or an attack, refused before it is read. */
const MAX_DIRECTORY_BYTES = 16 << 20

async function readExactly(source: RandomAccess, position: number, length: number, what: string) {
  if (position < 0 || position + length > source.size) throw new ZipError(`${what} lies outside the file (truncated?)`)
  const bytes = await source.read(position, length)
  if (bytes.length < length) throw new ZipError(`${what} lies outside the file (truncated?)`)
  return bytes
}

/** The entries of the archive, from its central directory. Throws ZipError when the directory cannot be found. */
export async function readZipDirectory(source: RandomAccess): Promise<ZipEntry[]> {
  const tailStart = Math.max(0, source.size - TAIL_BYTES)
  const tail = await source.read(tailStart, source.size - tailStart)
  let at = -1
  for (let index = tail.length - 22; index >= 0; index--) {
    if (tail.readUInt32LE(index) === EOCD) {
      at = index
      break
    }
  }
  if (at < 0) throw new ZipError('the end of the archive is missing (the file is truncated or damaged)')
  let count = tail.readUInt16LE(at + 10)
  let directorySize = tail.readUInt32LE(at + 12)
  let directoryOffset = tail.readUInt32LE(at + 16)
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    // ZIP64: the locator just before the end record points at the 64-bit end record.
    const locatorAt = tailStart + at - 20
    const locator = await readExactly(source, locatorAt, 20, 'The ZIP64 locator')
    if (locator.readUInt32LE(0) !== EOCD64_LOCATOR) throw new ZipError('the ZIP64 end record is missing')
    const record = await readExactly(source, Number(locator.readBigUInt64LE(8)), 56, 'The ZIP64 end record')
    if (record.readUInt32LE(0) !== EOCD64) throw new ZipError('the ZIP64 end record is damaged')
    count = Number(record.readBigUInt64LE(32))
    directorySize = Number(record.readBigUInt64LE(40))
    directoryOffset = Number(record.readBigUInt64LE(48))
  }
  if (count > MAX_ENTRIES) throw new ZipError(`the archive lists ${count} entries (a workbook has a few dozen)`)
  if (directorySize > MAX_DIRECTORY_BYTES) throw new ZipError('the central directory is implausibly large')
  // A directory said to lie beyond the file means damage.
  const directory = await readExactly(source, directoryOffset, directorySize, 'The central directory')
  const entries: ZipEntry[] = []
  let position = 0
  for (let index = 0; index < count; index++) {
    if (position + 46 > directory.length || directory.readUInt32LE(position) !== CENTRAL) {
      throw new ZipError('the central directory is damaged')
    }
    const flags = directory.readUInt16LE(position + 8)
    const method = directory.readUInt16LE(position + 10)
    let compressedSize = directory.readUInt32LE(position + 20)
    let uncompressedSize = directory.readUInt32LE(position + 24)
    const nameLength = directory.readUInt16LE(position + 28)
    const extraLength = directory.readUInt16LE(position + 30)
    const commentLength = directory.readUInt16LE(position + 32)
    let localHeaderOffset = directory.readUInt32LE(position + 42)
    const nameStart = position + 46
    const extraStart = nameStart + nameLength
    const next = extraStart + extraLength + commentLength
    if (next > directory.length) throw new ZipError('the central directory is damaged')
    const name = directory.toString(flags & 0x800 ? 'utf8' : 'latin1', nameStart, extraStart)
    // ZIP64 extended information: the 64-bit values of the fields set to 0xFFFFFFFF, in this order.
    for (let extra = extraStart; extra + 4 <= extraStart + extraLength; ) {
      const id = directory.readUInt16LE(extra)
      const size = directory.readUInt16LE(extra + 2)
      if (id === 0x0001) {
        let field = extra + 4
        const take = () => {
          if (field + 8 > extra + 4 + size) throw new ZipError('a ZIP64 field is damaged')
          const value = Number(directory.readBigUInt64LE(field))
          field += 8
          return value
        }
        if (uncompressedSize === 0xffffffff) uncompressedSize = take()
        if (compressedSize === 0xffffffff) compressedSize = take()
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = take()
      }
      extra += 4 + size
    }
    entries.push({
      name,
      method,
      compressedSize,
      uncompressedSize,
      localHeaderOffset,
      encrypted: (flags & 1) === 1,
    })
    position = next
  }
  return entries
}

/**
 * The entry's bytes, inflated chunk by chunk as they are asked for. `budget` bounds what it may expand to: the
 * declared size is checked against it before anything is read, the real size while inflating, so a ZIP bomb stops
 * after one chunk beyond the budget. Throws ZipBudgetError over the budget, ZipError when the data is damaged.
 */
export async function* inflateEntry(source: RandomAccess, entry: ZipEntry, budget: number): AsyncGenerator<Buffer> {
  if (entry.encrypted) throw new ZipError(`${entry.name} is encrypted`)
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ZipError(`${entry.name} uses compression method ${entry.method} (only stored and deflated are read)`)
  }
  if (entry.uncompressedSize > budget) throw new ZipBudgetError(entry.name, budget, entry.uncompressedSize)
  const header = await readExactly(source, entry.localHeaderOffset, 30, `The header of ${entry.name}`)
  if (header.readUInt32LE(0) !== LOCAL) throw new ZipError(`the header of ${entry.name} is damaged`)
  const dataStart = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28)
  if (dataStart + entry.compressedSize > source.size) {
    throw new ZipError(`${entry.name} is cut short (the file is truncated)`)
  }
  async function* compressed() {
    for (let offset = 0; offset < entry.compressedSize; offset += CHUNK) {
      yield await readExactly(
        source,
        dataStart + offset,
        Math.min(CHUNK, entry.compressedSize - offset),
        `The data of ${entry.name}`,
      )
    }
  }
  let total = 0
  const count = (chunk: Buffer) => {
    total += chunk.length
    if (total > budget) throw new ZipBudgetError(entry.name, budget, total)
    // Declared sizes that lie (smaller than the truth) are damage, whatever the budget.
    if (total > entry.uncompressedSize) throw new ZipError(`${entry.name} is larger than its archive declares`)
  }
  if (entry.method === 0) {
    for await (const chunk of compressed()) {
      count(chunk)
      yield chunk
    }
    return
  }
  const inflater = createInflateRaw({ chunkSize: CHUNK })
  // Feeds the inflater as it asks, so that memory holds one compressed and one inflated chunk at a time.
  const feeding = (async () => {
    try {
      for await (const chunk of compressed()) {
        if (inflater.destroyed) return
        if (!inflater.write(chunk)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              inflater.off('drain', done)
              inflater.off('close', done)
              resolve()
            }
            inflater.on('drain', done)
            inflater.on('close', done)
          })
        }
      }
      if (!inflater.destroyed) inflater.end()
    } catch (error) {
      inflater.destroy(error as Error)
    }
  })()
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      count(chunk)
      yield chunk
    }
  } catch (error) {
    if (error instanceof ZipBudgetError || error instanceof ZipError) throw error
    if ((error as NodeJS.ErrnoException).code?.startsWith('Z_')) {
      throw new ZipError(`the data of ${entry.name} is damaged (${(error as Error).message})`)
    }
    throw error
  } finally {
    inflater.destroy()
    await feeding
  }
  if (total !== entry.uncompressedSize) throw new ZipError(`${entry.name} is shorter than its archive declares`)
}
