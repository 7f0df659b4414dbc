/**
 * How many earlier chunks of this import held rows of each household reference: the one piece of state an import
 * keeps for the whole file. A Map<string, number> of 200,000 references weighed some 16 MB of JavaScript heap, which
 * V8 lets grow to several times the live data between two full collections; here the references are their UTF-16 code
 * units in one growing buffer, found through an open-addressing table of typed arrays (about 40 bytes for an
 * 11-character reference, outside the JavaScript heap). Exact: compared unit for unit, never by hash alone.
 */
export class ReferenceCounts {
  #bytes = Buffer.allocUnsafe(1 << 16)
  #used = 0
  /** Entry → where its bytes start, how many, and its count. */
  #starts = new Int32Array(1 << 10)
  #lengths = new Int32Array(1 << 10)
  #counts = new Int32Array(1 << 10)
  #size = 0
  /** Slot → entry + 1 (0: empty). Always at most half full. */
  #slots = new Int32Array(1 << 11)
  #scratch = Buffer.allocUnsafe(256)

  get size() {
    return this.#size
  }

  /** The count for a reference, 0 when never set. */
  get(reference: string): number {
    const length = this.#encode(reference)
    const entry = this.#find(length, this.#hash(length))
    return entry < 0 ? 0 : this.#counts[entry]
  }

  set(reference: string, count: number) {
    const length = this.#encode(reference)
    const hash = this.#hash(length)
    const entry = this.#find(length, hash)
    if (entry >= 0) {
      this.#counts[entry] = count
      return
    }
    if (2 * (this.#size + 1) > this.#slots.length) this.#grow()
    if (this.#size === this.#starts.length) {
      this.#starts = resized(this.#starts, 2 * this.#size)
      this.#lengths = resized(this.#lengths, 2 * this.#size)
      this.#counts = resized(this.#counts, 2 * this.#size)
    }
    if (this.#used + length > this.#bytes.length) {
      const bytes = Buffer.allocUnsafe(Math.max(2 * this.#bytes.length, this.#used + length))
      this.#bytes.copy(bytes, 0, 0, this.#used)
      this.#bytes = bytes
    }
    this.#scratch.copy(this.#bytes, this.#used, 0, length)
    const added = this.#size++
    this.#starts[added] = this.#used
    this.#lengths[added] = length
    this.#counts[added] = count
    this.#used += length
    this.#place(added, hash)
  }

  /** The reference's UTF-16 code units into the scratch buffer (exact for any string); returns the byte count. */
  #encode(reference: string): number {
    const needed = 2 * reference.length
    if (needed > this.#scratch.length) this.#scratch = Buffer.allocUnsafe(2 * needed)
    return this.#scratch.write(reference, 0, 'utf16le')
  }

  /** FNV-1a over the scratch bytes. */
  #hash(length: number): number {
    let hash = 0x811c9dc5
    for (let index = 0; index < length; index++) hash = Math.imul(hash ^ this.#scratch[index], 0x01000193)
    return hash >>> 0
  }

  #find(length: number, hash: number): number {
    const mask = this.#slots.length - 1
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const stored = this.#slots[slot]
      if (stored === 0) return -1
      const entry = stored - 1
      if (this.#lengths[entry] === length && this.#sameBytes(entry, length)) return entry
    }
  }

  #sameBytes(entry: number, length: number): boolean {
    const start = this.#starts[entry]
    for (let index = 0; index < length; index++) if (this.#bytes[start + index] !== this.#scratch[index]) return false
    return true
  }

  #place(entry: number, hash: number) {
    const mask = this.#slots.length - 1
    let slot = hash & mask
    while (this.#slots[slot] !== 0) slot = (slot + 1) & mask
    this.#slots[slot] = entry + 1
  }

  #grow() {
    this.#slots = new Int32Array(2 * this.#slots.length)
    const mask = this.#slots.length - 1
    for (let entry = 0; entry < this.#size; entry++) {
      let hash = 0x811c9dc5
      const start = this.#starts[entry]
      for (let index = 0; index < this.#lengths[entry]; index++)
        hash = Math.imul(hash ^ this.#bytes[start + index], 0x01000193)
      let slot = (hash >>> 0) & mask
      while (this.#slots[slot] !== 0) slot = (slot + 1) & mask
      this.#slots[slot] = entry + 1
    }
  }
}

function resized(array: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(length)
  next.set(array)
  return next
}
