import { CompiledQuery } from 'kysely'
import { type Db, inTransaction } from './database.js'

/**
 * Group commit for SQLite's busiest transactions (claims and outcomes). SQLite serialises writers on one
 * connection, and each COMMIT writes the transaction's pages to the WAL (and now and then checkpoints with an fsync):
 * with many callers at once the commits, not the statements, were most of the time. Transactions that arrive while
 * another batch runs wait, then run one after the other inside ONE database transaction, each in its own savepoint:
 * a work that throws is rolled back to its savepoint alone and rejected; the others resolve only once the shared
 * COMMIT has succeeded, so nobody is answered before their change is committed. A failed COMMIT rejects them all.
 *
 * PostgreSQL (one connection per transaction, its own group commit) and a handle already inside a transaction go
 * through `inTransaction` unchanged. Inside `work` use the handle it receives, never `db` (as with inTransaction).
 */
export function inGroupedTransaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  if (db.engine !== 'sqlite' || db.isTransaction) return inTransaction(db, work)
  let queue = queues.get(db)
  if (!queue) {
    queue = { pending: [], isRunning: false }
    queues.set(db, queue)
  }
  const target = queue
  return new Promise<T>((resolve, reject) => {
    target.pending.push({ work, resolve: resolve as (value: unknown) => void, reject })
    if (!target.isRunning) void runBatches(db, target)
  })
}

/** At most this many works share one commit, so that a batch's last work does not wait too long. */
const BATCH_LIMIT = 64

interface Pending {
  work: (tx: Db) => Promise<unknown>
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

const queues = new WeakMap<Db, { pending: Pending[]; isRunning: boolean }>()

async function runBatches(db: Db, queue: { pending: Pending[]; isRunning: boolean }) {
  queue.isRunning = true
  try {
    while (queue.pending.length > 0) {
      // A transaction runs within one turn of the event loop (its awaits are microtasks): let the requests that
      // are ready reach the queue first, or every batch would hold one work.
      await new Promise((resolve) => setImmediate(resolve))
      const batch = queue.pending.splice(0, BATCH_LIMIT)
      await runBatch(db, batch)
    }
  } finally {
    queue.isRunning = false
  }
}

const SAVEPOINT = CompiledQuery.raw('savepoint grouped_work')
const RELEASE = CompiledQuery.raw('release grouped_work')
const ROLLBACK_TO = CompiledQuery.raw('rollback to grouped_work')

/** Runs one batch: each work resolves after the shared commit, or rejects. */
async function runBatch(db: Db, batch: Pending[]): Promise<void> {
  if (batch.length === 1) {
    const [only] = batch
    await inTransaction(db, only.work).then(only.resolve, only.reject)
    return
  }
  let transaction: Awaited<ReturnType<ReturnType<Db['startTransaction']>['execute']>>
  try {
    transaction = await db.startTransaction().execute()
  } catch (error) {
    for (const pending of batch) pending.reject(error)
    return
  }
  const tx = Object.assign(transaction, { engine: db.engine }) as unknown as Db
  const succeeded: { pending: Pending; value: unknown }[] = []
  for (const [index, pending] of batch.entries()) {
    try {
      await tx.executeQuery(SAVEPOINT)
    } catch (error) {
      return abandon(transaction, succeeded, error, batch.slice(index))
    }
    try {
      const value = await pending.work(tx)
      await tx.executeQuery(RELEASE)
      succeeded.push({ pending, value })
    } catch (error) {
      try {
        await tx.executeQuery(ROLLBACK_TO)
        await tx.executeQuery(RELEASE)
      } catch (rollbackError) {
        // SQLite rolled the whole transaction back itself (disk full, I/O error): everything in it is lost.
        pending.reject(error)
        return abandon(transaction, succeeded, rollbackError, batch.slice(index + 1))
      }
      pending.reject(error)
    }
  }
  try {
    await transaction.commit().execute()
  } catch (error) {
    await transaction
      .rollback()
      .execute()
      .catch(() => {})
    for (const { pending } of succeeded) pending.reject(error)
    return
  }
  for (const { pending, value } of succeeded) pending.resolve(value)
}

/** The transaction broke (disk full, I/O error): what it held is lost, and the works still waiting fail too. */
async function abandon(
  transaction: { rollback(): { execute(): Promise<void> } },
  succeeded: { pending: Pending }[],
  error: unknown,
  notRun: Pending[],
) {
  await transaction
    .rollback()
    .execute()
    .catch(() => {})
  for (const { pending } of succeeded) pending.reject(error)
  for (const pending of notRun) pending.reject(error)
}
