/**
 * Reads an uploaded file for the server in a worker thread (`imports.worker.ts`) with its own small heap
 * (`resourceLimits`) and a time budget: a file that needs more memory or time than allowed ends that worker and is
 * refused, while the server's own thread (health checks, every other request) never parses a byte of it. The table it
 * gives is the reader's own `OpenedTable`: `rows()` asks the worker for batches, one ahead of the one being imported.
 */
import { Worker } from 'node:worker_threads'
import type { TableLimits } from '../../files/limits.js'
import { FileRefusedError, type OpenedTable, type TableRow } from './imports.reader.js'
import type { ReaderInput, ReaderMessage, ReaderRequest } from './imports.worker.js'

export interface ReaderOptions {
  limits: TableLimits
  /** Heap of the worker (V8's old generation), in MB. */
  memoryMb: number
  /** Time the server may wait for the worker: opening the file; then, again, reading its rows. */
  seconds: number
  /** Rows per message (tests make it tiny). */
  batchRows?: number
  /** Shared by the server's readers: how many files are read at once. */
  slots?: ReaderSlots
}

/** Too many files wait to be read already: the caller answers 503, the file is not at fault. */
export class ReadersBusyError extends Error {
  override name = 'ReadersBusyError'
}

/**
 * At most `size` files read at once, each reader taking up to its heap limit: the memory imports may take is bounded
 * by size × IMPORT_READER_MEMORY_MB, however many are sent. Others wait their turn, up to `maxWaiting`.
 */
export class ReaderSlots {
  private active = 0
  private readonly waiting: Array<() => void> = []

  constructor(
    readonly size: number,
    readonly maxWaiting = 20,
  ) {}

  /** Waits for a free slot; gives the function that frees it (safe to call more than once). */
  async acquire(): Promise<() => void> {
    if (this.active < this.size) this.active++
    else {
      if (this.waiting.length >= this.maxWaiting) throw new ReadersBusyError('Too many files are being read')
      // The slot is handed over by the one released: `active` stays as it is.
      await new Promise<void>((resolve) => this.waiting.push(resolve))
    }
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiting.shift()
      if (next) next()
      else this.active--
    }
  }
}

/**
 * The worker: the bundle `npm run build` writes next to the server's (scripts/build-server.mjs), or, run from the
 * sources, this folder's `imports.worker.ts` through tsx (Node 20 does not give workers the loader `--import tsx`
 * gave the main thread, so the worker registers it first).
 */
function startWorker(options: ConstructorParameters<typeof Worker>[1]): Worker {
  const here = import.meta.url
  if (!here.endsWith('.ts')) return new Worker(new URL('./import-worker.mjs', here), options)
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'))
  const entry = JSON.stringify(new URL('./imports.worker.ts', here).href)
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${entry}) })`, {
    ...options,
    eval: true,
  })
}

/** A FileRefusedError for a file the worker was stopped on, or an Error for the machine's trouble. */
function fromMessage(message: Extract<ReaderMessage, { type: 'refused' | 'failed' }>): Error {
  if (message.type === 'refused') return new FileRefusedError(message.message, message.limit)
  const error = new Error(message.message) as NodeJS.ErrnoException
  if (message.code) error.code = message.code
  if (message.syscall) error.syscall = message.syscall
  return error
}

/** The worker's messages, awaited one at a time against the time budget. */
class Channel {
  private readonly messages: ReaderMessage[] = []
  private waiting: { resolve: (message: ReaderMessage) => void; reject: (error: Error) => void } | null = null
  private ended: Error | null = null
  private remainingMs = 0

  constructor(
    private readonly worker: Worker,
    private readonly options: ReaderOptions,
  ) {
    worker.on('message', (message: ReaderMessage) => {
      if (this.waiting) {
        this.waiting.resolve(message)
        this.waiting = null
      } else this.messages.push(message)
    })
    worker.on('error', (error: NodeJS.ErrnoException) => {
      this.end(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new FileRefusedError(
              `Reading this file needs more than the ${options.memoryMb} MB of memory allowed; save it as CSV, or split it`,
              { limit: 'memoryMb', max: options.memoryMb },
            )
          : error,
      )
    })
    worker.on('exit', (code) => this.end(new Error(`the file reader stopped (exit code ${code})`)))
    this.restartClock()
  }

  /** A new budget: for opening the file, then for reading its rows. */
  restartClock() {
    this.remainingMs = this.options.seconds * 1000
  }

  private end(error: Error) {
    this.ended ??= error
    if (this.waiting) {
      this.waiting.reject(this.ended)
      this.waiting = null
    }
  }

  send(request: ReaderRequest) {
    if (!this.ended) this.worker.postMessage(request)
  }

  /** The next message; the time spent waiting for it counts against the budget, and crossing it ends the worker. */
  next(): Promise<ReaderMessage> {
    const queued = this.messages.shift()
    if (queued) return Promise.resolve(queued)
    if (this.ended) return Promise.reject(this.ended)
    const started = performance.now()
    return new Promise<ReaderMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        const seconds = this.options.seconds
        this.end(
          new FileRefusedError(
            `Reading this file takes longer than the ${seconds} s allowed; save it as CSV, or split it`,
            { limit: 'seconds', max: seconds },
          ),
        )
        void this.worker.terminate()
      }, this.remainingMs)
      const settle = () => {
        clearTimeout(timer)
        this.remainingMs = Math.max(0, this.remainingMs - (performance.now() - started))
      }
      this.waiting = {
        resolve: (message) => {
          settle()
          resolve(message)
        },
        reject: (error) => {
          settle()
          reject(error)
        },
      }
    })
  }
}

/** Opens `path` in a worker: refused files throw FileRefusedError (a crossed limit named in `limit`). */
export async function openTableInWorker(path: string, options: ReaderOptions): Promise<OpenedTable> {
  const release = (await options.slots?.acquire()) ?? (() => {})
  let worker: Worker
  try {
    worker = startWorker({
      workerData: { path, limits: options.limits, batchRows: options.batchRows ?? 2000 } satisfies ReaderInput,
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb, stackSizeMb: 4 },
      stdout: true, // a parser's stray console output stays out of the server's log
      stderr: true,
    })
  } catch (error) {
    release()
    throw error
  }
  // The server's shutdown never waits for a reader; whatever a parser might print is dropped.
  worker.unref()
  worker.stdout.resume()
  worker.stderr.resume()
  const close = () =>
    worker.terminate().then(
      () => release(),
      () => release(),
    )
  const channel = new Channel(worker, options)
  let opened: ReaderMessage
  try {
    opened = await channel.next()
  } catch (error) {
    await close()
    throw error
  }
  if (opened.type !== 'opened') {
    await close()
    throw opened.type === 'rows' ? new Error('the file reader answered out of turn') : fromMessage(opened)
  }
  let closed = false
  let readings = 0
  return {
    ...opened.table,
    async *rows(): AsyncGenerator<TableRow> {
      if (closed) throw new Error('the table is closed')
      const reading = ++readings
      channel.restartClock()
      channel.send({ type: 'rows', reading })
      for (;;) {
        const message = await channel.next()
        if (message.type === 'opened') throw new Error('the file reader answered out of turn')
        if (message.type !== 'rows') throw fromMessage(message)
        if (message.reading !== reading) continue // a batch an earlier, abandoned reading asked for
        // The next batch is read while this one is imported.
        if (!message.done) channel.send({ type: 'more', reading })
        yield* message.rows
        if (message.done) return
      }
    },
    close: async () => {
      closed = true
      await close()
    },
  }
}
