import { randomFillSync } from 'node:crypto'

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))
const pool = Buffer.alloc(16 * 512)
let poolAt = pool.length
let lastMs = 0
let counter = 0

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter, then 62 random bits. Ids made
 * one after another sort in the order they were made (the counter orders those of one millisecond), so a bulk insert
 * appends to the primary-key index instead of touching a random page of it per row — on SQLite and PostgreSQL alike,
 * the difference between a few pages and tens of thousands of pages dirtied per chunk of an import. Same text form as
 * `randomUUID()`, and as unguessable in practice: 62 random bits plus the time.
 */
export function sortableId(): string {
  let ms = Date.now()
  if (ms > lastMs) {
    lastMs = ms
    counter = 0
  } else if (++counter > 0xfff) {
    // 4,096 ids in one millisecond: borrow the next millisecond rather than break the order.
    lastMs++
    counter = 0
  }
  ms = lastMs
  if (poolAt >= pool.length) {
    randomFillSync(pool)
    poolAt = 0
  }
  const at = poolAt
  poolAt += 16
  const high = Math.floor(ms / 0x10000) // the first 32 of the 48 bits
  return (
    HEX[(high >>> 24) & 0xff] +
    HEX[(high >>> 16) & 0xff] +
    HEX[(high >>> 8) & 0xff] +
    HEX[high & 0xff] +
    '-' +
    HEX[(ms >>> 8) & 0xff] +
    HEX[ms & 0xff] +
    '-' +
    HEX[0x70 | (counter >>> 8)] +
    HEX[counter & 0xff] +
    '-' +
    HEX[0x80 | (pool[at] & 0x3f)] +
    HEX[pool[at + 1]] +
    '-' +
    HEX[pool[at + 2]] +
    HEX[pool[at + 3]] +
    HEX[pool[at + 4]] +
    HEX[pool[at + 5]] +
    HEX[pool[at + 6]] +
    HEX[pool[at + 7]]
  )
}
