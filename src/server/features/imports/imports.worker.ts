/**
 * The thread that reads an uploaded file for the server (see `imports.reading.ts`): it opens the table, answers with
 * its headers and preview, then sends its rows in batches, one batch each time the server asks for more. Whatever
 * the file does to this thread (memory, time, a parser's bug), the server only loses the thread.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { TableLimits } from '../../files/limits.js'
import { FileRefusedError, type OpenedTable, openTable, type TableRow } from './imports.reader.js'

export interface ReaderInput {
  path: string
  limits: TableLimits
  batchRows: number
}

/**
 * What the server asks: rows from the start of the table (`rows`), the next batch (`more`). Each reading of the rows
 * has its number, repeated in the batches, so that a batch asked for by an abandoned reading is recognised.
 */
export type ReaderRequest = { type: 'rows'; reading: number } | { type: 'more'; reading: number }

export type ReaderMessage =
  | { type: 'opened'; table: Omit<OpenedTable, 'rows' | 'close'> }
  | { type: 'rows'; reading: number; rows: TableRow[]; done: boolean }
  | { type: 'refused'; message: string; limit: FileRefusedError['limit'] }
  | { type: 'failed'; message: string; code?: string; syscall?: string }

function failure(error: unknown): ReaderMessage {
  if (error instanceof FileRefusedError) return { type: 'refused', message: error.message, limit: error.limit }
  const { message, code, syscall } = error as NodeJS.ErrnoException
  return { type: 'failed', message: String(message), code, syscall }
}

async function serve(port: NonNullable<typeof parentPort>, input: ReaderInput) {
  let table: OpenedTable
  try {
    table = await openTable(input.path, { limits: input.limits })
  } catch (error) {
    port.postMessage(failure(error))
    port.close()
    return
  }
  const { format, encoding, separator, headers, headerLine, rowCount, preview } = table
  port.postMessage({
    type: 'opened',
    table: { format, encoding, separator, headers, headerLine, rowCount, preview },
  } satisfies ReaderMessage)
  let rows: AsyncIterator<TableRow> | null = null
  let reading = 0
  // One request at a time: the server asks for the next batch only once it has the previous one.
  let queue = Promise.resolve()
  port.on('message', (request: ReaderRequest) => {
    queue = queue.then(async () => {
      try {
        if (request.type === 'rows') {
          await rows?.return?.()
          rows = table.rows()[Symbol.asyncIterator]()
          reading = request.reading
        }
        if (!rows || request.reading !== reading) return
        const batch: TableRow[] = []
        let done = false
        while (batch.length < input.batchRows) {
          const next = await rows.next()
          if (next.done) {
            done = true
            break
          }
          batch.push(next.value)
        }
        port.postMessage({ type: 'rows', reading, rows: batch, done } satisfies ReaderMessage)
      } catch (error) {
        port.postMessage(failure(error))
      }
    })
  })
}

if (parentPort) void serve(parentPort, workerData as ReaderInput)
