/**
 * Uploaded files waiting to be imported: a private folder under the data directory (0700, each file 0600), each
 * upload bound to the user who sent it and, when known, to the organisation it is for. An upload lives from its
 * preview until it is imported, refused or abandoned: `remove` after use, `sweep` for the abandoned ones (at start,
 * those of server processes that are gone; then periodically, those older than the configured hours).
 *
 * Each upload is two files: `<id>` (the bytes) and `<id>.json` (owner, name, process, time), the latter written
 * first, so that a file without its description is a leftover, never one being received.
 */
import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'

export interface UploadOwner {
  userId: string
  /** The organisation the file is for, when the preview named it (or the user imports for one only). */
  organizationId: string | null
}

export interface Upload {
  id: string
  path: string
  fileName: string
  owner: UploadOwner
}

interface Description {
  owner: UploadOwner
  fileName: string
  pid: number
  createdAt: number
}

/** The file was larger than allowed: what was received is already deleted. */
export class UploadTooLargeError extends Error {
  override name = 'UploadTooLargeError'
  constructor(readonly maxBytes: number) {
    super(`The file is larger than the ${Math.round(maxBytes / (1024 * 1024))} MB accepted`)
  }
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
/** A data file without its description, older than this, is a leftover of a crash. */
const ORPHAN_MS = 60_000

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export class UploadStore {
  readonly folder: string
  /** Uploads this store received and has not removed: removed when the server closes. */
  private readonly own = new Set<string>()
  /** Uploads being imported: never swept. */
  private readonly inUse = new Set<string>()

  constructor(
    dataDir: string,
    private readonly options: { maxBytes: number; maxAgeMs: number },
  ) {
    this.folder = join(dataDir, 'uploads')
  }

  /** Creates the folder (or takes back its mode) and sweeps what earlier server processes left behind. */
  async prepare(): Promise<void> {
    await mkdir(this.folder, { recursive: true, mode: 0o700 })
    await chmod(this.folder, 0o700)
    await this.sweep({ deadProcesses: true })
  }

  private pathOf(id: string) {
    return join(this.folder, id)
  }

  /**
   * Writes a file being received to the folder. Over `maxBytes` (the stream says so by `truncated`, or fails with
   * FST_REQ_FILE_TOO_LARGE) it throws UploadTooLargeError; any failure (a client that went away) rethrows; either
   * way what was received is deleted first.
   */
  async receive(
    stream: NodeJS.ReadableStream & { truncated?: boolean },
    fileName: string,
    owner: UploadOwner,
  ): Promise<Upload> {
    const id = randomUUID()
    const path = this.pathOf(id)
    const description: Description = { owner, fileName, pid: process.pid, createdAt: Date.now() }
    this.own.add(id)
    try {
      await writeFile(`${path}.json`, JSON.stringify(description), { flag: 'wx', mode: 0o600 })
      await pipeline(stream, createWriteStream(path, { flags: 'wx', mode: 0o600 }))
      if (stream.truncated) throw new UploadTooLargeError(this.options.maxBytes)
    } catch (error) {
      await this.remove(id)
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
        throw new UploadTooLargeError(this.options.maxBytes)
      }
      throw error
    }
    return { id, path, fileName, owner }
  }

  /**
   * The upload `id`, if `owner` may use it: the same user, and the same organisation when the upload is bound to one.
   * Anything else (unknown, someone else's, another organisation's, already removed) is null: the caller answers 404.
   */
  async find(id: string, owner: UploadOwner): Promise<Upload | null> {
    if (!ID.test(id)) return null
    let description: Description
    try {
      description = JSON.parse(await readFile(`${this.pathOf(id)}.json`, 'utf8')) as Description
      await stat(this.pathOf(id))
    } catch {
      return null
    }
    if (description.owner.userId !== owner.userId) return null
    if (description.owner.organizationId && description.owner.organizationId !== owner.organizationId) return null
    return { id, path: this.pathOf(id), fileName: description.fileName, owner: description.owner }
  }

  /** Binds an upload this store received to the organisation it is for (from then on `find` checks it). */
  async bind(id: string, organizationId: string): Promise<void> {
    if (!this.own.has(id)) return
    const path = `${this.pathOf(id)}.json`
    const description = JSON.parse(await readFile(path, 'utf8')) as Description
    description.owner = { ...description.owner, organizationId }
    await writeFile(path, JSON.stringify(description), { mode: 0o600 })
  }

  /** Marks an upload as being imported (the sweep leaves it alone) until `remove`. */
  claim(id: string): void {
    this.inUse.add(id)
  }

  async remove(id: string): Promise<void> {
    this.inUse.delete(id)
    this.own.delete(id)
    await rm(this.pathOf(id), { force: true })
    await rm(`${this.pathOf(id)}.json`, { force: true })
  }

  /**
   * Deletes abandoned uploads: those older than the configured age, those whose description is gone, and with
   * `deadProcesses` (at start) those received by a server process that no longer runs. Uploads in use are kept.
   */
  async sweep(options: { deadProcesses?: boolean } = {}): Promise<number> {
    let names: string[]
    try {
      names = await readdir(this.folder)
    } catch {
      return 0
    }
    const present = new Set(names)
    const now = Date.now()
    let removed = 0
    for (const name of names) {
      const id = name.endsWith('.json') ? name.slice(0, -5) : name
      if (name.endsWith('.json') && present.has(id)) continue // seen with its data file
      if (this.inUse.has(id)) continue
      let stale = false
      try {
        const description = JSON.parse(await readFile(join(this.folder, `${id}.json`), 'utf8')) as Description
        stale =
          now - description.createdAt > this.options.maxAgeMs ||
          (options.deadProcesses === true && description.pid !== process.pid && !isAlive(description.pid))
      } catch {
        // No (readable) description: a leftover, unless it is being written right now.
        const info = await stat(join(this.folder, name)).catch(() => null)
        stale = !info || now - info.mtimeMs > ORPHAN_MS
      }
      if (stale) {
        await rm(join(this.folder, id), { force: true, recursive: true })
        await rm(join(this.folder, `${id}.json`), { force: true })
        removed++
      }
    }
    return removed
  }

  /** Deletes every upload this store received and still holds (the server is closing: none can be imported now). */
  async removeOwn(): Promise<void> {
    for (const id of [...this.own]) await this.remove(id)
  }
}
